"""Compiled templates give, row for row, the text Jinja gives; templates with logic fall back."""

from __future__ import annotations

import math
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.files import write
from toolkit.i18n import EN, ZH
from toolkit.templating.compile import PY_WHITESPACE, compile_template, render_all
from toolkit.templating.environment import MessageTemplate, TemplateError

SHANGHAI = "Asia/Shanghai"


def load(folder: Path, text: str, name: str = "t.txt.j2", locale: str = ZH) -> MessageTemplate:
    return MessageTemplate.load(write(folder / name, text), locale)


def per_row(template: MessageTemplate, frame: pl.DataFrame) -> list[str]:
    return [template.render(row) for row in frame.iter_rows(named=True)]


def assert_same(template: MessageTemplate, frame: pl.DataFrame, *, fallback_rows: bool = False) -> None:
    """The compiled expression alone gives Jinja's text (null only where `fallback_rows`), and so
    does render_all."""
    expr = compile_template(template, frame.schema)
    assert expr is not None, "expected the template to compile"
    expected = per_row(template, frame)
    compiled = frame.select(expr).to_series()
    if compiled.len() == 1 and frame.height != 1:
        compiled = pl.Series([compiled[0]] * frame.height, dtype=pl.String)
    for got, want, row in zip(compiled.to_list(), expected, frame.iter_rows(named=True), strict=True):
        if got is None and fallback_rows:
            continue
        assert got == want, row
    if not fallback_rows:
        assert compiled.null_count() == 0
    content = render_all(template, frame)
    assert content.name == "content" and content.dtype == pl.String
    assert content.to_list() == expected


def orders() -> pl.DataFrame:
    """Messy rows: nulls, floats, Chinese text, phones as typed, tz-aware datetimes."""
    due = [
        datetime(2024, 11, 22, 15, 30),
        datetime(2024, 11, 1, 9, 0),
        None,
        datetime(2025, 1, 5, 0, 5),
        datetime(2024, 2, 29, 23, 59),
        datetime(2024, 12, 31, 16, 0),
    ]
    return pl.DataFrame(
        {
            "serial": ["110310221", "110310222", None, "A-3", "", "  x  "],
            "shipper_name": ["王先生", "Li & <Co>", "赵'四\"", None, "  ", "李雷"],
            "phone": [
                "13812343212",
                "+86 138-1234-5678",
                "(010)12345678转801",
                None,
                "  ",
                "not a phone",
            ],
            "goods_name": [
                "电子配件一批",
                "配件",
                "",
                None,
                "书籍资料文件夹和文具",
                "a",
            ],
            "pieces": [5, 0, None, -3, 1234567, 12],
            "weight": [20.0, 0.2, 1234.5, None, -0.0, 0.30000000000000004],
            "fee": [1234.5, 2.675, 0.005, None, -1234567.891, 0.0],
            "paid": [True, False, None, True, False, True],
            "hours": [2.5, 0.75, None, 0.0, 26.0, -1.5],
            "late": [
                timedelta(hours=2, minutes=30),
                timedelta(minutes=45),
                None,
                timedelta(0),
                timedelta(days=1, seconds=30),
                -timedelta(minutes=90),
            ],
            "due": due,
            "day": [d.date() if d else None for d in due],
            "amount_text": ["1234.5", "", None, "-0.001", "12", "99.995"],
        }
    ).with_columns(pl.col("due").dt.replace_time_zone(SHANGHAI))


DISPATCH = (
    "\n[{{ serial }}]客{{ shipper_name }}{{ phone|mask_phone }}{{ goods_name|truncate_chars(6) }}{{ pieces }}件"
    "{{ weight }}kg 运费{{ fee|cny }}({{ fee|cny('yuan') }}) {{ due|cn_date }}{{ due|cn_hour }}前提货({{ due|weekday }})"
    " 限{{ hours|hours }} 工号{{ agent|default('8001') }}\n\n"
)

