"""Where every shipment stands: events reduced to one row per waybill, joined to the shipments,
with pickup and delivery due times and on-time flags. Pure: lazy frames in, lazy frames out.

Events may come out of order, twice, or after the delivery; a shipment may have none. Every
aggregate is a min, a max or "the last by time", which a duplicate does not change (so events
are not deduplicated, which would cost a hash of every event); once a shipment is delivered, the
first delivery is its last event (a scan after 已签收 is not believed); ties at one time go to
the later stage of the lifecycle.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Literal

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.io import cells
from toolkit.io.dates import TimeReading, UnreadableTimes, unreadable_plan, unreadable_text, unreadable_times
from toolkit.shipments.counts import delivery_state
from toolkit.shipments.stages import CLOSED_STAGES, FINAL_STAGES, REASONS, STAGE_DTYPE, STAGES
from toolkit.timezones import localize
from toolkit.tracking.sla import (
    Sla,
    delivery_due,
    with_pickup_due,
    with_table_delivery_due,
)
from toolkit.tracking.vocabulary import EVENT_ROW, StatusVocabulary, stage_of, unknown_statuses_plan

SHIPMENT_TEXT = (
    "waybill",
    "order_id",
    "carrier",
    "service",
    "origin",
    "destination",
    "customer_name",
    "customer_phone",
    "branch",
    "agent_id",
    "status",
)
SHIPMENT_TIMES = ("order_time", "promised_at", "picked_up_at", "delivered_at")
"""`picked_up_at` / `delivered_at` on the shipment itself: exports without events (olist)."""
TRUTHY = ("1", "是", "y", "yes", "true", "加急", "急", "urgent", "√")
_BEFORE_PICKUP = ("created", "cancelled", "closed")  # events that are no pickup
_REASON_SLOTS = 8  # reason index 0 (none) .. len(REASONS)
_STAGE_SLOTS = 16  # stage index 0 .. len(STAGES) - 1
_PACK = _REASON_SLOTS * _STAGE_SLOTS
_LATER_THAN_ANY = 1 << 52  # microseconds: year 2112; delivered events rank above all others
_ARRIVED = ("awaiting_collection", "delivered")


UNREADABLE = ":unreadable_"
"""Prefix of the columns `typed_shipments(..., keep_unreadable=True)` adds: a time's text where it did not read."""


def _time(column: str, times: TimeReading, dtype: pl.DataType | None) -> pl.Expr:
    if dtype is None:
        return pl.lit(None, pl.Datetime("us", times.timezone)).alias(column)
    if isinstance(dtype, pl.Datetime):
        moment = pl.col(column).dt.cast_time_unit("us")
        return (
            moment.dt.convert_time_zone(times.timezone) if dtype.time_zone else localize(moment, times.timezone)
        ).alias(column)
    return times.parse(pl.col(column), column)


PromiseTime = Literal["end_of_day", "exact"]


def _date_only(column: str, dtype: pl.DataType | None, times: TimeReading) -> pl.Expr:
    """Whether a promised time is written as a date without a clock (`TimeReading.date_only`)."""
    if dtype is None or isinstance(dtype, pl.Datetime):
        return pl.lit(False)
    if isinstance(dtype, pl.Date):
        return pl.lit(True)
    return times.date_only(pl.col(column), column)


def _number(column: pl.Expr, dtype: pl.DataType | None) -> pl.Expr:
    if dtype is None:
        return pl.lit(None, pl.Float64)
    if dtype.is_integer():  # Parquet: no text to parse
        return column.cast(pl.Float64)
    return cells.parse_number(column.cast(pl.String))


