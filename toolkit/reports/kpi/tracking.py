"""Overdue and delivery KPIs from the `flag_overdue` outputs: the worklist (one row per shipment
to chase) and shipment_status (every shipment with its due times and on-time flags).

A shipment counts for a rate once it is decided: picked up (or delivered), or still not when its
due time has passed at `as_of`; one still within its time is in neither count, and so is one
cancelled, closed or returned before it (`not_chased`). Delivery counts carry the names of the
job's manifest (toolkit.shipments.counts): delivered_on_time, delivered_late, open_overdue,
open_not_due, not_chased, no_due_time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from toolkit.reports.kpi.weeks import instant, week_of
from toolkit.shipments.counts import delivery_counts, delivery_state, status_counts
from toolkit.shipments.stages import CLOSED_STAGES

PICKUP_TARGET = 0.98  # 及时提货率 (docs/DOMAIN.md §8)
SEVERITY_ORDER = ("critical", "high", "medium", "low")


def route() -> pl.Expr:
    """`上海→成都`, as the worklist writes it."""
    return pl.concat_str(pl.col("origin").fill_null("?"), pl.lit("→"), pl.col("destination").fill_null("?"))


# --- daily: the worklist -------------------------------------------------------------------------


def overdue_summary(worklist: pl.DataFrame) -> dict[str, int]:
    """Shipments to chase, by severity, urgent ones, and those chased for more than one round."""
    severity = dict(worklist.group_by("severity").len().iter_rows())
    return {
        "flagged": worklist.height,
        **{name: int(severity.get(name, 0)) for name in SEVERITY_ORDER},
        "urgent": int(worklist["urgent"].fill_null(False).sum()) if "urgent" in worklist.columns else 0,
        "chased_again": int((worklist["rounds"] > 1).sum()) if "rounds" in worklist.columns else 0,
    }


def overdue_counts(worklist: pl.DataFrame, by: str) -> pl.DataFrame:
    """Shipments per `by` (rule, severity, carrier, route, branch …) with their share, most
    first; rule and severity keep their labels and severity its order (critical first)."""
    label = {"rule": "rule_label", "severity": "severity_label"}.get(by)
    keys = [by, label] if label and label in worklist.columns else [by]
    counts = (
        worklist.group_by(keys)
        .agg(shipments=pl.len())
        .with_columns(share=pl.col("shipments") / max(worklist.height, 1))
    )
    if by == "severity":
        rank = pl.col("severity").replace_strict(
            {s: i for i, s in enumerate(SEVERITY_ORDER)}, default=len(SEVERITY_ORDER)
        )
        return counts.sort(rank)
    return counts.sort(["shipments", by], descending=[True, False])


TOP_COLUMNS = (
    "waybill",
    "rule_label",
    "severity_label",
    "carrier",
    "route",
    "overdue_by_text",
    "stage_label",
    "last_location",
    "escalate_to",
    "rounds",
    "next_follow_up",
)


def top_overdue(worklist: pl.DataFrame, top: int = 10) -> pl.DataFrame:
    """The first items of the worklist (already in the order the agent works), the columns a
    supervisor reads."""
    return worklist.head(top).select([c for c in TOP_COLUMNS if c in worklist.columns])


# --- weekly: shipment status ---------------------------------------------------------------------


_DECIDED = ("delivered_on_time", "delivered_late", "open_overdue")
_LATE = ("delivered_late", "open_overdue")


def _pickup_decided(status: pl.DataFrame, as_of: datetime) -> pl.Expr:
    past_due = (pl.col("pickup_due") < instant(as_of, status, "pickup_due")) & ~pl.col("stage").is_in(CLOSED_STAGES)
    return pl.col("picked_up_at").is_not_null() | past_due


def _delivery_state(status: pl.DataFrame, as_of: datetime) -> pl.Expr:
    """Where each shipment stands against its delivery due time at `as_of` (the job's own words)."""
    return delivery_state(instant(as_of, status, "delivery_due"))


def delivery_summary(status: pl.DataFrame, as_of: datetime) -> dict[str, int]:
    """Shipments per delivery state at `as_of`, those without tracking events, and per stage of
    their own status column (`status_<stage>`, where the shipments had one): the counts of the
    job's manifest, for any slice of shipment_status (a week, a carrier)."""
    states = status.select(_delivery_state(status, as_of))["delivery_state"]
    own = status_counts(status["status_stage"]) if "status_stage" in status.columns else {}
    return {**delivery_counts(states), "no_events": int((status["events"] == 0).sum()), **own}


def timely_pickup(
    status: pl.DataFrame, by: str | Sequence[str], as_of: datetime, target: float = PICKUP_TARGET
) -> pl.DataFrame:
    """及时提货率 per `by` (branch, salesperson …): shipments decided, picked up on time, the
    rate, and whether it is below `target`; the worst first."""
    keys = [by] if isinstance(by, str) else list(by)
    return (
        status.filter(_pickup_decided(status, as_of))
        .group_by(keys)
        .agg(shipments=pl.len(), on_time=pl.col("picked_up_on_time").fill_null(False).sum())
        .with_columns(late=pl.col("shipments") - pl.col("on_time"), rate=pl.col("on_time") / pl.col("shipments"))
        .with_columns(target=pl.lit(target), breach=pl.col("rate") < target)
        .sort(["rate", *keys], nulls_last=True)
    )


def origin_analysis(status: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """发货地分析: shipments per origin, how many are picked up (shipped) and not yet, the share of
    all shipments, and the on-time pickup rate; the busiest origin first."""
    decided = _pickup_decided(status, as_of)
    return (
        status.group_by("origin")
        .agg(
            shipments=pl.len(),
            picked_up=pl.col("picked_up_at").is_not_null().sum(),
            pickup_rate=pl.col("picked_up_on_time").fill_null(False).filter(decided).mean(),
        )
        .with_columns(
            not_picked_up=pl.col("shipments") - pl.col("picked_up"), share=pl.col("shipments") / status.height
        )
        .select("origin", "shipments", "share", "picked_up", "not_picked_up", "pickup_rate")
        .sort(["shipments", "origin"], descending=[True, False])
    )


def late_delivery(
    status: pl.DataFrame, by: str | Sequence[str], as_of: datetime, min_shipments: int = 1
) -> pl.DataFrame:
    """Late-delivery rate per `by` (carrier, route …): shipments decided, of them delivered on
    time, delivered late, and not delivered past the due time (open_overdue), and the rate of the
    last two; the worst first, groups of at least `min_shipments` decided shipments. A `route`
    key is origin→destination."""
    keys = [by] if isinstance(by, str) else list(by)
    frame = status.with_columns(route=route()) if "route" in keys and "route" not in status.columns else status
    state = pl.col("delivery_state")
    return (
        frame.with_columns(_delivery_state(status, as_of))
        .filter(state.is_in(_DECIDED))
        .group_by(keys)
        .agg(shipments=pl.len(), **{name: (state == name).sum() for name in _DECIDED})
        .with_columns(late_rate=(pl.col("delivered_late") + pl.col("open_overdue")) / pl.col("shipments"))
        .filter(pl.col("shipments") >= min_shipments)
        .sort(
            ["late_rate", pl.col("delivered_late") + pl.col("open_overdue"), *keys],
            descending=[True, True, *[False] * len(keys)],
        )
    )


def weekly_rates(status: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """Per week (Monday) of the order time: shipments, on-time pickup rate, late-delivery rate."""
    week = week_of(pl.col("order_time"))
    pickup = (
        status.filter(_pickup_decided(status, as_of))
        .group_by(week)
        .agg(pickup_rate=pl.col("picked_up_on_time").fill_null(False).mean())
    )
    state = pl.col("delivery_state")
    late = (
        status.with_columns(_delivery_state(status, as_of))
        .filter(state.is_in(_DECIDED))
        .group_by(week)
        .agg(late_rate=state.is_in(_LATE).mean())
    )
    return (
        status.group_by(week)
        .agg(shipments=pl.len())
        .join(pickup, on="week", how="left")
        .join(late, on="week", how="left")
        .sort("week")
    )
