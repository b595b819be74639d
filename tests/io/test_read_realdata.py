"""read_table on real exports nobody here designed (see ../shared/realdata/README.md).

Skipped where the folder is absent; the files are never copied into the repository.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REALDATA
from toolkit.fields import alias_table
from toolkit.io import TableSource, cells, read_table
from toolkit.orders.fields import ORDER_FIELDS

ORDER_ALIASES = alias_table(ORDER_FIELDS)


@pytest.fixture(autouse=True)
def _needs_realdata() -> None:
    if not REALDATA.is_dir():
        pytest.skip(f"{REALDATA} is not here")


def test_tmall_orders_with_trailing_space_headers() -> None:
    with read_table(
        TableSource(path=REALDATA / "cn" / "tmall_order_report.csv"), ORDER_ALIASES, required=["order_id"]
    ) as table:
        frame = table.frame.collect()
        assert (table.format, table.encoding, table.rows, frame.height) == ("csv", "utf-8", 28_010, 28_010)
        assert table.headers["order_id"] == "订单编号"
        assert table.headers["consignee_address"] == "收货地址 "
        assert table.headers["订单付款时间"] == "订单付款时间 "
    assert frame["_row"].to_list()[:2] == [2, 3] and frame["_row"].max() == 28_011
    paid = frame.select(cells.parse_datetime(pl.col("订单付款时间")))["订单付款时间"]
    assert paid.null_count() == frame["订单付款时间"].null_count()  # every payment time that is there parses
    assert paid.drop_nulls()[0] == dt.datetime(2020, 2, 21, 0, 0, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_scms_with_a_byte_order_mark_and_carriage_return_line_ends() -> None:
    with read_table(TableSource(path=REALDATA / "scms" / "SCMS_Delivery_History_Dataset.csv"), {}) as table:
        frame = table.frame.collect()
        assert (table.encoding, table.rows, frame.height) == ("utf-8-sig", 10_324, 10_324)
    assert frame.columns[:3] == ["_row", "ID", "Project Code"]  # no BOM in the first header
    assert frame["_row"].max() == 10_325
    assert frame.row(0, named=True)["Scheduled Delivery Date"] == "2-Jun-06"
    weights = frame.select(cells.parse_number(pl.col("Weight (Kilograms)")))["Weight (Kilograms)"]
    assert frame.filter(weights.is_null() & pl.col("Weight (Kilograms)").is_not_null()).height > 0  # "See DN-304 …"


def test_olist_orders() -> None:
    with read_table(
        TableSource(path=REALDATA / "olist" / "olist_orders_sample.csv"), ORDER_ALIASES, required=["order_id"]
    ) as table:
        frame = table.frame.collect()
    assert frame.height == 32_270
    assert "order_estimated_delivery_date" in frame.columns
    estimated = frame.select(cells.parse_datetime(pl.col("order_estimated_delivery_date")))
    assert estimated.null_count().item() == 0


def test_lade_deliveries() -> None:
    with read_table(
        TableSource(path=REALDATA / "cn" / "lade_delivery_shanghai_sample5000.csv"), ORDER_ALIASES
    ) as table:
        frame = table.frame.collect()
    assert frame.height == 5_000
    assert {"order_id", "courier_id", "accept_time", "delivery_time"} <= set(frame.columns)
    # MM-DD HH:MM:SS has no year: not guessed, left for a finding
    assert frame.select(cells.parse_datetime(pl.col("accept_time"))).null_count().item() == 5_000


@pytest.mark.parametrize("lines", [3, None], ids=["header and 2 rows", "whole file"])
def test_tmall_orders_saved_as_gb18030_are_detected_as_gb18030(tmp_path: Path, lines: int | None) -> None:
    text = "".join((REALDATA / "cn" / "tmall_order_report.csv").read_text(encoding="utf-8").splitlines(True)[:lines])
    copies = []
    for codec in ("utf-8", "gb18030"):
        path = tmp_path / f"tmall_{codec}.csv"
        path.write_bytes(text.encode(codec))
        with read_table(TableSource(path=path), ORDER_ALIASES) as table:
            copies.append((table.encoding, table.frame.collect()))
    (utf8, as_utf8), (detected, as_gb18030) = copies
    assert (utf8, detected) == ("utf-8", "gb18030")
    assert as_gb18030.equals(as_utf8)
