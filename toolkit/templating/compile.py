"""Templates compiled into one polars expression, rendered for all rows at once.

A template that only substitutes columns, optionally through the toolkit's filters (and Jinja's
`default`) with constant arguments, is turned into a single `pl.concat_str` of its literal text
and column expressions that gives, row for row, the text `MessageTemplate.render` gives. A
template with anything else (`if`, `for`, `set`, macros, tests, attribute or item access, `~`,
other filters, filters with arguments that are not constants, names the frame has no column for)
is not compiled: `compile_template` returns None and `render_all` renders it row by row.

How exactness is kept:

- Every value is printed as Jinja prints it (`str(value)`, then escaped in an autoescaped HTML
  template): String and Categorical as is, integers as `str(int)`, floats as Python's `repr`,
  booleans as `True`/`False`, dates as ISO, and a null as empty text (the environment's
  `finalize`; StrictUndefined only concerns missing names, an empty cell is not an error). Datetime and Duration columns compile only
  through the date and duration filters; other dtypes (Decimal, lists, structs ...) do not compile.
- Where the vectorised form cannot be sure of matching Python for a value, the expression gives
  null for that row (a rendered template is never null, so null means "render this row with
  Jinja"). `render_all` renders exactly those rows with `MessageTemplate.render`, so the row also
  raises whatever Jinja would raise. The rows handed back this way: floats with 0 < |x| < 1e-4
  (Python prints them with an exponent, polars does not); `cny` of text that is not plain
  `-123.45` or with more than 15 integer digits; `duration`/`hours` of NaN, infinities, numbers
  too large for an Int64 of minutes, and Durations beyond 2**53 microseconds.
- The locale of `cn_date`, `cn_hour`, `weekday`, `duration` and `hours` is read from the
  template environment's filters (`filters_for` binds it with `functools.partial`), so the
  compiled text follows the environment the template was loaded with. A filter that is not the
  toolkit's own function (someone registered another under the same name) is not compiled.
- `cn_date` in English formats the month with polars' (English) `%b`; the per-row filter uses
  Python's `strftime`, which is English too unless the process sets LC_TIME to another locale.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from functools import partial
from typing import Any

import jinja2
import markupsafe
import polars as pl
from jinja2 import nodes
from jinja2.filters import do_default

from toolkit.i18n import EN
from toolkit.io.cells import LANDLINE_PATTERN, MOBILE_PATTERN
from toolkit.masking import mask_phone, mask_phone_expr
from toolkit.templating import filters as _filters
from toolkit.templating.environment import MessageTemplate

__all__ = ["compile_template", "render_all"]

PY_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
"""What Python's str.strip() removes (str.isspace), which is wider than Unicode White_Space.
Written out, because scanning all of Unicode for it costs 0.3 s; a test checks it against the scan."""
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_SMALLEST_PLAIN_FLOAT = 1e-4  # Python's repr uses an exponent below this (and from 1e16, as polars does)
_EXACT_FLOAT_INT = 2**53
_WEEKDAYS_ZH = {i + 1: f"周{d}" for i, d in enumerate("一二三四五六日")}
_WEEKDAYS_EN = {i + 1: d for i, d in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))}
_NULL_TEXT = pl.lit(None, pl.String)
_F = pl.field


class _NotCompilable(Exception):
    """The template (or one of its expressions) needs Jinja."""


@dataclass(frozen=True)
class _Column:
    """A per-row value. `none`: a null is Python's None (a column) rather than "ask Jinja" (a
    filter's result, which is never None). `mixed`: text standing for values of two types (a
    `default` of another type), only fit for printing."""

    expr: pl.Expr
    dtype: pl.DataType
    none: bool
    mixed: bool = False


@dataclass(frozen=True)
class _Const:
    value: Any


@dataclass(frozen=True)
class _Undefined:
    name: str


_Value = _Column | _Const | _Undefined


# --- public API ---------------------------------------------------------------------------


def compile_template(template: MessageTemplate, schema: Mapping[str, pl.DataType]) -> pl.Expr | None:
    """One expression giving the rendered text of every row of a frame with `schema`, or None.

    None means the template needs Jinja (logic, unsupported filters or dtypes, a missing column).
    A null in the expression's result means that row needs Jinja (see the module docstring);
    `render_all` handles both.
    """
    try:
        tree = template.env.parse(template.source)
    except jinja2.TemplateSyntaxError:
        return None
    autoescape = template.env.autoescape
    if callable(autoescape):
        autoescape = autoescape(template.path.name)
    compiler = _Compiler(template.env.filters, dict(schema), bool(autoescape))
    try:
        pieces = compiler.pieces(tree.body)
    except _NotCompilable:
        return None
    return _concat(pieces, strip=template.is_text).alias("content")


def render_all(template: MessageTemplate, frame: pl.DataFrame) -> pl.Series:
    """The rendered text of every row, as a String series named "content".

    Uses the compiled expression when the template compiles, and `template.render` for the rows
    (or the whole template) it cannot render exactly; errors are those of `template.render`.
    """
    expr = compile_template(template, frame.schema)
    if expr is None:
        return pl.Series(
            "content",
            [template.render(row) for row in frame.iter_rows(named=True)],
            dtype=pl.String,
        )
    content = frame.select(expr).to_series().alias("content")
    if content.len() != frame.height:  # a template without columns gives one literal
        content = pl.Series("content", [content[0]] * frame.height, dtype=pl.String)
    missing = content.is_null()
    if missing.any():
        rows = frame.filter(missing)
        content = content.scatter(
            missing.arg_true(),
            [template.render(row) for row in rows.iter_rows(named=True)],
        )
    return content


# --- the walk over the template -----------------------------------------------------------


@dataclass
class _Compiler:
    filters: Mapping[str, Callable[..., Any]]
    schema: dict[str, pl.DataType]
    autoescape: bool

    def pieces(self, statements: list[nodes.Node]) -> list[pl.Expr | str]:
        """Text and expressions in order; `{% if name %}…{% else %}…{% endif %}` becomes a
        when/then on the value's truth, anything else needs Jinja."""
        pieces: list[pl.Expr | str] = []
        for statement in statements:
            if isinstance(statement, nodes.Output):
                for child in statement.nodes:
                    is_text = isinstance(child, nodes.TemplateData)
                    pieces.append(child.data if is_text else self.print(self.value(child)))
            elif isinstance(statement, nodes.If) and not statement.elif_:
                test = self.value(statement.test)
                if not isinstance(test, _Column) or test.mixed:
                    raise _NotCompilable("if on a constant or a mixed value")
                falsy = _falsy(test)
                body = _concat(self.pieces(statement.body), strip=False)
                other = _concat(self.pieces(statement.else_), strip=False)
                pieces.append(pl.when(falsy.is_null()).then(_NULL_TEXT).when(falsy).then(other).otherwise(body))
            else:
                raise _NotCompilable(type(statement).__name__)
        return pieces

    def value(self, node: nodes.Node) -> _Value:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name == "self":  # Jinja's reference to the template itself, never a row value
                raise _NotCompilable("self")
            if node.name not in self.schema:
                return _Undefined(node.name)
            return _Column(pl.col(node.name), self.schema[node.name], none=True)
        if isinstance(node, nodes.Const):
            return _Const(node.value)
        if isinstance(node, nodes.Filter) and node.node is not None:
            return self.filter(node)
        raise _NotCompilable(type(node).__name__)

    def filter(self, node: nodes.Filter) -> _Value:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            raise _NotCompilable("*args")
        args = [_constant(arg) for arg in node.args]
        kwargs = {kw.key: _constant(kw.value) for kw in node.kwargs}
        function = self.filters.get(node.name)
        if function is None:
            raise _NotCompilable(node.name)
        base, bound = _unwrap(function)
        handler = _HANDLERS.get(base)
        if handler is None:
            raise _NotCompilable(node.name)
        try:  # Jinja calls function(value, *args, **kwargs); a partial's keywords yield to kwargs
            params = inspect.signature(base).bind(None, *args, **{**bound, **kwargs})
        except TypeError:
            raise _NotCompilable(node.name) from None
        params.apply_defaults()
        arguments = dict(params.arguments)
        arguments.pop(next(iter(inspect.signature(base).parameters)))
        value = self.value(node.node)
        if isinstance(value, _Undefined):
            if base is do_default:
                return _Const(arguments["default_value"])
            raise _NotCompilable(f"undefined {value.name}")
        if isinstance(value, _Const):  # evaluated once, by the filter itself
            try:
                return _Const(function(value.value, *args, **kwargs))
            except Exception:  # whatever it raises, Jinja raises it per row
                raise _NotCompilable(node.name) from None
        if value.mixed:
            raise _NotCompilable("filter of a mixed default")
        return handler(value, **arguments)

    def print(self, value: _Value) -> pl.Expr | str:
        """What `{{ value }}` writes: str(value), escaped when the template autoescapes."""
        if isinstance(value, _Undefined):
            raise _NotCompilable(f"undefined {value.name}")
        if isinstance(value, _Const):
            if value.value is None:  # Jinja folds a literal none before `finalize` when it escapes
                return "None" if self.autoescape else ""
            return str(markupsafe.escape(value.value)) if self.autoescape else str(value.value)
        text = _str(value)
        if value.none:
            text = pl.when(value.expr.is_null()).then(pl.lit("")).otherwise(text)
        if self.autoescape:
            text = text.str.replace_many(list(_ESCAPES), list(_ESCAPES.values()))
        return text


