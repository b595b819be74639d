"""KPIs on small hand-made frames: every figure can be checked by counting on the fingers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.reports import kpi

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def tickets(rows: list[dict]) -> pl.DataFrame:
    defaults = {
        "channel": "电话",
        "problem": "查件",
        "first_response_at": None,
        "closed_at": None,
        "agent": "8011",
        "satisfaction": None,
        "waybill": None,
        "branch": None,
        "amount": None,
    }
    frame = pl.DataFrame(
        [{**defaults, "ticket_id": f"T{i}", **row} for i, row in enumerate(rows)],
        schema_overrides={
            "created_at": pl.Datetime("us", "Asia/Shanghai"),
            "first_response_at": pl.Datetime("us", "Asia/Shanghai"),
            "closed_at": pl.Datetime("us", "Asia/Shanghai"),
            "satisfaction": pl.Int64,
            "amount": pl.Float64,
        },
    )
    return frame


@pytest.fixture
def day_of_tickets() -> pl.DataFrame:
    return tickets(
        [
            # queries: answered in 30 min (met), in 2 h (missed), open since 08:30 (pending at 09:00)
            {
                "ticket_type": "query",
                "created_at": at(21, 9),
                "closed_at": at(21, 9, 30),
                "satisfaction": 5,
                "agent": "8011",
            },
            {
                "ticket_type": "urge",
                "created_at": at(21, 10),
                "closed_at": at(21, 12),
                "satisfaction": 2,
                "agent": "8012",
            },
            {"ticket_type": "inquiry", "created_at": at(22, 8, 30), "agent": "8012"},
            # complaints: ¥200 closed in 3 h (met), ¥300 open since yesterday (missed), ¥2,000 (not under the standard)
            {
                "ticket_type": "complaint",
                "created_at": at(21, 14),
                "closed_at": at(21, 17),
                "amount": 200.0,
                "satisfaction": 4,
            },
            {"ticket_type": "complaint", "created_at": at(21, 15), "amount": 300.0, "problem": "破损"},
            {
                "ticket_type": "complaint",
                "created_at": at(21, 9),
                "closed_at": at(21, 20),
                "amount": 2000.0,
                "problem": "丢件",
            },
            {
                "ticket_type": "change",
                "created_at": at(21, 11),
                "first_response_at": at(21, 11, 4),
                "closed_at": at(21, 11, 40),
            },
        ]
    )


def test_service_standards_count_met_missed_and_pending(day_of_tickets: pl.DataFrame) -> None:
    table = kpi.service_standards(day_of_tickets, AS_OF).to_dicts()
    rows = {row["standard"]: row for row in table}
    assert rows["query_1h"] | {"label": None} == {
        "standard": "query_1h",
        "label": None,
        "tickets": 3,
        "met": 1,
        "missed": 1,
        "pending": 1,
        "target": 0.8,
        "rate": 0.5,
        "breach": True,
    }
    complaint = rows["complaint_4h"]
    assert (complaint["tickets"], complaint["met"], complaint["missed"], complaint["pending"]) == (2, 1, 1, 0)
    assert complaint["rate"] == 0.5 and complaint["breach"]  # target 70%
    assert "4小时" in complaint["label"]
    satisfied = rows["satisfaction"]
    assert (satisfied["tickets"], satisfied["met"], satisfied["missed"]) == (3, 2, 1)  # 5 and 4 satisfied, 2 not
    assert satisfied["rate"] == pytest.approx(2 / 3) and satisfied["breach"]


def test_service_standards_labels_follow_the_locale(day_of_tickets: pl.DataFrame) -> None:
    labels = kpi.service_standards(day_of_tickets, AS_OF, locale="en")["label"].to_list()
    assert labels[1] == "Queries answered within 1 h"


def test_no_decided_ticket_means_no_rate_and_no_breach() -> None:
    only_pending = tickets([{"ticket_type": "query", "created_at": at(22, 8, 30)}])
    row = kpi.service_standards(only_pending, AS_OF).filter(pl.col("standard") == "query_1h").row(0, named=True)
    assert row["rate"] is None and row["breach"] is False


def test_ticket_summary(day_of_tickets: pl.DataFrame) -> None:
    summary = kpi.ticket_summary(day_of_tickets)
    assert summary["tickets"] == 7 and summary["open"] == 2 and summary["closed"] == 5 and summary["complaints"] == 3
    # handling minutes of the closed tickets: 30, 120, 180, 660, 40 → median 120
    assert summary["handling_min"] == 120
    assert summary["first_response_min"] == 4
    assert summary["rated"] == 3 and summary["mean_score"] == pytest.approx(11 / 3)


def test_by_type_problem_types_and_late_tickets(day_of_tickets: pl.DataFrame) -> None:
    types = kpi.by_type(day_of_tickets)
    assert types.row(0, named=True)["ticket_type"] == "complaint" and types.row(0, named=True)["label"] == "投诉"
    assert types["tickets"].sum() == 7 and types["share"].sum() == pytest.approx(1.0)
    damaged = tickets(
        [{"ticket_type": "complaint", "problem": "破损", "created_at": at(21, h)} for h in (9, 10, 11)]
        + [{"ticket_type": "query", "problem": "查件", "created_at": at(21, 12)}]
    )
    assert kpi.problem_types(damaged, top=1).rows() == [("投诉", "破损", 3, 0.75)]
    late = kpi.late_tickets(day_of_tickets, AS_OF)
    assert late["ticket_id"].to_list() == ["T4", "T1"]  # open complaint (18 h) before the 2 h urge
    assert late["still_open"].to_list() == [True, False]


def test_tickets_on_a_day_and_daily_volume(day_of_tickets: pl.DataFrame) -> None:
    assert kpi.tickets_on(day_of_tickets, date(2026, 11, 22))["ticket_id"].to_list() == ["T2"]
    volume = kpi.daily_volume(day_of_tickets)
    assert volume.rows() == [(date(2026, 11, 21), 6, 3, 2), (date(2026, 11, 22), 1, 0, 1)]


def test_standards_by_day_has_every_day(day_of_tickets: pl.DataFrame) -> None:
    later = pl.concat(
        [day_of_tickets, tickets([{"ticket_type": "query", "created_at": at(19, 9), "closed_at": at(19, 9, 10)}])]
    )
    trend = kpi.standards_by_day(later, AS_OF)
    assert trend["day"].to_list() == [date(2026, 11, d) for d in (19, 20, 21, 22)]
    assert trend["query_1h"].to_list() == [1.0, None, 0.5, None]
    assert trend["complaint_4h"].to_list() == [None, None, 0.5, None]


def test_by_agent_puts_the_lowest_on_time_rate_first(day_of_tickets: pl.DataFrame) -> None:
    agents = kpi.by_agent(day_of_tickets, AS_OF)
    assert agents["agent"].to_list() == ["8012", "8011"]
    assert agents["on_time_rate"].to_list() == [0.0, pytest.approx(2 / 3)]


def test_orders_kpis() -> None:
    valid = pl.DataFrame({"branch": ["杭州", "杭州", "上海"], "needs_call": [False, True, False]})
    rejected = pl.DataFrame({"branch": ["杭州", None]}, schema={"branch": pl.String})
    findings = pl.DataFrame(
        {
            "row": [2, 2, 5, 7],
            "column": ["consignee_name", "consignee_phone", "consignee_name", "order_id"],
            "rule": ["required", "invalid_phone", "required", "possible_duplicate"],
            "severity": ["error", "error", "error", "warning"],
            "message": ["收货人为空", "电话无效", "收货人为空", "疑似重复"],
        }
    )
    counts = kpi.order_counts(valid, rejected)
    assert counts == {"received": 5, "accepted": 3, "refused": 2, "call_needed": 1, "refused_rate": 0.4}
    by_rule = kpi.findings_by_rule(findings, 5)
    assert by_rule.select("rule", "orders", "share").rows() == [
        ("required", 2, 0.4),
        ("invalid_phone", 1, 0.2),
        ("possible_duplicate", 1, 0.2),
    ]
    assert kpi.refused_by_rule(findings)["rule"].to_list() == ["required", "invalid_phone"]
    branches = kpi.orders_by_branch(valid, rejected)
    assert branches.rows() == [("杭州", 3, 2, 1, pytest.approx(1 / 3)), ("—", 1, 0, 1, 1.0), ("上海", 1, 1, 0, 0.0)]


def test_findings_by_rule_counts_each_column_of_a_rule_under_its_own_message() -> None:
    """A rule checks several columns: each column is its own row, named by its own message (not
    by the message most of the rule's findings carry)."""
    findings = pl.DataFrame(
        {
            "row": [2, 3, 4, 5, 6, 7, 8, 9, 10, 7],
            "column": ["volume_m3"] * 3
            + ["weight_kg"] * 2
            + ["pickup_fee"]
            + ["consignee_phone"] * 3
            + ["shipper_phone"],
            "rule": ["not_a_number"] * 6 + ["invalid_phone"] * 4,
            "severity": ["error"] * 10,
            "message": ["体积不是有效的数字"] * 3
            + ["重量不是有效的数字"] * 2
            + ["提货费不是有效的数字"]
            + ["收货人电话无效"] * 3
            + ["发货人电话无效"],
        }
    )
    by_rule = kpi.findings_by_rule(findings, 20)
    assert by_rule.select("rule", "column", "message", "orders").rows() == [
        ("invalid_phone", "consignee_phone", "收货人电话无效", 3),
        ("not_a_number", "volume_m3", "体积不是有效的数字", 3),
        ("not_a_number", "weight_kg", "重量不是有效的数字", 2),
        ("invalid_phone", "shipper_phone", "发货人电话无效", 1),
        ("not_a_number", "pickup_fee", "提货费不是有效的数字", 1),
    ]
    assert by_rule["share"].to_list() == pytest.approx([0.15, 0.15, 0.1, 0.05, 0.05])
    assert kpi.refused_by_rule(findings)["orders"].sum() == 10  # row 7: a pickup fee and a shipper phone


def test_sms_kpis() -> None:
    outbox = pl.DataFrame(
        {
            "role": ["业务员", "调度", "业务员"],
            "phone": ["13900000001", "13800000001", "13900000001"],
            "parts": [1, 1, 2],
            "shortened": [None, None, "goods_name 12→5"],
        }
    )
    messages = pl.DataFrame({"serial": ["1", "2", "3"]})
    findings = pl.DataFrame({"rule": ["over_budget", "invalid_recipient_phone", "invalid_recipient_phone"]})
    counts = kpi.sms_counts(messages, outbox, findings)
    assert counts == {
        "rendered": 3,
        "outbox": 3,
        "parts": 4,
        "shortened": 1,
        "over_budget": 1,
        "invalid_phone": 2,
        "not_sent": 3,
    }
    assert kpi.sms_by_role(outbox).rows() == [("业务员", 2, 3, 1), ("调度", 1, 1, 1)]
    assert kpi.sms_counts(messages, outbox, findings.clear())["not_sent"] == 0


def test_standard_status_uses_elapsed_time_for_open_tickets() -> None:
    frame = tickets([{"ticket_type": "query", "created_at": AS_OF - timedelta(minutes=61)}])
    status = kpi.standard_status(frame, AS_OF)
    assert status["status"].to_list() == ["missed"] and status["elapsed_min"].to_list() == [61]
