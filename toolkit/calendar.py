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

from toolkit.timezones import DEFAULT_TIMEZONE, localize

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2035, 12, 31)
_EPOCH_TO_FIRST_DAY = (date(1970, 1, 1) - FIRST_DAY).days
_US_PER_MINUTE = 60_000_000
_US_PER_HOUR = 60 * _US_PER_MINUTE


def _us(clock: time) -> int:
    return ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1_000_000 + clock.microsecond


def _as_expr(value: pl.Expr | float) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value)


def _library_years() -> range:
    days = chinese_calendar.holidays.keys() | chinese_calendar.workdays.keys()
    return range(min(days).year, max(days).year + 1)


@dataclass(frozen=True)
class WorkCalendar:
    work_start: time = time(8, 30)
    work_end: time = time(17, 0)
    closures: tuple[date, ...] = ()
    extra_workdays: tuple[date, ...] = ()
    timezone: str = DEFAULT_TIMEZONE
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
        new_year = (day.dt.month() == 1) & (day.dt.day() == 1)  # a holiday every year, known or not
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
            .otherwise(weekday & ~new_year)
        )
        return (
            pl.DataFrame({"date": pl.date_range(FIRST_DAY, LAST_DAY, eager=True)})
            .with_columns(is_workday=is_workday)
            .with_columns(
                next_workday=pl.when(pl.col("is_workday")).then(day).shift(-1).backward_fill(),
                workdays_before=pl.col("is_workday").cast(pl.Int64).cum_sum().shift(1, fill_value=0),
            )
            .with_columns(first_after=pl.col("workdays_before") + pl.col("is_workday").cast(pl.Int64))
        )

    @cached_property
    def _workday_dates(self) -> pl.Series:
        """The working days in order: the k-th working day since FIRST_DAY is `[k]`."""
        return self.days.filter(pl.col("is_workday"))["date"]

    @property
    def day_us(self) -> int:
        """Microseconds of working time in one working day (08:30-17:00: 510 minutes)."""
        return _us(self.work_end) - _us(self.work_start)

    def uncovered_years(self, years: Iterable[int]) -> list[int]:
        """Years for which holidays are not known (weekends and 1 January only are used there)."""
        return sorted({y for y in years if y not in self.covered_years})

    def warn_uncovered(self, years: Iterable[int]) -> list[str]:
        missing = self.uncovered_years(years)
        if not missing:
            return []
        message = (
            f"holiday calendar does not cover {', '.join(map(str, missing))}: "
            "only weekends and 1 January are treated as days off there (update chinesecalendar)"
        )
        warnings.warn(message, stacklevel=2)
        return [message]

    def warn_uncovered_times(self, what: str, *columns: pl.Series) -> list[str]:
        """A warning for the rows of `columns` (dates or times of one table, one Series per
        column) with a value in a year whose holidays are not known, with the number of rows
        and the years: `3 pickup/delivery due times fall in 2027, which the holiday calendar
        does not cover: only weekends and 1 January are days off there`. A due time there may
        fall on a holiday (Spring Festival, National Day) counted as a working day."""
        years = pl.DataFrame({f"c{i}": column.dt.year() for i, column in enumerate(columns)})
        uncovered = [~pl.col(c).is_in(list(self.covered_years)) & pl.col(c).is_not_null() for c in years.columns]
        rows = years.filter(pl.any_horizontal(uncovered)) if uncovered else years.clear()
        if not rows.height:
            return []
        missing = self.uncovered_years(pl.concat([rows[c] for c in rows.columns]).drop_nulls().to_list())
        closures = sum(d.year in missing for d in self.closures)
        days_off = (
            f"only weekends, 1 January and the {closures} days of calendar: closures are days off there (update chinesecalendar)"
            if closures
            else "only weekends and 1 January are days off there, not Spring Festival or National Day unless calendar: closures "
            "lists them (update chinesecalendar)"
        )
        message = f"{rows.height:,} {what} fall in {', '.join(map(str, missing))}, which the holiday calendar does not cover: {days_off}"
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
        return localize(day.cast(pl.Datetime("us")) + offset, self.timezone)

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

    # --- working time as a position on one line ------------------------------------------
    #
    # Every moment maps to its *working position*: the microseconds of working time since
    # FIRST_DAY 08:30. Outside working hours the position stands still (a Saturday is the
    # position of Friday 17:00), so working time between two moments is a subtraction and
    # adding working time is an addition followed by one lookup back to a date and clock.

    def _day_index(self, day: pl.Expr) -> pl.Expr:
        index = day.cast(pl.Int32) + _EPOCH_TO_FIRST_DAY  # a Date is days since 1970-01-01
        return pl.when(index.is_between(0, self.days.height - 1)).then(index)

    def _by_day(self, day: pl.Expr, column: str) -> pl.Expr:
        return pl.lit(self.days[column]).gather(self._day_index(day))

    def working_position(self, moment: pl.Expr) -> pl.Expr:
        """Working microseconds from FIRST_DAY 08:30 to `moment` (Int64; null outside the table)."""
        local = moment.dt.replace_time_zone(None)  # one time-zone conversion for the date and the clock
        day = local.dt.date()
        since_start = (local.dt.time().cast(pl.Int64) // 1_000) - _us(self.work_start)  # time is ns
        inside = pl.when(self._by_day(day, "is_workday")).then(since_start.clip(0, self.day_us)).otherwise(0)
        return self._by_day(day, "workdays_before") * self.day_us + inside

    def from_working_position(self, position: pl.Expr) -> pl.Expr:
        """The moment at a working position. A position on a day boundary is 17:00 of the
        earlier day (a deadline of "one working day" from 08:30 is 17:00, not the next 08:30)."""
        k = (position - 1) // self.day_us
        within = position - k * self.day_us
        dates = self._workday_dates
        day = pl.lit(dates).gather(pl.when(k.is_between(0, dates.len() - 1)).then(k))
        naive = day.cast(pl.Datetime("us")) + pl.duration(microseconds=within + _us(self.work_start))
        return localize(naive, self.timezone)

    def add_working_time(self, moment: pl.Expr, minutes: pl.Expr | float) -> pl.Expr:
        """`moment` plus `minutes` of working time (any size, per row or one number); a moment
        outside working hours counts from the next working period."""
        us = (_as_expr(minutes) * _US_PER_MINUTE).round(0).cast(pl.Int64)
        return self.from_working_position(self.working_position(moment) + us)

    def add_working_days(self, moment: pl.Expr, days: pl.Expr | int) -> pl.Expr:
        """`moment` plus `days` whole working days: the same working clock `days` working days on
        (Friday 10:00 + 1 → Monday 10:00; Friday 20:00 + 1 → Monday 17:00)."""
        return self.from_working_position(self.working_position(moment) + _as_expr(days).cast(pl.Int64) * self.day_us)

    def working_minutes_between(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        """Working minutes from `start` to `end` (Float64; negative when `end` is earlier)."""
        return (self.working_position(end) - self.working_position(start)) / _US_PER_MINUTE

    def working_hours_between(self, start: pl.Expr, end: pl.Expr) -> pl.Expr:
        return (self.working_position(end) - self.working_position(start)) / _US_PER_HOUR

    def workday_after(self, day: pl.Expr, days: pl.Expr | int) -> pl.Expr:
        """The `days`-th working day after the date `day` (0: `day` itself if a working day, else
        the next one)."""
        index = self._day_index(day)
        if isinstance(days, int):
            column = "workdays_before" if days == 0 else "first_after"
            ordinal = pl.lit(self.days[column]).gather(index) + max(days - 1, 0)
        else:
            n = days.cast(pl.Int64)
            ordinal = (
                pl.when(n == 0)
                .then(pl.lit(self.days["workdays_before"]).gather(index))
                .otherwise(pl.lit(self.days["first_after"]).gather(index) + n - 1)
            )
        dates = self._workday_dates
        return pl.lit(dates).gather(pl.when(ordinal.is_between(0, dates.len() - 1)).then(ordinal))

    def next_working_morning(self, moment: pl.Expr, clock: time | None = None) -> pl.Expr:
        """`clock` (default: opening time) on the first working day after the date of `moment`."""
        return self.at(self.workday_after(moment.dt.date(), 1), clock or self.work_start)

    def end_of_day(self, day: pl.Expr) -> pl.Expr:
        """23:59:59 of the date `day`: a promised date without a time means that."""
        return self.at(day, time(23, 59, 59))
