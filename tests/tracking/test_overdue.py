"""The status of every shipment from its events: out of order, twice, after the delivery, none."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.io.dates import reading_for
from toolkit.shipments.stages import STAGE_DTYPE
from toolkit.tracking.overdue import reduce_events, shipment_status, typed_shipments, unknown_shipment_statuses
from toolkit.tracking.presets import load_preset
from toolkit.tracking.sla import Sla
from toolkit.tracking.vocabulary import classify_events
from toolkit.tracking.worklist import flag_rules

TZ = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=TZ)
EVENTS = [  # (waybill, time, status), deliberately out of order
    ("A", "2026-11-19 18:00", "已签收,感谢使用顺丰,期待再次为您服务"),
    ("A", "2026-11-19 08:00", "快件在【上海浦东新区营业点】已揽收"),
    ("A", "2026-11-19 12:00", "快件到达【北京顺义集散中心】"),
    ("A", "2026-11-19 12:00", "快件到达【北京顺义集散中心】"),  # duplicate
    ("A", "2026-11-20 09:00", "快件在【上海青浦集散中心】完成分拣,准备发往【北京顺义集散中心】"),  # after delivery
    ("B", "2026-11-20 10:00", "快件在【杭州萧山区营业点】已揽收"),
    ("B", "2026-11-20 11:00", "【系统】路由节点9527同步"),  # unknown: counted, not a stage
    ("C", "2026-11-16 10:00", "快件在【广州白云区营业点】已揽收"),
    ("C", "2026-11-18 10:00", "快件交给刘洋,正在派送途中"),
    ("C", "2026-11-18 10:00", "快件派送不成功(收件人电话无人接听),待再次派送"),  # same time: the later stage wins
]


def _events() -> pl.LazyFrame:
    frame = pl.LazyFrame(EVENTS, schema=["waybill", "event_time", "status"], orient="row").with_columns(
        event_time=pl.col("event_time").str.to_datetime().dt.replace_time_zone("Asia/Shanghai"), location=pl.lit("上海")
    )
    return classify_events(frame, load_preset("sf").vocabulary())


def _shipments() -> pl.LazyFrame:
    return typed_shipments(
        pl.LazyFrame(
            {
                "waybill": ["A", "B", "C", "D"],
                "order_time": ["2026-11-18 15:00", "2026-11-20 09:00", "2026-11-16 09:00", "2026-11-19 09:30"],
                "carrier": ["顺丰速运"] * 4,
                "origin": ["上海"] * 4,
                "destination": ["北京"] * 4,
                "urgent": ["", "是", "否", ""],
                "promised_at": ["2026-11-19", None, None, None],
            }
        ),
        "Asia/Shanghai",
        CALENDAR,
    )


def test_events_reduce_to_one_row_per_waybill_whatever_their_order() -> None:
    reduced = reduce_events(_events()).collect().sort("waybill")
    a, b, c = reduced.rows(named=True)
    assert a["stage"] == "delivered" and a["delivered_at"] == datetime(2026, 11, 19, 18, tzinfo=TZ)
    assert a["picked_up_at"] == datetime(2026, 11, 19, 8, tzinfo=TZ)
    assert a["events"] == 5  # the duplicate and the late scan are there, and change nothing:
    assert a["last_event_time"] == a["delivered_at"] and a["last_status"].startswith("已签收")
    assert b["stage"] == "picked_up" and b["unknown_events"] == 1 and b["last_status"] == "【系统】路由节点9527同步"
    assert c["stage"] == "failed_attempt"


def test_every_shipment_gets_a_status_even_without_events() -> None:
    status = shipment_status(_shipments(), reduce_events(_events()), Sla(), CALENDAR, AS_OF).collect().sort("waybill")
    a, b, c, d = status.rows(named=True)
    assert c["stage"] == "failed_attempt" and c["picked_up_at"] is not None
    # a promised date without a time is the end of that day: delivered 18:00 on it is on time
    assert a["delivery_due"] == datetime(2026, 11, 19, 23, 59, 59, tzinfo=TZ) and a["delivered_on_time"] is True
    assert a["picked_up_on_time"] is False  # ordered 15:00 → due 17:00 the same day; picked up the next morning
    assert b["urgent"] is True and b["delivered_on_time"] is None  # still open, not yet due
    assert (d["stage"], d["events"], d["picked_up_on_time"]) == ("created", 0, False)


def test_flags_one_rule_per_shipment_in_order_of_precedence() -> None:
    status = shipment_status(_shipments(), reduce_events(_events()), Sla(), CALENDAR, AS_OF)
    flagged = flag_rules(status, Sla(), CALENDAR, AS_OF).collect().sort("waybill")
    assert flagged.select("waybill", "rule").rows() == [("B", "stalled"), ("C", "exception"), ("D", "pickup_overdue")]
    d = flagged.row(2, named=True)
    assert d["due_at"] == datetime(2026, 11, 19, 15, tzinfo=TZ)
    assert d["overdue_by"] == 10.5  # Thursday 15:00-17:00 and all of Friday; the weekend adds nothing


def test_a_shipments_own_status_is_read_with_the_presets_words() -> None:
    olist = [
        "canceled",
        "unavailable",
        "delivered",
        "shipped",
        "invoiced",
        "processing",
        "approved",
        "created",
        "被外星人带走",
        "",
    ]
    frame = pl.LazyFrame(
        {
            "waybill": [f"O{i}" for i in range(len(olist))],
            "order_time": ["2026-11-16 09:00"] * len(olist),
            "status": olist,
        }
    )
    typed = typed_shipments(frame, "Asia/Shanghai", CALENDAR, vocabulary=load_preset("generic").vocabulary())
    assert typed.collect()["status_stage"].to_list() == [
        "cancelled",
        "closed",
        "delivered",
        "in_transit",
        "created",
        "created",
        "created",
        "created",
        None,
        None,
    ]
    unknown = unknown_shipment_statuses(typed).collect()
    assert unknown.to_dicts() == [
        {"status": "被外星人带走", "code": None, "count": 1, "example_waybill": "O8"}
    ]  # the blank is no status


def test_a_cancelled_or_closed_own_status_wins_over_the_events() -> None:
    shipments = _shipments().with_columns(
        status_stage=pl.Series(["cancelled", "closed", None, "delivered"], dtype=STAGE_DTYPE)
    )
    status = shipment_status(shipments, reduce_events(_events()), Sla(), CALENDAR, AS_OF).collect().sort("waybill")
    assert status.select("waybill", "stage", "delivery_state").rows() == [
        ("A", "cancelled", "not_chased"),  # delivered by its events, but the order says cancelled
        ("B", "closed", "not_chased"),
        ("C", "failed_attempt", "open_overdue"),  # picked up on the 16th: due the 19th
        ("D", "created", "open_not_due"),  # "delivered" by its own word alone moves nothing: only closing does
    ]
    assert flag_rules(status.lazy(), Sla(), CALENDAR, AS_OF).collect()["waybill"].sort().to_list() == ["C", "D"]


def test_promise_time_end_of_day_or_exact() -> None:
    frame = pl.LazyFrame(
        {
            "waybill": ["midnight", "afternoon", "date"],
            "order_time": ["2026-11-16 09:00"] * 3,
            "promised_at": ["2026-11-19 00:00:00", "2026-11-19 15:30", "2026-11-19"],
        }
    )
    end = datetime(2026, 11, 19, 23, 59, 59, tzinfo=TZ)
    by_day = typed_shipments(frame, "Asia/Shanghai", CALENDAR).collect()["promised_at"].to_list()
    assert by_day == [end, datetime(2026, 11, 19, 15, 30, tzinfo=TZ), end]
    exact = typed_shipments(frame, "Asia/Shanghai", CALENDAR, promise_time="exact").collect()["promised_at"].to_list()
    assert exact == [
        datetime(2026, 11, 19, tzinfo=TZ),
        datetime(2026, 11, 19, 15, 30, tzinfo=TZ),
        end,
    ]  # a bare date is still the day


def test_a_delivery_at_noon_on_a_midnight_promise_is_late_only_when_exact() -> None:
    frame = pl.LazyFrame(
        {
            "waybill": ["A"],
            "order_time": ["2026-11-16 09:00"],
            "promised_at": ["2026-11-19 00:00:00"],
            "delivered_at": ["2026-11-19 12:00"],
        }
    )
    delivery = {"promised": "carrier"}
    for promise_time, state in (("end_of_day", "delivered_on_time"), ("exact", "delivered_late")):
        sla = Sla.model_validate({"delivery": {**delivery, "promise_time": promise_time}})
        typed = typed_shipments(frame, "Asia/Shanghai", CALENDAR, promise_time=sla.delivery.promise_time)
        status = shipment_status(typed, reduce_events(_events()).clear(), sla, CALENDAR, AS_OF).collect()
        assert status["delivery_state"].to_list() == [state], promise_time


def test_a_promised_date_read_by_a_date_formats_pattern_without_a_clock_is_the_whole_day() -> None:
    frame = pl.LazyFrame(
        {"waybill": ["A", "B"], "order_time": ["2006-05-30 09:00"] * 2, "promised_at": ["2-Jun-06", "06/03/2006 15:30"]}
    )
    times = reading_for(
        {"promised_at": ["%d-%b-%y", "%m/%d/%Y %H:%M"]}, "Asia/Shanghai", datetime(2006, 7, 1, tzinfo=TZ)
    )
    for promise_time in ("end_of_day", "exact"):
        promised = typed_shipments(frame, "Asia/Shanghai", CALENDAR, times, promise_time=promise_time).collect()[
            "promised_at"
        ]
        assert promised.to_list() == [
            datetime(2006, 6, 2, 23, 59, 59, tzinfo=TZ),
            datetime(2006, 6, 3, 15, 30, tzinfo=TZ),
        ]


def test_a_delivery_without_a_pickup_time_is_neither_picked_up_late_nor_on_time() -> None:
    # LaDe-like: the export has the delivery but no pickup; B is still waiting past its pickup due
    frame = pl.LazyFrame(
        {"waybill": ["A", "B"], "order_time": ["2026-11-16 09:00"] * 2, "delivered_at": ["2026-11-17 12:00", None]}
    )
    typed = typed_shipments(frame, "Asia/Shanghai", CALENDAR)
    status = shipment_status(typed, reduce_events(_events()).clear(), Sla(), CALENDAR, AS_OF).collect()
    assert status["picked_up_on_time"].to_list() == [None, False]
