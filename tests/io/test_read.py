"""read_table: which reader a file goes to, Parquet, and the errors every format shares."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.support.io_files import Aliases, write_ods, write_workbook, write_xls
from toolkit.errors import ExitCode, InputError
from toolkit.io import Table, TableSource, read_table


def test_parquet_keeps_its_dtypes_and_gets_row_numbers(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.parquet"
    pl.DataFrame(
        {"订单号": ["SD001", "SD002"], "件数": [5, 3], "下单时间": [dt.datetime(2026, 11, 22, 9, 5)] * 2}
    ).write_parquet(path)
    table = read_table(TableSource(path=path), order_aliases, required=["order_id"])
    frame = table.frame.collect()
    assert (table.format, table.encoding, table.sheet, table.rows) == ("parquet", None, None, 2)
    assert frame.schema == pl.Schema(
        [("_row", pl.Int64), ("order_id", pl.String), ("pieces", pl.Int64), ("order_time", pl.Datetime("us"))]
    )
    assert frame["_row"].to_list() == [2, 3]


def write_orders(path: Path, order_id: str) -> Path:
    """A one-order table in the format its name says."""
    if path.suffix == ".csv":
        path.write_text(f"订单号\n{order_id}\n", encoding="utf-8")
    elif path.suffix == ".parquet":
        pl.DataFrame({"订单号": [order_id]}).write_parquet(path)
    else:
        write_workbook(path, {"订单": [["订单号"], [order_id]]})
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_a_file_name_is_literal_even_with_brackets(tmp_path: Path, suffix: str) -> None:
    """Exported names often hold brackets; `[ab]` beside `a` must not read `a` (a glob would)."""
    write_orders(tmp_path / f"a{suffix}", "DECOY")
    folder = tmp_path / "导出[11月]"  # in the folder's name too
    folder.mkdir()
    for n, path in enumerate(
        (tmp_path / f"[ab]{suffix}", tmp_path / f"订单导出[11月]{suffix}", folder / f"订单*{suffix}")
    ):
        table = read_table(TableSource(path=write_orders(path, f"SD00{n}")), {"order_id": ("订单号",)})
        assert table.frame.collect()["order_id"].to_list() == [f"SD00{n}"]


@pytest.mark.parametrize(
    ("name", "write", "read_as"),
    [
        (
            "orders.txt",
            lambda path: write_workbook(path, {"订单": [["订单号"], ["SD001"]]}),
            ("xlsx", "an .xlsx workbook"),
        ),
        ("orders.tsv", lambda path: write_ods(path, {"订单": [["订单号"], ["SD001"]]}), ("ods", "an .ods spreadsheet")),
        (
            "orders.txt",
            lambda path: write_xls(path, {"订单": [["订单号"], ["SD001"]]}),
            ("xls", "a legacy .xls workbook"),
        ),
        (
            "orders.tsv",
            lambda path: path.write_text("<html><table><tr><th>订单号</th></tr><tr><td>SD001</td></tr></table>"),
            ("html", "an HTML page"),
        ),
    ],
)
def test_a_tsv_or_txt_file_is_read_by_its_content(
    tmp_path: Path, name: str, write: Any, read_as: tuple[str, str]
) -> None:
    path = tmp_path / name
    write(path)
    table = read_table(TableSource(path=path), {"order_id": ("订单号",)})
    assert (table.format, table.frame.collect().rows()) == (read_as[0], [(2, "SD001")])
    assert table.notes[0] == f"read as {read_as[1]} (by its content), not as text (by its name)"


def test_a_table_is_a_context_manager(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号\nSD001\n", encoding="utf-8")
    with read_table(TableSource(path=path), {"order_id": ("订单号",)}) as table:
        assert isinstance(table, Table)
        assert table.frame.collect()["order_id"].to_list() == ["SD001"]


def test_config_columns_rename_what_the_aliases_do_not_know(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("运单编号,收件人手机\nSD001,13812345678\n", encoding="utf-8")
    source = TableSource(path=path, columns={"运单编号": "order_id", "收件人手机": "consignee_phone"})
    table = read_table(source, order_aliases, required=["order_id", "consignee_phone"])
    assert table.frame.collect().columns == ["_row", "order_id", "consignee_phone"]
    assert table.headers == {"order_id": "运单编号", "consignee_phone": "收件人手机"}


def test_a_missing_required_column(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("单据,电话\nSD001,13812345678\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), order_aliases, required=["order_id"])
    assert str(caught.value) == (
        f"{path}: no column for 'order_id' "
        "(accepted headers: order_id, 订单号, Order ID, 运单号, 单号, 订单编号, order no); "
        "headers found: '单据', '电话'"
    )
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_two_columns_mapping_to_one_field(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("订单号,运单号\nSD001,SF123\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), order_aliases)
    assert str(caught.value) == (
        f"{path}: columns '订单号' and '运单号' both map to field 'order_id'; "
        "remove one or map one to another name under `columns:`"
    )


def test_an_error_after_transcoding_leaves_no_temporary_file(tmp_path: Path, order_aliases: Aliases) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("单据,电话\nSD001,13812345678\n".encode("gbk"))
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).glob("toolkit-*.utf8.csv"))
    with pytest.raises(InputError):
        read_table(TableSource(path=path), order_aliases, required=["order_id"])
    assert set(Path(os.environ.get("TMPDIR", "/tmp")).glob("toolkit-*.utf8.csv")) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("orders.csv", b"", "the file is empty (0 bytes)"),
        ("orders.xlsx", b"", "the file is empty (0 bytes)"),
        (
            "orders.numbers",
            b"x",
            "unsupported file type '.numbers'; use one of .csv, .htm, .html, .jsonl, .ods, .parquet, .tsv, .txt, .xls, .xlsm, .xlsx",
        ),
        (
            "orders",
            b"x",
            "unsupported file type '(none)'; use one of .csv, .htm, .html, .jsonl, .ods, .parquet, .tsv, .txt, .xls, .xlsm, .xlsx",
        ),
        ("orders.parquet", b"PAR1 this is not parquet", "not a readable Parquet file: "),
    ],
)
def test_files_that_cannot_be_read(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), {})
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_folder_is_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_table(TableSource(path=tmp_path), {})


def test_an_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("a\n1\n")
    real_open = Path.open

    def locked_open(self: Path, *args: Any, **kwargs: Any) -> Any:  # chmod 0 is no obstacle to root
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked_open)
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), {})
    assert str(caught.value) == f"{path}: cannot open the file: permission denied"


def test_an_earlier_job_s_table_keeps_the_row_numbers_of_the_export_it_came_from(tmp_path: Path) -> None:
    path = tmp_path / "valid.parquet"
    pl.DataFrame({"_row": [2, 3, 5], "order_id": ["A1", "A2", "A4"]}).write_parquet(path)  # row 4 was refused
    with read_table(TableSource(path=path), {"order_id": ("order_id",)}) as table:
        frame = table.frame.collect()
    assert frame.columns == ["_row", "order_id"] and frame["_row"].to_list() == [2, 3, 5] and not table.notes
