"""Blocks of calendar months and the working-day slots a cadence's contacts are due by."""

from __future__ import annotations

from datetime import date

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.care.periods import block, days_left, slot_deadlines, workdays


def test_blocks_are_calendar_months_two_months_quarters_and_halves() -> None:
    day = date(2026, 11, 22)
    assert block(day, 1) == (date(2026, 11, 1), date(2026, 11, 30))
    assert block(day, 2) == (date(2026, 11, 1), date(2026, 12, 31))
    assert block(day, 3) == (date(2026, 10, 1), date(2026, 12, 31))
    assert block(day, 6) == (date(2026, 7, 1), date(2026, 12, 31))
    assert block(date(2026, 2, 3), 2) == (date(2026, 1, 1), date(2026, 2, 28))


def test_four_calls_in_november_2026_are_due_by_its_6th_11th_16th_and_21st_working_day() -> None:
    calendar = WorkCalendar()
    days = workdays(calendar, date(2026, 11, 1), date(2026, 11, 30))
    assert len(days) == 21
    due = slot_deadlines(calendar, date(2026, 11, 1), date(2026, 11, 30), 4)
    assert due == [days[5], days[10], days[15], days[20]] == [
        date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)
    ]  # fmt: skip


def test_october_2026_counts_the_national_day_week_off() -> None:
    """国庆 10-01..07 off, Saturday 10-10 a working day (调休)."""
    days = workdays(WorkCalendar(), date(2026, 10, 1), date(2026, 10, 31))
    assert date(2026, 10, 5) not in days and date(2026, 10, 10) in days


def test_working_days_left_from_a_sunday() -> None:
    due = [date(2026, 11, 23), date(2026, 11, 27), date(2026, 11, 20), date(2026, 11, 9)]
    frame = pl.DataFrame({"due": due})
    left = frame.select(days_left(WorkCalendar(), pl.col("due"), date(2026, 11, 22))).to_series().to_list()
    assert left == [1, 5, -1, -9]  # Mon 11-09 to Fri 11-20: 9 working days since
