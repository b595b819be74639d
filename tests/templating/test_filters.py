"""The filters, as a template would use them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from toolkit.templating.filters import cn_date, cn_hour, cny, duration, num, pickup_hint, truncate_chars, weekday


@pytest.mark.parametrize(
    ("value", "style", "shown"),
    [
        (1234.5, "symbol", "¥1,234.50"),
        (1234.5, "yuan", "1234.5元"),
        (100, "yuan", "100元"),
        ("0.125", "symbol", "¥0.13"),
        (-20, "symbol", "-¥20.00"),
        (None, "symbol", ""),
    ],
)
def test_cny(value: object, style: str, shown: str) -> None:
    assert cny(value, style) == shown  # type: ignore[arg-type]


def test_chinese_dates_hours_and_weekdays() -> None:
    moment = datetime(2026, 11, 23, 15, 0)
    assert (cn_date(moment), cn_hour(moment), weekday(moment)) == ("11月23日", "15点", "周一")
    assert cn_hour(datetime(2026, 11, 23, 9, 30)) == "9点30分"
    assert weekday(date(2026, 11, 22)) == "周日"
    assert (cn_date(moment, "en"), cn_hour(moment, "en"), weekday(moment, "en")) == ("23 Nov", "15:00", "Mon")


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (timedelta(hours=2, minutes=30), "2小时30分", "2 h 30 min"),
        (2.5, "2小时30分", "2 h 30 min"),
        (timedelta(minutes=45), "45分", "45 min"),
        (3, "3小时", "3 h"),
        (0, "0分", "0 min"),
    ],
)
def test_duration(value: object, zh: str, en: str) -> None:
    assert duration(value) == zh and duration(value, "en") == en  # type: ignore[arg-type]


def test_truncate_chars_counts_the_ending() -> None:
    assert truncate_chars("杭州市西湖区文三路100号", 8) == "杭州市西湖区文…"
    assert len(truncate_chars("a" * 100, 10)) == 10
    assert truncate_chars("短", 8) == "短"


def test_num_writes_quantities_as_people_do() -> None:
    assert [num(20.0), num(0.2), num(1234.5), num(5), num(None)] == ["20", "0.2", "1234.5", "5", ""]


def test_pickup_hint_follows_the_manuals_cutoffs() -> None:
    day = [datetime(2026, 11, 23, h, 0) for h in (9, 15, 17)]
    assert [pickup_hint(t) for t in day] == ["15点前", "当天", "次日上午"]
    assert pickup_hint(day[0], "en") == "by 15:00"
