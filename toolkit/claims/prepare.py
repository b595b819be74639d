"""The facts a claim letter states, as polars expressions over the whole claims table (pure).

docs/DOMAIN.md §5: who paid the freight decides the valuation (shipper paid → purchase price,
consignee paid → selling price); evidence and the insurer's report within 3 working days of the
written claim, a compensation proposal within 5, escalation within 10, and the customer paid
within 2 months of the incident. Working days come from `toolkit.calendar.WorkCalendar`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
import polars.selectors as cs
from pydantic import BaseModel, ConfigDict, PositiveInt

from toolkit.calendar import WorkCalendar
from toolkit.claims.fields import (
    CLAIM_FIELDS,
    FIELDS_BY_NAME,
    INCIDENT_TYPES,
    NO,
    PAYERS,
    STATUSES,
    YES,
    code_table,
)
from toolkit.fields import Kind
from toolkit.i18n import Text
from toolkit.io.dates import TimeReading, UnreadableTimes, unreadable_times
from toolkit.parse import parse_fields, unreadable_times_plan
from toolkit.rules import RAW, Check, Rule, evaluate, raw

VALUATION_BASIS = {"shipper": "purchase_price", "consignee": "selling_price"}
BASIS_LABELS = {"purchase_price": Text("进货价", "purchase price"), "selling_price": Text("售价", "selling price")}
REQUIRED = (
    "claim_id",
    "customer",
    "waybill",
    "goods_name",
    "amount_claimed",
    "incident_date",
    "filed_at",
    "incident_type",
    "freight_paid_by",
)  # what every letter states
TIME_FIELDS = tuple(f.name for f in CLAIM_FIELDS if f.kind is Kind.DATETIME)


class Deadlines(BaseModel):
    """Working days from the written claim (受理), and calendar months from the incident."""

    model_config = ConfigDict(extra="forbid")

    evidence: PositiveInt = 3  # 前期取证
    insurer: PositiveInt = 3  # 向保险公司报案
    proposal: PositiveInt = 5  # 提出理赔方案报批
    escalation: PositiveInt = 10  # 无权处理的上报
    payment_months: PositiveInt = 2  # 客户赔付, from the incident


CHECKS = {
    "missing": Check("claim_missing_value", "error", Text("缺少{label}", "{label} is missing")),
    "unknown": Check(
        "claim_unknown_value",
        "error",
        Text("{label}无法识别，应为：{expected}", "{label} not recognised; expected one of: {expected}"),
    ),
    "bad_date": Check("claim_bad_date", "error", Text("{label}不是有效日期", "{label} is not a valid date")),
    "bad_amount": Check("claim_bad_amount", "error", Text("{label}不是有效金额", "{label} is not an amount of money")),
    "no_price": Check(
        "claim_no_valuation_price",
        "error",
        Text(
            "运费由{payer}支付，需按{basis}核定，但{basis}为空",
            "freight paid by {payer}: valued at the {basis}, which is missing",
        ),
    ),
    "duplicate": Check("claim_duplicate_id", "error", Text("理赔单号重复", "duplicate claim ID")),
}


def _label(name: str, locale: str) -> str:
    return FIELDS_BY_NAME[name].label(locale)


def _code(name: str) -> pl.Expr:
    return pl.col(raw(name)).replace_strict(code_table(name), default=None, return_dtype=pl.String)


def _flag(name: str) -> pl.Expr:
    text = pl.col(raw(name)).fill_null("")
    return pl.when(text.is_in(YES)).then(True).when(text.is_in(NO)).then(False)


def parse_claims(frame: pl.LazyFrame, times: TimeReading) -> pl.LazyFrame:
    """Typed claim columns from a ledger's text: codes for the coded columns (破损 → damaged),
    booleans for 是/否, a Date for the incident; an empty status is `open`."""
    return parse_fields(frame, CLAIM_FIELDS, times).with_columns(
        incident_date=pl.col("incident_date").dt.date(),
        incident_type=_code("incident_type"),
        freight_paid_by=_code("freight_paid_by"),
        status=pl.when(pl.col(raw("status")).is_null()).then(pl.lit("open")).otherwise(_code("status")),
        insured=_flag("insured"),
        goodwill=_flag("goodwill"),
    )


def claim_rules(locale: str) -> list[Rule]:
    """What a claim needs before a letter can state its facts."""
    rules = [
        CHECKS["missing"].rule(name, pl.col(raw(name)).is_null(), locale, label=_label(name, locale))
        for name in REQUIRED
    ]
    for name in ("incident_date", "filed_at", "proposal_at", "settled_at"):
        failed = pl.col(raw(name)).is_not_null() & pl.col(name).is_null()
        rules.append(CHECKS["bad_date"].rule(name, failed, locale, label=_label(name, locale)))
    for name in ("declared_value", "purchase_price", "selling_price", "amount_claimed", "amount_paid"):
        failed = pl.col(raw(name)).is_not_null() & pl.col(name).is_null()
        rules.append(CHECKS["bad_amount"].rule(name, failed, locale, label=_label(name, locale)))
    sep = Text("、", ", ").get(locale)
    for name, words in (("incident_type", INCIDENT_TYPES), ("freight_paid_by", PAYERS), ("status", STATUSES)):
        failed = pl.col(raw(name)).is_not_null() & pl.col(name).is_null()
        expected = sep.join(w.get(locale) for w in words.values())
        rules.append(CHECKS["unknown"].rule(name, failed, locale, label=_label(name, locale), expected=expected))
    for name in ("insured", "goodwill"):
        failed = pl.col(raw(name)).is_not_null() & _flag(name).is_null()
        rules.append(
            CHECKS["unknown"].rule(name, failed, locale, label=_label(name, locale), expected=f"{YES[0]}{sep}{NO[0]}")
        )
    for payer, basis in VALUATION_BASIS.items():
        failed = (pl.col("freight_paid_by") == payer) & pl.col(basis).is_null()
        labels = {"payer": PAYERS[payer].get(locale), "basis": BASIS_LABELS[basis].get(locale)}
        rules.append(CHECKS["no_price"].rule(basis, failed, locale, **labels))
    duplicate = pl.col(raw("claim_id")).is_not_null() & pl.col(raw("claim_id")).is_duplicated()
    rules.append(CHECKS["duplicate"].rule("claim_id", duplicate, locale))
    return rules


def _labels(column: str, words: dict[str, Text], locale: str) -> pl.Expr:
    return pl.col(column).replace_strict(
        {k: v.get(locale) for k, v in words.items()}, default=None, return_dtype=pl.String
    )


def claim_facts(
    frame: pl.LazyFrame, calendar: WorkCalendar, deadlines: Deadlines, as_of: date, locale: str
) -> pl.LazyFrame:
    """Valuation, the proposed amount, every deadline and whether it is missed, for all claims.

    The proposed amount is what the rules allow: the amount claimed, at most the goods' value by
    the valuation basis, and for insured goods at most the declared value.
    """
    basis = pl.col("freight_paid_by").replace_strict(VALUATION_BASIS, default=None, return_dtype=pl.String)
    price = pl.when(basis == "purchase_price").then(pl.col("purchase_price")).otherwise(pl.col("selling_price"))
    cap = pl.when(pl.col("insured") & (pl.col("declared_value") > 0)).then(pl.col("declared_value"))
    filed = pl.col("filed_at").dt.date()
    today = pl.lit(as_of)
    proposed_on, settled_on = pl.col("proposal_at").dt.date(), pl.col("settled_at").dt.date()
    still_open = pl.col("status") == "open"
    unpaid = pl.col("status").is_in(["open", "proposed"])
    return frame.with_columns(
        incident_label=_labels("incident_type", INCIDENT_TYPES, locale),
        payer_label=_labels("freight_paid_by", PAYERS, locale),
        status_label=_labels("status", STATUSES, locale),
        valuation_basis=basis,
        valuation_basis_label=basis.replace_strict({k: v.get(locale) for k, v in BASIS_LABELS.items()}, default=None),
        valuation_price=price,
        liability_cap=cap,
        proposed_amount=pl.min_horizontal(pl.col("amount_claimed"), price, cap),
        evidence_due=calendar.workday_after(filed, deadlines.evidence),
        insurer_due=calendar.workday_after(filed, deadlines.insurer),
        proposal_due=calendar.workday_after(filed, deadlines.proposal),
        escalation_due=calendar.workday_after(filed, deadlines.escalation),
        payment_due=pl.col("incident_date").dt.offset_by(f"{deadlines.payment_months}mo"),
    ).with_columns(
        proposal_late=pl.coalesce(proposed_on > pl.col("proposal_due"), still_open & (today > pl.col("proposal_due"))),
        payment_late=pl.coalesce(settled_on > pl.col("payment_due"), unpaid & (today > pl.col("payment_due"))),
    )


@dataclass
class Claims:
    valid: pl.DataFrame  # parsed claims with their facts
    rejected: pl.DataFrame  # claims no letter can be written for, with `errors`
    findings: pl.DataFrame
    unreadable: list[UnreadableTimes] = field(default_factory=list)  # per time field: values no reading understood


def prepare_claims(
    frame: pl.LazyFrame,
    *,
    calendar: WorkCalendar,
    deadlines: Deadlines,
    as_of: date,
    timezone: str,
    locale: str,
    times: TimeReading | None = None,
) -> Claims:
    """Parse, check and compute the facts of every claim; rows read by `read_table`. `times`
    reads the time fields (the input's `date_formats:`); by default the built-in reading."""
    parsed = parse_claims(frame, times or TimeReading(timezone=timezone))
    checked = evaluate(parsed, claim_rules(locale), record_id="claim_id")
    valid = claim_facts(checked.accepted, calendar, deadlines, as_of, locale).drop(
        cs.ends_with(RAW), "errors", "warnings"
    )
    valid_df, rejected, findings, unreadable = pl.collect_all(
        [valid, checked.rejected, checked.findings, unreadable_times_plan(parsed, CLAIM_FIELDS)]
    )
    return Claims(valid_df, rejected, findings, unreadable_times(unreadable, TIME_FIELDS))
