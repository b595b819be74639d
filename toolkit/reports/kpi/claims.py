"""Claims KPIs (docs/DOMAIN.md §8) from the claims ledger as `toolkit.claims.prepare.prepare_claims`
makes it (typed, with every deadline and `proposal_late` / `payment_late`):
投保率, 赔付率, 票均赔付金额, 通融赔付次数, 当月出险次数 and the claims past their deadlines.

赔付率 here is paid claims per shipment of the month (票数口径); 投保率 is the share of the month's
shipments with a declared value. Both need the shipments; without them they are null.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from toolkit.reports.kpi.weeks import local_date, week_of


def _month(column: str, month: date) -> pl.Expr:
    value = local_date(column)
    return (value.dt.year() == month.year) & (value.dt.month() == month.month)


def _paid() -> pl.Expr:
    return (pl.col("status") == "settled") & (pl.col("amount_paid").fill_null(0) > 0)


def claim_kpis(
    claims: pl.DataFrame, month: date, shipments: pl.DataFrame | None = None
) -> dict[str, float | int | None]:
    """The month's claim KPIs; `shipments` (order_time, declared_value) for the two rates."""
    incidents = claims.filter(_month("incident_date", month))
    settled = claims.filter(_month("settled_at", month) & _paid())
    paid = float(settled["amount_paid"].sum()) if settled.height else 0.0
    sent = shipments.filter(_month("order_time", month)) if shipments is not None else None
    sent_count = sent.height if sent is not None else 0
    return {
        "incidents": incidents.height,  # 当月出险次数
        "paid_claims": settled.height,
        "paid_amount": paid,
        "average_payout": paid / settled.height if settled.height else None,  # 票均赔付金额
        "goodwill": int(
            claims.filter(_month("settled_at", month) & pl.col("goodwill").fill_null(False)).height
        ),  # 通融赔付次数
        "shipments": sent_count if sent is not None else None,
        "claim_rate": settled.height / sent_count if sent_count else None,  # 赔付率
        "insured_rate": float((sent["declared_value"].fill_null(0) > 0).mean()) if sent_count else None,  # 投保率  # type: ignore[index,arg-type]
        "claims_insured_rate": float(incidents["insured"].fill_null(False).mean()) if incidents.height else None,  # type: ignore[arg-type]
    }


PAST_DEADLINE_COLUMNS = (
    "claim_id",
    "customer",
    "waybill",
    "incident_label",
    "status_label",
    "filed_at",
    "proposal_due",
    "proposal_late",
    "payment_due",
    "payment_late",
    "amount_claimed",
)


def claims_past_deadline(claims: pl.DataFrame) -> pl.DataFrame:
    """Claims whose proposal (5 working days from filing) or payment (2 months from the incident)
    is late, or still open past the deadline; the oldest filing first."""
    late = claims.filter(pl.col("proposal_late").fill_null(False) | pl.col("payment_late").fill_null(False))
    return late.sort("filed_at").select([c for c in PAST_DEADLINE_COLUMNS if c in claims.columns])


def claims_by_week(claims: pl.DataFrame) -> pl.DataFrame:
    """Per week: incidents (by incident date), claims paid and the amount paid (by settlement)."""
    incidents = claims.group_by(week_of(pl.col("incident_date").cast(pl.Datetime))).agg(incidents=pl.len())
    settled = (
        claims.filter(_paid())
        .group_by(week_of(pl.col("settled_at")))
        .agg(paid_claims=pl.len(), paid_amount=pl.col("amount_paid").sum())
    )
    return incidents.join(settled, on="week", how="full", coalesce=True).fill_null(0).sort("week")
