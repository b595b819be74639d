"""read_table on delimited files in other dialects: the delimiter, quote and escape characters
and comment lines detected from the first lines, said in the log, and overridden by the input."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.support.io_files import Aliases
from toolkit.errors import InputError
from toolkit.io import TableSource, read_table

HEADERS = ["订单号", "收货人", "收货地址", "下单时间", "备注"]
ROWS = [
    ["SD001", "张三", "北京市朝阳区建国路1号", "2026-11-22 09:05", "易碎, 轻放"],
    ["SD002", "李四", "上海市浦东新区", "2026/11/22 10:30", ""],
    ["SD003", "王五", "广州市天河区 5栋", "2026-11-22 11:45", '32" 电视'],
    ["SD004", "赵六", "杭州市余杭区", "2026-11-22 12:00", "到付"],
    ["SD005", "钱七", "南京市鼓楼区", "2026-11-23 08:15", "加急"],
]


def written(delimiter: str, **dialect: Any) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n", **dialect).writerows([HEADERS, *ROWS])
    return out.getvalue()


def read(path: Path, aliases: Aliases, **options: Any) -> tuple[list[tuple[Any, ...]], tuple[str, ...]]:
    with read_table(TableSource(path=path, **options), aliases) as table:
        return table.frame.collect().rows(), table.notes


EXPECTED = [(i + 2, *(cell or None for cell in row)) for i, row in enumerate(ROWS)]


@pytest.mark.parametrize("delimiter", ["|", ":", "^", "+", " ", "\t", ";"])
def test_each_delimiter_is_detected_and_said_in_the_log(tmp_path: Path, order_aliases: Aliases, delimiter: str) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(written(delimiter), encoding="utf-8")
    rows, notes = read(path, order_aliases)
    assert rows == EXPECTED
    shown = "\\t" if delimiter == "\t" else delimiter
    assert notes == (
        f'dialect detected from the first lines: delimiter "{shown}" (set delimiter: in the input to change it)',
    )


def test_a_comma_file_reads_as_before_with_nothing_in_the_log(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes(written(",").encode("gbk"))
    assert read(path, order_aliases) == (EXPECTED, ())


def test_a_tsv_file_stays_tab_separated_without_a_note(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.tsv"
    path.write_text(written("\t"), encoding="utf-8")
    assert read(path, order_aliases) == (EXPECTED, ())


def test_a_comma_file_named_tsv_is_read_by_its_content(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.tsv"
    path.write_text(written(","), encoding="utf-8")
    assert read(path, order_aliases) == (EXPECTED, ())


def test_single_quotes_are_detected(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(written(",", quotechar="'", quoting=csv.QUOTE_ALL), encoding="utf-8")
    rows, notes = read(path, order_aliases)
    assert rows == [
        (3, "SD002", "李四", "上海市浦东新区", "2026/11/22 10:30", "") if row[0] == 3 else row for row in EXPECTED
    ]
    assert notes == (
        'dialect detected from the first lines: quotechar "\'" (set quotechar: in the input to change it)',
    )


def test_a_backslash_escape_is_detected(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(written(",", escapechar="\\", doublequote=False), encoding="utf-8")
    assert ',32\\" 电视\n' in path.read_text(encoding="utf-8")  # as MySQL's INTO OUTFILE writes it
    rows, notes = read(path, order_aliases)
    assert rows == EXPECTED
    assert notes == (
        'dialect detected from the first lines: escapechar "\\\\" (set escapechar: in the input to change it)',
    )


def test_a_pipe_file_with_a_comma_in_its_first_cell(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.txt"
    path.write_text(
        "订单号|收货人|收货地址\nSD001,加急|张三|北京市\nSD002|李四|上海市,浦东\nSD003|王五|广州市\n", encoding="utf-8"
    )
    rows, _ = read(path, order_aliases)
    assert rows == [
        (2, "SD001,加急", "张三", "北京市"),
        (3, "SD002", "李四", "上海市,浦东"),
        (4, "SD003", "王五", "广州市"),
    ]


def test_comment_lines_above_the_header_are_skipped(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("# 订单导出 2026-11-22\n# 共 5 单\n" + written(","), encoding="utf-8")
    rows, notes = read(path, order_aliases)
    assert rows == [(row + 2, *cells) for row, *cells in EXPECTED]  # the rows as the file numbers them
    skipped = "2 comment lines (#) above the header skipped"
    assert notes == (f"dialect detected from the first lines: {skipped} (set comment: in the input to change it)",)


def test_a_header_starting_with_a_hash_is_a_header(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("#,订单号\n1,SD001\n2,SD002\n", encoding="utf-8")
    rows, notes = read(path, {"order_id": ("订单号",)})
    assert rows == [(2, "1", "SD001"), (3, "2", "SD002")] and notes == ()


def test_a_comment_setting_skips_comment_lines_everywhere(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,收货人\nSD001,张三\n// 小计 1\nSD002,李四\n", encoding="utf-8")
    rows, notes = read(path, order_aliases, comment="//")
    assert rows == [(2, "SD001", "张三"), (4, "SD002", "李四")] and notes == ()


@pytest.mark.parametrize(
    ("content", "options", "expected"),
    [
        ("订单号;备注\na|b;c\n", {"delimiter": ";"}, [(2, "a|b", "c")]),
        ("订单号|备注\na;b|c\n", {"delimiter": "|"}, [(2, "a;b", "c")]),
        ('订单号;收货人;备注\n"x;y";z\n', {"delimiter": ";", "quotechar": ""}, [(2, '"x', 'y"', "z")]),
        ("订单号;备注\n'x;y';z\n", {"delimiter": ";", "quotechar": "'"}, [(2, "x;y", "z")]),
        ("订单号;备注\nx\\;y;z\n", {"delimiter": ";", "escapechar": "\\"}, [(2, "x;y", "z")]),
        ("订单号;备注\nx\\;y\n", {"delimiter": ";", "escapechar": ""}, [(2, "x\\", "y")]),
    ],
)
def test_the_input_s_settings_win_over_detection(
    tmp_path: Path, content: str, options: dict[str, str], expected: list[tuple[Any, ...]]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(content, encoding="utf-8")
    rows, notes = read(path, {"order_id": ("订单号",)}, **options)
    assert rows == expected and notes == ()


def test_a_table_read_as_one_column_names_the_separator_its_header_has(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号|收货人|收货地址\nSD001|张三|北京市\n", encoding="utf-8")
    rows, notes = read(path, order_aliases, delimiter=",")
    assert rows == [(2, "SD001|张三|北京市")]
    assert notes == (
        'read as one column, but its header has "|" in it: if that separates the columns, set delimiter: "|" in the input',
    )


def test_a_title_above_the_header_is_named_with_the_header_row_to_set(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单导出 2026-11-22\n\n" + written(","), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(path, order_aliases)
    assert str(caught.value) == (
        f"{path}: row 3: 5 fields, but the header has 1; check for an unquoted ',' in a value; "
        "or is the header on row 3 (header_row: 3)?"
    )
    rows, _ = read(path, order_aliases, header_row=3)
    assert rows == [(row + 2, *cells) for row, *cells in EXPECTED]


def test_a_few_cells_starting_with_an_apostrophe_do_not_make_it_the_quote(tmp_path: Path) -> None:
    """Found by the fuzz: CleverCSV proposes `'` here, and quoting on it merged the two rows."""
    path = tmp_path / "orders.csv"
    path.write_text("订单号,收货人,备注\n',:,:\n',,\n", encoding="utf-8")
    with read_table(TableSource(path=path), {"order_id": ("订单号",)}) as table:
        frame = table.frame.collect()
    assert frame.select("order_id", "收货人", "备注").rows() == [("'", ":", ":"), ("'", None, None)]
