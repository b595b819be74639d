"""Excel realities as pure polars expressions.

Every function takes a one-column expression and returns an expression named like it, so it
runs vectorised inside any `select`/`with_columns` (lazy or eager) and never loops over rows in
Python. Each returns null where the text cannot be parsed; the caller turns "raw value not empty
but parsed null" into a finding.

Inputs of any dtype are accepted: numeric, date and datetime columns are first cast to their
text form (`13812345678.0`, `2026-11-22 09:05:00.000000+08:00`) and parsed like text, which is
how a column that is already typed "passes through" without branching on its dtype.

Multi-step parsers are written as stages on a struct (`_stage`): each stage sees the previous
stage's results as materialised fields. Polars 2.1 does not share common sub-expressions inside
`when/then`, so the natural nesting (a helper that uses its input three times, called on the
output of another such helper...) grows exponentially: `parse_phone` written that way took 75 s
on 1,000,000 rows; staged it takes a fraction of a second.
"""

from __future__ import annotations

import phonenumbers
import polars as pl

from toolkit.timezones import DEFAULT_TIMEZONE, localize

__all__ = [
    "clean_text",
    "parse_datetime",
    "parse_integer",
    "parse_number",
    "parse_phone",
    "phone_kind",
]

_FULL_WIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(0x5E)}  # U+FF01..FF5E → ! .. ~
_ODD_SPACES = {
    "\u3000": " ",  # ideographic (full-width) space
    "\u00a0": " ",  # no-break space (web pages, Word)
    "\t": " ",
    "\u200b": "",  # zero-width space: invisible, comes with text copied from chat apps
    "\ufeff": "",  # a stray byte-order mark inside a cell
}
TEXT_REPLACEMENTS = {**_FULL_WIDTH, **_ODD_SPACES}
"""What `clean_text` replaces (full-width characters, odd spaces); a cell without any is only stripped."""
_F = pl.field


def _single(e: pl.Expr) -> pl.Expr:
    """Refuse `pl.all()` / `pl.col("a", "b")`: polars expands such an input separately inside
    each sub-expression (struct fields, when/then branches) and the pieces do not line up."""
    if e.meta.has_multiple_outputs():
        raise ValueError("toolkit.io.cells functions take one column at a time, not pl.all()")
    return e


def _named_like(result: pl.Expr, e: pl.Expr) -> pl.Expr:
    """Name the result after the input column, as `e.str.strip_chars()` would be."""
    return result.alias(e.meta.output_name(raise_if_undetermined=False) or "literal")


def _stage(state: pl.Expr, **fields: pl.Expr) -> pl.Expr:
    """Add or replace fields of the staged struct, computed from its materialised fields."""
    return state.struct.with_fields(**fields)


def _text(e: pl.Expr) -> pl.Expr:
    """Any dtype as text, full-width ASCII folded, odd spaces made spaces, stripped."""
    return _single(e).cast(pl.String).str.replace_many(TEXT_REPLACEMENTS).str.strip_chars()


def clean_text(e: pl.Expr) -> pl.Expr:
    """Fold full-width ASCII to ASCII, ideographic and no-break spaces and tabs to a space,
    drop zero-width spaces, strip both ends; empty text becomes null.

    >>> pl.select(clean_text(pl.lit(" ＡＢＣ１２３\u3000"))).item()
    'ABC123'
    """
    text = _text(e)
    return _named_like(text.replace("", None), e)


# --- phones ------------------------------------------------------------------------------

_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
assert _CN is not None and _CN.mobile is not None and _CN.fixed_line is not None
MOBILE_PATTERN = f"^(?:{_CN.mobile.national_number_pattern})$"
# Landlines are written with the trunk prefix 0 in China; the metadata pattern is without it.
LANDLINE_PATTERN = f"^0(?:{_CN.fixed_line.national_number_pattern})$"

# An extension after a word marker: 转801, 分机 801, ext.801, x801, #801.
_EXTENSION_WORD = r"\s*(?:转|分机|[eE][xX][tT]\.?|[xX]|#)\s*\d{1,6}$"
_FLOAT_TEXT = r"^\d+(?:\.\d*)?(?:[eE]\+?\d+)?$"
_LAST_GROUP = r"[\s\-.)]\d{1,5}$"  # `-801` in `010-12345678-801`
_SEPARATORS = {" ": "", "-": "", ".": "", "(": "", ")": ""}
# A landline without its trunk 0. These patterns never start with 0, nor with 1[3-9], so a
# match is never a mobile.
_LANDLINE_NO_TRUNK = f"^(?:{_CN.fixed_line.national_number_pattern})$"
_VALID_PHONE = f"{MOBILE_PATTERN}|{LANDLINE_PATTERN}"
# Regular expressions with capture groups (extract, extract_groups) run several times slower
# than a plain match in polars, so the phone parser only matches, slices and replaces.


