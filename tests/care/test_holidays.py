"""The holidays gifts are keyed to: the calendar's (chinesecalendar) first days off, and the
festival days of years it does not cover yet."""

from __future__ import annotations

from datetime import date

from toolkit.calendar import WorkCalendar
from toolkit.care.holidays import holidays


def test_the_published_first_days_off_of_2026() -> None:
    days = dict(holidays(range(2026, 2027), WorkCalendar()).select("holiday", "first_day").iter_rows())
    assert days == {
        "元旦": date(2026, 1, 1),
        "春节": date(2026, 2, 15),
        "清明": date(2026, 4, 4),
        "劳动节": date(2026, 5, 1),
        "端午": date(2026, 6, 19),
        "中秋": date(2026, 9, 25),
        "国庆": date(2026, 10, 1),
    }


def test_a_name_split_around_another_holiday_keeps_its_first_day() -> None:
    """2025: 国庆 10-01..05, 中秋 10-06, 国庆 again 10-07..08."""
    days = dict(holidays(range(2025, 2026), WorkCalendar()).select("holiday", "first_day").iter_rows())
    assert (days["国庆"], days["中秋"]) == (date(2025, 10, 1), date(2025, 10, 6))


def test_a_year_not_yet_published_has_its_festival_days() -> None:
    frame = holidays(range(2027, 2028), WorkCalendar())
    days = dict(frame.select("holiday", "first_day").iter_rows())
    # 春节 2027 falls on 02-06; its block starts on 除夕 (02-05), a day off under the rules since 2025
    assert days["春节"] == date(2027, 2, 5) and days["中秋"] == date(2027, 9, 15) and days["元旦"] == date(2027, 1, 1)
    assert not frame["published"].any()
