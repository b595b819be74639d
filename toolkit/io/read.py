"""`read_table`: any input table as a LazyFrame with canonical column names and row numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import polars as pl

from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.io.delimited import read_delimited
from toolkit.io.digest import start_sha256
from toolkit.io.encoding import discard_temporary
from toolkit.io.excel import read_xlsx
from toolkit.io.headers import map_columns
from toolkit.io.html_table import read_html
from toolkit.io.kuaidi100 import read_kuaidi100_jsonl
from toolkit.io.raw import RawTable, positional, reading_errors, with_row_numbers
from toolkit.io.raw_cache import read_once
from toolkit.io.sniff import Content, sniff
from toolkit.io.source import TableSource
from toolkit.partition import Partition, partition_key

_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
    ".html": "html",
    ".htm": "html",
    ".parquet": "parquet",
    ".jsonl": "jsonl",  # Kuaidi100 push callbacks, one a line (toolkit.io.kuaidi100)
}
TABLE_SUFFIXES = frozenset(_FORMATS)
"""The file name endings read_table reads (`.csv`, `.xlsx`, …)."""
_BY_CONTENT = {Content.ZIP: "xlsx", Content.ODS: "ods", Content.OLE2: "xls", Content.HTML: "html"}
_WHAT = {
    "csv": "text",
    "tsv": "text",
    "xlsx": "an .xlsx workbook",
    "xls": "a legacy .xls workbook",
    "ods": "an .ods spreadsheet",
    "html": "an HTML page",
    "jsonl": "Kuaidi100 callbacks as JSON lines",
}


@dataclass
class Table:
    """An input table, read.

    `frame` starts with `_row` (Int64): the row number as the user sees it in the file (the
    header is `header_row`, the first data row header_row + 1; for CSV the line a record
    starts on). Then one column per file column: canonical names for mapped columns, the
    stripped header for the others. CSV, XLSX, XLS, ODS and HTML columns are all `pl.String`;
    Parquet keeps its dtypes. Fully blank rows are left out, so `rows` counts data rows and
    `blank_rows` the blank ones below the header: the rows in the file are their sum.

    A GB18030/GBK file is scanned from a temporary UTF-8 copy: collect the frame before
    `close()` (or leave the `with` block); the copy is also removed when the process exits.
    """

    frame: pl.LazyFrame
    path: Path
    format: str
    encoding: str | None
    sheet: str | None
    headers: dict[str, str]
    """Frame column name → the header text in the file, e.g. {"consignee_address": "收货地址 "}."""
    header_row: int
    rows: int
    blank_rows: int = 0
    encoding_confidence: float | None = None
    """How sure the reader is of a text file's detected `encoding`, 0–1 (1.0: a byte-order mark
    or UTF-8 throughout); None where `encoding:` gave it, or for a workbook or Parquet."""
    outside_partition: int = 0
    """A `foreach` partition's read: the file's rows that are in none of the job's partitions
    (their value is none of its `values`, or blank); `rows` counts this partition's only."""
    notes: tuple[str, ...] = ()
    """What the log should say about how the file was read: a file read by its content rather
    than its name, the HTML table taken, doubled headers renamed (see `JobContext.note_read`)."""
    _temporary: Path | None = field(default=None, repr=False)

    def close(self) -> None:
        """Delete the temporary transcoded copy, if any."""
        if self._temporary is not None:
            discard_temporary(self._temporary)
            self._temporary = None

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def read_table(source: TableSource, aliases: Mapping[str, Sequence[str]], required: Iterable[str] = ()) -> Table:
    """Read a csv/tsv/txt, xlsx/xlsm/xls/ods, HTML, parquet or Kuaidi100 .jsonl file named by `source`.

    What a file holds decides how it is read where its first bytes say more than its name (an
    HTML page or tab-separated text named .xls, a CSV renamed .xlsx; see `toolkit.io.sniff`).
    `aliases` maps each canonical name to the headers accepted for it (see
    `toolkit.fields.alias_table`); `source.columns` overrides them. Every problem with the
    file is an InputError (exit code 2) whose one line names the file.
    """
    path = Path(source.path)
    named = _format_of(path)
    raw = _raw(path, named, source)
    try:
        columns = map_columns(raw.headers, aliases, source.columns, required, path)
        if raw.rows == 0 and not source.may_be_empty:
            raise InputError(f"no data rows below the header (row {source.header_row})", path=path)
        renames = {positional(i): name for i, name in enumerate(columns.names)}
        table = Table(
            frame=raw.frame.rename(renames),
            path=path,
            format=raw.format,
            encoding=raw.encoding,
            sheet=raw.sheet,
            headers=columns.headers,
            header_row=source.header_row,
            rows=raw.rows,
            blank_rows=raw.blank_rows,
            encoding_confidence=raw.encoding_confidence,
            notes=(*_content_note(named, raw.format), *raw.notes, *columns.notes),
            _temporary=raw.temporary,
        )
        return table if source.partition is None else _partition_rows(table, source.partition)
    except BaseException:
        if raw.temporary is not None:
            discard_temporary(raw.temporary)
        raise