COMPILED = {
    "plain": "{{ serial }}|{{ shipper_name }}|{{ pieces }}|{{ weight }}|{{ paid }}|{{ fee }}|{{ day }}",
    "dispatch": DISPATCH,
    "mask_phone": "{{ phone|mask_phone }} {{ serial|mask_phone }} {{ pieces|mask_phone }}",
    "cny": "{{ fee|cny }} {{ fee|cny('yuan') }} {{ pieces|cny }} {{ pieces|cny(style='yuan') }} {{ amount_text|cny }} {{ amount_text|cny('yuan') }}",
    "dates": "{{ due|cn_date }} {{ day|cn_date }} {{ due|cn_hour }}前 {{ due|weekday }} {{ day|weekday }}",
    "durations": "{{ hours|duration }} {{ hours|hours }} {{ late|duration }} {{ pieces|hours }} {{ weight|duration }}",
    "truncate": (
        "{{ goods_name|truncate_chars(4) }}|{{ goods_name|truncate_chars(4, '...') }}|{{ goods_name|truncate_chars(2, end='...') }}"
        "|{{ goods_name|truncate_chars(0) }}|{{ pieces|truncate_chars(3) }}|{{ weight|truncate_chars(3, '') }}|{{ serial|truncate_chars(-1) }}"
    ),
    "default": (
        "{{ nope|default('无') }}|{{ nope|d }}|{{ nope|default(0) }}|{{ serial|default('无') }}|{{ serial|default('无', true) }}"
        "|{{ pieces|default(7, true) }}|{{ pieces|default('无', boolean=true) }}|{{ weight|default(1.5, true) }}"
        "|{{ paid|default('否', true) }}|{{ paid|default(true, true) }}"
        "|{{ goods_name|truncate_chars(3)|default('空', true) }}|{{ phone|mask_phone|default('无号码', true) }}"
    ),
    "chained": "{{ fee|cny|truncate_chars(5) }} {{ shipper_name|default('客户', true)|truncate_chars(2) }} {{ nope|default('x')|truncate_chars(1) }}",
    "constants": "{{ 'a&b' }} {{ 1234.5|cny }} {{ 0.2 }} {{ none }} {{ 'abcdef'|truncate_chars(3) }}",
    "no columns": "  hello 你好  ",
}


@pytest.mark.parametrize("locale", [ZH, EN])
@pytest.mark.parametrize("name", list(COMPILED))
def test_a_substituting_template_compiles_to_the_text_jinja_renders(tmp_path: Path, name: str, locale: str) -> None:
    assert_same(load(tmp_path, COMPILED[name], locale=locale), orders())


@pytest.mark.parametrize("name", ["plain", "dispatch", "default", "constants"])
def test_an_html_template_escapes_customer_text_as_jinja_does(tmp_path: Path, name: str) -> None:
    frame = orders().with_columns(pl.lit("<script>alert('x')</script> & \"q\"").alias("shipper_name"))
    letter = load(
        tmp_path,
        "<p>{{ shipper_name }}</p>\n" + COMPILED[name] + "\n",
        name="letter.html.j2",
    )
    assert_same(letter, frame)
    assert "<script>" not in render_all(letter, frame)[0]


def test_the_dispatch_sms_reads_as_the_manual_has_it(tmp_path: Path) -> None:
    sms = load(tmp_path, DISPATCH)
    assert render_all(sms, orders().head(1)).item() == (
        "[110310221]客王先生138****3212电子配件一批5件20.0kg 运费¥1,234.50(1234.5元) 11月22日15点30分前提货(周五) 限2小时30分 工号8001"
    )


def test_english_locale_comes_from_the_environment(tmp_path: Path) -> None:
    sms = load(
        tmp_path,
        "{{ due|cn_date }} {{ due|cn_hour }} {{ due|weekday }} {{ hours|hours }}",
        locale=EN,
    )
    assert render_all(sms, orders().head(2)).to_list() == [
        "22 Nov 15:30 Fri 2 h 30 min",
        "1 Nov 09:00 Fri 45 min",
    ]


def test_values_compiled_text_cannot_match_go_to_jinja_row_by_row(
    tmp_path: Path,
) -> None:
    frame = pl.DataFrame(
        {
            "x": [1e-05, 9.9e-05, float("nan"), float("inf"), 1e16, 1e300, 0.0001],
            "text": ["1_000", " 12 ", "１２", "1e3", "+5", "1234567890123456.5", "abc"],
        }
    )
    assert_same(
        load(tmp_path, "{{ x }} {{ text|truncate_chars(3) }}"),
        frame,
        fallback_rows=True,
    )
    finite = frame.filter(pl.col("x").abs() < 1e20)  # the cny filter itself cannot quantize 1e300
    assert_same(
        load(tmp_path, "{{ x|cny }} {{ x|cny('yuan') }}", name="x.txt.j2"),
        finite,
        fallback_rows=True,
    )
    assert_same(
        load(tmp_path, "{{ text|cny('yuan') }}", name="y.txt.j2"),
        frame.filter(pl.col("text") != "abc"),
        fallback_rows=True,
    )
    assert_same(load(tmp_path, "{{ text|cny }}", name="cny.txt.j2"), frame, fallback_rows=True)  # "abc" stays "abc"
    printable = frame.filter((pl.col("x").abs() < 1e20) | pl.col("x").is_nan())  # NaN prints nothing
    assert_same(load(tmp_path, "{{ x|hours }}", name="h.txt.j2"), printable, fallback_rows=True)


