"""Working days and hours in China: public holidays and swapped working days (调休).

Holidays come from the `chinesecalendar` package, plus the company's own closures and extra
working days from config. The calendar is a small table of days; every operation on times is a
polars expression that looks days up in that table, so it runs over all rows at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from functools import cached_property

import chinese_calendar
import polars as pl

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2035, 12, 31)


def _library_years() -> range:
    days = chinese_calendar.holidays.keys() | chinese_calendar.workdays.keys()
    return range(min(days).year, max(days).year + 1)


@dataclass(frozen=True)
class WorkCalendar:
    work_start: time = time(8, 30)
    work_end: time = time(17, 0)
    closures: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()
    timezone: str = "Asia/Shanghai"
    covered_years: range = field(default_factory=_library_years)

    def is_workday(self, day: date) -> bool:
        """One day, looked up in the same table the expressions use."""
        return self._workdays.get(day, day.weekday() < 5)

    @cached_property
    def _workdays(self) -> dict[date, bool]:
        return dict(zip(self.days["date"].to_list(), self.days["is_workday"].to_list(), strict=True))

    @cached_property
    def days(self) -> pl.DataFrame:
        """One row per day: `date`, `is_workday`, `next_workday` (the first working day after)."""
        day = pl.col("date")
        covered = day.dt.year().is_in(list(self.covered_years))
        weekday = day.dt.weekday() <= 5
        by_law = (
            pl.when(day.is_in(list(chinese_calendar.workdays)))
            .then(True)
            .when(day.is_in(list(chinese_calendar.holidays)))
            .then(False)
            .otherwise(weekday)
        )
        is_workday = (
            pl.when(day.is_in(list(self.extra_workdays)))
            .then(True)
            .when(day.is_in(list(self.closures)))
            .then(False)
            .when(covered)
            .then(by_law)
            .otherwise(weekday)
        )
        return (
            pl.DataFrame({"date": pl.date_range(FIRST_DAY, LAST_DAY, eager=True)})
            .with_columns(is_workday=is_workday)
            .with_columns(
                next_workday=pl.when(pl.col("is_workday")).then(day).shift(-1).backward_fill()
            )
        )

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """Years for which holidays are not known (weekends only are used there)."""
        return sorted({y for y in years if y not in self.covered_years})

    def warn_uncovered(self, years: Iterable[int]) -> list[str]:
        missing = self.uncovered_years(years)
        if not missing:
            return []
        message = (
            f"holiday calendar does not cover {', '.join(map(str, missing))}: "
            "only weekends are treated as days off there (update chinesecalendar)"
        )
        warnings.warn(message, stacklevel=2)
        return [message]

    # --- expressions over a tz-aware Datetime column -------------------------------------

    def _lookup(self, day: pl.Expr, column: str) -> pl.Expr:
        return day.replace_strict(self.days["date"], self.days[column], default=None)

    def is_workday_expr(self, day: pl.Expr) -> pl.Expr:
        return self._lookup(day, "is_workday")

    def next_workday_expr(self, day: pl.Expr) -> pl.Expr:
        return self._lookup(day, "next_workday")

    def at(self, day: pl.Expr, clock: time) -> pl.Expr:
        """The datetime at `clock` on `day`, in the calendar's time zone."""
        offset = pl.duration(hours=clock.hour, minutes=clock.minute, seconds=clock.second)
        return (day.cast(pl.Datetime("us")) + offset).dt.replace_time_zone(self.timezone)

    def is_working_time(self, moment: pl.Expr) -> pl.Expr:
        clock = moment.dt.time()
        return (
            self.is_workday_expr(moment.dt.date())
            & (clock >= pl.lit(self.work_start))
            & (clock < pl.lit(self.work_end))
        )

    def next_work_start(self, moment: pl.Expr) -> pl.Expr:
        """The start of the first working period at or after `moment` (itself if working)."""
        day = moment.dt.date()
        clock = moment.dt.time()
        workday = self.is_workday_expr(day)
        return (
            pl.when(workday & (clock < pl.lit(self.work_start)))
            .then(self.at(day, self.work_start))
            .when(workday & (clock < pl.lit(self.work_end)))
            .then(moment)
            .otherwise(self.at(self.next_workday_expr(day), self.work_start))
        )

    def add_working_minutes(self, moment: pl.Expr, minutes: int) -> pl.Expr:
        """`moment` plus `minutes` of working time; assumes `minutes` is under one working day."""
        start = self.next_work_start(moment)
        day = start.dt.date()
        end_of_day = self.at(day, self.work_end)
        naive_due = start + pl.duration(minutes=minutes)
        spill = naive_due - end_of_day
        return (
            pl.when(naive_due <= end_of_day)
            .then(naive_due)
            .otherwise(self.at(self.next_workday_expr(day), self.work_start) + spill)
        )
