"""A `foreach` job's file input parsed once for all its runs (toolkit.io.raw_cache): each run
reads from the kept read exactly what it read when it parsed the file itself."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

import toolkit.io.digest
import toolkit.io.read
from tests.support.fanout import BRANCHES
from tests.support.files import REPO
from tests.support.io_files import Aliases
from toolkit.errors import InputError
from toolkit.io import Table, TableSource, read_table
from toolkit.io.raw_cache import READ_CACHE
from toolkit.job import InputRecord
from toolkit.partition import Partition

GBK_ORDERS = TableSource(path=REPO / "samples" / "orders_gbk.csv")
XLSX_ORDERS = TableSource(path=REPO / "samples" / "orders.xlsx", sheet="订单")
# GBK, `;`-separated, a doubled header, blank rows, a row in no branch: every note and count
ODD = "订单号;营业所;备注;备注\n\nSD001;杭州;易碎;\n;;;\nSD002;义乌;;加急\nSD003;;;\n\nSD004;杭州;;\n"


def branch(value: str, values: tuple[str, ...] = BRANCHES) -> Partition:
    return Partition("branch", value, values)


def seen(table: Table) -> dict[str, Any]:
    """Everything a run takes from its read: the rows and every fact about them."""
    frame = table.frame.collect()
    facts = ("format", "encoding", "encoding_confidence", "sheet", "headers", "header_row", "rows", "blank_rows")
    return {
        "rows of the frame": frame.to_dict(as_series=False),
        "schema": frame.schema,
        "outside_partition": table.outside_partition,
        "notes": table.notes,
        **{name: getattr(table, name) for name in facts},
    }


def read(source: TableSource, partition: Partition, aliases: Aliases, cache: Path | None = None) -> dict[str, Any]:
    with read_table(source.for_partition(partition, cache), aliases) as table:
        return seen(table)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files read_table parses, one entry a parse."""
    files: list[Path] = []
    parse = toolkit.io.read._read_raw

    def counted(path: Path, named: str, source: TableSource) -> Any:
        files.append(path)
        return parse(path, named, source)

    monkeypatch.setattr(toolkit.io.read, "_read_raw", counted)
    return files


@pytest.fixture
def odd_csv(tmp_path: Path) -> TableSource:
    path = tmp_path / "orders.csv"
    path.write_bytes(ODD.encode("gbk"))
    return TableSource(path=path)


@pytest.mark.parametrize("source", [GBK_ORDERS, XLSX_ORDERS], ids=["gbk csv", "xlsx"])
def test_every_branch_reads_from_the_kept_read_what_it_parsed_before(
    tmp_path: Path, source: TableSource, order_aliases: Aliases
) -> None:
    cache = tmp_path / READ_CACHE
    for value in BRANCHES:  # the first keeps the read, the others read it
        assert read(source, branch(value), order_aliases, cache) == read(source, branch(value), order_aliases)


def test_notes_blank_rows_and_rows_in_no_partition_are_as_when_parsed(tmp_path: Path, odd_csv: TableSource) -> None:
    aliases = {"order_id": ("订单号",), "branch": ("营业所",)}
    values = ("杭州", "义乌")
    kept = [read(odd_csv, branch(v, values), aliases, tmp_path / READ_CACHE) for v in values]
    assert kept == [read(odd_csv, branch(v, values), aliases) for v in values]
    hangzhou = kept[0]
    assert hangzhou["encoding"] == "gb18030" and hangzhou["rows of the frame"]["order_id"] == ["SD001", "SD004"]
    assert hangzhou["outside_partition"] == 1 and hangzhou["blank_rows"] == 0  # blank rows: counted by no partition
    assert any("备注_2" in note for note in hangzhou["notes"]) and any(
        'delimiter ";"' in note for note in hangzhou["notes"]
    )


def test_the_file_is_parsed_once_for_all_branches(tmp_path: Path, order_aliases: Aliases, parsed: list[Path]) -> None:
    for value in BRANCHES:
        read(GBK_ORDERS, branch(value), order_aliases, tmp_path / READ_CACHE)
        read(XLSX_ORDERS, branch(value), order_aliases, tmp_path / READ_CACHE)
    assert parsed == [GBK_ORDERS.path, XLSX_ORDERS.path]
    kept = sorted(path.suffix for path in (tmp_path / READ_CACHE).iterdir())
    assert kept == [".json", ".json", ".lock", ".lock", ".parquet", ".parquet"]  # one entry per file


def test_without_a_cache_folder_each_read_parses_the_file(
    tmp_path: Path, order_aliases: Aliases, parsed: list[Path]
) -> None:
    """A job without foreach, and a run given no folder, read as they always did."""
    read_table(GBK_ORDERS, order_aliases).close()
    read(GBK_ORDERS, branch(BRANCHES[0]), order_aliases)
    read(GBK_ORDERS, branch(BRANCHES[1]), order_aliases)
    assert parsed == [GBK_ORDERS.path] * 3 and list(tmp_path.iterdir()) == []


def test_a_parquet_input_is_scanned_as_it_is(tmp_path: Path, order_aliases: Aliases) -> None:
    """Its scan takes a partition's rows already: nothing is kept."""
    path = tmp_path / "valid.parquet"
    with read_table(XLSX_ORDERS, order_aliases) as table:
        table.frame.collect().write_parquet(path)
    source = TableSource.of_earlier_job(path)
    assert read(source, branch(BRANCHES[0]), order_aliases, tmp_path / READ_CACHE)["rows"] > 0
    assert not (tmp_path / READ_CACHE).exists()


