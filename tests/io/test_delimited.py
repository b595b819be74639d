"""read_table on CSV and TSV files as Chinese systems and Excel write them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.support.io_files import Aliases
from toolkit.errors import InputError
from toolkit.io import Table, TableSource, read_table

ORDERS_CSV = (
    "订单号,发货人电话,收货地址 ,重量（公斤）,下单时间\r\n"
    "SD001,13812345678,北京市朝阳区建国路1号,5,2026/11/22 9:05\r\n"
    "SD002,010-12345678,上海市浦东新区,2.5,2026-11-22 10:30\r\n"
)


def read(path: Path, aliases: Aliases, **options: Any) -> Table:
    return read_table(TableSource(path=path, **options), aliases)


def test_a_gbk_export_reads_with_canonical_names_and_row_numbers(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS_CSV.encode("gbk"))
    with read_table(TableSource(path=path), order_aliases, required=["order_id", "consignee_address"]) as table:
        frame = table.frame.collect()
        assert (table.format, table.encoding, table.sheet, table.header_row, table.rows) == (
            "csv",
            "gb18030",
            None,
            1,
            2,
        )
        assert table.headers == {
            "order_id": "订单号",
            "shipper_phone": "发货人电话",
            "consignee_address": "收货地址 ",  # the trailing space is in the file
            "weight_kg": "重量（公斤）",
            "order_time": "下单时间",
        }
    assert frame.columns == ["_row", "order_id", "shipper_phone", "consignee_address", "weight_kg", "order_time"]
    assert frame.schema["_row"] == pl.Int64
    assert all(frame.schema[c] == pl.String for c in frame.columns[1:])
    assert frame.rows() == [
        (2, "SD001", "13812345678", "北京市朝阳区建国路1号", "5", "2026/11/22 9:05"),
        (3, "SD002", "010-12345678", "上海市浦东新区", "2.5", "2026-11-22 10:30"),
    ]


def test_closing_the_table_removes_the_transcoded_copy(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS_CSV.encode("gbk"))
    table = read(path, order_aliases)
    copy = table._temporary
    assert copy is not None and copy.exists()
    table.close()
    assert not copy.exists() and path.exists()


def test_gb18030_only_characters_survive(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("订单号,收货人\nSD001,𠀀先生\n".encode("gb18030"))
    with read(path, order_aliases) as table:
        assert table.frame.collect()["consignee_name"].to_list() == ["𠀀先生"]


def test_utf8_with_bom_and_carriage_return_line_ends(tmp_path: Path, order_aliases: Aliases) -> None:
    """What the SCMS export looks like: a byte-order mark and CR-only line ends."""
    path = tmp_path / "orders.csv"
    path.write_bytes(ORDERS_CSV.replace("\r\n", "\r").encode("utf-8-sig"))
    with read(path, order_aliases) as table:
        frame = table.frame.collect()
        assert table.encoding == "utf-8-sig" and table._temporary is None
    assert frame.columns[1] == "order_id"  # no BOM glued to the first header
    assert frame["_row"].to_list() == [2, 3]
    assert frame["order_time"].to_list() == ["2026/11/22 9:05", "2026-11-22 10:30"]


def test_a_tsv_file_is_tab_separated(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.tsv"
    path.write_text("订单号\t收货人\nSD001\t张三, 李四\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.format == "tsv"
        assert table.frame.collect().row(0) == (2, "SD001", "张三, 李四")


def test_a_tab_separated_file_named_csv_is_sniffed(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号\t收货人\t收货地址\nSD001\t张三\t北京,朝阳\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.format == "tsv"
        assert table.frame.collect()["consignee_address"].to_list() == ["北京,朝阳"]


def test_a_given_delimiter_wins(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.txt"
    path.write_text("订单号|收货人\nSD001|张三\n", encoding="utf-8")
    with read(path, order_aliases, delimiter="|") as table:
        assert table.frame.collect().row(0) == (2, "SD001", "张三")


def test_a_header_on_row_3_below_a_title(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(("顺达物流订单导出,2026-11-22\r\n\r\n" + ORDERS_CSV).encode("gbk"))
    with read(path, order_aliases, header_row=3) as table:
        frame = table.frame.collect()
        assert table.header_row == 3
    assert frame["_row"].to_list() == [4, 5]
    assert frame["order_id"].to_list() == ["SD001", "SD002"]


def test_blank_lines_are_not_rows_and_do_not_shift_row_numbers(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,收货人\n\nSD001,张三\n , \n,\nSD002,李四\n\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        frame = table.frame.collect()
        assert table.rows == 2
    assert frame.select("_row", "order_id").rows() == [(3, "SD001"), (6, "SD002")]


def test_quoted_line_breaks_keep_row_numbers_on_the_line_a_record_starts(
    tmp_path: Path, order_aliases: Aliases
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        '订单号,收货地址,备注\nSD001,"北京市\n朝阳区",""普通""\nSD002,上海,"第一行\n第二行\n第三行"\nSD003,广州,\n',
        encoding="utf-8",
    )
    with read(path, order_aliases) as table:
        frame = table.frame.collect()
    assert frame.select("_row", "order_id", "consignee_address").rows() == [
        (2, "SD001", "北京市\n朝阳区"),
        (4, "SD002", "上海"),
        (7, "SD003", "广州"),
    ]


def test_every_column_is_text_so_nothing_is_lost(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,发货人电话,件数\n00123,1.3812345678E10,5.0\n00124,01012345678,\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.frame.collect().rows() == [
            (2, "00123", "1.3812345678E10", "5.0"),
            (3, "00124", "01012345678", None),
        ]


def test_trailing_delimiters_make_no_empty_column(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,收货人,\nSD001,张三,\nSD002,李四,\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.frame.collect().columns == ["_row", "order_id", "consignee_name"]


def test_a_headerless_column_with_data_is_kept(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,,收货人\nSD001,加急,张三\n", encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.frame.collect().row(0, named=True) == {
            "_row": 2, "order_id": "SD001", "column_2": "加急", "consignee_name": "张三"
        }  # fmt: skip


def test_inch_marks_in_unquoted_fields_are_read_as_text(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text('订单号,货物名称,件数\nSD001,32" 电视,1\nSD002,纸箱,3\n', encoding="utf-8")
    with read(path, order_aliases) as table:
        assert table.frame.collect()["goods_name"].to_list() == ['32" 电视', "纸箱"]


def test_a_quote_that_never_closes_is_an_input_error(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text('订单号,货物名称\n"SD001","纸箱\nSD002,"电视"\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path, order_aliases)
    assert str(caught.value) == (
        f'{path}: a quote character (") opens a quoted field that never closes; check the quotes in the file'
    )


def test_a_row_with_more_fields_than_the_header_is_named(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,收货人\nSD001,张三\nSD002,李四,北京,朝阳\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path, order_aliases)
    assert str(caught.value) == f"{path}: row 3: 4 fields, but the header has 2; check for an unquoted ',' in a value"


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("订单号,收货人\n", {}, "no data rows below the header (row 1)"),
        ("订单号,收货人\r\n\r\n,\r\n", {}, "no data rows below the header (row 1)"),
        ("\n订单号\nSD001\n", {}, "row 1: the header row is blank; is header_row right?"),
        ("标题\n订单号\n", {"header_row": 5}, "no header at row 5: the file has 2 lines"),
    ],
)
def test_files_without_data(
    tmp_path: Path, order_aliases: Aliases, content: str, options: dict[str, Any], message: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path, order_aliases, **options)
    assert str(caught.value) == f"{path}: {message}"
    assert caught.value.exit_code == 2


def test_a_large_gbk_file_reads_lazily_with_exact_row_numbers(tmp_path: Path, order_aliases: Aliases) -> None:
    n = 200_000
    rows = pl.DataFrame({"订单号": [f"SD{i:07d}" for i in range(n)], "收货人": ["张三"] * n})
    path = tmp_path / "orders.csv"
    path.write_bytes(rows.write_csv().encode("gbk"))
    with read(path, order_aliases) as table:
        assert table.rows == n
        last = table.frame.tail(1).collect()
    assert last.row(0) == (n + 1, f"SD{n - 1:07d}", "张三")
