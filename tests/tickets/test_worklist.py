"""The pure worklist: open tickets as of a moment, their standard, their deadline in working time
(across a night, a weekend and the National Day holiday), urgency, owner and escalation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.calendar import WorkCalendar
from toolkit.servicedesk import read_tickets
from toolkit.tickets.owners import Escalation, Person, Team
from toolkit.tickets.reminder_log import LOG_SCHEMA
from toolkit.tickets.standards import DEFAULT_STANDARDS, Standard
from toolkit.tickets.worklist import Desk, open_tickets, reminders, ticket_reminders, ticket_worklist

ZONE = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def _tickets(*rows: tuple[str, str, str, str | None, float | None]) -> pl.DataFrame:
    """(id, type code, created, first response, amount) → typed tickets as the reader gives them."""
    dtype = pl.Datetime("us", "Asia/Shanghai")
    return pl.DataFrame(
        {
            "ticket_id": [r[0] for r in rows],
            "channel": ["电话"] * len(rows),
            "ticket_type": [r[1] for r in rows],
            "problem": [None] * len(rows),
            "created_at": pl.Series([_at(r[2]) for r in rows], dtype=dtype),
            "first_response_at": pl.Series([_at(r[3]) if r[3] else None for r in rows], dtype=dtype),
            "closed_at": pl.Series([None] * len(rows), dtype=dtype),
            "agent": ["8011"] * len(rows),
            "satisfaction": pl.Series([None] * len(rows), dtype=pl.Int64),
            "waybill": [None] * len(rows),
            "branch": [None] * len(rows),
            "amount": pl.Series([r[4] for r in rows], dtype=pl.Float64),
        },
        schema_overrides={"problem": pl.String, "waybill": pl.String, "branch": pl.String},
    )


def _due(worklist: pl.DataFrame) -> dict[str, str]:
    return {t: f"{d:%Y-%m-%d %H:%M}" for t, d in worklist.select("ticket_id", "due_at").iter_rows()}


def test_a_deadline_runs_across_the_night_and_the_weekend_in_working_time() -> None:
    tickets = _tickets(
        ("night", "complaint", "2026-11-18 15:00:00", "2026-11-18 15:01:00", 100),  # Wed: 2 h today, 2 h Thursday
        ("evening", "query", "2026-11-18 21:40:00", "2026-11-18 21:41:00", None),  # after hours: from Thu 08:30
        ("weekend", "complaint", "2026-11-20 16:00:00", "2026-11-20 16:00:30", 200),  # Fri: 1 h, then Monday
        ("saturday", "query", "2026-11-21 10:00:00", "2026-11-21 10:00:20", None),  # a day off: from Monday
    )
    worklist = ticket_worklist(tickets, _at("2026-11-18 16:00:00"), CALENDAR, Desk())
    assert _due(worklist) == {"night": "2026-11-19 10:30"}  # the others are not yet created
    worklist = ticket_worklist(tickets, _at("2026-11-22 09:00:00"), CALENDAR, Desk())
    assert _due(worklist) == {
        "night": "2026-11-19 10:30",
        "evening": "2026-11-19 09:30",
        "weekend": "2026-11-23 11:30",
        "saturday": "2026-11-23 09:30",
    }
    used = dict(worklist.select("ticket_id", "used_minutes").iter_rows())
    assert used == {"night": 120 + 2 * 510, "evening": 2 * 510, "weekend": 60, "saturday": 0}  # to Friday 17:00


def test_a_deadline_waits_out_the_national_day_holiday() -> None:
    tickets = _tickets(("golden_week", "complaint", "2026-09-30 15:00:00", "2026-09-30 15:00:10", 50))
    worklist = ticket_worklist(tickets, _at("2026-10-05 12:00:00"), CALENDAR, Desk())
    assert _due(worklist) == {"golden_week": "2026-10-08 10:30"}  # 1-7 October off, 8 October from 08:30
    (row,) = worklist.iter_rows(named=True)
    assert row["urgency"] == "on_track" and row["remaining_minutes"] == 120


def test_the_wall_clock_for_a_desk_open_around_the_clock() -> None:
    tickets = _tickets(("sunday", "query", "2026-11-22 08:00:00", "2026-11-22 08:01:00", None))
    worklist = ticket_worklist(tickets, _at("2026-11-22 08:40:00"), CALENDAR, Desk(clock="calendar"))
    assert _due(worklist) == {"sunday": "2026-11-22 09:00"}
    assert worklist["urgency"].to_list() == ["due_soon"] and worklist["remaining_minutes"].to_list() == [20]


def test_urgency_response_and_escalation_from_the_limit() -> None:
    tickets = _tickets(
        ("late", "complaint", "2026-11-19 09:00:00", "2026-11-19 09:01:00", 100),  # due 13:00, 3 h over at 16:00
        ("very_late", "query", "2026-11-19 08:30:00", "2026-11-19 08:31:00", None),  # due 09:30, 390 min over
        ("soon", "query", "2026-11-19 15:20:00", None, None),  # 20 min left; never answered
        ("fresh", "query", "2026-11-19 15:58:00", None, None),  # 2 minutes old: not yet unanswered
    )
    desk = Desk(
        teams={"一组": Team(supervisor=Person(name="林芳", phone="13900000101"), agents=["8011"])},
        escalation=Escalation(manager=Person(name="李娜", phone="13900000100"), manager_after=240),
    )
    worklist = ticket_worklist(tickets, _at("2026-11-19 16:00:00"), CALENDAR, desk)
    rows = {r["ticket_id"]: r for r in worklist.iter_rows(named=True)}
    assert worklist["ticket_id"].to_list() == ["very_late", "late", "soon", "fresh"]  # the longest over first
    assert {t: r["urgency"] for t, r in rows.items()} == {
        "very_late": "breached",
        "late": "breached",
        "soon": "due_soon",
        "fresh": "on_track",
    }
    assert {t: r["notify_name"] for t, r in rows.items()} == {
        "very_late": "李娜",  # over 240 working minutes past the limit
        "late": "林芳",
        "soon": "8011",  # no directory: the agent by number
        "fresh": "8011",
    }
    assert [t for t, r in rows.items() if r["unanswered"]] == ["soon"]
    chase = reminders(worklist)
    assert chase.select("notify_name", "breached", "due_soon").rows() == [
        ("李娜", 1, 0),
        ("林芳", 1, 0),
        ("8011", 0, 1),
    ]


def _sent(*rows: tuple[str, str, str]) -> pl.DataFrame:
    """(ticket, step, when) → the reminder log's entries of earlier runs."""
    return pl.DataFrame(
        {
            "ticket_id": [r[0] for r in rows],
            "step": [r[1] for r in rows],
            "as_of": pl.Series([_at(r[2]) for r in rows], dtype=pl.Datetime("us", "Asia/Shanghai")),
            "notify_name": [None] * len(rows),
        }
    ).cast(LOG_SCHEMA)


