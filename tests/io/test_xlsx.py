"""write_xlsx: workbooks for people, read back with openpyxl as Excel would show them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from toolkit.io import TableSource, XlsxSheet, read_table, sheets_of, write_xlsx
from toolkit.io import xlsx as xlsx_module

RED, AMBER = "FFFFC7CE", "FFFFEB9C"

ORDERS = pl.DataFrame(
    {
        "订单号": ["SD001", "SD002", "SD003"],
        "收货地址": ["北京市朝阳区建国路1号", None, "上海"],
        "重量": [5.0, 2.5, None],
        "件数": [1, 2, 3],
        "下单时间": [dt.datetime(2026, 11, 22, 9, 5, 30)] * 3,
        "已付款": [True, False, None],
    }
)


def filled_cells(sheet: Worksheet) -> dict[str, str]:
    """{"B3": "FFFFC7CE", …} for every cell below the header that has a fill."""
    return {
        cell.coordinate: cell.fill.fgColor.rgb
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.fill is not None and cell.fill.fill_type == "solid"
    }


def test_values_come_back_with_their_types(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    write_xlsx(path, [XlsxSheet("订单", ORDERS)])
    sheet = openpyxl.load_workbook(path)["订单"]
    assert [c.value for c in sheet[1]] == ORDERS.columns
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("SD001", "s"),
        ("北京市朝阳区建国路1号", "s"),
        (5, "n"),
        (1, "n"),
        (dt.datetime(2026, 11, 22, 9, 5, 30), "d"),
        (True, "b"),
    ]
    assert [c.value for c in sheet[4]] == ["SD003", "上海", None, 3, dt.datetime(2026, 11, 22, 9, 5, 30), None]


def test_header_is_bold_frozen_and_filtered_and_widths_follow_the_content(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    write_xlsx(path, [XlsxSheet("订单", ORDERS.with_columns(备注=pl.lit("很" * 100)))])
    sheet = openpyxl.load_workbook(path)["订单"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G4"
    widths = {letter: int(dim.width) for letter, dim in sheet.column_dimensions.items()}
    assert widths["B"] == 23  # 11 characters, 10 of them CJK: 21 units, + 2
    assert widths["C"] == 6  # "重量" and "2.5" are narrow: the minimum
    assert widths["E"] == 18  # a datetime column
    assert widths["G"] == 60  # capped


def test_datetimes_are_formatted_and_written_as_local_wall_time(tmp_path: Path) -> None:
    aware = pl.DataFrame({"utc": [dt.datetime(2026, 11, 22, 1, 5, tzinfo=dt.UTC)]}).with_columns(
        shanghai=pl.col("utc").dt.convert_time_zone("Asia/Shanghai"), day=pl.lit(dt.date(2026, 11, 22))
    )
    path = tmp_path / "times.xlsx"
    write_xlsx(path, [XlsxSheet("times", aware)])
    utc, shanghai, day = openpyxl.load_workbook(path)["times"][2]
    assert (utc.value, utc.number_format) == (dt.datetime(2026, 11, 22, 1, 5), "yyyy-mm-dd hh:mm")
    assert (shanghai.value, shanghai.number_format) == (dt.datetime(2026, 11, 22, 9, 5), "yyyy-mm-dd hh:mm")
    assert (day.value, day.number_format) == (dt.datetime(2026, 11, 22), "yyyy-mm-dd")


def test_formula_looking_text_stays_text(tmp_path: Path) -> None:
    risky = [
        "=1+1",
        '=HYPERLINK("http://evil.example","点我")',
        "+86 138 1234 5678",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "12345",
        "http://example.com",
    ]
    path = tmp_path / "risky.xlsx"
    write_xlsx(path, [XlsxSheet("risky", pl.DataFrame({"value": risky}))])
    cells = [row[0] for row in openpyxl.load_workbook(path)["risky"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in risky]


def test_highlights_fill_exactly_the_given_cells(tmp_path: Path) -> None:
    highlights = pl.DataFrame(
        {
            "row": [0, 1, 1, 2, 2],
            "column": ["订单号", "收货地址", "收货地址", "重量", "下单时间"],
            "level": ["warning", "warning", "error", "error", "warning"],
        }
    )
    path = tmp_path / "orders.xlsx"
    write_xlsx(path, [XlsxSheet("订单", ORDERS, highlights=highlights)])
    sheet = openpyxl.load_workbook(path)["订单"]
    assert filled_cells(sheet) == {
        "A2": AMBER,
        "B3": RED,  # the error wins over the warning; the cell is empty but still filled
        "C4": RED,  # empty too
        "E4": AMBER,
    }
    assert sheet["E4"].number_format == "yyyy-mm-dd hh:mm"  # a highlight keeps the date format


def test_every_sheet_keeps_its_highlights_and_date_formats(tmp_path: Path) -> None:
    highlights = pl.DataFrame({"row": [0], "column": ["订单号"], "level": ["error"]})
    path = tmp_path / "two.xlsx"
    write_xlsx(
        path, [XlsxSheet("全部", ORDERS, highlights=highlights), XlsxSheet("顺丰", ORDERS, highlights=highlights)]
    )
    book = openpyxl.load_workbook(path)
    for name in ("全部", "顺丰"):
        assert filled_cells(book[name]) == {"A2": RED}
        assert book[name]["E2"].number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.parametrize("deflate", ["isal", "zlib"])
def test_sheets_are_deflated_with_isal_or_else_zlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deflate: str
) -> None:
    if deflate == "zlib":
        monkeypatch.setattr(xlsx_module, "isal_zlib", None)  # a platform without the isal wheel
    frame = pl.DataFrame({"运单号": [f"SF{i:010d}" for i in range(50_000)], "件数": range(50_000)})
    path = tmp_path / "big.xlsx"
    write_xlsx(path, [XlsxSheet("全部", frame), XlsxSheet("顺丰", frame.head(3))])
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None  # every entry's CRC matches its inflated bytes
        assert archive.getinfo("xl/worksheets/sheet1.xml").compress_type == zipfile.ZIP_DEFLATED
    back = openpyxl.load_workbook(path, read_only=True)["全部"]
    rows = list(back.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 50_000 and rows[-1] == ("SF0000049999", 49999)


def test_highlight_messages_can_become_comments(tmp_path: Path) -> None:
    highlights = pl.DataFrame({"row": [1], "column": ["收货地址"], "level": ["error"], "message": ["收货地址为空"]})
    path = tmp_path / "orders.xlsx"
    write_xlsx(path, [XlsxSheet("订单", ORDERS, highlights=highlights, comments=True)])
    assert openpyxl.load_workbook(path)["订单"]["B3"].comment.text == "收货地址为空"


@pytest.mark.parametrize(
    ("highlights", "message"),
    [
        (pl.DataFrame({"row": [0], "column": ["nope"], "level": ["error"]}), "not in sheet"),
        (pl.DataFrame({"row": [3], "column": ["订单号"], "level": ["error"]}), "must be 0 .. 2"),
        (pl.DataFrame({"row": [0], "column": ["订单号"], "level": ["fatal"]}), "levels must be one of"),
    ],
)
def test_bad_highlights_are_refused_and_the_previous_file_stays(
    tmp_path: Path, highlights: pl.DataFrame, message: str
) -> None:
    path = tmp_path / "orders.xlsx"
    write_xlsx(path, [XlsxSheet("订单", ORDERS)])
    before = path.read_bytes()
    with pytest.raises(ValueError, match=message):
        write_xlsx(path, [XlsxSheet("订单", ORDERS.head(1)), XlsxSheet("x", ORDERS, highlights=highlights)])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["orders.xlsx"]


def test_sheet_names_are_made_acceptable_to_excel(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    one = pl.DataFrame({"a": [1]})
    write_xlsx(
        path, [XlsxSheet("问题/订单", one), XlsxSheet("问题/订单", one), XlsxSheet("x" * 40, one), XlsxSheet("", one)]
    )
    assert openpyxl.load_workbook(path).sheetnames == ["问题_订单", "问题_订单 (2)", "x" * 31, "Sheet4"]


def test_odd_text_survives_a_round_trip_through_our_own_reader(tmp_path: Path) -> None:
    odd = ["a<b>&c", "line1\nline2", "tab\there", "bell\x07", "_x0041_ is not A", "  padded  ", "𠀀先生", "x" * 40_000]
    path = tmp_path / "odd.xlsx"
    write_xlsx(path, [XlsxSheet("odd", pl.DataFrame({"text": odd}))])
    back = read_table(TableSource(path=path), {}).frame.collect()["text"].to_list()
    assert back == [*odd[:-1], "x" * 32_767]  # Excel's limit per cell


def test_nested_and_special_values_are_written_readably(tmp_path: Path) -> None:
    frame = pl.DataFrame({"tags": [["易碎", "加急"]], "nan": [float("nan")], "clock": [dt.time(9, 5)]})
    path = tmp_path / "odd.xlsx"
    write_xlsx(path, [XlsxSheet("odd", frame)])
    tags, nan, clock = openpyxl.load_workbook(path)["odd"][2]
    assert (tags.value, nan.value, nan.data_type, clock.value) == ("易碎, 加急", "#NUM!", "e", dt.time(9, 5))


def test_an_empty_frame_still_makes_a_sheet_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    write_xlsx(path, [XlsxSheet("空", ORDERS.clear())])
    sheet = openpyxl.load_workbook(path)["空"]
    assert [c.value for c in sheet[1]] == ORDERS.columns and sheet.max_row == 1


def test_100000_rows_by_20_columns_in_a_few_seconds(tmp_path: Path) -> None:
    n = 100_000
    start = dt.datetime(2026, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    frame = pl.DataFrame(
        {f"文本{i}": [f"北京市朝阳区建国路{j}号" for j in range(n)] for i in range(8)}
        | {f"数值{i}": pl.int_range(n, eager=True) * 1.5 for i in range(8)}
        | {
            f"时间{i}": pl.datetime_range(start, start + dt.timedelta(minutes=n - 1), "1m", eager=True)
            for i in range(4)
        }
    )
    highlights = pl.DataFrame({"row": range(0, n, 7), "column": "数值3", "level": "error"})
    path = tmp_path / "big.xlsx"
    write_xlsx(path, [XlsxSheet("数据", frame, highlights=highlights)])
    back = read_table(TableSource(path=path), {}).frame
    assert back.select(pl.len()).collect().item() == n
    assert back.tail(1).collect().row(0)[:2] == (n + 1, f"北京市朝阳区建国路{n - 1}号")


def test_a_frame_longer_than_a_sheet_goes_on_numbered_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_ROWS", 3)  # a sheet of 2 rows below the header
    frame = pl.DataFrame({"n": [1, 2, 3, 4, 5]})

    write_xlsx(tmp_path / "long.xlsx", sheets_of("待发送", frame))

    book = openpyxl.load_workbook(tmp_path / "long.xlsx")
    assert book.sheetnames == ["待发送", "待发送 (2)", "待发送 (3)"]
    assert [c.value for ws in book for (c,) in ws.iter_rows(min_row=2)] == [1, 2, 3, 4, 5]
