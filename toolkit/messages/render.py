"""Rendering messages as a pure function: rows in, an outbox and findings out. No files here.

Every input row gets one serial and one rendered text; the text goes to each recipient the
job names (a branch salesperson and a dispatcher, say). A message over its budget or a
recipient without a valid mobile number is a finding, never a line in the outbox.

Phones the template masks (`{{ shipper_phone|mask_phone }}`) stay masked for a recipient with
`mask` (the default: a third party such as a customer or a carrier); a recipient without it
(the team's own salesperson or dispatcher, who must call the shipper) gets the same template
with the numbers whole. The recipient's own number in the outbox is never masked: the
platform needs it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl
from jinja2.filters import do_default

from toolkit.display import Card, cards, findings_for_people, format_value, table, word
from toolkit.fields import ROW
from toolkit.i18n import ZH, Text
from toolkit.io import cells
from toolkit.messages.length import (
    CN_MAX,
    CN_PART,
    CN_SINGLE,
    UCS2_PART,
    UCS2_SINGLE,
    Counting,
    cn_length_expr,
    sms_length,
)
from toolkit.rules import FINDING_SCHEMA, findings
from toolkit.templating.compile import render_all
from toolkit.templating.environment import MessageTemplate
from toolkit.templating.filters import truncate_chars

SMS_SEVERITY = {"error": Text("无法发送", "not sent"), "warning": Text("需注意", "check")}
"""What a finding's severity means for a message (not an order's 拒收 / 需致电)."""

MESSAGES = {
    "over_budget": Text("短信{parts}条，超过预算{max_parts}条", "{parts} SMS parts, over the budget of {max_parts}"),
    "too_long": Text("短信超过500字，平台无法发送", "longer than 500 characters: the platform will not send it"),
    "invalid_recipient_phone": Text("{role}手机号无效，无法发送短信", "{role} has no valid mobile number"),
}


@dataclass(frozen=True)
class Recipient:
    role: str  # how the outbox names the recipient when there is no name column: 调度, 业务员
    phone: str  # the column with the phone number
    name: str | None = None  # the column with the recipient's name
    mask: bool = True  # phones the template masks stay masked; False: the team's own staff see them whole


@dataclass(frozen=True)
class SmsRules:
    counting: Counting = "cn"
    signature: str = ""
    max_parts: int = 1
    shorten: tuple[str, ...] = ()  # fields that may be cut (in this order) to fit the budget


def _fits(text: str, sms: SmsRules) -> bool:
    return sms_length(text, sms.counting, sms.signature).parts <= sms.max_parts


def shorten_to_fit(template: MessageTemplate, row: dict[str, object], sms: SmsRules) -> tuple[str, str | None]:
    """Cut the fields the template allows, one after the other, until the message fits.

    Returns the text and a record of what was cut (`goods_name 12→5`), or the text unchanged
    and None when it fits already or cannot be made to fit.
    """
    text = template.render(row)
    if _fits(text, sms) or not sms.shorten:
        return text, None
    row, cuts = dict(row), []
    for name in sms.shorten:
        value = "" if row.get(name) is None else str(row[name])
        original = len(value)
        while not _fits(text, sms) and len(value) > 2:
            excess = sms_length(text, sms.counting, sms.signature).characters - _budget(sms)
            value = truncate_chars(value, max(len(value) - max(excess, 1), 2))
            row[name] = value
            text = template.render(row)
        if len(value) < original:
            cuts.append(f"{name} {original}→{len(value)}")
        if _fits(text, sms):
            return text, ", ".join(cuts)
    return text, None


def _budget(sms: SmsRules) -> int:
    """Characters (or units) that fit `max_parts`, for a first guess at how much to cut."""
    single, part = (CN_SINGLE, CN_PART) if sms.counting == "cn" else (UCS2_SINGLE, UCS2_PART)
    return single if sms.max_parts == 1 else part * sms.max_parts


def whole_phones(template: MessageTemplate) -> MessageTemplate:
    """The same template with `mask_phone` printing the number as the column has it, for the
    recipients who must call it. The filter becomes Jinja's `default` without arguments (the
    value itself), which the template compiler renders for all rows at once, as it does
    `mask_phone`; the environment is a copy, so the masked template is untouched."""
    env = template.env.overlay(cache_size=0)  # no shared cache: a cached template keeps its own filters
    env.filters = {**template.env.filters, "mask_phone": do_default}
    return MessageTemplate(template.path, env, template.text)


@dataclass
class RenderResult:
    messages: pl.DataFrame  # one row per input row: serial, content, chars, encoding, parts
    outbox: pl.DataFrame  # one row per message and recipient, ready for bulk upload
    findings: pl.DataFrame
    locale: str = ZH
    counts: dict[str, int] = field(default_factory=dict)
    unmasked_roles: frozenset[str] = frozenset()  # roles whose texts show phones whole (the team's own staff)

    def add_findings(self, findings: pl.DataFrame) -> None:
        """Findings found after rendering (platform variable checks, say), in row order."""
        self.findings = pl.concat([self.findings, findings.cast(FINDING_SCHEMA)]).sort("row", "rule")  # type: ignore[arg-type]
        self.counts["findings"] = self.findings.height

    def _repr_html_(self, first: int = 5) -> str:
        """The counts as cards, the first messages and the first findings, in Jupyter."""
        locale, counts = self.locale, self.counts
        keys = ("rows_in", "rendered", "outbox", "over_budget")
        summary = cards(
            Card(
                word(k, locale),
                format_value(counts.get(k, 0), "int"),
                breach=k == "over_budget" and counts.get(k, 0) > 0,
            )
            for k in keys
        )
        columns = [c for c in ("role", "recipient", "phone", "content", "chars", "parts") if c in self.outbox.columns]
        previews = table(
            self.outbox.select(columns), locale, max_rows=first, caption=word("previews", locale)
        ).to_html()
        findings = ""
        if self.findings.height:
            findings = table(
                findings_for_people(self.findings.head(10), locale, SMS_SEVERITY),
                locale,
                max_rows=10,
                caption=word("first_findings", locale, n=10),
            ).to_html()
        return f"<div><h3>{html.escape(word('messages', locale))}</h3>{summary}{previews}{findings}</div>"


def render_contents(template: MessageTemplate, frame: pl.DataFrame) -> pl.Series:
    """The text of every row: one polars expression when the template compiles, Jinja per row
    otherwise (and for the rows the expression cannot render exactly)."""
    return render_all(template, frame).alias("content")


def measure(contents: pl.Series, sms: SmsRules) -> pl.DataFrame:
    """chars, encoding and parts of every text, as the gateway bills it."""
    if sms.counting == "cn":
        characters, parts = cn_length_expr(pl.col("content"), sms.signature)
        return contents.to_frame().select(chars=characters, encoding=pl.lit("cn"), parts=parts)
    lengths = [sms_length(text, "gsm", sms.signature) for text in contents]
    return pl.DataFrame(
        {
            "chars": [x.characters for x in lengths],
            "encoding": [x.encoding for x in lengths],
            "parts": [x.parts for x in lengths],
        },
        schema={"chars": pl.Int64, "encoding": pl.String, "parts": pl.Int64},
    )


def _refused(frame: pl.DataFrame, column: str, value: pl.Expr, rule: str, message: str | pl.Expr) -> pl.DataFrame:
    """A finding for every row of `frame`: a message or recipient that is not sent."""
    return findings(
        frame, record_id=pl.col("serial"), column=column, value=value, rule=rule, severity="error", message=message
    )


def _shortened(messages: pl.DataFrame, rows: pl.DataFrame, template: MessageTemplate, sms: SmsRules) -> pl.DataFrame:
    """Over-budget messages re-rendered with their shortenable fields cut (a few rows, in
    Python); the `shortened` column records what was cut."""
    messages = messages.with_columns(shortened=pl.lit(None, pl.String))
    over = messages.filter(pl.col("parts") > sms.max_parts)
    if over.is_empty() or not sms.shorten:
        return messages
    fixed = []
    for row in rows.filter(pl.col(ROW).is_in(over[ROW].implode())).iter_rows(named=True):
        text, cuts = shorten_to_fit(template, row, sms)
        if cuts is not None:
            fixed.append({ROW: row[ROW], "content": text, "shortened": cuts})
    if not fixed:
        return messages
    redone = pl.DataFrame(fixed, schema={ROW: messages.schema[ROW], "content": pl.String, "shortened": pl.String})
    redone = pl.concat([redone, measure(redone["content"], sms)], how="horizontal")
    return messages.update(redone, on=ROW)


def _largest(columns: list[pl.Series]) -> pl.Series:
    """Row by row, the largest of the variants' figures."""
    if len(columns) == 1:
        return columns[0]
    return pl.DataFrame({str(i): c for i, c in enumerate(columns)}).select(pl.max_horizontal(pl.all())).to_series()


