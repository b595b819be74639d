"""Order times: when orders arrive (day, night, weekend, holiday) and how exports write them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import IntEnum

import chinese_calendar
import numpy as np
import polars as pl

EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (serial 1 = 1900-01-01, after its leap-year bug)

WORK_START_MINUTE = 8 * 60 + 30  # 08:30
WORK_END_MINUTE = 17 * 60  # 17:00


class TimeStyle(IntEnum):
    ISO = 0  # 2026-09-24 09:05
    SLASH = 1  # 2026/9/24 9:05
    CHINESE = 2  # 2026年09月24日 09:05
    EXCEL_SERIAL = 3  # 46289.378472


TIME_STYLE_WEIGHTS = (70, 12, 8, 10)


def _day_weights(start: date, days: int) -> np.ndarray:
    """Working days (with swapped working days such as Sat 2026-10-10) get most orders; weekends and
    public holidays fewer."""
    work = [chinese_calendar.is_workday(start + timedelta(days=d)) for d in range(days)]
    weights = np.where(np.array(work), 1.0, 0.35)
    return weights / weights.sum()


def draw_order_times(rng: np.random.Generator, n: int, start: date, days: int) -> pl.Series:
    """`n` order times over `days` days from `start`, in ascending order, to the minute."""
    day = rng.choice(days, size=n, p=_day_weights(start, days))
    # Mostly office hours, some evenings (after 17:00) and some early mornings (before 08:30).
    part = rng.choice(3, size=n, p=[0.76, 0.17, 0.07])
    office = rng.integers(WORK_START_MINUTE, WORK_END_MINUTE, n)
    evening = rng.integers(WORK_END_MINUTE, 24 * 60, n)
    early = rng.integers(0, WORK_START_MINUTE, n)
    minute = np.select([part == 0, part == 1], [office, evening], early)
    offset = np.sort(day.astype(np.int64) * 24 * 60 + minute)
    base = np.datetime64(datetime.combine(start, datetime.min.time()), "m")
    return pl.Series("order_time", (base + offset.astype("timedelta64[m]")).astype("datetime64[us]"))


def format_order_times(times: pl.Series, style: np.ndarray) -> pl.Series:
    """Write order times in the given `TimeStyle`s."""
    t = pl.col("t")
    serial = ((t - pl.lit(EXCEL_EPOCH)).dt.total_seconds() / 86400).round(6).cast(pl.String)
    expr = (
        pl.when(pl.col("s") == TimeStyle.SLASH)
        .then(t.dt.strftime("%Y/%-m/%-d %-H:%M"))
        .when(pl.col("s") == TimeStyle.CHINESE)
        .then(t.dt.strftime("%Y年%m月%d日 %H:%M"))
        .when(pl.col("s") == TimeStyle.EXCEL_SERIAL)
        .then(serial)
        .otherwise(t.dt.strftime("%Y-%m-%d %H:%M"))
    )
    frame = pl.DataFrame({"t": times, "s": pl.Series(style, dtype=pl.Int8)})
    return frame.select(expr.alias("order_time")).to_series()


def iso_minutes(times: pl.Series) -> pl.Series:
    """`2026-09-24 09:05`."""
    return times.dt.strftime("%Y-%m-%d %H:%M")
