"""`parse_fields`' fast path gives exactly what the careful parsers give, cell by cell: the
typed value and the `<field>_raw` text, on the samples and on generated messy cells."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.files import REPO
from toolkit.fields import Field, Kind, alias_table
from toolkit.io import TableSource, read_table
from toolkit.io.dates import TimeReading
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.parse import parse_fields

KINDS = (Kind.TEXT, Kind.PHONE, Kind.DATETIME, Kind.NUMBER, Kind.INTEGER)
FIELDS = tuple(Field(f"c_{kind.value}", kind, kind.value, kind.value) for kind in KINDS)
TIMES = TimeReading()
# A configured pattern comes first, so the time field has no fast path: the careful way either way.
CONFIGURED = TimeReading(formats={"c_datetime": ("%Y-%d-%m %H:%M",)})


def both_ways(frame: pl.DataFrame, fields: tuple[Field, ...], times: TimeReading = TIMES) -> None:
    fast = parse_fields(frame.lazy(), fields, times).collect()
    careful = parse_fields(frame.lazy(), fields, times, fast=False).collect()
    assert fast.schema == careful.schema
    assert fast.equals(careful), [
        c for c in careful.columns if not fast[c].equals(careful[c])
    ]  # null positions count: `equals` is not `==`
    # batch by batch, on the streaming engine (the validate job's `engine: streaming`): the same columns
    batches = parse_fields(frame.lazy(), fields, times, batches=True).collect(engine="streaming")
    assert batches.select(careful.columns).equals(careful)
    assert sorted(batches.columns) == sorted(careful.columns)


def test_the_samples_read_the_same_both_ways() -> None:
    with read_table(TableSource(path=REPO / "samples" / "orders.xlsx"), alias_table(ORDER_FIELDS)) as table:
        frame = table.frame.collect()
    assert frame.height > 100
    both_ways(frame, ORDER_FIELDS)
    both_ways(frame.head(0), ORDER_FIELDS)
    both_ways(frame.drop("order_time", "pieces"), ORDER_FIELDS)  # absent fields: null columns


def test_edges_read_the_same_both_ways() -> None:
    cells = [
        "13812345678",
        "138-1234-5678",
        "0755-12345678",
        "0086-12345678",
        "010-1234567",
        "13812345678.0",
        "+86 138 1234 5678",
        "2026-02-30 10:00",
        "2026-11-22 09:05",
        "2026/9/2 9:05",
        "1850-01-01 00:00",
        "2026-11-22 24:00",
        "46348.378472",
        "007",
        "1234567890123456",
        "12.",
        "0.5",
        "１２",
        "\u3000 12 \u200b",
        "\ufeff",
        "",
        "   ",
        None,
    ]
    frame = pl.DataFrame({f.name: cells for f in FIELDS})
    both_ways(frame, FIELDS)
    both_ways(frame, FIELDS, CONFIGURED)
    both_ways(frame.head(1), FIELDS)  # every cell fast
    both_ways(frame.tail(3), FIELDS)  # no cell fast


_PIECES = [
    "1",
    "0",
    "13",
    "8",
    "9",
    "-",
    "/",
    " ",
    ":",
    ".",
    ",",
    "+",
    "e",
    "２",
    "０",
    "年",
    "月",
    "日",
    "时",
    "分",
    "T",
    "Z",
    "+08:00",
    "公斤",
    "kg",
    "件",
    "元",
    "¥",
    "转801",
    "\u3000",
    "\u00a0",
    "\t",
    "\u200b",
    "\ufeff",
    "ｘ",
    "abc",
]
_messy = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
_digits = st.integers(0, 10**11).map(str)
_phone = st.builds(lambda p, n: f"1{p}{n:09d}", st.sampled_from("0123456789"), st.integers(0, 10**9 - 1))
_dashed_phone = _phone.map(lambda p: f"{p[:3]}-{p[3:7]}-{p[7:]}")
_landline = st.builds(
    lambda a, n: f"0{a}-{n}", st.sampled_from(["10", "20", "755", "571", "086", "21"]), st.integers(10**6, 10**8)
)
_time = st.builds(
    lambda d, sep, h, m: f"{d:%Y}{sep}{d.month:0{2 if sep == '-' else 1}}{sep}{d.day:02} {h}:{m:02}",
    st.datetimes(datetime(1890, 1, 1), datetime(2230, 1, 1)),
    st.sampled_from(["-", "/"]),
    st.sampled_from(["0", "00", "9", "09", "23", "24"]),
    st.integers(0, 60),
)
_number = st.one_of(
    _digits, st.floats(0, 1e6, allow_nan=False).map(str), st.builds(lambda a, b: f"{a}.{b}", _digits, _digits)
)
_cell = st.one_of(_messy, _digits, _phone, _dashed_phone, _landline, _time, _number, st.none())
# A cell of one form, then cut or with a piece stuck on: mostly clean, some nearly so.
_near = st.builds(
    lambda c, p, front: p + c if front else c + p, _cell.filter(bool), st.sampled_from(_PIECES), st.booleans()
)
_column = st.lists(st.one_of(_cell, _near), min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({f.name: _column for f in FIELDS}), st.booleans())
def test_messy_cells_read_the_same_both_ways(columns: dict[str, list[str | None]], configured: bool) -> None:
    height = min(len(c) for c in columns.values())
    frame = pl.DataFrame({name: pl.Series(c[:height], dtype=pl.String) for name, c in columns.items()})
    both_ways(frame, FIELDS, CONFIGURED if configured else TIMES)