def test_a_missing_column_is_the_same_error_as_per_row(tmp_path: Path) -> None:
    sms = load(tmp_path, "line\n{{ shiper_name }}")
    assert compile_template(sms, orders().schema) is None
    with pytest.raises(TemplateError) as caught:
        render_all(sms, orders())
    assert caught.value.line == 2


@pytest.mark.parametrize(
    "text",
    [
        "{% if paid %}{% elif serial %}已付{% else %}到付{% endif %}{{ serial }}",
        "{% for c in serial %}{{ c }}{% endfor %}",
        "{% set x = 1 %}{{ x }}",
        "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(serial) }}",
        "{{ serial if paid else '-' }}",
        "{{ serial is none }}",
        "{{ serial.upper() }}",
        "{{ serial[0] }}",
        "{{ serial|upper }}",
        "{{ goods_name|truncate_chars(pieces) }}",
        "{{ fee|cny(style) }}",
        "{{ serial ~ '-' }}",
        "{{ due }}",
        "{{ late }}",
        "{{ due|hours }}",
        "{{ fee|cny('dollars') }}",
        "{{ paid|cny }}",
        "{{ day|cn_hour }}",
        "{% autoescape false %}{{ serial }}{% endautoescape %}",
        "{{ nope|mask_phone }}",
        "{{ self }}",
    ],
)
def test_a_template_with_logic_falls_back_to_jinja(tmp_path: Path, text: str) -> None:
    template = load(tmp_path, text)
    frame = orders().with_columns(pl.lit("yuan").alias("style"))
    assert compile_template(template, frame.schema) is None
    try:
        expected = per_row(template, frame)
    except (TemplateError, ValueError, AttributeError, TypeError, ArithmeticError):
        return
    assert render_all(template, frame).to_list() == expected


def test_a_filter_that_is_not_the_toolkits_own_is_not_compiled(tmp_path: Path) -> None:
    template = load(tmp_path, "{{ fee|cny }}")
    template.env.filters["cny"] = lambda value, style="symbol": f"RMB{value}"
    assert compile_template(template, orders().schema) is None
    assert render_all(template, orders().head(1)).item() == "RMB1234.5"


def test_float32_ints_and_categoricals_print_as_python_does(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "f": pl.Series([0.1, 20.0, None, 1234.5], dtype=pl.Float32),
            "u": pl.Series([1, 2, None, 2**64 - 1], dtype=pl.UInt64),
            "c": pl.Series(["甲", "乙", None, "甲"], dtype=pl.Categorical),
            "z": pl.Series([None] * 4, dtype=pl.Null),
        }
    )
    assert_same(
        load(
            tmp_path,
            "{{ f }} {{ u }} {{ c }} {{ z }} {{ f|hours }} {{ u|cny }} {{ c|default('无', true) }}",
        ),
        frame,
        fallback_rows=True,
    )


def test_a_duration_in_milliseconds_and_an_empty_frame(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "late": pl.Series(
                [timedelta(minutes=89, seconds=30), timedelta(seconds=90)],
                dtype=pl.Duration("ms"),
            )
        }
    )
    sms = load(tmp_path, "{{ late|duration }}")
    assert_same(sms, frame)
    assert render_all(sms, frame.clear()).to_list() == []


# --- random values ------------------------------------------------------------------------

WHITESPACE = st.sampled_from(sorted(PY_WHITESPACE))
TEXT = st.one_of(st.none(), st.text(max_size=12), st.text(alphabet=WHITESPACE, max_size=3))
FLOATS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=False),
    st.floats(min_value=-1e7, max_value=1e7).map(lambda x: round(x, 3)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(TEXT, min_size=1, max_size=8),
    ints=st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)), min_size=8, max_size=8),
    pad=st.text(alphabet=WHITESPACE, max_size=3),
)
def test_plain_substitution_of_random_text_and_ints(
    tmp_path: Path, texts: list[str | None], ints: list[int | None], pad: str
) -> None:
    frame = pl.DataFrame({"s": texts, "i": ints[: len(texts)]}, schema={"s": pl.String, "i": pl.Int64})
    assert_same(load(tmp_path, pad + "{{ s }}:{{ i }}" + pad), frame)
    assert_same(load(tmp_path, "<b>{{ s }}</b>{{ i }}", name="t.html.j2"), frame)
    assert_same(
        load(
            tmp_path,
            "{{ s|truncate_chars(5) }}{{ s|default('无', true) }}{{ i|default(0, true) }}",
            name="f.txt.j2",
        ),
        frame,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(FLOATS, min_size=1, max_size=8))
