"""The order check on a real export nobody here designed: Tmall orders with Chinese headers
(two of them ending in a space). Skipped where ../shared/realdata is absent."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REALDATA
from toolkit.calendar import WorkCalendar
from toolkit.fields import alias_table
from toolkit.io import TableSource, read_table
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.orders.ruleset import OrderRules
from toolkit.orders.validate import validate_orders

TMALL = REALDATA / "cn" / "tmall_order_report.csv"


@pytest.mark.skipif(not TMALL.exists(), reason="shared/realdata is not beside the repository")
def test_tmall_orders_are_all_accounted_for() -> None:
    source = TableSource(
        path=TMALL, columns={"订单编号": "order_id", "订单创建时间": "order_time", "收货地址 ": "destination"}
    )
    rules = OrderRules(required=["order_id", "order_time", "destination"])
    table = read_table(source, alias_table(ORDER_FIELDS), required=rules.required)
    result = validate_orders(
        table.frame, rules, as_of=datetime(2026, 11, 22, tzinfo=ZoneInfo("Asia/Shanghai")), calendar=WorkCalendar()
    )
    assert result.rows_in == 28_010
    assert result.valid.height + result.rejected.height == 28_010
    assert result.rejected.is_empty() and result.findings.is_empty()  # a clean export stays clean
    times = result.valid["order_time"]
    assert times.null_count() == 0
    assert (times.min().date().isoformat(), times.max().date().isoformat()) == ("2020-02-01", "2020-02-29")
    assert result.valid.filter(pl.col("destination") == "上海").height > 0