def _variant(rows: pl.DataFrame, template: MessageTemplate, sms: SmsRules) -> pl.DataFrame:
    """serial, content, chars, encoding, parts and shortened of every row, for one template."""
    contents = render_contents(template, rows)
    messages = pl.concat([rows.select(ROW, "serial"), contents.to_frame(), measure(contents, sms)], how="horizontal")
    return _shortened(messages, rows, template, sms)


def render_messages(
    frame: pl.DataFrame,
    template: MessageTemplate,
    *,
    serials: Sequence[str],
    recipients: Sequence[Recipient],
    sms: SmsRules,
    locale: str = ZH,
) -> RenderResult:
    """Render `frame` (which has `_row`) with one serial per row and address each recipient.

    The text is rendered once for the masked recipients and once for the others (only the
    variants the recipients need). A row is over budget when any of its texts is; `messages`
    holds the masked text when some recipient gets it, else the whole one.
    """
    rows = frame.with_columns(serial=pl.Series(list(serials), dtype=pl.String))
    template.check_columns(rows.columns)
    masks = list(dict.fromkeys(r.mask for r in recipients)) or [True]
    variants = {mask: _variant(rows, template if mask else whole_phones(template), sms) for mask in masks}
    messages = variants[True] if True in variants else variants[False]
    parts, chars = (_largest([v[name] for v in variants.values()]) for name in ("parts", "chars"))
    fits = (parts <= sms.max_parts).to_frame("fits")

    over = messages.with_columns(parts=parts).filter(pl.col("parts") > sms.max_parts)
    too_long = messages.filter(chars > CN_MAX) if sms.counting == "cn" else messages.clear()
    over_budget = [MESSAGES["over_budget"].format(locale, parts=n, max_parts=sms.max_parts) for n in over["parts"]]
    refused = [
        _refused(over, "content", pl.col("content"), "over_budget", pl.lit(pl.Series(over_budget, dtype=pl.String))),
        _refused(too_long, "content", pl.col("content"), "too_long", MESSAGES["too_long"].get(locale)),
    ]
    sendable = {
        mask: variant.filter(fits["fits"]).join(rows.drop("serial"), on=ROW, how="left")
        for mask, variant in variants.items()
    }

    addressed = []
    for recipient in recipients:
        phone = cells.parse_phone(pl.col(recipient.phone).cast(pl.String))
        to = sendable[recipient.mask].with_columns(
            role=pl.lit(recipient.role),
            recipient=pl.col(recipient.name).cast(pl.String) if recipient.name else pl.lit(recipient.role),
            phone=phone,
            phone_raw=pl.col(recipient.phone).cast(pl.String),
        )
        valid = cells.phone_kind(pl.col("phone")) == "mobile"
        message = MESSAGES["invalid_recipient_phone"].format(locale, role=recipient.role)
        unreachable = to.filter(~valid.fill_null(False))
        refused.append(
            _refused(
                unreachable, recipient.phone, pl.col("phone_raw").fill_null(""), "invalid_recipient_phone", message
            )
        )
        addressed.append(to.filter(valid.fill_null(False)))
    outbox_columns = ["role", "recipient", "phone", "content", "chars", "encoding", "parts", "serial", ROW, "shortened"]
    outbox = (
        pl.concat([a.select(outbox_columns) for a in addressed]).sort(ROW, "role")
        if addressed
        else pl.DataFrame(schema=dict.fromkeys(outbox_columns, pl.String))
    ).rename({ROW: "source_row"})
    all_findings = pl.concat(refused).sort("row", "rule")
    return RenderResult(
        messages=messages,
        outbox=outbox,
        findings=all_findings,
        locale=locale,
        counts={
            "rows_in": frame.height,
            "rendered": messages.height,
            "over_budget": over.height,
            "outbox": outbox.height,
            "findings": all_findings.height,
        },
        unmasked_roles=unmasked_roles(recipients),
    )


def unmasked_roles(recipients: Sequence[Recipient]) -> frozenset[str]:
    """The roles whose texts show phones whole; a role also named for a masked recipient stays masked."""
    masked = {r.role for r in recipients if r.mask}
    return frozenset(r.role for r in recipients if not r.mask and r.role not in masked)
