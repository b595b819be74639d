"""The readers under fuzzing: tables written in every dialect the toolkit meets come back whole,
and random bytes give a table or one InputError line, never a traceback or a hang."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.io import TableSource, read_table

HEADERS = ("订单号", "收货人", "备注")
ALIASES = {"order_id": ("订单号",)}
# cells as exports write them: Chinese, ASCII, the delimiters and quotes themselves, line breaks
# inside quoted cells, full-width and odd spaces, emoji beyond the BMP; never NUL
CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("订单号上海市浦东新区张伟𠮷😀abcXYZ0123456789 ,;|^:\t\"'\n-._/（）\u3000\u00a0")),
    max_size=12,
)
DIALECTS = st.sampled_from(
    [
        (",", "\n"),
        (",", "\r\n"),
        ("\t", "\n"),
        (";", "\r\n"),
        (",", "\r"),
        ("|", "\n"),
        ("^", "\r\n"),
        (":", "\n"),
    ]
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 60)),  # FUZZ_EXAMPLES=2000 for a deeper run
    deadline=10_000,
    suppress_health_check=[HealthCheck.too_slow],
)


def _written(rows: list[list[str]], delimiter: str, line_end: str, encoding: str, quote_all: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(
        out, delimiter=delimiter, lineterminator=line_end, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    )
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _read(data: bytes, suffix: str = ".csv", **options: object) -> pl.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        with read_table(TableSource(path=path, **options), ALIASES) as table:
            return table.frame.collect()


@FUZZ
@given(
    rows=st.lists(st.lists(CELL_TEXT, min_size=3, max_size=3), min_size=1, max_size=25),
    dialect=DIALECTS,
    encoding=ENCODINGS,
    quote_all=st.booleans(),
)
def test_every_row_written_in_any_dialect_reads_back_whole(
    rows: list[list[str]], dialect: tuple[str, str], encoding: str, quote_all: bool
) -> None:
    delimiter, line_end = dialect
    if line_end == "\r":  # a CR-only file cannot carry a line break inside a cell that another reader would agree on
        rows = [[cell.replace("\n", " ").replace("\r", " ") for cell in row] for row in rows]
    data = _written(rows, delimiter, line_end, encoding, quote_all)
    kept = [row for row in rows if any(cell.strip() for cell in row)]  # fully blank rows are skipped, not data
    try:
        frame = _read(data, delimiter=delimiter)
    except InputError as error:
        assert not kept, error.one_line()  # only a file without a data row may be refused
        return
    assert frame.height == len(kept)
    got = [tuple(cell or None for cell in row) for row in frame.select("order_id", "收货人", "备注").rows()]
    assert got == [tuple(cell or None for cell in row) for row in kept]  # a quoted "" is as empty as nothing


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".parquet"]))
def test_random_bytes_are_a_table_or_one_line(data: bytes, suffix: str) -> None:
    try:
        frame = _read(data, suffix)
    except InputError as error:
        line = error.one_line()
        assert "\n" not in line and "Traceback" not in line and "export" in line
        return
    assert frame.columns[0] == "_row" and frame["_row"].is_sorted()


@FUZZ
@given(prefix=st.binary(max_size=200), rows=st.integers(min_value=1, max_value=20))
def test_a_valid_table_after_random_bytes_is_read_or_refused_in_one_line(prefix: bytes, rows: int) -> None:
    body = "订单号,备注\n" + "".join(f"A{i},x\n" for i in range(rows))
    try:
        frame = _read(prefix + body.encode("utf-8"))
    except InputError as error:
        assert "\n" not in error.one_line()
        return
    assert frame.height <= rows + prefix.count(b"\n") + prefix.count(b"\r") + 1
