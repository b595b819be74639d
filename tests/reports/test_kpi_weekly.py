"""Weekly KPIs on small hand-made frames: pickup and delivery rates from shipment_status, the
overdue worklist, claims, and week-over-week change."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.reports import kpi
from toolkit.shipments.stages import STAGE_DTYPE

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=TZ)
STAMP = pl.Datetime("us", "Asia/Shanghai")


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=TZ)


def status(rows: list[tuple]) -> pl.DataFrame:
    """(branch, origin, destination, carrier, order day, picked_up_at, pickup_due, picked_up_on_time,
    delivery_due, delivered_on_time, declared_value, arrived_at, stage); no tracking events."""
    names = [
        "branch",
        "origin",
        "destination",
        "carrier",
        "order_time",
        "picked_up_at",
        "pickup_due",
        "picked_up_on_time",
        "delivery_due",
        "delivered_on_time",
        "declared_value",
        "arrived_at",
        "stage",
    ]
    schema = {
        "order_time": STAMP,
        "picked_up_at": STAMP,
        "pickup_due": STAMP,
        "delivery_due": STAMP,
        "arrived_at": STAMP,
        "picked_up_on_time": pl.Boolean,
        "delivered_on_time": pl.Boolean,
        "declared_value": pl.Float64,
        "stage": STAGE_DTYPE,
    }
    return pl.DataFrame(rows, schema=names, orient="row", schema_overrides=schema).with_columns(
        events=pl.lit(0, pl.Int64)
    )


@pytest.fixture
def shipments() -> pl.DataFrame:
    return status(
        [
            (
                "杭州",
                "杭州",
                "成都",
                "顺丰",
                at(17),
                at(17, 10),
                at(17, 15),
                True,
                at(19),
                True,
                2000.0,
                at(18),
                "delivered",
            ),
            (
                "杭州",
                "杭州",
                "成都",
                "顺丰",
                at(17),
                at(18, 10),
                at(17, 15),
                False,
                at(19),
                False,
                None,
                at(20),
                "delivered",
            ),  # late twice
            (
                "杭州",
                "杭州",
                "北京",
                "顺丰",
                at(18),
                None,
                at(18, 15),
                None,
                at(21),
                None,
                None,
                None,
                "created",
            ),  # never picked up
            (
                "上海",
                "上海",
                "成都",
                "京东",
                at(21),
                None,
                at(23, 15),
                None,
                at(25),
                None,
                None,
                None,
                "created",
            ),  # not due yet
            (
                "上海",
                "上海",
                "北京",
                "京东",
                at(20),
                at(20, 10),
                at(20, 15),
                True,
                at(24),
                None,
                None,
                None,
                "in_transit",
            ),  # delivery not due
            (
                "上海",
                "上海",
                "北京",
                "京东",
                at(10),
                at(10, 10),
                at(10, 15),
                True,
                at(12),
                True,
                None,
                at(11),
                "delivered",
            ),  # the week before
        ]
    )


def test_timely_pickup_per_branch_against_98_percent(shipments: pl.DataFrame) -> None:
    rates = kpi.timely_pickup(shipments, "branch", AS_OF)
    assert rates.select("branch", "shipments", "on_time", "late", "breach").rows() == [
        ("杭州", 3, 1, 2, True),  # the one never picked up is late once its due time has passed
        ("上海", 2, 2, 0, False),  # the shipment not due yet is in neither count
    ]
    assert rates["rate"].to_list() == [pytest.approx(1 / 3), 1.0] and rates["target"].to_list() == [0.98, 0.98]


def test_origin_analysis_counts_shipped_and_not(shipments: pl.DataFrame) -> None:
    origins = kpi.origin_analysis(shipments, AS_OF)
    assert origins.select("origin", "shipments", "picked_up", "not_picked_up").rows() == [
        ("上海", 3, 2, 1),
        ("杭州", 3, 2, 1),
    ]
    assert origins["share"].to_list() == [0.5, 0.5]


def test_late_delivery_per_carrier_and_route(shipments: pl.DataFrame) -> None:
    by_carrier = kpi.late_delivery(shipments, "carrier", AS_OF)
    assert by_carrier.columns == [
        "carrier",
        "shipments",
        "delivered_on_time",
        "delivered_late",
        "open_overdue",
        "late_rate",
    ]
    assert by_carrier.rows() == [("顺丰", 3, 1, 1, 1, pytest.approx(2 / 3)), ("京东", 1, 1, 0, 0, 0.0)]
    routes = kpi.late_delivery(shipments, "route", AS_OF)
    assert routes["route"].to_list() == ["杭州→北京", "杭州→成都", "上海→北京"]
    assert kpi.late_delivery(shipments, "route", AS_OF, min_shipments=2)["route"].to_list() == ["杭州→成都"]


def test_a_cancelled_shipment_is_in_no_rate_and_counted_as_not_chased(shipments: pl.DataFrame) -> None:
    cancelled = status(
        [("杭州", "杭州", "成都", "顺丰", at(17), None, at(17, 15), None, at(19), None, None, None, "cancelled")]
    )
    with_cancelled = pl.concat([shipments, cancelled])
    assert (
        kpi.late_delivery(with_cancelled, "carrier", AS_OF).rows()
        == kpi.late_delivery(shipments, "carrier", AS_OF).rows()
    )
    assert (
        kpi.timely_pickup(with_cancelled, "branch", AS_OF).rows()
        == kpi.timely_pickup(shipments, "branch", AS_OF).rows()
    )
    assert (
        kpi.weekly_rates(with_cancelled, AS_OF)["late_rate"].to_list()
        == kpi.weekly_rates(shipments, AS_OF)["late_rate"].to_list()
    )
    assert kpi.delivery_summary(with_cancelled, AS_OF) == {
        "delivered_on_time": 2,
        "delivered_late": 1,
        "open_overdue": 1,
        "open_not_due": 2,
        "not_chased": 1,
        "no_due_time": 0,
        "no_events": 7,
    }


def test_weekly_rates_and_week_over_week(shipments: pl.DataFrame) -> None:
    weekly = kpi.weekly_rates(shipments, AS_OF)
    assert weekly["week"].to_list() == [date(2026, 11, 9), date(2026, 11, 16)]
    change = kpi.week_over_week(weekly, date(2026, 11, 16))
    rows = {r["measure"]: r for r in change.to_dicts()}
    assert rows["shipments"] == {"measure": "shipments", "this_week": 5.0, "last_week": 1.0, "change": 4.0}
    assert rows["pickup_rate"]["this_week"] == 0.5 and rows["pickup_rate"]["change"] == -0.5  # 2 of the 4 decided
    first = kpi.week_over_week(weekly, date(2026, 11, 9))
    assert first["last_week"].null_count() == 3 and first["change"].null_count() == 3
    assert kpi.in_week(shipments, "order_time", date(2026, 11, 16)).height == 5


def test_in_week_and_month_take_the_day_in_the_time_zone_of_the_column() -> None:
    """Monday 07:00 in Shanghai is Sunday 23:00 UTC: it belongs to the week that Monday starts,
    and the 1st at 07:00 to its month (a cast to Date would give the UTC day)."""
    early = pl.DataFrame({"order_time": [datetime(2026, 11, 16, 7, tzinfo=TZ)]}, schema={"order_time": STAMP})
    assert kpi.in_week(early, "order_time", date(2026, 11, 16)).height == 1
    assert kpi.in_week(early, "order_time", date(2026, 11, 9)).height == 0
    ledger = claims().with_columns(settled_at=pl.Series([datetime(2026, 12, 1, 7, tzinfo=TZ)] * 4, dtype=STAMP))
    assert kpi.claim_kpis(ledger, date(2026, 11, 1))["paid_claims"] == 0
    assert kpi.claim_kpis(ledger, date(2026, 12, 1))["paid_claims"] == 2


def test_overdue_counts_summary_and_top_items() -> None:
    worklist = pl.DataFrame(
        {
            "waybill": ["W1", "W2", "W3", "W4"],
            "rule": ["delivery_overdue", "pickup_overdue", "delivery_overdue", "stalled"],
            "rule_label": ["超过配送时效", "超时未揽收", "超过配送时效", "长时间无更新"],
            "severity": ["critical", "high", "low", "high"],
            "severity_label": ["紧急", "高", "低", "高"],
            "carrier": ["顺丰", "顺丰", "京东", "顺丰"],
            "route": ["上海→成都", "上海→南京", "上海→成都", "杭州→武汉"],
            "urgent": [True, False, False, None],
            "rounds": [2, 1, 1, 3],
        }
    )
    assert kpi.overdue_summary(worklist) == {
        "flagged": 4,
        "critical": 1,
        "high": 2,
        "medium": 0,
        "low": 1,
        "urgent": 1,
        "chased_again": 2,
    }
    assert kpi.overdue_counts(worklist, "severity").select("severity_label", "shipments").rows() == [
        ("紧急", 1),
        ("高", 2),
        ("低", 1),
    ]
    assert kpi.overdue_counts(worklist, "rule").rows()[0] == ("delivery_overdue", "超过配送时效", 2, 0.5)
    assert kpi.overdue_counts(worklist, "route").rows()[0] == ("上海→成都", 2, 0.5)
    top = kpi.top_overdue(worklist, 2)
    assert top["waybill"].to_list() == ["W1", "W2"] and "rule_label" in top.columns and "rule" not in top.columns


def claims() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3", "C4"],
            "incident_date": [date(2026, 10, 28), date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 18)],
            "status": ["settled", "settled", "rejected", "open"],
            "settled_at": [at(2), at(12), at(13), None],
            "amount_paid": [1000.0, 300.0, 0.0, None],
            "goodwill": [False, True, False, False],
            "insured": [True, False, True, False],
            "filed_at": [at(1) for _ in range(4)],
            "proposal_late": [False, True, False, None],
            "payment_late": [False, False, False, True],
        },
        schema_overrides={"settled_at": STAMP, "filed_at": STAMP},
    )


def test_claim_kpis_of_a_month(shipments: pl.DataFrame) -> None:
    month = kpi.claim_kpis(claims(), date(2026, 11, 1), shipments)
    assert month["incidents"] == 3  # 当月出险次数: C2, C3, C4 (C1 happened in October)
    assert month["paid_claims"] == 2 and month["paid_amount"] == 1300.0 and month["average_payout"] == 650.0
    assert month["goodwill"] == 1
    assert month["shipments"] == 6 and month["claim_rate"] == pytest.approx(2 / 6)
    assert month["insured_rate"] == pytest.approx(1 / 6)
    assert kpi.claim_kpis(claims(), date(2026, 11, 1))["claim_rate"] is None  # no shipments, no rate


def test_claims_past_deadline_and_by_week() -> None:
    assert kpi.claims_past_deadline(claims())["claim_id"].to_list() == ["C2", "C4"]
    weekly = kpi.claims_by_week(claims())
    assert weekly.rows() == [
        (date(2026, 10, 26), 1, 0, 0.0),  # C1 happened in this week and was paid the next
        (date(2026, 11, 2), 1, 1, 1000.0),
        (date(2026, 11, 9), 1, 1, 300.0),
        (date(2026, 11, 16), 1, 0, 0.0),
    ]
