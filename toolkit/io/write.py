"""Writing outputs: always to a temporary name in the same folder, renamed into place.

A reader never sees a half-written file, a failed write leaves no file and no temporary
behind, and a previous version of the file stays intact until the new one is complete.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.io.atomic import atomic_path
from toolkit.io.xlsx import XlsxSheet, row_highlights, sheets_of, write_xlsx

__all__ = [
    "XlsxSheet",
    "row_highlights",
    "atomic_path",
    "formula_safe",
    "sheets_of",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_text",
    "write_xlsx",
]


# zstd at level 1: a third less time than polars' default level (3) for about 6% more bytes
# (2,000,000 status rows: 1.7 s instead of 2.4 s; 100 MB instead of 94); statistics stay on,
# so later jobs that filter the table still skip row groups.
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 1}


def write_parquet(frame: pl.DataFrame | pl.LazyFrame, path: Path) -> None:
    """Parquet for notebooks and later jobs; a LazyFrame is streamed (sink_parquet)."""
    with atomic_path(path) as temporary:
        if isinstance(frame, pl.LazyFrame):
            frame.sink_parquet(temporary, **PARQUET_OPTIONS)
        else:
            frame.write_parquet(temporary, **PARQUET_OPTIONS)


# Text starting with one of these is a formula to Excel and LibreOffice (OWASP, CSV injection).
_FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"


def formula_safe(e: pl.Expr) -> pl.Expr:
    """Prefix `'` to text a spreadsheet would run as a formula (`=1+1`, `@SUM(A1)`, `-2+3`),
    leaving numbers written as text (`-5`, `+86`) alone.

    >>> pl.select(formula_safe(pl.lit("=HYPERLINK(\\"x\\")"))).item()
    '\\'=HYPERLINK("x")'
    """
    risky = e.str.contains(_FORMULA_START) & ~e.str.contains(_NUMBER)
    return pl.when(~risky).then(e).otherwise(pl.lit("'") + e)


def _is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def write_csv(frame: pl.DataFrame, path: Path, *, bom: bool = True) -> None:
    """CSV for people: UTF-8 with a byte-order mark (so Excel in China opens it as UTF-8),
    formula-looking text made inert, datetimes as local wall time `YYYY-MM-DD HH:MM:SS`."""
    text_columns = [name for name, dtype in frame.schema.items() if _is_text(dtype)]
    safe = frame.with_columns(formula_safe(pl.col(name).cast(pl.String)).alias(name) for name in text_columns)
    with atomic_path(path) as temporary:
        safe.write_csv(temporary, include_bom=bom, datetime_format="%Y-%m-%d %H:%M:%S")


def write_text(text: str, path: Path) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(obj: Any, path: Path) -> None:
    """JSON as people read it: Chinese as is, indented, anything unknown (dates, paths) as str."""
    write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n", path)
