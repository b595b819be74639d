"""The SMS platforms' rules (短信合规), checked at render time, before anything is uploaded.

Chinese platforms (Aliyun, Tencent Cloud) and the carriers behind them refuse or block messages
that break their rules, and a team otherwise learns it only after the upload. Each rule is
declared once below, like the order checks (`toolkit.orders.checks`): its id, severity, message
and fix (Chinese and English), and the function finding the rows or lines that break it.

Two kinds of rule:

- `refuse` rules look at a row's text, the job's signature and the platform variables: a row
  that breaks an error rule is refused (its lines leave the outbox and the upload files), one
  that breaks a warning rule is sent with a finding;
- `hold` rules look at each outbox line's send time and recipient: a held line is not sent now
  (neither in the outbox nor in the upload files), listed on the page with why, and counted.

The per-number daily cap counts across the day's runs: what each run sends is recorded, under
a lock, in the state folder's outbox history (`reserve_daily`, `outbox_history`), each distinct
message once a day, so that a re-run of the same day charges nothing twice while a later run's
new messages add up (`outbox_history.message_ids`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import model_validator

from toolkit.config.models import Strict
from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.i18n import Text
from toolkit.io.state import exclusive
from toolkit.messages.outbox_history import LOCK_FILE, message_ids, read_history, write_history
from toolkit.rules import FINDING_SCHEMA, Severity, findings

SmsType = Literal["notification", "marketing"]
Stage = Literal["refuse", "hold"]
UNSUBSCRIBE = "拒收请回复R"

SIGNATURE_LIMITS = (2, 12)
SIGNATURE_ADVISED = (3, 8)  # the stricter carrier rule announced for 2025

LINK = r"(?i)(https?://|www\.|\b[a-z0-9-]+\.(com|cn|net|org|top|xyz|vip|cc|io|me|info|site|shop|link)\b)"
PHONE = r"(^|[^0-9])(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8}|[48]00-?[0-9]{3}-?[0-9]{4})([^0-9]|$)"
"""A whole mobile, a landline with its area code, a 400/800 number; a masked 138****3212 is none."""


class PlatformRules(Strict):
    """What one platform allows (the defaults: Aliyun's and Tencent Cloud's published rules)."""

    unsubscribe: str = UNSUBSCRIBE  # the text a marketing message must end with
    marketing_variables: bool = False  # marketing templates may carry variables
    links_in_variables: bool = False
    phones_in_variables: bool = True  # Aliyun and Tencent take a phone as a typed variable


class SendingHours(Strict):
    start: time = time(8, 0)
    end: time = time(20, 0)

    @model_validator(mode="after")
    def _ordered(self) -> SendingHours:
        if self.start >= self.end:
            raise ValueError(f"sending_hours: start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        return self


@dataclass(frozen=True)
class Policy:
    """The rules one job's messages are checked against, for one platform."""

    type: SmsType = "notification"
    signature: str = ""  # bare, without 【】
    rules: PlatformRules = field(default_factory=PlatformRules)
    platform: str = ""  # the platform whose rules these are (aliyun, tencent), or "" without one
    variables: tuple[str, ...] = ()  # the template's (or the platform template's) variables
    sending_hours: SendingHours = field(default_factory=SendingHours)
    daily_cap: int | None = 50  # per signature + template + number a day; None: no cap
    template_id: str = ""  # the registered template (SMS_123) or the template file, for the cap

    def values(self) -> dict[str, object]:
        """What the messages and fixes may name."""
        hours = self.sending_hours
        return {
            "unsubscribe": self.rules.unsubscribe,
            "signature": self.signature,
            "length": len(self.signature),
            "start": f"{hours.start:%H:%M}",
            "end": f"{hours.end:%H:%M}",
            "cap": self.daily_cap,
            "platform": self.platform or "—",
            "variables": ", ".join(self.variables),
            "value": "{value}",  # filled in per row (`_finding_rows`)
        }


