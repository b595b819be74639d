"""Columns a render job adds from its config: constants every row shares (a compensation offer,
a hotline) and a time counted in working days from the run (the expected new delivery time of a
delay notice)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from pydantic import BaseModel, ConfigDict, NonNegativeInt

from toolkit.calendar import WorkCalendar


class WorkingDaysFromRun(BaseModel):
    """`{working_days: 1, at: "17:00"}`: that clock time on the Nth working day after the run
    date (0: the run date itself if it is a working day, else the next one)."""

    model_config = ConfigDict(extra="forbid")

    working_days: NonNegativeInt
    at: time = time(17, 0)

    def moment(self, run_date: date, calendar: WorkCalendar) -> datetime:
        day, left = run_date, self.working_days
        while not calendar.is_workday(day):
            day += timedelta(days=1)
        while left:
            day += timedelta(days=1)
            left -= calendar.is_workday(day)
        return datetime.combine(day, self.at, tzinfo=ZoneInfo(calendar.timezone))


ColumnValue = WorkingDaysFromRun | bool | int | float | str


def with_config_columns(
    frame: pl.DataFrame, columns: Mapping[str, ColumnValue], run_date: date, calendar: WorkCalendar
) -> pl.DataFrame:
    """`frame` with each configured column set to its value for this run (replacing any
    column of that name: config speaks last)."""
    values = {
        name: value.moment(run_date, calendar) if isinstance(value, WorkingDaysFromRun) else value
        for name, value in columns.items()
    }
    return frame.with_columns(pl.lit(value).alias(name) for name, value in values.items())


def uncovered_warnings(frame: pl.DataFrame, columns: Mapping[str, ColumnValue], calendar: WorkCalendar) -> list[str]:
    """The calendar's warning when a time counted in working days (`frame` after
    `with_config_columns`) falls in a year whose holidays it does not know."""
    counted = [name for name, value in columns.items() if isinstance(value, WorkingDaysFromRun)]
    if not counted or not frame.height:
        return []
    return calendar.warn_uncovered_times(
        f"messages' {', '.join(counted)} (working days from the run)", *(frame[name] for name in counted)
    )


def selected(where: Mapping[str, list[str | int | bool]]) -> pl.Expr:
    """Rows whose every `where` column holds one of its listed values (compared as text)."""
    condition = pl.lit(True)
    for name, allowed in where.items():
        condition &= pl.col(name).cast(pl.String).is_in([str(v) for v in allowed]).fill_null(False)
    return condition


__all__ = ["ColumnValue", "WorkingDaysFromRun", "selected", "uncovered_warnings", "with_config_columns"]