def _constant(node: nodes.Node) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.Neg | nodes.Pos) and isinstance(node.node, nodes.Const):  # `-1` parses as Neg(1)
        number = node.node.value
        if type(number) in (int, float):
            return -number if isinstance(node, nodes.Neg) else number
    raise _NotCompilable("an argument that is not a constant")


def _unwrap(function: Callable[..., Any]) -> tuple[Callable[..., Any], dict[str, Any]]:
    if isinstance(function, partial):
        if function.args:
            raise _NotCompilable("partial with positional arguments")
        return function.func, dict(function.keywords)
    return function, {}


def _concat(pieces: list[pl.Expr | str], *, strip: bool) -> pl.Expr:
    merged: list[pl.Expr | str] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    if all(isinstance(piece, str) for piece in merged):
        text = "".join(merged)  # type: ignore[arg-type]
        return pl.lit(text.strip() if strip else text, pl.String)
    if strip:
        return _stripped(merged)
    return pl.concat_str([pl.lit(p, pl.String) if isinstance(p, str) else p for p in merged])


def _stripped(pieces: list[pl.Expr | str]) -> pl.Expr:
    """`"".join(pieces).strip()` for every row, stripping only the ends that can need it.

    str.strip() stops at the first and the last character that is not whitespace; a literal
    piece with such a character is one the stripping cannot pass. So with `first`/`last` the
    first/last literal that has one, strip(text) = lstrip(the pieces before `first` + its
    leading whitespace) + first.strip() ... + rstrip(`last`'s trailing whitespace + the pieces
    after it), and a template that starts and ends with text (most do) needs no strip at all.
    Why: strip_chars over the whole text copied every rendered message once more, 0.1 s of
    CPU of the 1 M-order dispatch SMS's 1.0 s.
    """
    solid = [i for i, piece in enumerate(pieces) if isinstance(piece, str) and piece.strip()]
    if not solid:
        expr = pl.concat_str([pl.lit(p, pl.String) if isinstance(p, str) else p for p in pieces])
        return expr.str.strip_chars(PY_WHITESPACE)
    first, last = solid[0], solid[-1]
    pieces = list(pieces)
    head, tail = pieces[first], pieces[last]
    assert isinstance(head, str) and isinstance(tail, str)
    lead = head[: len(head) - len(head.lstrip())]
    before: list[pl.Expr | str] = [*pieces[:first], lead]
    if first == last:
        trail = head[len(head.rstrip()) :]
        pieces[first] = head.strip()
    else:
        trail = tail[len(tail.rstrip()) :]
        pieces[first], pieces[last] = head.lstrip(), tail.rstrip()
    after: list[pl.Expr | str] = [trail, *pieces[last + 1 :]]
    out: list[pl.Expr | str] = []
    if any(isinstance(p, pl.Expr) for p in before):
        out.append(_concat(before, strip=False).str.strip_chars_start(PY_WHITESPACE))
    out += pieces[first : last + 1]
    if any(isinstance(p, pl.Expr) for p in after):
        out.append(_concat(after, strip=False).str.strip_chars_end(PY_WHITESPACE))
    return _concat(out, strip=False)