Find = Callable[[pl.DataFrame, Policy], pl.DataFrame]
"""A rule's logic: the rows (or lines) of the frame that break it, with `column` and `value`."""


@dataclass(frozen=True)
class SmsRule:
    id: str
    severity: Severity
    message: Text
    fix: Text
    find: Find
    stage: Stage = "refuse"

    def text(self, locale: str, policy: Policy) -> str:
        """The finding's message: what is wrong, then how to fix it."""
        values = policy.values()
        said = Text(
            f"{self.message.zh}。处理：{self.fix.zh}", f"{self.message.en}. Fix: {self.fix.en}"
        )  # one Text, so that a value in either part is filled in alike
        return said.format(locale, **values)


RULES: dict[str, SmsRule] = {}
"""Every SMS rule by id, in the order a row's findings are listed."""


def sms_rule(
    id: str, severity: Severity, message: Text, fix: Text, *, stage: Stage = "refuse"
) -> Callable[[Find], SmsRule]:
    """Declare the function under it as the rule `id` (and replace it by the rule)."""

    def register(find: Find) -> SmsRule:
        if id in RULES:
            raise ValueError(f"SMS rule {id!r} is declared twice")
        RULES[id] = SmsRule(id, severity, message, fix, find, stage)
        return RULES[id]

    return register


def _failed(frame: pl.DataFrame, failed: pl.Expr, column: str, value: pl.Expr) -> pl.DataFrame:
    return frame.filter(failed.fill_null(False)).with_columns(column=pl.lit(column), value=value.cast(pl.String))


