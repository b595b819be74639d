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


def parser(field: Field, times: TimeReading) -> Callable[[pl.Expr], pl.Expr]:
    return {
        Kind.TEXT: lambda e: e,
        Kind.PHONE: cells.parse_phone,
        Kind.DATETIME: lambda e: times.parse(e, field.name),
        Kind.NUMBER: cells.parse_number,
        Kind.INTEGER: cells.parse_integer,
    }[field.kind]


def parse_fields(frame: pl.LazyFrame, fields: Iterable[Field], times: TimeReading) -> pl.LazyFrame:
    """Add `<name>:raw` (cleaned text) and the typed `<name>` for every field; time fields are
    read as `times` says (the input's `date_formats:`, the batch's time zone).

    A field the file does not have becomes an all-null column, so rules can refer to it.
    """
    present = set(frame.collect_schema().names())
    fields = tuple(fields)
    text = [
        (cells.clean_text(pl.col(f.name).cast(pl.String)) if f.name in present else pl.lit(None, pl.String)).alias(
            raw(f.name)
        )
        for f in fields
    ]
    typed = [parser(f, times)(pl.col(raw(f.name))).alias(f.name) for f in fields]
    return frame.with_columns(text).with_columns(typed)


def unreadable_times_plan(parsed: pl.LazyFrame, fields: Iterable[Field]) -> pl.LazyFrame:
    """`toolkit.io.dates.unreadable_plan` over a frame from `parse_fields`, for its time fields."""
    times = [f.name for f in fields if f.kind is Kind.DATETIME]
    return unreadable_plan(
        parsed, {name: (unreadable_text(pl.col(raw(name)), pl.col(name)), pl.col(name)) for name in times}
    )