# --- values as text -----------------------------------------------------------------------


def _str(value: _Column) -> pl.Expr:
    """str(v) of each non-None value (a null where it cannot be matched exactly)."""
    e, dtype = value.expr, value.dtype
    if dtype == pl.String:
        return e
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return e.cast(pl.String)
    if dtype.is_integer():
        return e.cast(pl.String)
    if dtype.is_float():
        f = e.cast(pl.Float64)  # a Float32 reaches Python as the float64 of the same value
        return (
            pl.when(f.is_nan())
            .then(pl.lit("nan"))
            .when((f.abs() < _SMALLEST_PLAIN_FLOAT) & (f != 0))
            .then(_NULL_TEXT)
            .otherwise(f.cast(pl.String))
        )
    if dtype == pl.Boolean:
        return pl.when(e).then(pl.lit("True")).otherwise(pl.lit("False"))
    if dtype == pl.Date:
        return e.cast(pl.String)
    if dtype == pl.Null:
        return _NULL_TEXT
    raise _NotCompilable(f"printing {dtype}")


def _is_none(value: _Column) -> pl.Expr:
    return value.expr.is_null() if value.none else pl.lit(False)


def _text_result(expr: pl.Expr) -> _Column:
    return _Column(expr, pl.String, none=False)


# --- the filters, vectorised ---------------------------------------------------------------


