"""The Chinese public holidays gifts are keyed to: each holiday's name and first day off.

For the years `chinesecalendar` covers, the days off as the State Council published them (the
first day of each named block: 2026's 中秋 is 09-25, its 国庆 10-01). For later years, before the
arrangement is published, the days the `holidays` package projects (its lunar calendar and the
current rules), said in a warning: the published block may start a day or two earlier.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

import chinese_calendar
import holidays as holiday_calendars
import polars as pl

from toolkit.calendar import WorkCalendar

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午",
    "Mid-autumn Festival": "中秋",
    "National Day": "国庆",
}
"""chinesecalendar's holiday names → the names teams use (and the tier file lists)."""

ENGLISH = {zh: en for en, zh in NAMES.items()}

PROJECTED = (
    ("New Year's Eve", "春节"),  # 除夕, a day off since 2025: the 春节 block starts there
    ("Spring Festival", "春节"),
    ("New Year's Day", "元旦"),
    ("Tomb-Sweeping Day", "清明"),
    ("Labor Day", "劳动节"),
    ("Dragon Boat Festival", "端午"),
    ("Mid-Autumn Festival", "中秋"),
    ("National Day", "国庆"),
)
"""The `holidays` package's names of China's holidays (its lunar and solar-term dates for years
no arrangement is published for yet) → the names teams use. The first pattern a name holds wins."""
SCHEMA = {"holiday": pl.String, "first_day": pl.Date, "published": pl.Boolean}


def _projected(year: int) -> list[tuple[date, str]]:
    """The holidays of a year not yet published, as the `holidays` package projects them from the
    lunar calendar and the current rules (observed days off included)."""
    found = []
    for day, text in holiday_calendars.China(years=year, language="en_US").items():
        name = next((ours for theirs, ours in PROJECTED if theirs in text), None)
        if name is not None:
            found.append((day, name))
    return sorted(found)


def holidays(years: range, calendar: WorkCalendar) -> pl.DataFrame:
    """`holiday`, `first_day` and `published` (False: the festival day of a year the package does
    not cover) for each holiday of `years`, in date order."""
    rows: list[tuple[str, date, bool]] = []
    for year in years:
        if year in calendar.covered_years:
            days = sorted((day, name) for day, name in chinese_calendar.holidays.items() if day.year == year)
            for name, block in groupby(days, key=lambda pair: pair[1]):
                if name in NAMES:
                    rows.append((NAMES[name], next(block)[0], True))
        else:
            rows.extend((name, day, False) for day, name in _projected(year))
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    # a name split around another block (2025: 国庆 10-01..05, 中秋 10-06, 国庆 10-07..08): its first day
    return (
        frame.group_by("holiday", pl.col("first_day").dt.year().alias("year"))
        .agg(pl.col("first_day").min(), pl.col("published").all())
        .drop("year")
        .sort("first_day")
    )
