"""Working-time arithmetic over whole columns: add working days and minutes, measure working time
between two moments, the next working morning; with Chinese holidays and 调休 working days."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()
SCHEMA = pl.Datetime("us", "Asia/Shanghai")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


def frame(**columns: list) -> pl.DataFrame:
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, SCHEMA))


def test_adding_working_days_skips_weekends_and_holidays_and_keeps_the_working_clock() -> None:
    moments = frame(t=[at(2026, 11, 20, 10, 0), at(2026, 11, 20, 20, 0), at(2026, 9, 30, 9, 0), at(2026, 10, 9, 11, 0)])
    out = moments.select(t=CALENDAR.add_working_days(pl.col("t"), 1))["t"].to_list()
    assert out == [
        at(2026, 11, 23, 10, 0),  # Friday 10:00 → Monday 10:00
        at(2026, 11, 23, 17, 0),  # Friday evening counts from Monday's opening: Monday 17:00
        at(2026, 10, 8, 9, 0),  # over National Day
        at(2026, 10, 10, 11, 0),  # Saturday 2026-10-10 is a swapped working day
    ]


def test_working_time_between_two_moments() -> None:
    moments = frame(
        a=[at(2026, 11, 20, 15, 0), at(2026, 9, 30, 16, 0), at(2026, 11, 21, 9, 0)],
        b=[at(2026, 11, 23, 10, 0), at(2026, 10, 8, 9, 0), at(2026, 11, 22, 18, 0)],
    )
    hours = moments.select(h=CALENDAR.working_hours_between(pl.col("a"), pl.col("b")))["h"].to_list()
    assert hours == [3.5, 1.5, 0.0]  # 2h Friday + 1.5h Monday; 1h + 0.5h; a weekend has none


def test_next_working_morning_and_the_nth_working_day_after_a_date() -> None:
    moments = frame(t=[at(2026, 11, 20, 16, 30), at(2026, 9, 30, 17, 0), at(2026, 11, 21, 8, 0)])
    mornings = moments.select(t=CALENDAR.next_working_morning(pl.col("t"), time(12, 0)))["t"].to_list()
    assert mornings == [at(2026, 11, 23, 12, 0), at(2026, 10, 8, 12, 0), at(2026, 11, 23, 12, 0)]
    days = pl.DataFrame({"d": [date(2026, 10, 9), date(2026, 10, 3), date(2026, 10, 9)], "n": [1, 0, 2]})
    assert days.select(d=CALENDAR.workday_after(pl.col("d"), pl.col("n")))["d"].to_list() == [
        date(2026, 10, 10),
        date(2026, 10, 8),
        date(2026, 10, 12),
    ]


def test_a_deadline_on_a_day_boundary_is_the_evening_not_the_next_morning() -> None:
    out = frame(t=[at(2026, 11, 20, 8, 30)]).select(t=CALENDAR.add_working_time(pl.col("t"), 510))["t"].item()
    assert out == at(2026, 11, 20, 17, 0)


def test_the_holidays_package_agrees_on_days_off_but_does_not_know_the_swapped_working_days() -> None:
    """Why the calendar uses chinesecalendar: `holidays` (0.109) has the same days off in
    2025-2026 but no category for the weekend days that are working days (调休)."""
    holidays = pytest.importorskip("holidays")
    for year in (2025, 2026):
        days = CALENDAR.days.filter(pl.col("date").dt.year() == year)
        off_weekdays = set(days.filter(~pl.col("is_workday"), pl.col("date").dt.weekday() <= 5)["date"].to_list())
        from_package = {d for d in holidays.China(years=year) if d.weekday() < 5}
        assert off_weekdays == from_package
        working_weekends = days.filter(pl.col("is_workday"), pl.col("date").dt.weekday() > 5)["date"].to_list()
        assert len(working_weekends) in (5, 6)  # 2025: 5, 2026: 6 (e.g. Saturday 2026-10-10)


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 20)).map(
    lambda d: d.replace(tzinfo=TZ, microsecond=0)
)
minutes = st.integers(min_value=0, max_value=510 * 40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(moments, minutes), min_size=1, max_size=40))
def test_adding_working_minutes_then_measuring_gives_them_back(rows: list[tuple[datetime, int]]) -> None:
    data = pl.DataFrame({"t": [r[0] for r in rows], "n": [r[1] for r in rows]}, schema={"t": SCHEMA, "n": pl.Int64})
    out = data.with_columns(due=CALENDAR.add_working_time(pl.col("t"), pl.col("n"))).with_columns(
        back=CALENDAR.working_minutes_between(pl.col("t"), pl.col("due"))
    )
    assert out["back"].to_list() == [float(n) for n in out["n"]]
    for t, n, due in out.select("t", "n", "due").iter_rows():
        if n > 0:  # later than the start, and inside working hours (17:00 included)
            assert due > t
            assert CALENDAR.is_workday(due.date()) and time(8, 30) < due.time() <= time(17, 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(moments, min_size=1, max_size=40), st.integers(min_value=0, max_value=30))
def test_adding_working_days_then_measuring_gives_whole_days(values: list[datetime], days: int) -> None:
    data = frame(t=values).with_columns(due=CALENDAR.add_working_days(pl.col("t"), days))
    back = data.select(m=CALENDAR.working_minutes_between(pl.col("t"), pl.col("due")))["m"].to_list()
    assert back == [days * 510.0] * len(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(moments, min_size=2, max_size=40), minutes)
def test_working_time_is_monotone(values: list[datetime], n: int) -> None:
    ordered = frame(t=sorted(values)).select(
        position=CALENDAR.working_position(pl.col("t")), due=CALENDAR.add_working_time(pl.col("t"), n)
    )
    assert ordered["position"].is_sorted() and ordered["due"].is_sorted()


@settings(max_examples=200, deadline=None)
@given(moments, moments, moments)
def test_working_time_adds_up_along_the_way(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    out = (
        frame(a=[a], b=[b], c=[c])
        .select(
            ab=CALENDAR.working_minutes_between(pl.col("a"), pl.col("b")),
            bc=CALENDAR.working_minutes_between(pl.col("b"), pl.col("c")),
            ac=CALENDAR.working_minutes_between(pl.col("a"), pl.col("c")),
            is_working=CALENDAR.is_working_time(pl.col("a")),
            next_start=CALENDAR.next_work_start(pl.col("a")),
        )
        .row(0, named=True)
    )
    assert 0 <= out["ab"] <= out["ac"] and out["ab"] + out["bc"] == pytest.approx(out["ac"])
    # time spent outside working hours counts for nothing
    assert (
        out["is_working"]
        or frame(a=[a], s=[out["next_start"]])
        .select(m=CALENDAR.working_minutes_between(pl.col("a"), pl.col("s")))["m"]
        .item()
        == 0
    )