def test_a_reminder_is_due_once_per_step_and_again_only_after_remind_again_minutes_of_working_time() -> None:
    tickets = _tickets(
        ("late", "complaint", "2026-11-19 09:00:00", "2026-11-19 09:01:00", 100),  # due 13:00: the supervisor's
        ("soon", "query", "2026-11-19 15:20:00", None, None),  # due 16:20: 20 minutes left at 16:00
        ("fresh", "query", "2026-11-19 15:58:00", None, None),  # on track: no reminder
    )
    team = {"一组": Team(supervisor=Person(name="林芳", phone="13900000101"), agents=["8011"])}
    sent = _sent(("late", "due_soon", "2026-11-19 12:40:00"), ("late", "supervisor", "2026-11-19 13:30:00"))

    def due(at: str, again: float | None = None) -> dict[str, tuple[str, bool]]:
        desk = Desk(teams=team, remind_again_minutes=again)
        worklist = ticket_worklist(tickets, _at(at), CALENDAR, desk)
        state = ticket_reminders(worklist, sent, _at(at), CALENDAR, desk)
        return {t: (step, is_due) for t, step, _, is_due in state.rows()}

    assert due("2026-11-19 16:00:00") == {"late": ("supervisor", False), "soon": ("due_soon", True)}
    assert due("2026-11-19 16:00:00", again=150) == {"late": ("supervisor", True), "soon": ("due_soon", True)}
    assert due("2026-11-19 16:00:00", again=180)["late"] == ("supervisor", False)
    # 13:30 → 17:00 and 08:30 → 09:00 the next morning: 240 working minutes, not the night's 19.5 hours
    assert due("2026-11-20 09:00:00", again=240)["late"] == ("supervisor", True)
    assert due("2026-11-20 08:50:00", again=240)["late"] == ("supervisor", False)


def test_the_standard_is_the_first_that_matches_type_channel_and_amount() -> None:
    standards = (
        Standard(name="mail_query", types=["查询"], channels=["邮件"], hours=4),
        *DEFAULT_STANDARDS,
    )
    tickets = _tickets(
        ("small", "complaint", "2026-11-19 09:00:00", None, 500),
        ("large", "complaint", "2026-11-19 09:00:00", None, 500.5),
        ("no_amount", "complaint", "2026-11-19 09:00:00", None, None),
        ("order", "order", "2026-11-19 09:00:00", None, None),
        ("change", "change", "2026-11-19 09:00:00", None, None),
        ("mail", "query", "2026-11-19 09:00:00", None, None),
    ).with_columns(channel=pl.Series(["电话"] * 5 + ["邮件"]))
    worklist = ticket_worklist(tickets, _at("2026-11-19 09:00:00"), CALENDAR, Desk(standards=standards))
    assert dict(worklist.select("ticket_id", "standard").iter_rows()) == {
        "small": "complaint_4h",
        "large": "complaint_over_500",
        "no_amount": "complaint_4h",
        "order": "order_3min",
        "change": "other",
        "mail": "mail_query",
    }


def test_the_manuals_standards_are_the_defaults() -> None:
    limits = {s.name: (s.limit_minutes, s.target) for s in DEFAULT_STANDARDS}
    assert limits["complaint_4h"] == (240, 0.7) and limits["query_1h"] == (60, 0.8)
    assert limits["order_3min"] == (3, 1.0)
    assert "500元以内4小时完成" in next(s.source for s in DEFAULT_STANDARDS if s.name == "complaint_4h")


def test_a_ticket_closed_after_the_as_of_was_open_then() -> None:
    tickets = read_tickets(REPO / "samples" / "service_tickets.csv")
    early = open_tickets(tickets, _at("2026-11-20 12:00:00"))
    assert early.height > 19 and (early["created_at"] <= _at("2026-11-20 12:00:00")).all()
    assert early.filter(pl.col("closed_at").is_not_null()).height > 0


@pytest.mark.parametrize("minutes", [10, 30])
def test_due_soon_is_the_configured_minutes(minutes: int) -> None:
    tickets = _tickets(("q", "query", "2026-11-19 15:40:00", "2026-11-19 15:41:00", None))  # 20 minutes left at 16:20
    worklist = ticket_worklist(tickets, _at("2026-11-19 16:20:00"), CALENDAR, Desk(due_soon_minutes=minutes))
    assert worklist["urgency"].to_list() == ["due_soon" if minutes >= 20 else "on_track"]