def typed_shipments(
    shipments: pl.LazyFrame,
    timezone: str,
    calendar: WorkCalendar,
    times: TimeReading | None = None,
    *,
    keep_unreadable: bool = False,
    promise_time: PromiseTime = "end_of_day",
    vocabulary: StatusVocabulary | None = None,
) -> pl.LazyFrame:
    """The canonical shipment columns with types; missing optional columns become nulls. A
    promised date without a time (or at 00:00, unless `promise_time` is `exact`) means the end
    of that day. The shipment's own `status` text, read with `vocabulary`, is `status_stage`
    (null without a status, a vocabulary or a matching rule). `times` reads the
    time columns (the input's `date_formats:`); `keep_unreadable` adds `:unreadable_<time>`,
    the text of each time that did not read, for counting (see `unreadable_shipment_times`)."""
    times = times or TimeReading(timezone=timezone)
    schema = shipments.collect_schema()

    def have(name):
        return schema.get(name)

    text = [
        (pl.col(c).cast(pl.String).str.strip_chars() if have(c) else pl.lit(None, pl.String)).alias(c)
        for c in SHIPMENT_TEXT
    ]
    urgent = (
        pl.col("urgent").cast(pl.String).str.strip_chars().str.to_lowercase().is_in(TRUTHY).fill_null(False)
        if have("urgent")
        else pl.lit(False)
    )
    value = _number(pl.col("declared_value"), have("declared_value"))
    promised_date_only = _date_only("promised_at", have("promised_at"), times)
    own_status = pl.col("status").cast(pl.String).str.strip_chars()
    status_stage = (
        stage_of(own_status, vocabulary)
        if vocabulary is not None and have("status") is not None
        else pl.lit(None, STAGE_DTYPE)
    )
    parsed = [_time(c, times, have(c)) for c in SHIPMENT_TIMES]
    unreadable = [
        unreadable_text(pl.col(c), parsed_time).alias(UNREADABLE + c)
        for c, parsed_time in zip(SHIPMENT_TIMES, parsed, strict=True)
        if keep_unreadable and have(c) is not None and not isinstance(have(c), pl.Datetime | pl.Date)
    ]
    frame = shipments.select(
        *text,
        *parsed,
        *unreadable,
        urgent=urgent,
        declared_value=value,
        status_stage=status_stage,
        _promised_date_only=promised_date_only,
    )
    whole_day = pl.col("_promised_date_only")
    if promise_time == "end_of_day":  # a date at 00:00 is how exports such as olist write a promised date
        whole_day = whole_day | (pl.col("promised_at").dt.time() == time(0)).fill_null(False)
    return frame.with_columns(
        promised_at=pl.when(whole_day)
        .then(calendar.end_of_day(pl.col("promised_at").dt.date()))
        .otherwise(pl.col("promised_at"))
    ).drop("_promised_date_only")


def unknown_shipment_statuses(shipments: pl.LazyFrame) -> pl.LazyFrame:
    """The shipments' own status values no rule knew (from `typed_shipments`), listed as the
    unknown event statuses are; an empty status cell is no status, not an unknown one."""
    return unknown_statuses_plan(
        shipments.filter(pl.col("status").is_not_null() & (pl.col("status") != "")).select(
            "waybill", "status", stage=pl.col("status_stage")
        )
    )


def unreadable_shipment_times(typed: pl.DataFrame | pl.LazyFrame, engine: str = "auto") -> list[UnreadableTimes]:
    """What `typed_shipments(..., keep_unreadable=True)` could not read, per time column it had."""
    typed = typed.lazy()
    names = [c for c in SHIPMENT_TIMES if UNREADABLE + c in typed.collect_schema()]
    plan = unreadable_plan(typed, {c: (pl.col(UNREADABLE + c), pl.col(c)) for c in names})
    return unreadable_times(plan.collect(engine=engine), names) if names else []


REDUCED_COLUMNS = (
    "waybill",
    "events",
    "unknown_events",
    "picked_up_at",
    "arrived_at",
    "delivered_at",
    "awaiting_since",
    "last_location",
    "last_status",
    "stage",
    "reason",
    "stage_since",
    "last_event_time",
)
"""The columns of `reduce_events`, in this order."""
LAST_ROW = "_last_row"
"""The `_event_row` of a waybill's last event (`reduce_event_times`), whose place and text `last_event_texts` fetches."""
_ROW_SPAN = 1 << 40  # row numbers below this (10^12) are packed under the rank of an event


def with_event_rows(events: pl.LazyFrame) -> pl.LazyFrame:
    """`events` numbered in their order (`_event_row`): a counter of its own rather than the
    reader's `_row`, which an earlier job's table may repeat."""
    if EVENT_ROW in events.collect_schema():
        return events
    return events.with_row_index(EVENT_ROW).with_columns(pl.col(EVENT_ROW).cast(pl.Int64))


