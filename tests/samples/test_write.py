"""write_samples: the xlsx, GBK csv, parquet and planted-defects files, and the committed set."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.samples import GeneratedOrders, generate_orders, write_samples

ORDERS = 300
HEADERS = [f.label_zh for f in ORDER_FIELDS]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GeneratedOrders]:
    out = tmp_path_factory.mktemp("samples")
    paths = write_samples(out, orders=ORDERS, seed=11, formats=("xlsx", "csv", "parquet"))
    assert sorted(p.name for p in paths) == ["orders.parquet", "orders.xlsx", "orders_gbk.csv", "planted_defects.csv"]
    return out, generate_orders(ORDERS, seed=11)


def read_gbk_csv(path: Path) -> pl.DataFrame:
    text = path.read_bytes().decode("gbk")
    return pl.read_csv(io.StringIO(text), infer_schema=False).fill_null("")


def test_xlsx_sheet_headers_and_cells(written: tuple[Path, GeneratedOrders]) -> None:
    out, generated = written
    book = openpyxl.load_workbook(out / "orders.xlsx")
    assert book.sheetnames == ["订单"]
    sheet = book["订单"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == HEADERS
    assert len(values) == ORDERS + 1
    phone, when = HEADERS.index("发货人电话"), HEADERS.index("下单时间")
    numbers = dates = 0
    for expected, got in zip(generated.frame.iter_rows(), values[1:], strict=True):
        for c, (text, cell) in enumerate(zip(expected, got, strict=True)):
            if c == phone and isinstance(cell, int):
                assert str(cell) == text
                numbers += 1
            elif c == when and isinstance(cell, datetime):
                assert cell.strftime("%Y-%m-%d %H:%M") == text
                dates += 1
            else:
                assert (cell or "") == text  # typed text stays text, e.g. 1.3812345678E10
    assert numbers >= 1 and dates >= 1
    # the planted rows point at the right spreadsheet row
    for row, order_id in generated.planted.select("row", "order_id").iter_rows():
        assert sheet.cell(row=row, column=1).value == order_id


def test_committed_xlsx_has_numeric_phone_and_datetime_cells() -> None:
    sheet = openpyxl.load_workbook(REPO / "samples" / "orders.xlsx")["订单"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert sum(isinstance(c.value, int) and len(str(c.value)) == 11 for c in cells) >= 3
    assert sum(isinstance(c.value, datetime) for c in cells) >= 3
    assert any(isinstance(c.value, str) and c.value.endswith("E10") for c in cells)


def test_gbk_csv_and_parquet_hold_the_frame(written: tuple[Path, GeneratedOrders]) -> None:
    out, generated = written
    assert read_gbk_csv(out / "orders_gbk.csv").equals(generated.frame)
    assert pl.read_parquet(out / "orders.parquet").equals(generated.frame)


def test_planted_defects_csv(written: tuple[Path, GeneratedOrders]) -> None:
    out, generated = written
    planted = pl.read_csv(out / "planted_defects.csv", schema=generated.planted.schema)
    assert planted.equals(generated.planted)


def test_only_requested_formats(tmp_path: Path) -> None:
    paths = write_samples(tmp_path, orders=50, formats=("csv",))
    assert sorted(p.name for p in paths) == ["orders_gbk.csv", "planted_defects.csv"]
    with pytest.raises(ValueError, match="xls"):
        write_samples(tmp_path, orders=50, formats=("xls",))


def test_committed_samples_are_current() -> None:
    """samples/ holds write_samples(Path('samples'), orders=2000): regenerate it after a change."""
    folder = REPO / "samples"
    generated = generate_orders(2000)
    for name in ("orders.xlsx", "orders_gbk.csv", "planted_defects.csv"):
        assert (folder / name).stat().st_size < 500_000, name
    assert read_gbk_csv(folder / "orders_gbk.csv").equals(generated.frame)
    planted = pl.read_csv(folder / "planted_defects.csv", schema=generated.planted.schema)
    assert planted.equals(generated.planted)
