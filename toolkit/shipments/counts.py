"""The counts of an overdue run, one meaning each, under the same names in the manifest, the
summary page and the KPIs (toolkit/reports/kpi/tracking.py).

Against its delivery due time every shipment is in one `delivery_state`:

- `delivered_on_time` / `delivered_late`: arrived (delivered, or into a locker or station for
  the customer, as the delivery due time counts it) by / after its due time;
- `open_overdue` / `open_not_due`: not arrived, and past its due time / not (yet);
- `not_chased`: cancelled, closed or returned, by the shipment's own status or by its events:
  nobody chases it, and it is neither on time nor late;
- `no_due_time`: no delivery due time to judge by (no readable order time, pickup or promise).

So the states add up to the shipments. Beside these, `no_events` counts the shipments without any tracking event, and
`status_<stage>` the shipments per stage of their own status column, where the table has one.
"""

from __future__ import annotations

import polars as pl

from toolkit.i18n import Text
from toolkit.shipments.stages import CLOSED_STAGES, STAGES

DELIVERY_STATES: dict[str, Text] = {
    "delivered_on_time": Text("按时送达", "Delivered on time"),
    "delivered_late": Text("超时送达", "Delivered late"),
    "open_overdue": Text("未送达,已超时", "Not delivered, past due"),
    "open_not_due": Text("未送达,未到期", "Not delivered, not yet due"),
    "not_chased": Text("已取消/关闭/退回,不跟进", "Cancelled, closed or returned: not chased"),
    "no_due_time": Text("无法计算时效(时间不可读)", "No due time (no readable time to count from)"),
}
NO_EVENTS = Text("无轨迹", "No tracking events")
STATUS_PREFIX = "status_"


def delivery_state(now: pl.Expr) -> pl.Expr:
    """The delivery state of each shipment from `stage`, `arrived_at` and `delivery_due`, at `now`."""
    arrived, due = pl.col("arrived_at"), pl.col("delivery_due")
    return (
        pl.when(pl.col("stage").is_in(CLOSED_STAGES))
        .then(pl.lit("not_chased"))
        .when(due.is_null())
        .then(pl.lit("no_due_time"))
        .when(arrived <= due)
        .then(pl.lit("delivered_on_time"))
        .when(arrived > due)
        .then(pl.lit("delivered_late"))
        .when(due < now)
        .then(pl.lit("open_overdue"))
        .otherwise(pl.lit("open_not_due"))
        .alias("delivery_state")
    )


def delivery_counts(states: pl.Series) -> dict[str, int]:
    """Shipments per delivery state, every state named (0 where none)."""
    found = dict(states.drop_nulls().value_counts().iter_rows())
    return {name: int(found.get(name, 0)) for name in DELIVERY_STATES}


def status_counts(status_stages: pl.Series) -> dict[str, int]:
    """`status_<stage>`: shipments per stage of their own status column, in lifecycle order, the
    stages found only (empty without a status column)."""
    found = dict(status_stages.drop_nulls().cast(pl.String).value_counts().iter_rows())
    return {STATUS_PREFIX + stage: int(found[stage]) for stage in STAGES if stage in found}


def shipment_count_plans(status: pl.LazyFrame) -> list[pl.LazyFrame]:
    """The three small aggregations `shipment_counts_from` reads, to collect with other plans
    over the same status table (a file the streaming engine reads once, never all in memory)."""
    return [
        status.group_by("delivery_state").len().drop_nulls("delivery_state"),
        status.select(no_events=(pl.col("events") == 0).sum()),
        status.group_by(status_stage=pl.col("status_stage").cast(pl.String)).len().drop_nulls("status_stage"),
    ]


def shipment_counts_from(states: pl.DataFrame, no_events: pl.DataFrame, stages: pl.DataFrame) -> dict[str, int]:
    """`shipment_counts` from the collected `shipment_count_plans`."""
    found_states = dict(states.iter_rows())
    found_stages = dict(stages.iter_rows())
    return {
        **{name: int(found_states.get(name, 0)) for name in DELIVERY_STATES},
        "no_events": int(no_events.item() or 0),
        **{STATUS_PREFIX + stage: int(found_stages[stage]) for stage in STAGES if stage in found_stages},
    }


def shipment_counts(status: pl.DataFrame | pl.LazyFrame) -> dict[str, int]:
    """The counts of a shipment_status table: delivery states, `no_events`, `status_<stage>`."""
    return shipment_counts_from(*pl.collect_all(shipment_count_plans(status.lazy())))