# Plain ASCII digits that the per-row filter's `_MOBILE` / `_LANDLINE` regexes match (Python's
# `\d` is wider than `[0-9]`, so a text these ASCII-only forms match is one Python matches too):
# for those rows `mask_phone` takes its shortcut, which the expression writes directly.
_NEVER = r"[^\s\S]"


def _ascii_only(pattern: str) -> str:
    """`pattern` with `\\d` as `[0-9]`; a pattern with other escapes is not narrowed by hand: it
    becomes one that never matches, and every row takes the parser's way (slower, as exact)."""
    narrowed = pattern.replace(r"\d", "[0-9]")
    return _NEVER if "\\" in narrowed else narrowed


_ASCII_MOBILE = _ascii_only(MOBILE_PATTERN)
_ASCII_LANDLINE = _ascii_only(LANDLINE_PATTERN)
# A superset of the texts made of str.isdigit characters (ASCII digits, or anything not ASCII):
# the only ASCII characters for which str.isdigit holds are 0-9. Scanning all of Unicode for
# str.isdigit's exact class cost 0.13 s per process (a tenth of the 1 M-order render); a wider
# test only sends a few more odd rows (never a valid phone) through the comparison below.
_DIGITS_OR_WIDER = r"^[0-9\x{80}-\x{10FFFF}]+$"


