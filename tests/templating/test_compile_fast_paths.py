"""The compiler's fast paths (issue 14: the 1 M-order dispatch SMS) give Jinja's text exactly:
phones masked directly when they are plain ASCII phones and through the parser otherwise,
`num` of floats, the strip that only touches the ends that can need it, `pickup_hint`."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.templating.test_compile import WHITESPACE, assert_same, load
from toolkit.templating import compile as compiler
from toolkit.templating.compile import compile_template

SHANGHAI = "Asia/Shanghai"
ASCII_PHONES = ["13812343212", "19522394388", "01012345678", "057187654321", "02112345678", "0571-87654321"]
OTHER_PHONES = [
    " 13812343212",
    "13812343212\u3000",
    "１３８１２３４３２１２",  # full-width digits
    "١٣٨١٢٣٤٣٢١٢",  # Arabic-Indic digits: Python's \d, not [0-9]
    "+86 138-1234-5678",
    "(010)12345678转801",
    "12345678901",  # the shape of a mobile, not a valid one
    "0123456789",
    "0000000000",
    "not a phone",
    "",
    " \t ",
    None,
]


@pytest.mark.parametrize("order", ["as listed", "reversed", "interleaved"])
def test_ascii_and_other_phones_mixed_mask_as_the_filter_does(tmp_path: Path, order: str) -> None:
    phones = ASCII_PHONES * 3 + OTHER_PHONES
    if order == "reversed":
        phones = phones[::-1]
    elif order == "interleaved":
        phones = [p for pair in zip(phones[::2], phones[1::2], strict=False) for p in pair] + phones[-1:]
    frame = pl.DataFrame({"phone": phones, "serial": [str(i) for i in range(len(phones))]})
    sms = load(tmp_path, "[{{ serial }}]{{ phone|mask_phone }}|{{ phone|mask_phone }}")
    assert_same(sms, frame, fallback_rows=True)
    compiled = frame.select(compile_template(sms, frame.schema)).to_series()
    for phone, text in zip(phones, compiled, strict=True):
        if phone in ASCII_PHONES:  # the fast path itself, not Jinja's fallback
            assert text is not None, phone


def test_phones_all_ascii_all_other_and_none_at_all(tmp_path: Path) -> None:
    sms = load(tmp_path, "{{ phone|mask_phone }}")
    assert_same(sms, pl.DataFrame({"phone": ASCII_PHONES * 50}))
    assert_same(sms, pl.DataFrame({"phone": OTHER_PHONES * 3}), fallback_rows=True)
    assert_same(sms, pl.DataFrame({"phone": [None, None]}, schema={"phone": pl.String}))
    empty = pl.DataFrame(schema={"phone": pl.String})
    assert empty.select(compile_template(sms, empty.schema)).height == 0


def test_integer_phones_and_a_masked_phone_in_an_if(tmp_path: Path) -> None:
    frame = pl.DataFrame({"n": [13812343212, None, 12345678901, 1057187654321], "ok": [1, 1, 0, 1]})
    assert_same(load(tmp_path, "{% if ok %}{{ n|mask_phone }}{% endif %}。"), frame, fallback_rows=True)


@pytest.mark.parametrize(
    "values",
    [
        [20.0, 0.2, 1234.5, -0.0, 0.0, 100.0, 1e14, 99999999999999.9, 0.30000000000000004],
        [None, math.nan, math.inf, -math.inf, 1e-5, 1e15, 1e16, 5e-324, -2.5],
    ],
)
def test_num_of_floats_is_decimal_normalized(tmp_path: Path, values: list[float | None]) -> None:
    frame = pl.DataFrame({"x": values}, schema={"x": pl.Float64})
    assert_same(load(tmp_path, "{{ x|num }}公斤{% if x %}+{{ x|num }}{% endif %}"), frame, fallback_rows=True)


@pytest.mark.parametrize(
    "text",
    [
        "{{ a }}",
        "  {{ a }} : {{ b }}  ",
        "{{ a }}{{ b }}",
        "{{ a }} x {{ b }}",
        "x{{ a }}{{ b }} ",
        "\n{{ a }}\t\u3000y\u3000{{ b }}",
        " 【{{ a }}】 ",
        "{{ a }} \n",
        "{% if b %} {{ b }} {% endif %}[{{ a }}]{% if a %} {{ a }}{% endif %}",
        "{% if a %} {% endif %}{{ b }}",
    ],
)
def test_the_ends_are_stripped_as_str_strip_does(tmp_path: Path, text: str) -> None:
    values = ["", " ", "\u3000x\u3000", "y", " z ", "\x1c", None, "中 文"]
    frame = pl.DataFrame({"a": values, "b": values[::-1]})
    assert_same(load(tmp_path, text), frame)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pad=st.lists(st.text(alphabet=WHITESPACE, max_size=2), min_size=3, max_size=3),
    values=st.lists(
        st.one_of(st.none(), st.text(alphabet=st.one_of(WHITESPACE, st.just("x")), max_size=3)), min_size=1
    ),
)
def test_random_whitespace_around_and_between_values(tmp_path: Path, pad: list[str], values: list[str | None]) -> None:
    frame = pl.DataFrame({"a": values, "b": values[::-1]}, schema={"a": pl.String, "b": pl.String})
    assert_same(load(tmp_path, f"{pad[0]}{{{{ a }}}}{pad[1]}{{{{ b }}}}{pad[2]}"), frame)
    assert_same(load(tmp_path, f"{pad[0]}-{{{{ a }}}}{pad[1]}-{{{{ b }}}}-{pad[2]}"), frame)


def test_pickup_hint_on_a_zoned_column_with_nulls(tmp_path: Path) -> None:
    times = [datetime(2026, 11, 22, h, m) for h, m in ((0, 0), (9, 59), (10, 0), (15, 59), (16, 0), (23, 59))]
    frame = pl.DataFrame({"t": [*times, None]}).with_columns(pl.col("t").dt.replace_time_zone(SHANGHAI))
    assert_same(load(tmp_path, "{{ t|pickup_hint }}提"), frame)


def test_phones_mask_the_same_when_the_ascii_shortcut_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A phone pattern with escapes the narrowing does not know never matches: every row goes
    through the parser, with the same text."""
    assert compiler._ascii_only(r"^\w{3}\d$") == compiler._NEVER
    monkeypatch.setattr(compiler, "_ASCII_MOBILE", compiler._NEVER)
    monkeypatch.setattr(compiler, "_ASCII_LANDLINE", compiler._NEVER)
    frame = pl.DataFrame({"phone": ASCII_PHONES + OTHER_PHONES})
    assert_same(load(tmp_path, "{{ phone|mask_phone }}"), frame, fallback_rows=True)