def _none(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.clear().with_columns(column=pl.lit(None, pl.String), value=pl.lit(None, pl.String))


# --- the text ---------------------------------------------------------------------------------


@sms_rule(
    "unsubscribe_missing",
    "error",
    Text("营销短信须以「{unsubscribe}」结尾", "a marketing message must end with “{unsubscribe}”"),
    Text("在模板末尾加上「{unsubscribe}」", "end the template with “{unsubscribe}”"),
)
def unsubscribe_missing(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    if policy.type != "marketing":
        return _none(messages)
    ends = pl.col("content").str.strip_chars().str.ends_with(policy.rules.unsubscribe)
    return _failed(messages, ~ends, "content", pl.col("content").str.slice(-20))


@sms_rule(
    "unsubscribe_in_notification",
    "error",
    Text("通知短信不能含退订语「{unsubscribe}」", "a notification must not carry the opt-out “{unsubscribe}”"),
    Text(
        "删去退订语；如确为营销内容，将 sms.type 设为 marketing",
        "remove it; if the message is marketing, set sms.type: marketing",
    ),
)
def unsubscribe_in_notification(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    if policy.type != "notification":
        return _none(messages)
    has = pl.col("content").str.contains(policy.rules.unsubscribe, literal=True)
    return _failed(messages, has, "content", pl.col("content"))


@sms_rule(
    "marketing_variables",
    "error",
    Text(
        "{platform}的营销短信模板不能含变量（{variables}）",
        "{platform} takes no variables in marketing templates ({variables})",
    ),
    Text(
        "营销短信改用固定文字的模板，或按平台规则改为通知短信",
        "use a marketing template of fixed text, or send it as a notification where the rules allow",
    ),
)
def marketing_variables(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    if policy.type != "marketing" or policy.rules.marketing_variables or not policy.variables:
        return _none(messages)
    return _failed(messages, pl.lit(True), "content", pl.lit(", ".join(policy.variables)))


@sms_rule(
    "bracket_in_body",
    "error",
    Text("正文含【】（签名由平台添加）", "the body holds 【】 (the platform adds the signature)"),
    Text("删去正文中的【】，签名写在 sms.signature", "remove 【】 from the text; the signature goes in sms.signature"),
)
def bracket_in_body(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    return _failed(messages, pl.col("content").str.contains("[【】]"), "content", pl.col("content"))


@sms_rule(
    "signature_length",
    "error",
    Text(
        "签名「{signature}」{length}个字，须为2–12个字", "the signature “{signature}” has {length} characters, not 2–12"
    ),
    Text("改用2–12个字的已报备签名", "use a registered signature of 2–12 characters"),
)
def signature_length(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    low, high = SIGNATURE_LIMITS
    outside = bool(policy.signature) and not low <= len(policy.signature) <= high
    return _failed(messages, pl.lit(outside), "signature", pl.lit(policy.signature))


@sms_rule(
    "signature_advised_length",
    "warning",
    Text(
        "签名「{signature}」{length}个字，运营商2025年起要求3–8个字",
        "the signature “{signature}” has {length} characters; carriers ask for 3–8 from 2025",
    ),
    Text("尽早报备3–8个字的签名", "register a signature of 3–8 characters in time"),
)
def signature_advised_length(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    (low, high), (advised_low, advised_high) = SIGNATURE_LIMITS, SIGNATURE_ADVISED
    length = len(policy.signature)
    outside = bool(policy.signature) and low <= length <= high and not advised_low <= length <= advised_high
    return _failed(messages, pl.lit(outside), "signature", pl.lit(policy.signature))


def _in_variables(messages: pl.DataFrame, policy: Policy, pattern: str) -> pl.DataFrame:
    """The rows whose first platform variable matching `pattern` is named with its value."""
    names = [n for n in policy.variables if f"var:{n}" in messages.columns]
    if not names:
        return _none(messages)
    hit = [pl.col(f"var:{n}").str.contains(pattern).fill_null(False) for n in names]
    column = pl.coalesce([pl.when(h).then(pl.lit(n)) for h, n in zip(hit, names, strict=True)])
    value = pl.coalesce([pl.when(h).then(pl.col(f"var:{n}")) for h, n in zip(hit, names, strict=True)])
    return messages.filter(pl.any_horizontal(hit)).with_columns(column=column, value=value)


@sms_rule(
    "link_in_variable",
    "error",
    Text("{platform}不允许变量中含链接", "{platform} takes no links in variables"),
    Text(
        "把链接写进报备的模板正文，变量中不放链接", "put the link in the registered template's text, not in a variable"
    ),
)
def link_in_variable(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    return _none(messages) if policy.rules.links_in_variables else _in_variables(messages, policy, LINK)


@sms_rule(
    "phone_in_variable",
    "error",
    Text("{platform}不允许变量中含电话号码", "{platform} takes no phone numbers in variables"),
    Text(
        "号码用 mask_phone 隐藏，或写进报备的模板正文",
        "mask the number (mask_phone) or put it in the registered template's text",
    ),
)
def phone_in_variable(messages: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    return _none(messages) if policy.rules.phones_in_variables else _in_variables(messages, policy, PHONE)


# --- when and how often (held, not refused) ----------------------------------------------------


@sms_rule(
    "outside_sending_hours",
    "warning",
    Text(
        "营销短信只能在{start}–{end}发送，发送时间为{value}",
        "marketing is sent only {start}–{end}; this one is due at {value}",
    ),
    Text(
        "已暂缓：在{start}–{end}内重新运行，或设 send_at 为时段内的时间",
        "held: run again within {start}–{end}, or set send_at within the hours",
    ),
    stage="hold",
)
def outside_sending_hours(lines: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    if policy.type != "marketing":
        return _none(lines)
    at = pl.col("send_at").dt.time()
    hours = policy.sending_hours
    outside = (at < hours.start) | (at >= hours.end)
    return _failed(lines, outside, "send_at", pl.col("send_at").dt.strftime("%Y-%m-%d %H:%M"))


@sms_rule(
    "daily_cap",
    "warning",
    Text(
        "该号码今日已达{cap}条上限（同一签名、模板、号码每日）",
        "this number has had its {cap} messages today (per signature, template and number)",
    ),
    Text(
        "已暂缓：明日再发，或向平台申请提高上限并调整 sms.daily_cap",
        "held: send it tomorrow, or have the platform raise the limit and set sms.daily_cap",
    ),
    stage="hold",
)
def daily_cap(lines: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """`lines` carry `sent_before` (today's count for their key from the earlier runs, less the
    lines of this run they already counted, which come first: `reserve_daily`); a line is over
    the cap when it and the lines before it in this run pass the cap."""
    if policy.daily_cap is None:
        return _none(lines)
    nth = pl.col("sent_before") + pl.int_range(1, pl.len() + 1).over("cap_key")
    return _failed(lines, nth > policy.daily_cap, "phone", pl.col("phone"))


# --- running the rules -------------------------------------------------------------------------


def _finding_rows(failed: pl.DataFrame, rule: SmsRule, locale: str, policy: Policy) -> pl.DataFrame:
    message = rule.text(locale, policy)
    message_expr: str | pl.Expr = message
    if "{value}" in message:  # a per-row value in the message
        pieces: list[pl.Expr] = []
        for i, piece in enumerate(message.split("{value}")):
            pieces += [pl.col("value").fill_null("")] if i else []
            pieces.append(pl.lit(piece))
        message_expr = pl.concat_str(pieces)
    return findings(
        failed,
        record_id=pl.col("serial"),
        column=pl.col("column"),
        value=pl.col("value").fill_null(""),
        rule=rule.id,
        severity=rule.severity,
        message=message_expr,
    )


def _unique(found: list[pl.DataFrame]) -> pl.DataFrame:
    if not found:
        return pl.DataFrame(schema=FINDING_SCHEMA)
    return pl.concat(found).unique(["row", "rule", "column"], maintain_order=True).sort("row", maintain_order=True)


def text_findings(messages: pl.DataFrame, policies: list[Policy], locale: str) -> pl.DataFrame:
    """The findings of the `refuse` rules: `messages` has `_row`, `serial`, `content` and the
    platform variables as `var:<name>`; each policy is one platform's (a rule broken on two
    platforms is one finding)."""
    found = [
        _finding_rows(rule.find(messages, policy), rule, locale, policy)
        for policy in policies
        for rule in RULES.values()
        if rule.stage == "refuse"
    ]
    return _unique(found)


def hours_held(lines: pl.DataFrame, policy: Policy, locale: str) -> pl.DataFrame:
    """Findings for the outbox lines (`_line`, `_row`, `serial`, `phone`, `send_at`) due outside
    the sending hours, with their `_line`."""
    rule = RULES["outside_sending_hours"]
    failed = rule.find(lines, policy)
    return _finding_rows(failed, rule, locale, policy).with_columns(_line=failed["_line"])


def cap_key(policy: Policy) -> pl.Expr:
    """The platform's counting key: signature + template + number, and the send day."""
    return pl.concat_str(
        pl.lit(policy.signature), pl.lit(policy.template_id), pl.col("phone"), pl.col("send_at").dt.date().cast(str)
    )


# --- the daily cap across the day's runs ---------------------------------------------------------


@dataclass(frozen=True)
class CapReservation:
    """What `reserve_daily` did with a run's lines."""

    held: pl.DataFrame
    """The held lines' findings, with their `_line`."""
    counted_before: int
    """Lines not held that an earlier run of the same job had already counted for their send day
    (a re-run): not counted again."""


def reserve_daily(state_dir: Path, lines: pl.DataFrame, policy: Policy, locale: str, *, job: str) -> CapReservation:
    """Hold the lines (`_line`, `_row`, `serial`, `phone`, `send_at`, `content`) over the daily
    cap, counting the day's earlier runs, and record the others in the outbox history as `job`'s
    (`<batch>/<job>`, with `/<by>=<value>` for a foreach run), all under the lock (runs may be
    concurrent).

    A line whose message (`message_ids`) an earlier run of `job` already charged today is not
    charged again: it comes first in its key's count (it was within the cap when it was
    charged), so a re-run holds exactly what the first run held; the lines of new messages
    follow and are held past the cap as before."""
    rule = RULES["daily_cap"]
    if policy.daily_cap is None or lines.is_empty():
        return CapReservation(
            _finding_rows(_none(lines), rule, locale, policy).with_columns(_line=lines["_line"].head(0)), 0
        )
    keyed = lines.with_columns(cap_key=cap_key(policy), day=pl.col("send_at").dt.date())
    keyed = keyed.with_columns(message=message_ids(keyed), copy=pl.lit(1, pl.UInt32))
    repeated = keyed.filter(pl.col("message").is_duplicated())  # the same text twice to a number: few
    if repeated.height:  # the nth line of its message (over all 2,000,000 lines of a big day: 1.5 s)
        nth = repeated.select("_line", copy=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("message"))
        keyed = keyed.update(nth, on="_line")
    days = keyed["day"].unique().to_list()
    with exclusive(Path(state_dir) / LOCK_FILE):
        history = read_history(state_dir)
        keyed = (
            keyed.join(history.of_job(job, days), on="message", how="left", maintain_order="left")
            .join(history.per_key(days), on=["day", "cap_key"], how="left", maintain_order="left")
            .with_columns(pl.col("charged", "sent").fill_null(0))
            .with_columns(again=pl.col("copy") <= pl.col("charged"))
        )
        # only the keys this run could take past the cap are ranked (sorting all 2,000,000 lines
        # of a big day's dispatch SMS cost 0.9 s, for keys mostly far below it)
        near = keyed.group_by("cap_key").agg(
            over=(pl.col("sent") - pl.col("again").sum() + pl.len()).first() > policy.daily_cap
        )
        ranked = (
            keyed.filter(pl.col("cap_key").is_in(near.filter("over")["cap_key"].implode()))
            .with_columns(sent_before=pl.col("sent") - pl.col("again").sum().over("cap_key"))
            .sort(["again", "_line"], descending=[True, False])
        )
        over = rule.find(ranked, policy).sort("_line")
        kept = keyed.filter(~pl.col("_line").is_in(over["_line"].implode()))
        updated = history.with_charges(job, kept.group_by("day", "cap_key", "message").agg(lines=pl.len()))
        if updated is not None:
            write_history(state_dir, updated)
    held = _finding_rows(over, rule, locale, policy).with_columns(_line=over["_line"])
    return CapReservation(held, int(kept["again"].sum()))


def send_times(frame: pl.DataFrame, as_of: datetime, timezone: str) -> pl.Series:
    """When each row is sent: its `send_at` (a time in the batch's zone, or text) where it has
    one, else the run's as-of."""
    default = pl.lit(as_of).dt.convert_time_zone(timezone).dt.cast_time_unit("us")
    if "send_at" not in frame.columns:
        return frame.select(pl.repeat(default, frame.height).alias("send_at")).to_series()
    column = pl.col("send_at")
    dtype = frame.schema["send_at"]
    if dtype == pl.String:
        column = column.str.strip_chars().str.to_datetime(strict=False, time_unit="us")
        dtype = pl.Datetime("us")
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        column = column.dt.replace_time_zone(timezone, non_existent="null", ambiguous="earliest")
    elif isinstance(dtype, pl.Datetime):
        column = column.dt.convert_time_zone(timezone)
    else:
        raise InputError(f"send_at must be a date and time, not {dtype}")
    return frame.select(column.dt.cast_time_unit("us").fill_null(default).alias("send_at")).to_series()


def held_lines(lines: pl.DataFrame, held: pl.DataFrame) -> pl.DataFrame:
    """The held outbox lines with their rule and message, for the page and `held.parquet`."""
    return (
        lines.join(held.select("_line", "rule", "message"), on="_line", how="inner")
        .sort("_line")
        .select(
            "role",
            "recipient",
            "phone",
            "content",
            "serial",
            pl.col(ROW).alias("source_row"),
            "send_at",
            "rule",
            "message",
        )
    )


__all__ = [
    "RULES",
    "CapReservation",
    "PlatformRules",
    "Policy",
    "SendingHours",
    "SmsRule",
    "held_lines",
    "hours_held",
    "reserve_daily",
    "send_times",
    "sms_rule",
    "text_findings",
]
