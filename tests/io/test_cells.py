"""toolkit.io.cells: the text people type into Excel, parsed by polars expressions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.io import cells

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parsed(function: Callable[..., pl.Expr], values: list[Any], **kwargs: Any) -> list[Any]:
    """Apply a cells function to a column of raw values and return the parsed values."""
    return pl.DataFrame({"raw": values}).select(function(pl.col("raw"), **kwargs))["raw"].to_list()


# --- clean_text ----------------------------------------------------------------------------


def test_clean_text_folds_full_width_and_odd_spaces_and_strips() -> None:
    raw = [" ＡＢＣ１２３\u3000", "北京市\u00a0朝阳区\t建国路", "（备注）", "\u3000 \t", "", None, "a\u200bb"]
    assert parsed(cells.clean_text, raw) == ["ABC123", "北京市 朝阳区 建国路", "(备注)", None, None, None, "ab"]


def test_cells_functions_keep_the_column_name() -> None:
    frame = pl.DataFrame({"shipper_phone": ["138 1234 5678"], "order_time": ["2026-11-22 09:05"]})
    out = frame.select(cells.parse_phone(pl.col("shipper_phone")), cells.parse_datetime(pl.col("order_time")))
    assert out.columns == ["shipper_phone", "order_time"]


def test_cells_functions_refuse_several_columns_at_once() -> None:
    with pytest.raises(ValueError, match="one column at a time"):
        cells.parse_phone(pl.all())


# --- phones --------------------------------------------------------------------------------

PHONES = [
    # (as typed, parse_phone, phone_kind)
    ("13812345678", "13812345678", "mobile"),
    ("1.3812345678E10", "13812345678", "mobile"),  # a phone Excel stored as a float, as text
    ("13812345678.0", "13812345678", "mobile"),
    ("１３８１２３４５６７８", "13812345678", "mobile"),
    ("138-1234-5678", "13812345678", "mobile"),
    ("138 1234 5678", "13812345678", "mobile"),
    ("138.1234.5678", "13812345678", "mobile"),
    ("+86 138 1234 5678", "13812345678", "mobile"),
    ("+86-13812345678", "13812345678", "mobile"),
    ("0086 13812345678", "13812345678", "mobile"),
    ("8613812345678", "13812345678", "mobile"),
    ("(010)12345678", "01012345678", "landline"),
    ("（010）12345678", "01012345678", "landline"),
    ("010-12345678", "01012345678", "landline"),
    ("0755-12345678", "075512345678", "landline"),
    ("021-1234-5678", "02112345678", "landline"),
    ("010-12345678-801", "01012345678", "landline"),  # extension after a dash
    ("010-12345678转801", "01012345678", "landline"),
    ("010-12345678 分机 801", "01012345678", "landline"),
    ("0755-12345678 ext.12", "075512345678", "landline"),
    ("+86 10 1234 5678", "01012345678", "landline"),  # international form drops the 0
    ("1012345678", "01012345678", "landline"),  # Excel dropped the 0 of a number
    ("12345678", "12345678", None),  # a landline without its area code
    ("1381234567", "1381234567", None),  # a digit short
    ("+1 555-123-4567", "+15551234567", None),  # another country stays foreign
    ("无", None, None),
    ("138abc5678", None, None),
    ("13812345678/13987654321", None, None),  # two numbers in one cell: a person decides
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("typed", "number", "kind"), PHONES)
def test_parse_phone_and_phone_kind(typed: str | None, number: str | None, kind: str | None) -> None:
    frame = pl.DataFrame({"phone": [typed]}, schema={"phone": pl.String})
    out = frame.select(number=cells.parse_phone(pl.col("phone"))).with_columns(kind=cells.phone_kind(pl.col("number")))
    assert out.row(0) == (number, kind)


def test_parse_phone_reads_a_numeric_column() -> None:
    assert parsed(cells.parse_phone, [13812345678.0, None, 1012345678.0]) == ["13812345678", None, "01012345678"]
    assert parsed(cells.parse_phone, [13812345678, 2112345678]) == ["13812345678", "02112345678"]


def test_phone_kind_uses_the_phonenumbers_metadata_for_china() -> None:
    # 145… and 170… exist in the metadata, 120… does not.
    assert parsed(cells.phone_kind, ["14512345678", "17012345678", "12012345678"]) == ["mobile", "mobile", None]


_MOBILE = re.compile(cells.MOBILE_PATTERN)
_LANDLINE = re.compile(cells.LANDLINE_PATTERN)
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")

mobiles = st.from_regex(r"\A1[3-9][0-9]{9}\Z").filter(lambda n: bool(_MOBILE.match(n)))
landlines = st.tuples(
    st.sampled_from(["010", "021", "020", "0755", "0571", "0431"]), st.from_regex(r"\A[2-8][0-9]{7}\Z")
).filter(lambda parts: bool(_LANDLINE.match("".join(parts))))


@st.composite
def messy_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    """A valid mobile and one of the ways people (and Excel) write it."""
    number = draw(mobiles)
    separator = draw(st.sampled_from(["", " ", "-", ".", " - "]))
    text = separator.join([number[:3], number[3:7], number[7:]])
    text = draw(st.sampled_from(["", "+86 ", "+86-", "0086 ", "86", "(+86) "])) + text
    text += draw(st.sampled_from(["", " 转801", "-转8", " ext. 12"]))
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH_DIGITS)
    text = draw(st.sampled_from(["", " ", "\u3000", "\t"])) + text + draw(st.sampled_from(["", " ", "\u3000"]))
    as_float = draw(st.sampled_from([None, f"{int(number)}.0", f"{int(number) / 1e10:.10f}E10"]))
    return (as_float or text), number


@st.composite
def messy_landlines(draw: st.DrawFn) -> tuple[str, str]:
    area, local = draw(landlines)
    form = draw(st.sampled_from(["{a}-{l}", "({a}){l}", "({a}) {l}", "{a} {l}", "+86 {a1} {l}", "0086-{a1}-{l}"]))
    text = form.format(a=area, a1=area[1:], l=local)
    text += draw(st.sampled_from(["", "-801", " 转 801", "#23"]))
    return text, area + local


@settings(max_examples=60, deadline=None)
@given(st.lists(messy_mobiles(), min_size=1, max_size=40))
def test_parse_phone_gives_back_any_messily_written_mobile(examples: list[tuple[str, str]]) -> None:
    typed, numbers = zip(*examples, strict=True)
    assert parsed(cells.parse_phone, list(typed)) == list(numbers)
    assert set(parsed(cells.phone_kind, list(numbers))) == {"mobile"}


@settings(max_examples=60, deadline=None)
@given(st.lists(messy_landlines(), min_size=1, max_size=40))
def test_parse_phone_gives_back_any_messily_written_landline(examples: list[tuple[str, str]]) -> None:
    typed, numbers = zip(*examples, strict=True)
    assert parsed(cells.parse_phone, list(typed)) == list(numbers)
    assert set(parsed(cells.phone_kind, list(numbers))) == {"landline"}


# --- date and time -------------------------------------------------------------------------

NOV22_0905 = dt.datetime(2026, 11, 22, 9, 5, tzinfo=SHANGHAI)
DATETIMES = [
    ("2026-11-22 09:05", NOV22_0905),
    ("2026-11-22 09:05:00", NOV22_0905),
    ("2026/11/22 9:05", NOV22_0905),
    ("2026/11/22 09:05:00", NOV22_0905),
    ("2026年11月22日 09:05", NOV22_0905),
    ("2026年11月22日9时05分", NOV22_0905),
    ("2026年11月22日9点05分30秒", NOV22_0905.replace(second=30)),
    ("２０２６－１１－２２　０９：０５", NOV22_0905),
    ("2026-1-2 3:04:05", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=SHANGHAI)),
    ("2026-11-22T09:05:30.123456", NOV22_0905.replace(second=30, microsecond=123456)),
    ("2026-11-22 09:05:30.123", NOV22_0905.replace(second=30, microsecond=123000)),  # fastexcel's form
    ("2026-11-22T01:05:00Z", NOV22_0905),
    ("2026-11-22T09:05:00+08:00", NOV22_0905),
    ("2026-11-22", dt.datetime(2026, 11, 22, tzinfo=SHANGHAI)),
    ("2026年11月22日", dt.datetime(2026, 11, 22, tzinfo=SHANGHAI)),
    ("46348.378472", NOV22_0905),  # Excel serial, rounded to the second
    ("46348", dt.datetime(2026, 11, 22, tzinfo=SHANGHAI)),
    ("2026-02-30", None),
    ("2026-11-22 24:00", None),
    ("26-11-22", None),  # not the year 26
    ("11-22 09:05:00", None),  # LaDe: no year
    ("2-Jun-06", None),
    ("12345", None),  # too small for a serial in a plausible range
    ("Date Not Captured", None),
    (None, None),
]


@pytest.mark.parametrize(("typed", "expected"), DATETIMES)
def test_parse_datetime(typed: str | None, expected: dt.datetime | None) -> None:
    assert parsed(cells.parse_datetime, [typed]) == [expected]


def test_parse_datetime_returns_aware_microsecond_datetimes_in_the_given_zone() -> None:
    out = pl.DataFrame({"t": ["2026-11-22 09:05"]}).select(cells.parse_datetime(pl.col("t"), tz="UTC"))
    assert out.schema["t"] == pl.Datetime("us", "UTC")
    assert out.item() == dt.datetime(2026, 11, 22, 9, 5, tzinfo=dt.UTC)


def test_parse_datetime_passes_date_and_datetime_columns_through() -> None:
    naive = dt.datetime(2026, 11, 22, 9, 5)
    frame = pl.DataFrame({"naive": [naive], "day": [naive.date()]}).with_columns(
        utc=pl.col("naive").dt.replace_time_zone("UTC"), ns=pl.col("naive").dt.cast_time_unit("ns")
    )
    out = frame.select(cells.parse_datetime(pl.col(name)) for name in frame.columns)
    assert out.row(0, named=True) == {
        "naive": NOV22_0905,  # naive means local to tz
        "day": dt.datetime(2026, 11, 22, tzinfo=SHANGHAI),
        "utc": NOV22_0905 + dt.timedelta(hours=8),  # 09:05 UTC is 17:05 in Shanghai
        "ns": NOV22_0905,
    }


moments = st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(moments, min_size=1, max_size=30),
    st.sampled_from(["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]),
)
def test_parse_datetime_reads_back_what_strftime_wrote(moments_: list[dt.datetime], form: str) -> None:
    typed = [m.strftime(form) for m in moments_]
    assert parsed(cells.parse_datetime, typed) == [m.replace(tzinfo=SHANGHAI) for m in moments_]


@settings(max_examples=40, deadline=None)
@given(st.lists(moments, min_size=1, max_size=30))
def test_parse_datetime_reads_excel_serial_numbers_to_the_second(moments_: list[dt.datetime]) -> None:
    epoch = dt.datetime(1899, 12, 30)
    serials = [f"{(m - epoch).total_seconds() / 86400:.8f}" for m in moments_]
    assert parsed(cells.parse_datetime, serials) == [m.replace(tzinfo=SHANGHAI) for m in moments_]


# --- numbers -------------------------------------------------------------------------------

NUMBERS = [
    # (as typed, parse_number, parse_integer)
    ("5", 5.0, 5),
    ("5.0", 5.0, 5),
    ("2.5", 2.5, None),
    ("-5", -5.0, -5),
    ("1,234.5", 1234.5, None),
    ("1,234,567", 1234567.0, 1234567),
    ("¥12", 12.0, 12),
    ("￥12.5元", 12.5, None),
    ("RMB 30", 30.0, 30),
    ("12.5 kg", 12.5, None),
    ("12KG", 12.0, 12),
    ("5公斤", 5.0, 5),
    ("5千克", 5.0, 5),
    ("3方", 3.0, 3),
    ("2m³", 2.0, 2),
    ("2 M3", 2.0, 2),
    ("1.5立方", 1.5, None),
    ("10 立方米", 10.0, 10),
    ("５件", 5.0, 5),
    ("３.５", 3.5, None),
    ("1e3", 1000.0, 1000),
    (".5", 0.5, None),
    ("1,5", None, None),  # a decimal comma or a typo: not 15
    ("12,34", None, None),
    ("五", None, None),
    ("约5kg", None, None),
    ("5吨", None, None),  # a different unit is not stripped
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("typed", "number", "integer"), NUMBERS)
def test_parse_number_and_parse_integer(typed: str | None, number: float | None, integer: int | None) -> None:
    assert parsed(cells.parse_number, [typed]) == [number]
    assert parsed(cells.parse_integer, [typed]) == [integer]


def test_numeric_columns_pass_through() -> None:
    assert parsed(cells.parse_number, [1.5, None, 1e-7]) == [1.5, None, 1e-7]
    assert parsed(cells.parse_integer, [3, None]) == [3, None]
    assert parsed(cells.parse_integer, [2.0, 2.5]) == [2, None]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=1, max_size=30),
    st.sampled_from(["{:,}", "¥{:,}", "{:,}元", "{} kg", "{}件", "{:,}.00"]),
)
def test_parse_integer_reads_formatted_whole_numbers(values: list[int], form: str) -> None:
    assert parsed(cells.parse_integer, [form.format(v) for v in values]) == values


# --- plan size ---------------------------------------------------------------------------------


def test_parser_plans_stay_small() -> None:
    """Each input is referenced a bounded number of times: reusing a sub-expression inside
    when/then chains grows the plan exponentially (75 s per million rows once). Speed itself is
    measured in bench/, not here."""
    for function in (
        cells.clean_text,
        cells.parse_phone,
        cells.phone_kind,
        cells.parse_datetime,
        cells.parse_number,
        cells.parse_integer,
    ):
        plan = str(function(pl.col("x")))
        assert plan.count('col("x")') <= 2, function.__name__