def reduce_event_times(classified: pl.LazyFrame) -> pl.LazyFrame:
    """Per waybill from classified events (`waybill`, `event_time`, `stage`, `reason`):
    everything of `reduce_events` but the last event's place and text,
    and instead `_last_row`, the row of that event, for `last_event_texts`.

    Only plain aggregations (min, max, sum), so the plan streams: "the last stage" is the maximum of one Int64 that packs the time, the
    stage and the reason; once delivered, the delivery is the last event whatever comes after.
    The last event is the maximum of one Int128 that packs its rank (time and stage) over its
    row, the earlier row winning a tie: carrying the place and text through the group_by as
    `max_by` of strings cost 0.8 GB and 1.9 CPU-seconds of the 10,000,000-event pass, the
    Int128 and the second pass over two columns (`last_event_texts`) a tenth of that memory.
    """
    classified = with_event_rows(classified)
    t, stage = pl.col("event_time"), pl.col("stage")
    micros = t.dt.epoch("us")
    # an Enum cast, not `replace_strict`, which the streaming engine runs by buffering the whole
    # column (10,000,000 events: the reduce peaked at 2.0 GB with it, 1.3 GB without)
    reason_code = pl.col("reason").cast(pl.Enum(REASONS), strict=False).to_physical().cast(pl.Int64).add(1).fill_null(0)
    packed = micros * _PACK + stage.to_physical().cast(pl.Int64) * _REASON_SLOTS + reason_code
    delivered = stage == "delivered"
    # the event that tells where a shipment is: the first delivery, else the latest event
    rank = pl.when(delivered).then(_LATER_THAN_ANY - micros).otherwise(micros) * _PACK + stage.to_physical().cast(
        pl.Int64
    ).fill_null(0)
    last = rank.cast(pl.Int128) * _ROW_SPAN + (_ROW_SPAN - 1 - pl.col(EVENT_ROW))
    # every per-event value is a plain column first, so that each aggregate is a bare min, max
    # or sum, which the streaming engine reduces as it goes (a when/then inside an aggregate
    # sends the whole group_by to the in-memory engine, holding every event)
    columns = classified.select(
        "waybill",
        t,
        _unknown=stage.is_null(),
        _picked=pl.when(stage.is_not_null() & ~stage.is_in(_BEFORE_PICKUP)).then(t),
        _arrived=pl.when(stage.is_in(_ARRIVED)).then(t),
        _delivered=pl.when(delivered).then(t),
        _awaiting=pl.when(stage == "awaiting_collection").then(t),
        _known=pl.when(stage.is_not_null()).then(packed),
        _last=last,
    )
    col = pl.col
    frame = columns.group_by("waybill").agg(
        events=pl.len().cast(pl.Int64),
        unknown_events=col("_unknown").sum().cast(pl.Int64),
        picked_up_at=col("_picked").min(),
        arrived_at=col("_arrived").min(),
        delivered_at=col("_delivered").min(),
        awaiting_since=col("_awaiting").min(),
        _last_known=col("_known").max(),
        _latest=t.max(),
        _last=col("_last").max(),
    )
    physical = (pl.col("_last_known") // _REASON_SLOTS) % _STAGE_SLOTS
    reason = pl.col("_last_known") % _REASON_SLOTS
    since = pl.from_epoch(pl.col("_last_known") // _PACK, time_unit="us").dt.replace_time_zone("UTC")
    tz = classified.collect_schema()["event_time"].time_zone or "UTC"
    is_delivered = pl.col("delivered_at").is_not_null()
    return frame.with_columns(
        stage=pl.when(is_delivered)
        .then(pl.lit("delivered", STAGE_DTYPE))
        .otherwise(pl.lit(pl.Series(STAGES, dtype=STAGE_DTYPE)).gather(physical)),
        reason=pl.when(is_delivered | (reason == 0))
        .then(None)
        .otherwise(pl.lit(pl.Series([None, *REASONS], dtype=pl.String)).gather(reason)),
        stage_since=pl.when(is_delivered).then(pl.col("delivered_at")).otherwise(since.dt.convert_time_zone(tz)),
        last_event_time=pl.when(is_delivered).then(pl.col("delivered_at")).otherwise(pl.col("_latest")),
        **{LAST_ROW: (_ROW_SPAN - 1 - pl.col("_last") % _ROW_SPAN).cast(pl.Int64)},
    ).drop("_last_known", "_latest", "_last")


def last_event_texts(events: pl.LazyFrame, times: pl.LazyFrame | pl.Series) -> pl.LazyFrame:
    """`_event_row`, `last_location`, `last_status` of the events `times` (`reduce_event_times`,
    or its `_last_row` collected) names as each waybill's last: a second pass over two columns
    of the events. `events` needs no `stage`: the reader's frame will do.

    With the rows collected (16 MB for 2,000,000 waybills) the pass is a filter (`is_in`) and
    streams: 0.34 GB at 10,000,000 events, where a semi or inner join against the plan held all
    events' texts (1.1 GB)."""
    rows = times if isinstance(times, pl.Series) else times.select(LAST_ROW).drop_nulls().collect()[LAST_ROW]
    return (
        with_event_rows(events)
        .select(EVENT_ROW, last_location="location", last_status="status")
        .filter(pl.col(EVENT_ROW).is_in(rows.drop_nulls().implode()))
    )


def event_details(events: pl.LazyFrame, last_rows: pl.Series, waybills: pl.Series) -> pl.LazyFrame:
    """The events (numbered, see `with_event_rows`) that are a waybill's last (`last_rows`, the
    `_last_row` of `reduce_event_times`) or belong to one of `waybills` (those with an unknown
    status): what `last_event_texts` and the unknown statuses need, in one pass and a few rows."""
    return with_event_rows(events).filter(
        pl.col(EVENT_ROW).is_in(last_rows.drop_nulls().implode()) | pl.col("waybill").is_in(waybills.implode())
    )


def with_last_event_texts(times: pl.LazyFrame, texts: pl.LazyFrame) -> pl.LazyFrame:
    """`reduce_events`' table from its two parts."""
    return times.join(texts, left_on=LAST_ROW, right_on=EVENT_ROW, how="left").select(REDUCED_COLUMNS)


def reduce_events(classified: pl.LazyFrame) -> pl.LazyFrame:
    """One row per waybill from classified events (`waybill`, `event_time`, `status`,
    `location`, `stage`, `reason`): first pickup, arrival and delivery times, the last stage,
    its reason, the last event's time, place and text, and how many events were unknown.

    A plan that reads `classified` twice (`reduce_event_times`, then `last_event_texts`); the
    job runs the two passes one after the other, the second over the file without classifying."""
    classified = with_event_rows(classified)
    times = reduce_event_times(classified)
    return with_last_event_texts(times, last_event_texts(classified, times))


def shipment_status(
    shipments: pl.LazyFrame,
    reduced: pl.LazyFrame,
    sla: Sla,
    calendar: WorkCalendar,
    as_of: datetime,
    *,
    routes: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Every shipment, delivered or not: stage, due times, pickup and delivery times, on-time
    flags and `delivery_state` (toolkit.shipments.counts).

    An on-time flag is null while it is still open (not picked up / not arrived and not yet due),
    and for a shipment closed without it (cancelled, closed, returned): that one is not late; the
    pickup flag is null too for a shipment that arrived with no pickup time known.
    The shipment's own status, when it says cancelled, closed or returned, wins over its events.
    `routes` (`toolkit.tracking.sla.route_table` of `shipments`, collected beforehand) keeps the
    plan one stream over the shipments."""
    now = pl.lit(as_of).dt.convert_time_zone(calendar.timezone)
    own = pl.col("status_stage") if "status_stage" in shipments.collect_schema() else pl.lit(None, STAGE_DTYPE)
    joined = shipments.join(reduced, on="waybill", how="left", suffix="_event", maintain_order="left")
    picked = pl.coalesce("picked_up_at_event", "picked_up_at")
    delivered = pl.coalesce("delivered_at_event", "delivered_at")
    arrived = pl.coalesce("arrived_at", "delivered_at_event", "delivered_at")
    frame = joined.with_columns(
        picked_up_at=picked,
        delivered_at=delivered,
        arrived_at=arrived,
        events=pl.col("events").fill_null(0),
        stage=pl.when(own.is_in(CLOSED_STAGES))
        .then(own)
        .otherwise(
            pl.coalesce(
                pl.col("stage"),
                pl.when(delivered.is_not_null())
                .then(pl.lit("delivered"))
                .when(picked.is_not_null())
                .then(pl.lit("in_transit"))
                .otherwise(pl.lit("created"))
                .cast(STAGE_DTYPE),
            )
        ),
    ).drop("picked_up_at_event", "delivered_at_event")
    frame = with_pickup_due(frame, sla.pickup, calendar)
    frame = with_table_delivery_due(
        frame, pl.coalesce("picked_up_at", "pickup_due"), sla.delivery, calendar, routes=routes
    ).with_columns(delivery_due=delivery_due(pl.col("table_due"), pl.col("promised_at"), sla.delivery))
    closed = pl.col("stage").is_in(CLOSED_STAGES)
    return frame.with_columns(
        # arrived without a pickup time (an export without one): picked up, but when is not known
        picked_up_on_time=_on_time(
            pl.col("picked_up_at"), pl.col("pickup_due"), now, closed | pl.col("arrived_at").is_not_null()
        ),
        delivered_on_time=_on_time(pl.col("arrived_at"), pl.col("delivery_due"), now, closed),
        final=pl.col("stage").is_in(FINAL_STAGES),
        delivery_state=delivery_state(now),
    )


def _on_time(done: pl.Expr, due: pl.Expr, now: pl.Expr, closed: pl.Expr) -> pl.Expr:
    return (
        pl.when(done.is_not_null())
        .then(done <= due)
        .when((due < now) & ~closed)
        .then(pl.lit(False))
        .otherwise(pl.lit(None, pl.Boolean))
    )
