"""config/sla.yaml: pickup cut-offs, the delivery table and which promised time wins."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.calendar import WorkCalendar
from toolkit.errors import ConfigError
from toolkit.tracking.sla import (
    Delivery,
    Route,
    Sla,
    delivery_due,
    load_sla,
    with_pickup_due,
    with_table_delivery_due,
)

TZ = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar()
SHIPPED = load_sla(REPO / "config" / "sla.yaml")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


def test_pickup_due_by_the_manuals_cut_offs() -> None:
    orders = pl.DataFrame(
        {
            "t": [
                at(2026, 11, 20, 9, 59),  # before the morning cut-off → 15:00 the same day
                at(2026, 11, 20, 15, 59),  # before 16:00 → the same day (17:00)
                at(2026, 11, 20, 16, 0),  # 16:00 or later → the next working morning (Monday 12:00)
                at(2026, 11, 21, 11, 0),  # Saturday → counts from Monday's opening → Monday 15:00
                at(2026, 10, 1, 9, 0),  # National Day → 10-08 15:00
                at(2026, 9, 30, 18, 0),  # evening before the holiday → 10-08 12:00
                at(2026, 11, 20, 7, 0),  # before opening on a working day → 15:00 the same day
            ]
        },
        schema={"t": pl.Datetime("us", "Asia/Shanghai")},
    )
    due = with_pickup_due(orders.lazy(), SHIPPED.pickup, CALENDAR, order_time="t").collect()["pickup_due"].to_list()
    assert due == [
        at(2026, 11, 20, 15),
        at(2026, 11, 20, 17),
        at(2026, 11, 23, 12),
        at(2026, 11, 23, 15),
        at(2026, 10, 8, 15),
        at(2026, 10, 8, 12),
        at(2026, 11, 20, 15),
    ]


def test_the_delivery_table_first_matching_row_with_provinces_and_wildcards() -> None:
    shipments = pl.DataFrame(
        {
            "carrier": ["顺丰速运", "顺丰速运", "顺丰速运", "顺丰速运", "京东物流", "中国邮政EMS", "中通快递"],
            "service": ["即日达", "顺丰标快", "顺丰标快", "顺丰标快", "特快送", "标准快递", "标准快递"],
            "origin": ["上海", "上海", "上海", "上海", "北京", "北京", "北京"],
            "destination": ["北京", "杭州", "浙江省宁波市", "北京", "上海", "上海", "上海"],
            "start": [at(2026, 9, 30, 10)] * 7,
        },
        schema_overrides={"start": pl.Datetime("us", "Asia/Shanghai")},
    )
    due = (
        with_table_delivery_due(shipments.lazy(), pl.col("start"), SHIPPED.delivery, CALENDAR)
        .collect()["table_due"]
        .to_list()
    )

    def end(*d):
        return at(*d, 23, 59, 59)

    assert due == [
        end(2026, 10, 1),  # 即日: 1 calendar day
        end(2026, 10, 8),  # 上海 → 杭州 (浙江 by the provinces map): 1 working day, over National Day
        end(2026, 10, 8),  # "浙江省宁波市" starts with 浙江
        end(2026, 10, 9),  # SF elsewhere: 2 working days
        end(2026, 10, 9),  # JD: 2 working days
        end(2026, 10, 5),  # EMS: 5 calendar days
        end(2026, 10, 10),  # the default row: 3 working days (10-10 is a 调休 Saturday)
    ]


@pytest.mark.parametrize(("promised", "expected"), [("table", 0), ("carrier", 1), ("earlier", 1)])
def test_which_promised_time_wins(promised: str, expected: int) -> None:
    times = [at(2026, 11, 25, 23, 59, 59), at(2026, 11, 24, 18)]
    frame = pl.DataFrame({"table": [times[0]], "carrier": [times[1]]}).with_columns(
        pl.all().dt.convert_time_zone("Asia/Shanghai")
    )
    delivery = Delivery(promised=promised)
    assert frame.select(d=delivery_due(pl.col("table"), pl.col("carrier"), delivery))["d"].item() == times[expected]
    missing = frame.with_columns(carrier=pl.lit(None, pl.Datetime("us", "Asia/Shanghai")))
    assert missing.select(d=delivery_due(pl.col("table"), pl.col("carrier"), delivery))["d"].item() == times[0]


def test_the_delivery_table_must_end_with_the_default_row() -> None:
    with pytest.raises(ValueError, match="default row"):
        Delivery(routes=[Route(carrier="顺丰*", days=2)])


def test_a_bad_sla_file_is_one_line_with_the_place(tmp_path: Path) -> None:
    path = tmp_path / "sla.yaml"
    path.write_text('pickup:\n  morning_cutoff: "25:00"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_sla(path)
    assert "sla.yaml" in error.value.one_line() and "morning_cutoff" in error.value.one_line()


def test_the_shipped_file_and_the_defaults_agree_on_the_manuals_cut_offs() -> None:
    assert SHIPPED.pickup == Sla().pickup
    assert SHIPPED.escalation.levels[:2] == ["调度", "分拨中心经理"]
    assert [r.name for r in SHIPPED.follow_up.rounds] == ["上午", "下午"]


def test_same_day_service_with_days_0(tmp_path: Path) -> None:
    delivery = Delivery(
        routes=[Route(service="当日*", days=0), Route(service="同城*", days=0, unit="calendar"), Route(days=3)]
    )
    shipments = pl.DataFrame(
        {
            "service": ["当日达", "当日达", "当日达", "同城急送"],
            "start": [at(2026, 11, 20, 10), at(2026, 11, 21, 10), at(2026, 10, 3, 18), at(2026, 11, 21, 10)],
        },
        schema_overrides={"start": pl.Datetime("us", "Asia/Shanghai")},
    )
    due = (
        with_table_delivery_due(shipments.lazy(), pl.col("start"), delivery, CALENDAR).collect()["table_due"].to_list()
    )

    def end(*d):
        return at(*d, 23, 59, 59)

    assert due == [
        end(2026, 11, 20),  # a working Friday: the end of that day
        end(2026, 11, 23),  # a Saturday: the next working day
        end(2026, 10, 8),  # National Day: the first working day after it
        end(2026, 11, 21),  # calendar days: the Saturday itself
    ]
    path = tmp_path / "sla.yaml"
    path.write_text("delivery:\n  routes: [{days: 0}]\n", encoding="utf-8")
    assert load_sla(path).delivery.routes[0].days == 0
    path.write_text("delivery:\n  routes: [{days: -1}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="days"):
        load_sla(path)