def _mask_phone(value: _Column) -> _Column:
    """mask_phone: the per-row filter masks plain 11-digit mobiles and 0… landlines that its
    regexes match itself (the shortcut) and everything else through `mask_phone_expr`.

    Rows whose stripped text is such a phone in ASCII digits (what validation writes: every row
    of a validated day) get the shortcut written directly. The other rows go through
    `_mask_phone_rest`: `mask_phone_expr` (the full phone parser), with a null where a superset
    of the shortcut's rows disagrees with it (invalid numbers such as 12345678901), so that
    Jinja renders them and the two paths cannot drift apart.

    Why (1 M-order dispatch SMS, CPU seconds, polars 2.1): `mask_phone_expr` and the shortcut
    test on every row were 0.54-0.76 s per phone column, 1.37 s of the template's 1.8 s. polars
    evaluates every when/then branch on every row, and the parser given nulls on the covered
    rows still cost 0.24 s a column (its string kernels walk the nulls); so the other rows are
    taken out (`filter`), worked on alone, and put back in place with `gather` (a null index
    gives a null): 0.02 s for 1 row in 1,000, 0.06 s for 1 in 10; the two ASCII regexes and
    the shortcut's concat_str are most of what is left.
    """
    # a text the ASCII patterns match has no whitespace around it: the tests need no strip
    state = pl.struct(_str(value).alias("t"), _is_none(value).alias("none"))
    text = _F("t")
    state = state.struct.with_fields(
        fast_mobile=text.str.contains(_ASCII_MOBILE).fill_null(False),
        fast_landline=text.str.contains(_ASCII_LANDLINE).fill_null(False),
    )
    fast_mobile, fast_landline = _F("fast_mobile"), _F("fast_landline")
    state = state.struct.with_fields(slow=(~(fast_mobile | fast_landline | _F("none"))).fill_null(False))
    slow = _F("slow")
    landline = pl.when(fast_landline).then(text)  # the landlines' text only (null elsewhere: next to no work)
    rest = _mask_phone_rest(text.filter(slow).str.strip_chars(PY_WHITESPACE))
    result = (
        pl.when(fast_mobile)
        .then(pl.concat_str(text.str.head(3), pl.lit("****"), text.str.tail(4)))
        .when(fast_landline)
        .then(pl.concat_str(landline.str.head(_area(landline)), pl.lit("-****"), landline.str.tail(4)))
        .when(slow)
        .then(rest.gather(pl.when(slow).then(slow.cast(pl.Int64).cum_sum() - 1)))
        .otherwise(pl.lit(""))  # None
    )
    return _text_result(state.struct.with_fields(r=result).struct.field("r"))


def _area(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.contains(r"^0(?:10|2\d)")).then(3).otherwise(4)


def _mask_phone_rest(text: pl.Expr) -> pl.Expr:
    """`mask_phone` of stripped texts that are no ASCII phone: empty for an empty text, null
    where the per-row filter's shortcut might apply and differs from `mask_phone_expr`."""
    state = pl.struct(text.alias("t"))
    text, size = _F("t"), _F("t").str.len_chars()
    digits = text.str.contains(_DIGITS_OR_WIDER)
    state = state.struct.with_fields(
        m=mask_phone_expr(text),
        mobile=digits & (size == 11) & text.str.starts_with("1"),
        landline=digits & text.str.starts_with("0") & (size >= 10) & (size <= 12),
    )
    shortcut = (
        pl.when(_F("mobile"))
        .then(pl.concat_str(text.str.head(3), pl.lit("****"), text.str.tail(4)))
        .when(_F("landline"))
        .then(pl.concat_str(text.str.head(_area(text)), pl.lit("-****"), text.str.tail(4)))
    )
    result = (
        pl.when(text == "")
        .then(pl.lit(""))
        .when((_F("mobile") | _F("landline")) & (shortcut != _F("m")))
        .then(_NULL_TEXT)
        .otherwise(_F("m"))
    )
    return state.struct.with_fields(r=result).struct.field("r")