def _raw(path: Path, named: str, source: TableSource) -> RawTable:
    """The file read: here, or, for a `foreach` run's file input, read once for all the runs
    of the batch (a parquet file is not: its scan takes only the partition's rows already)."""
    if source.read_cache is None or named == "parquet":
        return _parsed(path, named, source)
    return read_once(path, source, source.read_cache, lambda: _parsed(path, named, source))


def _parsed(path: Path, named: str, source: TableSource) -> RawTable:
    if path.is_file():
        start_sha256(path)  # for the manifest, while the file is read
    return _read_raw(path, named, source)


def _partition_rows(table: Table, partition: Partition) -> Table:
    """The rows of one `foreach` partition, counted: this partition's, and those in none (blank
    rows belong to no partition and are counted by the whole file's read, not here)."""
    columns = [c for c in table.frame.collect_schema().names() if c != ROW]
    if partition.by not in columns:
        known = ", ".join(columns) or "none"
        raise InputError(
            f"no column {partition.by!r} to split the rows by (foreach.by); the columns: {known}", path=table.path
        )
    key = partition_key(pl.col(partition.by))
    mine, outside = (
        table.frame.select(
            (key == partition.value).sum().alias("mine"),
            (key.is_null() | ~key.is_in(list(partition.values))).sum().alias("outside"),
        )
        .collect()
        .row(0)
    )
    table.frame = table.frame.filter(key == partition.value)
    table.rows, table.blank_rows, table.outside_partition = mine, 0, outside
    return table


def _format_of(path: Path) -> str:
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a folder, not a file", path=path)
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(sorted(_FORMATS))
        raise InputError(f"unsupported file type {path.suffix or '(none)'!r}; use one of {supported}", path=path)
    if path.stat().st_size == 0:
        raise InputError("the file is empty (0 bytes)", path=path)
    return kind


def _by_content(path: Path, named: str) -> str:
    """The format to read `path` as: the one its content shows where that says more than its
    name; text in a file named as a workbook is for the delimited reader."""
    if named in ("parquet", "jsonl"):
        return named
    content = sniff(path, strict_html=named in ("csv", "tsv"))
    if content is Content.SPREADSHEET_ML:
        raise InputError(
            "an Excel 2003 XML spreadsheet, which cannot be read here; open it in Excel and save it as .xlsx", path=path
        )
    if content in _BY_CONTENT:
        return _BY_CONTENT[content]
    return "csv" if content is Content.TEXT and named in ("xlsx", "xls", "ods") else named


def _content_note(named: str, read_as: str) -> tuple[str, ...]:
    if _WHAT.get(named) == _WHAT.get(read_as):
        return ()
    return (f"read as {_WHAT[read_as]} (by its content), not as {_WHAT[named]} (by its name)",)


def _read_raw(path: Path, named: str, source: TableSource) -> RawTable:
    try:
        kind = _by_content(path, named)
        reader = {
            "csv": read_delimited,
            "tsv": read_delimited,
            "xlsx": read_xlsx,
            "xls": read_xlsx,
            "ods": read_xlsx,
            "html": read_html,
            "parquet": _read_parquet,
            "jsonl": read_kuaidi100_jsonl,
        }[kind]
        with reading_errors(path, f"cannot read the file as {kind}"):  # a safety net: readers name their errors
            return reader(path, source)
    except PermissionError:
        raise InputError("cannot open the file: permission denied", path=path) from None
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}", path=path) from None


def _read_parquet(path: Path, source: TableSource) -> RawTable:
    with reading_errors(path, "not a readable Parquet file"):
        scan = pl.scan_parquet(path, glob=False)
        names = scan.collect_schema().names()
        rows = scan.select(pl.len()).collect().item()
    if ROW in names and scan.collect_schema()[ROW].is_integer():
        # an earlier job's table (`input: orders.valid`): its rows keep the numbers of the file
        # they came from, so a message or letter names the row of the original export
        names = [name for name in names if name != ROW]
        frame = scan.select(
            pl.col(ROW).cast(pl.Int64), *(pl.col(name).alias(positional(i)) for i, name in enumerate(names))
        )
    else:
        body = scan.select(pl.col(name).alias(positional(i)) for i, name in enumerate(names))
        frame = with_row_numbers(body, source.header_row + 1)
    return RawTable(frame=frame, headers=list(names), rows=int(rows), format="parquet")
