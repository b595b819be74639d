"""Time for the KPIs: the Monday a time falls in, week-over-week change, `as_of` in a column's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl


def week_of(moment: pl.Expr) -> pl.Expr:
    """The Monday (a Date) of the week `moment` falls in, as `week`."""
    return moment.dt.truncate("1w").dt.date().alias("week")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_over_week(weekly: pl.DataFrame, week: date, measures: list[str] | None = None) -> pl.DataFrame:
    """One row per measure of a per-`week` frame: this week's value, last week's and the change
    (null where a week has no value)."""
    names = measures or [c for c in weekly.columns if c != "week"]
    this = weekly.filter(pl.col("week") == week)
    last = weekly.filter(pl.col("week") == week - timedelta(days=7))

    def value(frame: pl.DataFrame, name: str) -> float | None:
        return float(frame[name].item()) if frame.height and frame[name].item() is not None else None

    rows = []
    for name in names:
        now, before = value(this, name), value(last, name)
        rows.append((name, now, before, None if now is None or before is None else now - before))
    return pl.DataFrame(
        rows,
        schema={"measure": pl.String, "this_week": pl.Float64, "last_week": pl.Float64, "change": pl.Float64},
        orient="row",
    )


def instant(moment: datetime, frame: pl.DataFrame, column: str) -> pl.Expr:
    """`moment` as a literal in the time zone of `frame[column]`, so it compares with it."""
    zone = getattr(frame.schema[column], "time_zone", None)
    value = pl.lit(moment)
    return value.dt.convert_time_zone(zone) if zone and moment.tzinfo else value


def local_date(column: str) -> pl.Expr:
    """The day of a date or time column, in the column's own time zone (a cast to Date would
    give the UTC day: an order at 07:00 in Shanghai on a Monday would fall on the Sunday)."""
    return pl.col(column).dt.date()


def in_week(frame: pl.DataFrame, column: str, week: date) -> pl.DataFrame:
    """The rows whose `column` (a date or time) falls in the week starting on Monday `week`."""
    return frame.filter(local_date(column).is_between(week, week + timedelta(days=6)))
