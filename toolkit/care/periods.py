"""Calendar blocks and working-day deadlines: the dates a tier's cadence is counted against.

A cadence of `times` per `months` counts in calendar blocks of that many months (a month; Jan–Feb,
Mar–Apr …; a quarter; a half year). The block's working days (the batch's calendar: holidays and
调休 included) are split into `times` equal slots, and the k-th contact is due by the last working
day of slot k: 4 calls in November 2026 (21 working days) are due by its 6th, 11th, 16th and 21st
working day. "Due so far" is the slots whose last day is before the run's day.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl

from toolkit.calendar import WorkCalendar

PERIODS = {1: "month", 2: "two_months", 3: "quarter", 6: "half_year", 12: "year"}


def block(day: date, months: int) -> tuple[date, date]:
    """The first and last day of the block of `months` calendar months that `day` is in."""
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    following = first_month + months
    end = date(day.year + (following - 1) // 12, (following - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def workdays(calendar: WorkCalendar, start: date, end: date) -> list[date]:
    """The working days from `start` to `end`, both included."""
    days = calendar.days
    return days.filter(pl.col("date").is_between(start, end) & pl.col("is_workday"))["date"].to_list()


def slot_deadlines(calendar: WorkCalendar, start: date, end: date, times: int) -> list[date]:
    """The day each of `times` contacts of the block is due by (see the module)."""
    days = workdays(calendar, start, end)
    if not days:
        return [end] * times
    return [days[math.ceil(k * len(days) / times) - 1] for k in range(1, times + 1)]


def workdays_before(calendar: WorkCalendar, day: date, n: int) -> list[date]:
    """The last `n` working days before `day`, earliest first."""
    days = calendar.days
    return days.filter((pl.col("date") < day) & pl.col("is_workday")).tail(n)["date"].to_list()


def days_left(calendar: WorkCalendar, due: pl.Expr, today: date) -> pl.Expr:
    """Working days from `today` to `due`: 0 due today, 1 the next working day; negative when the
    day has passed (-1 at least, also over a weekend)."""
    ordinal = calendar.days.select("date", "first_after")
    mapping = dict(zip(ordinal["date"].to_list(), ordinal["first_after"].to_list(), strict=True))
    now = mapping.get(today, 0)
    left = due.replace_strict(mapping, default=None, return_dtype=pl.Int64) - now
    return pl.when(due < today).then(pl.min_horizontal(left, pl.lit(-1))).otherwise(left)
