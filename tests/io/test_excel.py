"""read_table on Excel workbooks: sheets, header rows, and what Excel cells become as text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fastexcel
import openpyxl
import polars as pl
import pytest
import xlsxwriter

from tests.support.io_files import Aliases, write_ods, write_workbook, write_xls
from toolkit.errors import InputError
from toolkit.io import TableSource, cells, read_table


def orders_workbook(path: Path) -> Path:
    """A workbook as a branch sends it: a title, a blank row, the header on row 3, a phone
    typed as a number, real date cells, a serial number typed as text, full-width digits, an
    empty row, and a second sheet."""
    workbook = xlsxwriter.Workbook(path)
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    sheet = workbook.add_worksheet("订单")
    sheet.write_string(0, 0, "顺达物流 11月22日订单")
    for c, header in enumerate(["订单号", "发货人电话", "下单时间", "件数", "重量", "收货地址 ", "保价"]):
        sheet.write_string(2, c, header)
    sheet.write_string(3, 0, "SD001")
    sheet.write_number(3, 1, 13812345678)
    sheet.write_datetime(3, 2, dt.datetime(2026, 11, 22, 9, 5), stamp)
    sheet.write_number(3, 3, 5.0)
    sheet.write_number(3, 4, 2.5)
    sheet.write_string(3, 5, "北京市朝阳区")
    sheet.write_boolean(3, 6, True)
    sheet.write_string(4, 0, "SD002")
    sheet.write_number(4, 1, 1.3812345678e10)
    sheet.write_string(4, 2, "46348.378472")  # an Excel serial that ended up as text
    sheet.write_number(4, 3, 12)
    sheet.write_string(4, 4, "３.５")
    # row 6 (index 5) left empty
    sheet.write_string(6, 0, "SD003")
    sheet.write_string(6, 1, "１３９１２３４５６７８")
    sheet.write_datetime(6, 2, dt.datetime(2026, 11, 23), day)
    other = workbook.add_worksheet("汇总")
    other.write_string(0, 0, "营业所")
    other.write_string(1, 0, "朝阳")
    workbook.close()
    return path


def test_a_sheet_by_name_with_the_header_on_row_3(tmp_path: Path, order_aliases: Aliases) -> None:
    path = orders_workbook(tmp_path / "orders.xlsx")
    table = read_table(TableSource(path=path, sheet="订单", header_row=3), order_aliases, required=["order_id"])
    frame = table.frame.collect()
    assert (table.format, table.sheet, table.encoding, table.rows) == ("xlsx", "订单", None, 3)
    assert table.headers["consignee_address"] == "收货地址 "
    assert all(dtype == pl.String for name, dtype in frame.schema.items() if name != "_row")
    assert frame.select("_row", "order_id", "shipper_phone", "order_time", "pieces", "weight_kg").rows() == [
        (4, "SD001", "13812345678", "2026-11-22 09:05:00", "5", "2.5"),
        (5, "SD002", "13812345678", "46348.378472", "12", "３.５"),
        (7, "SD003", "１３９１２３４５６７８", "2026-11-23 00:00:00", None, None),
    ]
    assert frame["declared_value"].to_list() == ["true", None, None]


def test_the_text_parses_with_cells(tmp_path: Path, order_aliases: Aliases) -> None:
    path = orders_workbook(tmp_path / "orders.xlsx")
    frame = read_table(TableSource(path=path, header_row=3), order_aliases).frame
    parsed = frame.select(
        cells.parse_phone(pl.col("shipper_phone")),
        cells.parse_datetime(pl.col("order_time")),
        cells.parse_integer(pl.col("pieces")),
        cells.parse_number(pl.col("weight_kg")),
    ).collect()
    shanghai = ZoneInfo("Asia/Shanghai")
    assert parsed.rows() == [
        ("13812345678", dt.datetime(2026, 11, 22, 9, 5, tzinfo=shanghai), 5, 2.5),
        ("13812345678", dt.datetime(2026, 11, 22, 9, 5, tzinfo=shanghai), 12, 3.5),
        ("13912345678", dt.datetime(2026, 11, 23, tzinfo=shanghai), None, None),
    ]


def test_the_first_sheet_by_default_and_a_sheet_by_index(tmp_path: Path) -> None:
    path = orders_workbook(tmp_path / "orders.xlsx")
    assert read_table(TableSource(path=path, header_row=3), {}).sheet == "订单"
    summary = read_table(TableSource(path=path, sheet=1), {"branch": ("营业所",)})
    assert (summary.sheet, summary.frame.collect().rows()) == ("汇总", [(2, "朝阳")])


def test_rows_count_from_the_top_of_the_sheet_even_when_it_starts_lower(tmp_path: Path) -> None:
    """calamine's used range starts at the first non-empty row; `_row` must not."""
    path = write_workbook(
        tmp_path / "orders.xlsx",
        {"订单": [["订单号", "收货人"], ["SD001", "张三"], [], ["SD002", "李四"]]},
        first_row=4,
    )
    frame = read_table(TableSource(path=path, header_row=5), {}).frame.collect()
    assert frame.rows() == [(6, "SD001", "张三"), (8, "SD002", "李四")]