def parse_phone(e: pl.Expr) -> pl.Expr:
    """A Chinese phone number as its normalised digits (String), null if it is not phone-like.

    Accepts numbers Excel stored as floats, full-width digits, spaces, dashes, dots and
    parentheses, a +86 / 0086 / 86 country prefix, and a trailing extension (dropped: `转801`,
    `ext 801`, or a short last group as in `010-12345678-801`). Landlines keep their trunk 0,
    and get it back when Excel dropped it (`1012345678`). Letters or two numbers in one cell
    give null; another country's number keeps its `+`. The result is not validated (`12345`
    stays `12345`): use `phone_kind`.

    >>> pl.select(parse_phone(pl.lit("+86 138-1234-5678"))).item()
    '13812345678'
    >>> pl.select(parse_phone(pl.lit("(010)12345678转801"))).item()
    '01012345678'
    >>> pl.select(parse_phone(pl.lit(1.3812345678e10))).item()
    '13812345678'
    """
    t, value, c, d, whole, head = (_F(name) for name in ("t", "value", "c", "d", "whole", "head"))
    state = pl.struct(_text(e).str.replace(_EXTENSION_WORD, "").alias("t"))
    state = _stage(
        state,
        # `1.3812345678E10` / `13812345678.0`: a phone Excel stored as a number.
        value=pl.when(t.str.contains_any([".", "e", "E"]) & t.str.contains(_FLOAT_TEXT)).then(
            t.cast(pl.Float64, strict=False)
        ),
        c=t.str.replace_many(_SEPARATORS),
        # Length of a short last group (`-801`), the candidate extension.
        tail=pl.when(t.str.contains(_LAST_GROUP)).then(
            (t.str.len_bytes() - t.str.strip_chars_end("0123456789").str.len_bytes()).cast(pl.Int64)
        ),
    )
    whole_number = (value == value.floor()) & (value < 1e15)
    state = _stage(state, c=pl.when(whole_number).then(value.cast(pl.Int64, strict=False).cast(pl.String)).otherwise(c))
    state = _stage(state, plus=c.str.starts_with("+"), d=c.str.strip_prefix("+"))
    # Country code: `0086…`, `+86…`, and a bare `86` only in front of an 11-digit mobile.
    state = _stage(
        state,
        digits_only=d.str.contains(r"^\d+$"),
        international=d.str.starts_with("0086") | (_F("plus") & d.str.starts_with("86")),
        cut=pl.when(d.str.starts_with("0086")).then(4).when(d.str.contains(r"^861[3-9]\d{9}$")).then(2).otherwise(0),
    )
    state = _stage(state, cut=pl.when(_F("international") & (_F("cut") == 0)).then(2).otherwise(_F("cut")))
    state = _stage(state, national=d.str.slice(_F("cut")))
    state = _stage(state, mobile=_F("national").str.contains(MOBILE_PATTERN))
    state = _stage(
        state,
        whole=pl.when(~_F("digits_only"))
        .then(pl.lit(None, pl.String))
        .when(_F("plus") & ~_F("international"))
        .then(pl.lit("+") + d)
        # The international form drops the trunk 0 of a landline: +86 10 1234 5678.
        .when(_F("international") & ~_F("mobile"))
        .then(pl.lit("0") + _F("national").str.strip_prefix("0"))
        .otherwise(_F("national")),
    )
    state = _stage(state, head=whole.str.head(-_F("tail")))
    state = _stage(state, whole=_restore_trunk_zero(whole), head=_restore_trunk_zero(head))
    # `010-12345678-801`: read the last group as an extension only when the whole is not a
    # valid number and the rest is (so `138-1234-5678` stays whole).
    use_head = ~whole.str.contains(_VALID_PHONE) & head.str.contains(_VALID_PHONE)
    state = _stage(state, d=pl.when(use_head).then(head).otherwise(whole).replace("", None))
    return _named_like(state.struct.field("d"), e)


def _restore_trunk_zero(digits: pl.Expr) -> pl.Expr:
    """`1012345678` → `01012345678`: the 0 Excel dropped when it stored a landline as a number."""
    return pl.when(digits.str.contains(_LANDLINE_NO_TRUNK)).then(pl.lit("0") + digits).otherwise(digits)


def phone_kind(e: pl.Expr) -> pl.Expr:
    """ "mobile", "landline" or null (invalid) for a number normalised by `parse_phone`.

    Uses the patterns of the phonenumbers package's metadata for CN; a landline needs its
    area code and trunk 0 (`01012345678`), so a bare `12345678` is invalid.

    >>> pl.select(phone_kind(pl.lit("13812345678")), phone_kind(pl.lit("12345678")).alias("x")).row(0)
    ('mobile', None)
    """
    kind = (
        pl.when(_F("n").str.contains(MOBILE_PATTERN))
        .then(pl.lit("mobile"))
        .when(_F("n").str.contains(LANDLINE_PATTERN))
        .then(pl.lit("landline"))
        .otherwise(pl.lit(None, pl.String))
    )
    state = _stage(pl.struct(_single(e).alias("n")), k=kind)
    return _named_like(state.struct.field("k"), e)


# --- date and time -----------------------------------------------------------------------