def test_each_branch_records_the_files_sha256_hashed_once(
    tmp_path: Path, order_aliases: Aliases, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[Path] = []
    sha256 = toolkit.io.digest._sha256
    monkeypatch.setattr(toolkit.io.digest, "_sha256", lambda path: hashed.append(path) or sha256(path))
    path = tmp_path / "orders.csv"  # a path of its own: no other test started hashing it
    path.write_bytes(GBK_ORDERS.path.read_bytes())
    source, records = TableSource(path=path), []
    for value in BRANCHES:
        with read_table(source.for_partition(branch(value), tmp_path / READ_CACHE), order_aliases) as table:
            records.append(InputRecord.of_table(table))
    assert {record.sha256 for record in records} == {hashlib.sha256(path.read_bytes()).hexdigest()}
    assert hashed == [path]
    assert [record.rows for record in records] == [
        read(source, branch(value), order_aliases)["rows"] for value in BRANCHES
    ]


def test_the_transcoded_copy_of_a_gbk_file_is_removed_once_the_read_is_kept(
    tmp_path: Path, order_aliases: Aliases
) -> None:
    temporary = Path(os.environ.get("TMPDIR", "/tmp"))
    before = set(temporary.glob("toolkit-*.utf8.csv"))
    with read_table(GBK_ORDERS.for_partition(branch(BRANCHES[0]), tmp_path / READ_CACHE), order_aliases) as table:
        assert set(temporary.glob("toolkit-*.utf8.csv")) == before  # the run reads the kept parquet
        assert table.frame.collect().height == table.rows


def test_a_file_changed_between_two_runs_is_read_again_as_it_is_now(
    tmp_path: Path, odd_csv: TableSource, parsed: list[Path]
) -> None:
    aliases, values, cache = {"order_id": ("订单号",), "branch": ("营业所",)}, ("杭州", "义乌"), tmp_path / READ_CACHE
    assert read(odd_csv, branch("杭州", values), aliases, cache)["rows"] == 2
    odd_csv.path.write_bytes((ODD + "SD005;杭州;;\n").encode("gbk"))
    os.utime(odd_csv.path, ns=(1, 1))  # a different modification time even on a coarse clock
    again = read(odd_csv, branch("杭州", values), aliases, cache)
    assert again["rows"] == 3 and again == read(odd_csv, branch("杭州", values), aliases)
    assert len(parsed) == 3 and len(list(cache.glob("*.json"))) == 2  # two versions, each kept


def test_a_file_changed_while_it_is_read_is_not_kept(
    tmp_path: Path, odd_csv: TableSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run that read it has its read as before; the next run parses the file as it is then."""
    parse = toolkit.io.read._read_raw

    def changing(path: Path, named: str, source: TableSource) -> Any:
        raw = parse(path, named, source)
        path.write_bytes(path.read_bytes() + "SD005;杭州;;\n".encode("gbk"))
        return raw

    monkeypatch.setattr(toolkit.io.read, "_read_raw", changing)
    aliases, values, cache = {"order_id": ("订单号",), "branch": ("营业所",)}, ("杭州", "义乌"), tmp_path / READ_CACHE
    read(odd_csv, branch("杭州", values), aliases, cache)
    assert list(cache.glob("*.json")) == [] and list(cache.glob("*.parquet")) == []
    monkeypatch.setattr(toolkit.io.read, "_read_raw", parse)
    assert read(odd_csv, branch("杭州", values), aliases, cache)["rows of the frame"]["order_id"] == [
        "SD001",
        "SD004",
        "SD005",
    ]


def test_a_bad_file_fails_every_branch_with_its_one_line_parsed_once(
    tmp_path: Path, order_aliases: Aliases, parsed: list[Path]
) -> None:
    path = tmp_path / "orders.csv"
    path.write_bytes("订单号,营业所\nSD001,杭州\nSD002,义乌,加急\n".encode("gbk"))
    errors = []
    for value in ("杭州", "义乌"):
        with pytest.raises(InputError) as caught:
            read_table(TableSource(path=path).for_partition(branch(value), tmp_path / READ_CACHE), order_aliases)
        errors.append(caught.value.one_line())
    with pytest.raises(InputError) as parsed_alone:
        read_table(TableSource(path=path).for_partition(branch("杭州")), order_aliases)
    assert errors == [parsed_alone.value.one_line()] * 2 and len(parsed) == 2  # once kept, once without the cache
    assert errors[0].startswith(f"{path}: row 3: 3 fields, but the header has 2")


def test_the_options_of_the_read_are_part_of_the_key(tmp_path: Path, parsed: list[Path]) -> None:
    """The same file with another header row or delimiter is another read; `columns:` is not."""
    path = tmp_path / "orders.csv"
    path.write_text("导出于 2026-11-22\n订单号,营业所\nSD001,杭州\n", encoding="utf-8")
    cache, partition = tmp_path / READ_CACHE, branch("杭州", ("杭州",))
    aliases = {"order_id": ("订单号",), "branch": ("营业所",)}
    read(TableSource(path=path, header_row=2), partition, aliases, cache)
    read(TableSource(path=path, header_row=2, columns={"营业所": "branch"}), partition, aliases, cache)
    with pytest.raises(InputError, match="no column 'branch' to split the rows by"):
        read(TableSource(path=path, header_row=2, delimiter=";"), partition, aliases, cache)  # one column
    assert len(parsed) == 2 and len(list(cache.glob("*.json"))) == 2