def _group_thousands(digits: pl.Expr) -> pl.Expr:
    return digits.str.reverse().str.replace_all(r"([0-9]{3})", "${1},").str.strip_chars_end(",").str.reverse()


def _cny(value: _Column, style: Any) -> _Column:
    if style not in ("symbol", "yuan"):
        raise _NotCompilable(f"cny style {style!r}")
    if not (value.dtype == pl.String or value.dtype.is_integer() or value.dtype.is_float()):
        raise _NotCompilable(f"cny of {value.dtype}")
    state = pl.struct(_str(value).alias("t"), _is_none(value).alias("none"))
    text = _F("t")
    fraction = pl.concat_str(text.str.extract(r"\.([0-9]+)$", 1).fill_null(""), pl.lit("000")).str.slice(0, 3)
    state = state.struct.with_fields(
        plain=text.str.contains(r"^-?[0-9]{1,15}(\.[0-9]+)?$"),
        negative=text.str.starts_with("-"),
        cents=text.str.extract(r"^-?([0-9]+)", 1).cast(pl.Int64, strict=False) * 100
        + fraction.str.slice(0, 2).cast(pl.Int64, strict=False)
        + (fraction.str.slice(2, 1) >= "5").cast(pl.Int64),  # ROUND_HALF_UP on the decimal digits
    )
    cents, negative = _F("cents"), _F("negative")
    units = (cents // 100).cast(pl.String)
    hundredths = (cents % 100).cast(pl.String).str.zfill(2)
    if style == "symbol":  # Decimal("-0.00") is not < 0: no sign on a zero
        sign = pl.when(negative & (cents > 0)).then(pl.lit("-")).otherwise(pl.lit(""))
        amount = pl.concat_str(sign, pl.lit("¥"), _group_thousands(units), pl.lit("."), hundredths)
    else:  # format(amount.normalize(), "f"): no trailing zeros, and "-0" keeps its sign
        sign = pl.when(negative).then(pl.lit("-")).otherwise(pl.lit(""))
        decimals = hundredths.str.strip_chars_end("0")
        point = pl.when(decimals == "").then(pl.lit("")).otherwise(pl.concat_str(pl.lit("."), decimals))
        amount = pl.concat_str(sign, units, point, pl.lit("元"))
    result = (
        pl.when(_F("none"))
        .then(pl.lit(""))
        .when(text == "")
        .then(pl.lit(""))
        .when(_F("plain"))
        .then(amount)
        .otherwise(_NULL_TEXT)
    )
    return _text_result(state.struct.with_fields(r=result).struct.field("r"))


def _dates_only(value: _Column, name: str, *, with_time: bool = False) -> None:
    kinds = (pl.Datetime,) if with_time else (pl.Datetime, pl.Date)
    if not isinstance(value.dtype, kinds):
        raise _NotCompilable(f"{name} of {value.dtype}")


def _cn_date(value: _Column, locale: str) -> _Column:
    _dates_only(value, "cn_date")
    e = value.expr
    if locale == EN:
        text = e.dt.strftime("%d %b").str.strip_chars_start("0")
    else:
        text = pl.concat_str(
            e.dt.month().cast(pl.String),
            pl.lit("月"),
            e.dt.day().cast(pl.String),
            pl.lit("日"),
        )
    return _text_result(pl.when(_is_none(value)).then(pl.lit("")).otherwise(text))


def _cn_hour(value: _Column, locale: str) -> _Column:
    _dates_only(value, "cn_hour", with_time=True)
    e = value.expr
    if locale == EN:
        text = e.dt.strftime("%H:%M")
    else:
        minutes = pl.when(e.dt.minute() != 0).then(pl.concat_str(e.dt.minute().cast(pl.String), pl.lit("分")))
        text = pl.concat_str(e.dt.hour().cast(pl.String), pl.lit("点"), minutes.otherwise(pl.lit("")))
    return _text_result(pl.when(_is_none(value)).then(pl.lit("")).otherwise(text))


def _weekday(value: _Column, locale: str) -> _Column:
    _dates_only(value, "weekday")
    names = _WEEKDAYS_EN if locale == EN else _WEEKDAYS_ZH
    text = value.expr.dt.weekday().replace_strict(names, return_dtype=pl.String)
    return _text_result(pl.when(_is_none(value)).then(pl.lit("")).otherwise(text))


def _duration(value: _Column, locale: str) -> _Column:
    dtype = value.dtype
    if isinstance(dtype, pl.Duration) and dtype.time_unit in ("us", "ms"):
        micro = value.expr.dt.total_microseconds()
        # td.total_seconds() / 60; exact while the microseconds fit a float64 exactly
        exact = micro.abs() < _EXACT_FLOAT_INT
        minutes_float = pl.when(exact).then(micro.cast(pl.Float64) / 1_000_000 / 60)
    elif dtype.is_integer() or dtype.is_float():
        minutes_float = value.expr.cast(pl.Float64) * 60  # float(value) * 60
    else:
        raise _NotCompilable(f"duration of {dtype}")
    # Python's round() is half-to-even; NaN and infinities (which raise in Python) become null
    minutes = minutes_float.round(0, mode="half_to_even").cast(pl.Int64, strict=False)
    size = minutes.abs()
    hours, rest = (size // 60).cast(pl.String), (size % 60).cast(pl.String)
    has_hours, has_rest = size >= 60, (size % 60) != 0
    if locale == EN:
        text = (
            pl.when(has_hours & has_rest)
            .then(pl.concat_str(hours, pl.lit(" h "), rest, pl.lit(" min")))
            .when(has_hours)
            .then(pl.concat_str(hours, pl.lit(" h")))
            .otherwise(pl.concat_str(rest, pl.lit(" min")))
        )
    else:
        text = pl.concat_str(
            pl.when(has_hours).then(pl.concat_str(hours, pl.lit("小时"))).otherwise(pl.lit("")),
            pl.when(has_rest | ~has_hours).then(pl.concat_str(rest, pl.lit("分"))).otherwise(pl.lit("")),
        )
    sign = pl.when(minutes < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return _text_result(
        pl.when(_is_none(value))
        .then(pl.lit(""))
        .when(minutes.is_null())  # NaN, infinite or too large for Int64 minutes: Jinja's row
        .then(_NULL_TEXT)
        .otherwise(pl.concat_str(sign, text))
    )


def _truncate_chars(value: _Column, length: Any, end: Any) -> _Column:
    if type(length) is not int or not isinstance(end, str):
        raise _NotCompilable("truncate_chars(length: int, end: str)")
    text = pl.when(_is_none(value)).then(pl.lit("")).otherwise(_str(value))
    cut = pl.concat_str(text.str.slice(0, max(length - len(end), 0)), pl.lit(end[:length]))
    return _text_result(pl.when(text.str.len_chars() <= length).then(text).otherwise(cut))


def _falsy(value: _Column) -> pl.Expr:
    """`not value` for each row (a null that is not None stays null: that row goes to Jinja)."""
    e, dtype = value.expr, value.dtype
    if value.mixed or dtype == pl.String:
        empty = e == ""
    elif isinstance(dtype, pl.Categorical | pl.Enum):
        empty = e.cast(pl.String) == ""
    elif dtype.is_numeric():
        empty = e == 0
    elif dtype == pl.Boolean:
        empty = ~e
    elif isinstance(dtype, pl.Duration):
        empty = e.dt.total_microseconds() == 0 if dtype.time_unit != "ns" else e.dt.total_nanoseconds() == 0
    elif isinstance(dtype, pl.Date | pl.Datetime):
        empty = pl.lit(False)
    elif dtype == pl.Null:
        empty = pl.lit(True)
    else:
        raise _NotCompilable(f"truth of {dtype}")
    return (e.is_null() | empty) if value.none else empty


def _same_type(dtype: pl.DataType, default: Any) -> bool:
    if dtype == pl.String:
        return type(default) is str
    if dtype.is_integer():
        return type(default) is int
    if dtype.is_float():
        return type(default) is float
    return dtype == pl.Boolean and type(default) is bool


def _default(value: _Column, default_value: Any, boolean: Any) -> _Column:
    """Jinja's `default`: only an undefined name (handled by the walk) or, with boolean=True, a
    falsy value is replaced; a None in a column is defined and prints "None"."""
    if not boolean:
        return value
    if (
        isinstance(default_value, bool | int | float | str)
        and not value.mixed
        and _same_type(value.dtype, default_value)
    ):
        replaced = pl.when(_falsy(value)).then(pl.lit(default_value, value.dtype)).otherwise(value.expr)
        return _Column(replaced, value.dtype, none=False)
    if not isinstance(default_value, bool | int | float | str | None):
        raise _NotCompilable("default of another type")
    text = _str(value)
    replaced = pl.when(_falsy(value)).then(pl.lit(str(default_value))).otherwise(text)
    return _Column(replaced, pl.String, none=False, mixed=True)


def _num(value: _Column) -> _Column:
    """num: a quantity without trailing zeros (20.0 → 20); None, NaN and infinity print nothing."""
    e, dtype = value.expr, value.dtype
    if dtype.is_integer():
        text = e.cast(pl.String)
    elif dtype.is_float():
        f = e.cast(pl.Float64)
        # On the rows kept below the text is Python's repr (as `_str` prints floats): the
        # shortest digits, so a fraction never ends in 0 except a whole number's ".0", which
        # Decimal's normalize() drops. Stripping that suffix does what the regexes `\.0+$` and
        # `(\.\d*?)0+$` did: 0.04 s instead of 0.17 s of CPU per float column at 1 M rows.
        plain = f.cast(pl.String).str.strip_suffix(".0")
        text = (
            pl.when(f.is_nan() | f.is_infinite())
            .then(pl.lit(""))
            .when((f.abs() >= 1e15) | ((f.abs() < _SMALLEST_PLAIN_FLOAT) & (f != 0)))
            .then(_NULL_TEXT)  # exponent forms: Jinja renders those rows
            .otherwise(plain)
        )
    else:
        raise _NotCompilable(f"num of {dtype}")
    if value.none:
        text = pl.when(e.is_null()).then(pl.lit("")).otherwise(text)
    return _text_result(text)


def _pickup_hint(value: _Column, locale: str, cutoff: time, last: time) -> _Column:
    """pickup_hint: the manual's cut-offs on the order's wall-clock time."""
    _dates_only(value, "pickup_hint", with_time=True)
    english = locale == "en"
    # the wall-clock time computed once, as a struct field (the local time of a zoned column
    # is the costly part: 0.06 s at 1 M rows, which both comparisons repeated)
    clock = _F("clock")
    hint = (
        pl.when(clock.is_null())
        .then(pl.lit(""))
        .when(clock < pl.lit(cutoff))
        .then(pl.lit("by 15:00" if english else "15点前"))
        .when(clock < pl.lit(last))
        .then(pl.lit("today" if english else "当天"))
        .otherwise(pl.lit("next morning" if english else "次日上午"))
    )
    return _text_result(pl.struct(value.expr.dt.time().alias("clock")).struct.with_fields(r=hint).struct.field("r"))


_HANDLERS: dict[Callable[..., Any], Callable[..., _Column]] = {
    _filters.num: _num,
    _filters.pickup_hint: _pickup_hint,
    mask_phone: _mask_phone,
    _filters.cny: _cny,
    _filters.cn_date: _cn_date,
    _filters.cn_hour: _cn_hour,
    _filters.weekday: _weekday,
    _filters.duration: _duration,
    _filters.truncate_chars: _truncate_chars,
    do_default: _default,
}