def test_a_workbook_written_by_openpyxl(tmp_path: Path, order_aliases: Aliases) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(["订单号", "下单时间", "发货人电话"])
    sheet.append(["SD001", dt.datetime(2026, 11, 22, 9, 5, 30), 13812345678])
    path = tmp_path / "orders.xlsx"
    workbook.save(path)
    frame = read_table(TableSource(path=path), order_aliases).frame.collect()
    assert frame.row(0) == (2, "SD001", "2026-11-22 09:05:30", "13812345678")


def test_fastexcel_renders_cells_as_text_like_this(tmp_path: Path) -> None:
    """The findings in toolkit/io/excel.py's docstring; an upgrade that changes them fails here."""
    workbook = xlsxwriter.Workbook(tmp_path / "cells.xlsx")
    sheet = workbook.add_worksheet()
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    clock = workbook.add_format({"num_format": "hh:mm"})
    percent = workbook.add_format({"num_format": "0%"})
    values = [
        ("phone", lambda r: sheet.write_number(r, 0, 13812345678)),
        ("whole float", lambda r: sheet.write_number(r, 0, 5.0)),
        ("float", lambda r: sheet.write_number(r, 0, 2.5)),
        ("big", lambda r: sheet.write_number(r, 0, 123456789012345678)),
        ("tiny", lambda r: sheet.write_number(r, 0, 1.5e-10)),
        ("digits", lambda r: sheet.write_number(r, 0, 4.51119775197299)),
        ("sum", lambda r: sheet.write_number(r, 0, 0.1 + 0.7)),
        ("percent", lambda r: sheet.write_number(r, 0, 0.25, percent)),
        ("bool", lambda r: sheet.write_boolean(r, 0, False)),
        ("datetime", lambda r: sheet.write_datetime(r, 0, dt.datetime(2026, 11, 22, 9, 5, 30), stamp)),
        ("milliseconds", lambda r: sheet.write_datetime(r, 0, dt.datetime(2026, 11, 22, 9, 5, 30, 123000), stamp)),
        ("time", lambda r: sheet.write_datetime(r, 0, dt.time(9, 5), clock)),
        ("serial", lambda r: sheet.write_number(r, 0, 46348.378472)),
        ("formula", lambda r: sheet.write_formula(r, 0, "=2*3", None, 6)),
        ("error", lambda r: sheet.write_formula(r, 0, "=NA()", None, "#N/A")),
    ]
    sheet.write_string(0, 0, "value")
    for r, (_, write) in enumerate(values, start=1):
        write(r)
    workbook.close()
    frame = read_table(TableSource(path=tmp_path / "cells.xlsx"), {}).frame.collect()
    seen = dict(zip((name for name, _ in values), frame["value"].to_list(), strict=False))
    assert seen == {
        "phone": "13812345678",
        "whole float": "5",
        "float": "2.5",
        "big": "123456789012345696",
        "tiny": "1.5e-10",
        "digits": "4.51119775197299",
        "sum": "0.7999999999999999",
        "percent": "0.25",
        "bool": "false",
        "datetime": "2026-11-22 09:05:30",
        "milliseconds": "2026-11-22 09:05:30.123",
        "time": "1899-12-31 09:05:00",
        "serial": "46348.378472",
        "formula": "6",
    }  # the #N/A cell is null, so its row is blank and left out
    assert frame.height == len(values) - 1


def test_fastexcel_alone_rounds_numbers_to_9_decimal_places(tmp_path: Path) -> None:
    """Why excel.py reads numeric columns a second time as Float64; when an upgrade renders
    numbers exactly, this fails and the second read can go."""
    path = write_workbook(tmp_path / "cells.xlsx", {"S": [[4.51119775197299], [0.1 + 0.7], [1.5e-10], [13812345678]]})
    loaded = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert loaded.to_series().to_list() == ["4.511197752", "0.8", "0", "13812345678"]


NUMBERS = [  # (cell as written, text read)
    (4.51119775197299, "4.51119775197299"),
    (13812345678, "13812345678"),  # a phone typed as a number
    (1234567890123456, "1234567890123456"),  # a waybill number, 16 digits
    (9007199254740993, "9007199254740992"),  # past 2**53 a float holds the nearest even number, as Excel does
    (0.1 + 0.7, "0.7999999999999999"),
    (2.5, "2.5"),
    (-4.51119775197299, "-4.51119775197299"),
    (-13812345678, "-13812345678"),
    (-0.1 - 0.7, "-0.7999999999999999"),
    (1.5e-10, "1.5e-10"),
]
TEXTS = [
    "4.511197752",
    "0013812345678",
    "5.0",
    "1e3",
    "SF1234567890123",
]  # text cells that look like numbers stay as typed


WRITERS = {".xlsx": write_workbook, ".xls": write_xls, ".ods": write_ods}


