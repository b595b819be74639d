"""Wall-clock times made time-zone aware by one stated rule, also where daylight saving time
makes a local time ambiguous or non-existent.

- An ambiguous time (the hour repeated when clocks go back) is the earliest of the two, the
  one still in summer time.
- A non-existent time (the hour skipped when clocks go forward) moves forward to the first
  moment after the gap: the next whole hour (Sao Paulo's 2018-11-04 00:30 is 01:00 -02).

China has had no daylight saving time since 1991, so for Asia/Shanghai neither rule applies.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import polars as pl

DEFAULT_TIMEZONE = "Asia/Shanghai"
"""The zone of a batch that names none, and of every time read without one."""
AMBIGUOUS_RULE = "earliest"
_DST_YEARS = range(1992, 2041)  # the years exports are about


@cache
def has_daylight_saving(timezone: str) -> bool:
    """Whether the zone's offset differs between January and July in any year exports are about."""
    zone = ZoneInfo(timezone)
    return any(
        datetime(year, 1, 1, tzinfo=zone).utcoffset() != datetime(year, 7, 1, tzinfo=zone).utcoffset()
        for year in _DST_YEARS
    )


def localize(naive: pl.Expr, timezone: str) -> pl.Expr:
    """A naive `Datetime` as the same wall-clock time in `timezone`, never raising on DST."""
    exact = naive.dt.replace_time_zone(timezone, ambiguous=AMBIGUOUS_RULE, non_existent="null")
    if not has_daylight_saving(timezone):
        return exact  # no gaps to step over: one conversion (a second would cost 2x on 10,000,000 events)
    # Every DST gap in use starts on a whole hour and lasts at most an hour, so the next whole
    # hour after a skipped time is the first moment after the gap.
    after_gap = (naive.dt.truncate("1h") + pl.duration(hours=1)).dt.replace_time_zone(
        timezone, ambiguous=AMBIGUOUS_RULE, non_existent="null"
    )
    return pl.coalesce(exact, after_gap)


def moment(as_of: datetime | str | None, timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """A run's 'now' in `timezone`: an ISO string or a datetime (a naive one read in that zone),
    or the present moment."""
    zone = ZoneInfo(timezone)
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of)
    if as_of is None:
        return datetime.now(zone)
    return (as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=zone)).astimezone(zone)
