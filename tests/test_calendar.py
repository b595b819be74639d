"""Working days and hours with Chinese public holidays and swapped working days (调休)."""

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


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


def apply(expr_of, moments: list[datetime]) -> list[datetime]:
    frame = pl.DataFrame({"t": moments}, schema={"t": pl.Datetime("us", "Asia/Shanghai")})
    return frame.select(expr_of(pl.col("t")))["t"].to_list()


def test_holidays_and_swapped_working_days_of_2026() -> None:
    assert not CALENDAR.is_workday(date(2026, 10, 1))  # National Day
    assert CALENDAR.is_workday(date(2026, 10, 10))  # Saturday, swapped working day
    assert CALENDAR.is_workday(date(2026, 9, 20))  # Sunday, swapped working day
    assert not CALENDAR.is_workday(date(2026, 11, 21))  # an ordinary Saturday
    days = CALENDAR.days.filter(pl.col("date") == date(2026, 9, 30))
    assert days["next_workday"].item() == date(2026, 10, 8)


def test_company_closures_and_extra_working_days_override_the_law() -> None:
    calendar = WorkCalendar(closures=(date(2026, 12, 31),), extra_workdays=(date(2026, 11, 21),))
    assert not calendar.is_workday(date(2026, 12, 31))
    assert calendar.is_workday(date(2026, 11, 21))
    table = calendar.days.filter(pl.col("date").is_in([date(2026, 12, 31), date(2026, 11, 21)]))
    assert table["is_workday"].to_list() == [True, False]


def test_next_work_start() -> None:
    assert apply(
        CALENDAR.next_work_start,
        [
            at(2026, 11, 20, 7, 0),  # before opening: 08:30 the same day
            at(2026, 11, 20, 10, 0),  # during working hours: itself
            at(2026, 11, 20, 17, 0),  # closing time: Monday morning
            at(2026, 10, 3, 12, 0),  # National Day: first working day after it
        ],
    ) == [at(2026, 11, 20, 8, 30), at(2026, 11, 20, 10, 0), at(2026, 11, 23, 8, 30), at(2026, 10, 8, 8, 30)]


def test_add_working_minutes_spills_into_the_next_working_morning() -> None:
    add_30 = lambda e: CALENDAR.add_working_minutes(e, 30)  # noqa: E731
    assert apply(add_30, [at(2026, 11, 20, 16, 50), at(2026, 9, 30, 16, 45)]) == [
        at(2026, 11, 23, 8, 50),
        at(2026, 10, 8, 8, 45),
    ]


def test_years_the_library_does_not_cover_give_a_warning() -> None:
    with pytest.warns(UserWarning, match="does not cover 2031"):
        messages = CALENDAR.warn_uncovered([2026, 2031])
    assert messages and "2031" in messages[0]
    assert CALENDAR.warn_uncovered([2025, 2026]) == []


def test_1_january_is_a_day_off_even_in_a_year_the_library_does_not_cover() -> None:
    assert 2027 not in CALENDAR.covered_years
    assert not CALENDAR.is_workday(date(2027, 1, 1))  # a Friday
    assert CALENDAR.is_workday(date(2027, 1, 4)) and CALENDAR.is_workday(
        date(2027, 2, 8)
    )  # Spring Festival is not known
    assert CALENDAR.days.filter(pl.col("date") == date(2026, 12, 31))["next_workday"].item() == date(2027, 1, 4)


def test_due_times_in_an_uncovered_year_are_one_warning_with_rows_and_years() -> None:
    pickup = pl.Series([at(2026, 12, 30, 15), at(2027, 1, 4, 12), None, at(2028, 1, 3, 12)])
    delivery = pl.Series([at(2027, 1, 2, 23, 59), at(2027, 1, 7, 23, 59), None, None])
    with pytest.warns(UserWarning, match="2027, 2028"):
        (message,) = CALENDAR.warn_uncovered_times("pickup/delivery due times", pickup, delivery)
    assert message == (
        "3 pickup/delivery due times fall in 2027, 2028, which the holiday calendar does not cover: only weekends and "
        "1 January are days off there, not Spring Festival or National Day unless calendar: closures lists them (update chinesecalendar)"
    )
    spring = WorkCalendar(closures=tuple(date(2027, 2, d) for d in range(6, 13)))
    with pytest.warns(UserWarning):
        (message,) = spring.warn_uncovered_times("pickup/delivery due times", pickup[:2], delivery[:2])
    assert message.startswith(
        "2 pickup/delivery due times fall in 2027, which the holiday calendar does not cover: "
        "only weekends, 1 January and the 7 days of calendar: closures are days off there"
    )
    assert CALENDAR.warn_uncovered_times("pickup/delivery due times", pickup[:1]) == []


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 30)).map(
    lambda d: d.replace(tzinfo=TZ, microsecond=0)
)


@settings(max_examples=200, deadline=None)
@given(st.lists(moments, min_size=1, max_size=50))
def test_next_work_start_is_working_time_not_before_the_moment(values: list[datetime]) -> None:
    frame = pl.DataFrame({"t": values}, schema={"t": pl.Datetime("us", "Asia/Shanghai")})
    out = frame.select(start=CALENDAR.next_work_start(pl.col("t")), t=pl.col("t"))
    for start, moment in out.iter_rows():
        assert start >= moment
        assert CALENDAR.is_workday(start.date())
        assert time(8, 30) <= start.time() < time(17, 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(moments, min_size=2, max_size=50))
def test_next_work_start_is_monotone(values: list[datetime]) -> None:
    ordered = sorted(values)
    assert apply(CALENDAR.next_work_start, ordered) == sorted(apply(CALENDAR.next_work_start, ordered))