def test_random_floats_print_and_format_as_python_does(tmp_path: Path, values: list[float | None]) -> None:
    frame = pl.DataFrame({"x": values}, schema={"x": pl.Float64})
    finite = frame.filter((pl.col("x").abs() < 1e300) | pl.col("x").is_null())  # hours(inf) raises per row
    assert_same(load(tmp_path, "{{ x }}"), frame, fallback_rows=True)
    money = frame.filter((pl.col("x").abs() < 1e20) | pl.col("x").is_null())  # cny raises on NaN and 1e300
    assert_same(
        load(tmp_path, "{{ x|cny }} {{ x|cny('yuan') }}", name="cny.txt.j2"),
        money,
        fallback_rows=True,
    )
    assert_same(
        load(tmp_path, "{{ x|hours }} {{ x|duration }}", name="h.txt.j2"),
        finite,
        fallback_rows=True,
    )
    typical = frame.filter(pl.col("x").is_null() | (pl.col("x").abs() >= 1e-4) & (pl.col("x").abs() < 1e9))
    assert_same(
        load(tmp_path, "{{ x }} {{ x|cny }} {{ x|hours }}", name="typical.txt.j2"),
        typical,
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    minutes=st.lists(
        st.one_of(st.none(), st.integers(-(10**8), 10**8), st.floats(-1e6, 1e6)),
        min_size=1,
        max_size=8,
    )
)
def test_random_durations_match_the_filter(tmp_path: Path, minutes: list[float | None]) -> None:
    frame = pl.DataFrame(
        {"d": [None if m is None else timedelta(minutes=m) for m in minutes]},
        schema={"d": pl.Duration("us")},
    )
    for locale in (ZH, EN):
        assert_same(load(tmp_path / locale, "{{ d|duration }}", locale=locale), frame)


def test_rounding_half_to_even_and_half_up_are_kept(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "x": [
                0.5 / 60,
                1.5 / 60,
                2.5 / 60,
                1.005,
                1.015,
                0.125,
                math.ulp(0.0) * 0 + 99.995,
            ]
        }
    )
    assert_same(load(tmp_path, "{{ x|hours }} {{ x|cny }} {{ x|cny('yuan') }}"), frame)


def test_dates_before_1000_and_leap_days(tmp_path: Path) -> None:
    frame = pl.DataFrame({"day": [date(5, 1, 1), date(2024, 2, 29), None]})
    assert_same(load(tmp_path, "{{ day }} {{ day|cn_date }} {{ day|weekday }}"), frame)


def test_phones_in_every_form_mask_as_the_filter_does(tmp_path: Path) -> None:
    valid = [
        "13812343212",
        " 138 1234 3212 ",
        "+86 138-1234-5678",
        "0086 13812345678",
        "(010)12345678转801",
        "0571-87654321",
        "１３８１２３４３２１２",
        "1.3812343212e10",
        "\x1c13812343212\u3000",
        "01012345678",
        "057187654321",
        None,
        "",
        " \t ",
    ]
    oddities = [
        "12345678901",
        "0000000000",
        "0123456789",
        "000000000000",
        "not a phone",
        "12345",
        "138123432121",
    ]
    frame = pl.DataFrame({"phone": valid + oddities, "n": [13812343212] * len(valid + oddities)})
    sms = load(tmp_path, "{{ phone|mask_phone }} {{ n|mask_phone }}")
    assert_same(sms, frame.head(len(valid)))
    assert_same(sms, frame, fallback_rows=True)


@pytest.mark.parametrize(
    "text",
    [
        "{% if paid %}已付{% else %}到付{% endif %}{{ serial }}",
        "{% if fee %}加提货费{{ fee|num }},{% endif %}{{ serial }}",
        "{% if goods_name %}{{ goods_name }}{% endif %}",
    ],
)
def test_a_simple_if_on_a_column_compiles_and_renders_like_jinja(tmp_path: Path, text: str) -> None:
    template = load(tmp_path, text)
    frame = orders()
    assert compile_template(template, frame.schema) is not None
    assert render_all(template, frame).to_list() == per_row(template, frame)


def test_the_written_out_whitespace_is_what_str_strip_removes() -> None:
    assert "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()) == PY_WHITESPACE
