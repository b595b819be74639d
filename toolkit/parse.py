"""Typed columns from the text people type: one parser per field kind, all polars expressions.

For every field, `parse_fields` keeps the cleaned text as `<name>:raw` (what the user sees in
findings) and puts the parsed value under the canonical name (null where it does not parse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from toolkit.fields import Field, Kind
from toolkit.io import cells
from toolkit.rules import raw


def parser(kind: Kind, timezone: str) -> Callable[[pl.Expr], pl.Expr]:
    return {
        Kind.TEXT: lambda e: e,
        Kind.PHONE: cells.parse_phone,
        Kind.DATETIME: lambda e: cells.parse_datetime(e, timezone),
        Kind.NUMBER: cells.parse_number,
        Kind.INTEGER: cells.parse_integer,
    }[kind]


def parse_fields(frame: pl.LazyFrame, fields: Iterable[Field], timezone: str) -> pl.LazyFrame:
    """Add `<name>:raw` (cleaned text) and the typed `<name>` for every field.

    A field the file does not have becomes an all-null column, so rules can refer to it.
    """
    present = set(frame.collect_schema().names())
    fields = tuple(fields)
    text = [
        (cells.clean_text(pl.col(f.name).cast(pl.String)) if f.name in present else pl.lit(None, pl.String)).alias(raw(f.name))
        for f in fields
    ]
    typed = [parser(f.kind, timezone)(pl.col(raw(f.name))).alias(f.name) for f in fields]
    return frame.with_columns(text).with_columns(typed)