# Chinese and ISO separators folded onto `YYYY-MM-DD HH:MM:SS`, so chrono parses every form
# with three formats (chrono accepts single-digit fields and runs of spaces).
_DATETIME_SEPARATORS = {"年": "-", "月": "-", "/": "-", "日": " ", "T": " ", "时": ":", "点": ":", "分": ":", "秒": ""}
_NAIVE_FORMATS = ("%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%d")
_OFFSET_FORMAT = "%Y-%m-%d %H:%M:%S%.f%#z"  # Z, +08:00, +0800
# Four-digit year 1900..2199 first; chrono alone would read `26-11-22` as the year 26.
_YEAR_FIRST = r"^(?:19|20|21)\d\d\s*[-/年]"
_SERIAL_TEXT = r"^\d{5}(?:\.\d+)?$"
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000  # 1954-10-03 .. 2119-01-10
_EXCEL_EPOCH = pl.datetime(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's 1900-02-29


def parse_datetime(e: pl.Expr, tz: str = DEFAULT_TIMEZONE) -> pl.Expr:
    """A timestamp as `Datetime("us", tz)`; naive times are local to `tz`.

    Accepts `2026-11-22 09:05[:00]`, `2026/11/22 9:05`, `2026年11月22日 09:05`,
    `2026年11月22日9时05分`, ISO with `T`, fractional seconds and an offset (`Z`, `+08:00`),
    a date alone (00:00), an Excel serial number (`46348.378472`: days since 1899-12-30, only
    between 20000 and 80000, rounded to the second) and Date/Datetime columns. An impossible
    date such as `2026-02-30` gives null.

    >>> pl.select(parse_datetime(pl.lit("2026年11月22日9时05分"))).item()
    datetime.datetime(2026, 11, 22, 9, 5, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
    """
    t, n, serial = _F("t"), _F("n"), _F("serial")
    state = pl.struct(_text(e).alias("t"))
    state = _stage(
        state,
        n=pl.when(t.str.contains(_YEAR_FIRST)).then(t.str.replace_many(_DATETIME_SEPARATORS).str.strip_chars_end(": ")),
        serial=pl.when(t.str.contains(_SERIAL_TEXT)).then(t.cast(pl.Float64, strict=False)),
    )
    state = _stage(
        state,
        naive=pl.coalesce([n.str.to_datetime(f, time_unit="us", strict=False) for f in _NAIVE_FORMATS]),
        aware=n.str.to_datetime(_OFFSET_FORMAT, time_unit="us", strict=False),
        serial=pl.when(serial.is_between(_SERIAL_MIN, _SERIAL_MAX)).then(serial),
    )
    from_serial = _EXCEL_EPOCH + pl.duration(seconds=(serial * 86400).round(0).cast(pl.Int64))
    state = _stage(
        state,
        r=pl.when(serial.is_not_null())
        .then(localize(from_serial.dt.cast_time_unit("us"), tz))
        .when(_F("aware").is_not_null())
        .then(_F("aware").dt.convert_time_zone(tz))
        .otherwise(localize(_F("naive"), tz)),
    )
    return _named_like(state.struct.field("r"), e)


# --- numbers -----------------------------------------------------------------------------

_CURRENCY = r"^(?:¥|￥|RMB|CNY)\s*"
_UNIT = r"(?i)\s*(?:kg|公斤|千克|立方米|立方|方|m³|m3|件|元)$"
_PLAIN_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_GROUPED_NUMBER = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"


def _number_state(e: pl.Expr) -> pl.Expr:
    text = _text(e).str.replace(_CURRENCY, "").str.replace(_UNIT, "").str.strip_chars()
    state = pl.struct(text.alias("t"))
    ungrouped = pl.when(_F("t").str.contains(_GROUPED_NUMBER)).then(_F("t").str.replace_all(",", "", literal=True))
    state = _stage(state, t=pl.coalesce(ungrouped, _F("t")))
    return _stage(state, v=pl.when(_F("t").str.contains(_PLAIN_NUMBER)).then(_F("t").cast(pl.Float64, strict=False)))


def parse_number(e: pl.Expr) -> pl.Expr:
    """A number as Float64 from text like `1,234.5`, `¥12.5`, `12.5元`, `３.５公斤`, `2m³`.

    Thousands separators count only in proper groups of three (`1,5` is null, not 15). Units are
    stripped, not converted: which unit a column holds is the caller's business.

    >>> pl.select(parse_number(pl.lit("￥1,234.5元"))).item()
    1234.5
    """
    return _named_like(_number_state(e).struct.field("v"), e)


def parse_integer(e: pl.Expr) -> pl.Expr:
    """A whole number as Int64: like `parse_number` but null unless integral (`5.0`, `５件` ok).

    >>> pl.select(parse_integer(pl.lit("５件")), parse_integer(pl.lit("2.5")).alias("x")).row(0)
    (5, None)
    """
    value = _F("v")
    integral = (value == value.floor()) & (value.abs() < 2.0**53)
    state = _stage(_number_state(e), i=pl.when(integral).then(value.cast(pl.Int64, strict=False)))
    return _named_like(state.struct.field("i"), e)