@pytest.mark.parametrize("suffix", WRITERS)
def test_numbers_come_through_exactly_and_text_as_typed(tmp_path: Path, suffix: str) -> None:
    """A column of numbers, and a column of numbers with text cells between them."""
    rows: list[list[Any]] = [["数字", "混合"]]
    expected = []
    for i, (number, text) in enumerate(NUMBERS):
        rows.append([number, number if i % 2 == 0 else TEXTS[i // 2]])
        expected.append(text if i % 2 == 0 else TEXTS[i // 2])
    path = WRITERS[suffix](tmp_path / f"cells{suffix}", {"S": rows})
    frame = read_table(TableSource(path=path), {}).frame.collect()
    assert frame["数字"].to_list() == [text for _, text in NUMBERS]
    assert frame["混合"].to_list() == expected


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_an_xls_or_ods_reads_like_an_xlsx(tmp_path: Path, suffix: str, order_aliases: Aliases) -> None:
    """Sheet by name, header row, column map, blank rows and row numbers as for an .xlsx."""
    sheets = {
        "汇总": [["营业所"], ["朝阳"]],
        "订单": [
            ["顺达物流 11月22日订单"],
            [],
            ["运单编号", "发货人电话", "重量"],
            ["SD001", 13812345678, 2.5],
            [],
            ["SD002", "13912345678", 4.51119775197299],
        ],
    }
    tables = [
        read_table(
            TableSource(
                path=write(tmp_path / f"orders{kind}", sheets),
                sheet="订单",
                header_row=3,
                columns={"运单编号": "order_id"},
            ),
            order_aliases,
        )
        for kind, write in ((suffix, WRITERS[suffix]), (".xlsx", write_workbook))
    ]
    for table in tables:
        assert (table.sheet, table.rows, table.blank_rows, table.notes) == ("订单", 2, 1, ())
        assert table.frame.collect().rows() == [
            (4, "SD001", "13812345678", "2.5"),
            (6, "SD002", "13912345678", "4.51119775197299"),
        ]
    assert [table.format for table in tables] == [suffix[1:], "xlsx"]


def test_an_ods_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "orders.xlsx", {"订单": [["订单号"], ["SD001"]]})
    table = read_table(TableSource(path=path), {"order_id": ("订单号",)})
    assert (table.format, table.frame.collect().rows()) == ("ods", [(2, "SD001")])
    assert table.notes == ("read as an .ods spreadsheet (by its content), not as an .xlsx workbook (by its name)",)


# --- errors --------------------------------------------------------------------------------


def test_an_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = orders_workbook(tmp_path / "orders.xlsx")
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path, sheet="Sheet1"), {})
    assert str(caught.value) == f"{path}: no sheet named 'Sheet1'; the sheets are '订单', '汇总'"
    assert caught.value.exit_code == 2
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path, sheet=2), {})
    assert str(caught.value) == f"{path}: no sheet number 2 (counting from 0); the sheets are '订单', '汇总'"


def test_a_sheet_name_matches_despite_spaces_and_case(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "orders.xlsx", {"Orders ": [["id"], ["1"]]})
    assert read_table(TableSource(path=path, sheet="orders"), {}).sheet == "Orders "


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02 binary", "not a workbook: neither an .xlsx (a zip archive) nor an .xls (an OLE2 file)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
            "cannot read the .xls workbook: calamine error: Cannot detect file format",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "EncryptedPackage".encode("utf-16-le"),
            "the workbook is protected with a password; open it in Excel and save it as .xlsx without a password",
        ),
    ],
)
def test_a_file_that_is_not_a_workbook(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "orders.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), {})
    assert str(caught.value) == f"{path}: {message}"


def test_a_truncated_workbook(tmp_path: Path) -> None:
    good = orders_workbook(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "orders.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), {})
    assert str(caught.value).startswith(f"{path}: cannot read the workbook: ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("rows", "header_row", "message"),
    [
        ([], 1, "sheet 'S' is empty"),
        ([["订单号", "收货人"]], 1, "no data rows below the header (row 1)"),
        ([["订单号", "收货人"], [], [" ", None]], 1, "no data rows below the header (row 1)"),
        ([["标题"], ["订单号"], ["SD001"]], 9, "no header at row 9: sheet 'S' is shorter"),
        ([["标题"], [], ["订单号"], ["SD001"]], 2, "row 2: the header row of sheet 'S' is blank; is header_row right?"),
    ],
)
def test_sheets_without_data(tmp_path: Path, rows: list[list[Any]], header_row: int, message: str) -> None:
    path = write_workbook(tmp_path / "orders.xlsx", {"S": rows})
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path, header_row=header_row), {})
    assert str(caught.value) == f"{path}: {message}"


def test_a_column_without_a_sign_of_rounding_is_read_once_as_fastexcel_shows_it(tmp_path: Path) -> None:
    """The second read costs a second parse of the sheet (+9 s at 1,000,000 rows), so it is made
    only for columns with a 9-decimal cell; what is left is within 5e-10 of what Excel shows."""
    path = write_workbook(
        tmp_path / "cells.xlsx", {"S": [["重量", "精确"], [0.1 + 0.7, 4.51119775197299], [1.5e-10, 0.1 + 0.7]]}
    )
    with read_table(TableSource(path=path), {}) as table:
        frame = table.frame.collect()
    assert frame.select("重量", "精确").rows() == [("0.8", "4.51119775197299"), ("0", "0.7999999999999999")]
