"""Local times in a zone with daylight saving time: one stated rule, never a traceback."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.timezones import has_daylight_saving, localize
from toolkit.tracking.sla import Delivery, Route, with_table_delivery_due

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def test_only_zones_with_daylight_saving_pay_for_the_gap_rule() -> None:
    assert has_daylight_saving("America/Sao_Paulo") and has_daylight_saving("Europe/Berlin")
    assert not has_daylight_saving("Asia/Shanghai") and not has_daylight_saving("UTC")


def test_an_ambiguous_time_is_the_earliest_and_a_skipped_one_the_first_moment_after_the_gap() -> None:
    naive = pl.Series([datetime(2019, 2, 16, 23, 30), datetime(2018, 11, 4, 0, 30), None])
    local = pl.select(localize(pl.lit(naive), "America/Sao_Paulo")).to_series().to_list()
    assert (
        local[0] == datetime(2019, 2, 16, 23, 30, tzinfo=SAO_PAULO)
        and local[0].utcoffset().total_seconds() == -2 * 3600
    )
    assert local[1] == datetime(2018, 11, 4, 1, 0, tzinfo=SAO_PAULO)
    assert local[2] is None


def test_a_delivery_due_at_the_end_of_a_day_that_repeats_an_hour() -> None:
    # summer time ended at midnight of 2019-02-17, so 23:59:59 on the 16th happened twice
    calendar = WorkCalendar(timezone="America/Sao_Paulo")
    delivery = Delivery(routes=[Route(days=3, unit="calendar")])
    picked = pl.lit(datetime(2019, 2, 13, 10, 0)).dt.replace_time_zone("America/Sao_Paulo")
    due = with_table_delivery_due(pl.LazyFrame({"x": [1]}), picked, delivery, calendar).collect()["table_due"].item()
    assert due == datetime(2019, 2, 16, 23, 59, 59, tzinfo=SAO_PAULO) and due.utcoffset().total_seconds() == -2 * 3600


def test_working_time_across_the_night_clocks_go_forward() -> None:
    calendar = WorkCalendar(timezone="America/Sao_Paulo")
    friday = pl.lit(datetime(2018, 11, 2, 16, 0)).dt.replace_time_zone("America/Sao_Paulo")
    monday = pl.select(calendar.add_working_time(friday, 90)).item()
    assert monday == datetime(2018, 11, 5, 9, 0, tzinfo=SAO_PAULO)
