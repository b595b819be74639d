"""The counts of an overdue run, one meaning each: every shipment in one delivery state, those
without events, and those per stage of their own status column."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.shipments.counts import DELIVERY_STATES, delivery_counts, shipment_counts, status_counts
from toolkit.shipments.stages import STAGE_DTYPE
from toolkit.tracking.overdue import reduce_events, shipment_status, typed_shipments
from toolkit.tracking.presets import load_preset
from toolkit.tracking.sla import Sla
from toolkit.tracking.vocabulary import classify_events
from toolkit.tracking.worklist import flag_rules

TZ = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=TZ)  # a Sunday
VOCABULARY = load_preset("generic").vocabulary()
SHIPMENTS = {  # waybill: (order time, promised date, own status); the default SLA: 3 working days
    "LATE": ("2026-11-16 09:00", "2026-11-17", None),  # promised the 17th, delivered the 18th
    "ON_TIME": ("2026-11-18 09:00", None, None),  # due the 23rd, delivered the 19th
    "OPEN_LATE": ("2026-11-16 09:00", None, None),  # picked up, due the 19th, not delivered
    "OPEN": ("2026-11-20 09:00", None, None),  # picked up, due the 25th
    "QUIET": ("2026-11-21 10:00", None, ""),  # no events at all, not yet due
    "CANCELLED": ("2026-11-16 09:00", None, "已取消"),  # its own status says so: no events needed
    "NO_TIME": ("Date Not Captured", None, None),  # no time to count a due time from
}
EVENTS = [
    ("LATE", "2026-11-16 10:00", "快件在【上海浦东新区营业点】已揽收"),
    ("LATE", "2026-11-18 10:00", "已签收"),
    ("ON_TIME", "2026-11-18 10:00", "快件在【上海浦东新区营业点】已揽收"),
    ("ON_TIME", "2026-11-19 18:00", "已签收"),
    ("OPEN_LATE", "2026-11-16 10:00", "快件在【上海浦东新区营业点】已揽收"),
    ("OPEN", "2026-11-20 10:00", "快件在【上海浦东新区营业点】已揽收"),
]


def _status() -> pl.DataFrame:
    rows = [(waybill, *values) for waybill, values in SHIPMENTS.items()]
    shipments = pl.LazyFrame(rows, schema=["waybill", "order_time", "promised_at", "status"], orient="row")
    events = pl.LazyFrame(EVENTS, schema=["waybill", "event_time", "status"], orient="row").with_columns(
        event_time=pl.col("event_time").str.to_datetime().dt.replace_time_zone("Asia/Shanghai"), location=pl.lit("上海")
    )
    reduced = reduce_events(classify_events(events, VOCABULARY))
    typed = typed_shipments(shipments, "Asia/Shanghai", CALENDAR, vocabulary=VOCABULARY)
    return shipment_status(typed, reduced, Sla(), CALENDAR, AS_OF).collect()


def test_every_shipment_is_in_one_delivery_state() -> None:
    status = _status()
    assert dict(status.select("waybill", "delivery_state").iter_rows()) == {
        "LATE": "delivered_late", "ON_TIME": "delivered_on_time", "OPEN_LATE": "open_overdue",
        "OPEN": "open_not_due", "QUIET": "open_not_due", "CANCELLED": "not_chased", "NO_TIME": "no_due_time",
    }  # fmt: skip


def test_the_counts_of_the_manifest() -> None:
    assert shipment_counts(_status()) == {
        "delivered_on_time": 1, "delivered_late": 1, "open_overdue": 1, "open_not_due": 2, "not_chased": 1, "no_due_time": 1,
        "no_events": 3,  # QUIET, CANCELLED and NO_TIME
        "status_cancelled": 1,  # an empty status cell is no status
    }  # fmt: skip


def test_a_cancelled_shipment_is_not_chased_and_neither_late_nor_on_time() -> None:
    status = _status()
    cancelled = status.filter(pl.col("waybill") == "CANCELLED").row(0, named=True)
    assert cancelled["stage"] == "cancelled" and cancelled["final"] is True
    assert cancelled["picked_up_on_time"] is None and cancelled["delivered_on_time"] is None  # both due times passed
    flagged = flag_rules(status.lazy(), Sla(), CALENDAR, AS_OF).collect()
    # OPEN is not late but has had no news for 47 hours after its pickup; CANCELLED is in no rule
    assert flagged.select("waybill", "rule").sort("waybill").rows() == [
        ("OPEN", "stalled"),
        ("OPEN_LATE", "delivery_overdue"),
    ]


def test_every_state_is_named_even_when_none_is_in_it() -> None:
    assert delivery_counts(pl.Series(["open_not_due", None, "open_not_due"])) == dict.fromkeys(DELIVERY_STATES, 0) | {
        "open_not_due": 2
    }


def test_status_counts_follow_the_lifecycle_and_leave_out_stages_not_found() -> None:
    stages = pl.Series(["delivered", "cancelled", None, "created", "delivered"], dtype=STAGE_DTYPE)
    assert list(status_counts(stages).items()) == [
        ("status_created", 1),
        ("status_cancelled", 1),
        ("status_delivered", 2),
    ]
