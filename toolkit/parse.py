"""Typed columns from the text people type: one parser per field kind, all polars expressions.

For every field, `parse_fields` keeps the cleaned text as `<name>:raw` (what the user sees in
findings) and puts the parsed value under the canonical name (null where it does not parse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from toolkit.fields import Field, Kind
from toolkit.io import cells
from toolkit.io.dates import TimeReading, unreadable_plan, unreadable_text
from toolkit.rules import raw
from toolkit.timezones import localize

# --- the fast path -----------------------------------------------------------------------
# Most cells need no repair. Per column, a cell that already looks like what the careful parser
# returns is read with one cheap step, and only the other cells go through the careful parser:
# they are filtered out, parsed and gathered back into place (`_in_place`). Not
# `when(clean).then(fast).otherwise(careful)`: polars evaluates both branches for every row, and
# the careful parsers cost nearly as much on cells made null as on the text. Not one `all()`
# decision per column either: 20-30% of the phones and times of a real export are not clean.
# Shares in the 1,000,000-order bench: phones 80-90% (mobile, dashed mobile, dashed landline),
# numbers 90-99%, times 82% (`YYYY-MM-DD HH:MM` and `YYYY/M/D H:MM`, which `dates.parse_time`'s
# own fast path does not take), text without full-width or odd spaces 99.9% (just stripped).
# Measured there (2 cores, load 1.2-1.7, best of 3): parsing the 21 columns 1.8-2.2 s -> 1.1-1.3 s;
# the toolkit's check 3.5 s -> 2.7 s against 3.9-4.3 s for the hand-written plan (0.71-0.74x, was
# 0.83x). Every fast reading gives exactly the careful parser's value (tests/test_parse.py runs
# both ways on the samples and on generated messy cells); a cell the fast reading leaves null
# goes the careful way, so an impossible `2026-02-30 10:00` is null either way.
# A mobile, a dashed mobile (`138-1234-5678`) or a dashed landline (`0755-12345678`, not `00…`,
# a country prefix): the careful parser returns its digits.
_PLAIN_PHONE = r"^(?:1[3-9]\d{9}|1[3-9]\d-\d{4}-\d{4}|0[1-9]\d{1,2}-\d{7,8})$"
_PLAIN_NUMBER = r"^\d+(?:\.\d+)?$"
_PLAIN_INTEGER = r"^\d{1,15}$"  # exact as Float64, which the careful parser goes through
# `2026-11-22 09:05`, `2026/9/22 9:05`: the years the careful parser reads, which folds `/` to `-`.
_PLAIN_MINUTES = r"^(?:19|20|21)\d\d[-/]\d{1,2}[-/]\d{1,2} \d{1,2}:\d\d$"
_ODD_TEXT = list(cells.TEXT_REPLACEMENTS)


_MARK = "\x1f"  # temporary columns of `parse_fields`: `\x1fname`, `\x1f?name`; never a header


def fast_reading(field: Field, times: TimeReading) -> Callable[[pl.Expr], pl.Expr] | None:
    """The cheap reading of a field's already clean cells (null for the others), or None where
    there is none. A time field read by `date_formats:` has none: a configured pattern comes
    before the built-in reading and may read ISO text otherwise."""
    if field.kind is Kind.PHONE:
        return lambda t: pl.when(t.str.contains(_PLAIN_PHONE)).then(t.str.replace_all("-", "", literal=True))
    if field.kind is Kind.NUMBER:
        return lambda t: pl.when(t.str.contains(_PLAIN_NUMBER)).then(t).cast(pl.Float64, strict=False)
    if field.kind is Kind.INTEGER:
        return lambda t: pl.when(t.str.contains(_PLAIN_INTEGER)).then(t).cast(pl.Int64, strict=False)
    if field.kind is Kind.DATETIME and not times.formats.get(field.name):

        def minutes(t: pl.Expr) -> pl.Expr:
            dashed = pl.when(t.str.contains(_PLAIN_MINUTES)).then(t.str.replace_all("/", "-", literal=True))
            naive = dashed.str.to_datetime("%Y-%m-%d %H:%M", time_unit="us", strict=False, exact=True)
            return localize(naive, times.timezone)

        return minutes
    return None


def _in_place(need: str, careful: Callable[[pl.Expr], pl.Expr], source: str, fast: pl.Expr) -> pl.Expr:
    """`careful` run on only the cells of column `source` where column `need` is true, gathered
    back into place; `fast` elsewhere."""
    mask = pl.col(need)
    place = pl.when(mask).then(mask.cum_sum().cast(pl.Int64) - 1)
    return pl.when(mask).then(careful(pl.col(source).filter(mask)).gather(place)).otherwise(fast)


def parser(field: Field, times: TimeReading) -> Callable[[pl.Expr], pl.Expr]:
    return {
        Kind.TEXT: lambda e: e,
        Kind.PHONE: cells.parse_phone,
        Kind.DATETIME: lambda e: times.parse(e, field.name),
        Kind.NUMBER: cells.parse_number,
        Kind.INTEGER: cells.parse_integer,
    }[field.kind]


def parse_fields(
    frame: pl.LazyFrame, fields: Iterable[Field], times: TimeReading, *, fast: bool = True, batches: bool = False
) -> pl.LazyFrame:
    """Add `<name>:raw` (cleaned text) and the typed `<name>` for every field; time fields are
    read as `times` says (the input's `date_formats:`, the batch's time zone).

    A field the file does not have becomes an all-null column, so rules can refer to it.
    `fast=False` reads every cell the careful way: the same result, slower (for the tests).
    `batches=True` parses each batch of rows on its own (`_in_batches`), for polars' streaming
    engine: the same result.
    """
    present = set(frame.collect_schema().names())
    fields = tuple(fields)
    if batches:
        return (
            _in_batches(frame, [f for f in fields if f.name in present], times, fast=fast)
            .with_columns(pl.lit(None, pl.String).alias(raw(f.name)) for f in fields if f.name not in present)
            .with_columns(parser(f, times)(pl.col(raw(f.name))).alias(f.name) for f in fields if f.name not in present)
        )
    given = [f.name for f in fields if f.name in present]
    if not fast:
        text = [
            (cells.clean_text(pl.col(f.name).cast(pl.String)) if f.name in present else pl.lit(None, pl.String)).alias(
                raw(f.name)
            )
            for f in fields
        ]
        return frame.with_columns(text).with_columns(
            parser(f, times)(pl.col(raw(f.name))).alias(f.name) for f in fields
        )
    # The fast path is staged as columns of the frame, each step once: inside one expression
    # polars evaluated the filtered input several times over (the time field took 3x as long).
    need = {name: f"{_MARK}?{name}" for name in [*given, *(f.name for f in fields)]}
    # Stripping first is the same: what it removes around the text, `clean_text` would turn into
    # spaces and strip. A blank cell becomes null by its byte length, not by `replace("", None)`.
    frame = frame.with_columns(pl.col(name).cast(pl.String).str.strip_chars().alias(_MARK + name) for name in given)
    frame = frame.with_columns(
        pl.col(_MARK + name).str.contains_any(_ODD_TEXT).fill_null(False).alias(need[name]) for name in given
    )
    stripped = {name: pl.when(pl.col(_MARK + name).str.len_bytes() > 0).then(pl.col(_MARK + name)) for name in given}
    text = [
        (
            _in_place(need[f.name], cells.clean_text, _MARK + f.name, stripped[f.name])
            if f.name in present
            else pl.lit(None, pl.String)
        ).alias(raw(f.name))
        for f in fields
    ]
    frame = frame.with_columns(text).drop(*(_MARK + name for name in given), *(need[n] for n in given))
    readings = {f.name: r for f in fields if (r := fast_reading(f, times)) is not None}
    frame = frame.with_columns(r(pl.col(raw(name))).alias(_MARK + name) for name, r in readings.items())
    frame = frame.with_columns(
        (pl.col(_MARK + name).is_null() & pl.col(raw(name)).is_not_null()).alias(need[name]) for name in readings
    )
    typed = [
        (
            _in_place(need[f.name], parser(f, times), raw(f.name), pl.col(_MARK + f.name))
            if f.name in readings
            else parser(f, times)(pl.col(raw(f.name)))
        ).alias(f.name)
        for f in fields
    ]
    return frame.with_columns(typed).drop(*(_MARK + n for n in readings), *(need[n] for n in readings))


# The fast path picks the cells to parse the careful way with a filter and gathers them back
# (`_in_place`): polars' streaming engine cannot run that batch by batch, it holds every column
# of the plan until the gather (59 phases, 450 MB more at 1,000,000 orders, growing with the
# rows). So for streaming each field is parsed per batch by a function polars calls on the
# batch (`map_batches(is_elementwise=True)`), which runs the same fast path on those rows alone.
def _in_batches(frame: pl.LazyFrame, fields: list[Field], times: TimeReading, *, fast: bool) -> pl.LazyFrame:
    """`parse_fields` of `fields` (all in `frame`), batch by batch: one call per batch for all
    of them (a call per field and batch cost 4x the parse, in planning the small queries)."""
    if not fields:
        return frame
    names = [f.name for f in fields]
    sample = pl.LazyFrame(schema={name: frame.collect_schema()[name] for name in names})
    schema = parse_fields(sample, fields, times, fast=fast).collect_schema()
    out = [name for f in fields for name in (raw(f.name), f.name)]
    dtype = pl.Struct({name: schema[name] for name in out})

    def parse(batch: pl.Series) -> pl.Series:
        parsed = parse_fields(batch.struct.unnest().lazy(), fields, times, fast=fast).select(out)
        return parsed.collect(engine="in-memory").to_struct(_MARK)

    parsed = pl.struct(names).map_batches(parse, return_dtype=dtype, is_elementwise=True).alias(_MARK)
    return frame.with_columns(parsed).drop(names).unnest(_MARK)


def unreadable_times_plan(parsed: pl.LazyFrame, fields: Iterable[Field]) -> pl.LazyFrame:
    """`toolkit.io.dates.unreadable_plan` over a frame from `parse_fields`, for its time fields."""
    times = [f.name for f in fields if f.kind is Kind.DATETIME]
    return unreadable_plan(
        parsed, {name: (unreadable_text(pl.col(raw(name)), pl.col(name)), pl.col(name)) for name in times}
    )
