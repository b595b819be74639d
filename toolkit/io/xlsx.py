"""Excel workbooks for people, written with xlsxwriter in constant-memory mode.

Each sheet gets a bold frozen header, an autofilter, column widths from the content (a CJK
character counts two units), datetimes as `yyyy-mm-dd hh:mm` in local wall time, and a red or
amber fill on the cells a `highlights` frame names. Text is always written as text, never as a
formula, number or link.

The data is prepared column by column with polars (dates become Excel serial numbers, widths
are measured); only the final hand-over to xlsxwriter goes cell by cell, as its API requires.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from toolkit.io.atomic import atomic_path

__all__ = ["XlsxSheet", "write_xlsx"]

MAX_ROWS = 1_048_576
LEVELS = ("error", "warning")
_FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C"}  # Excel's own "bad" red and "neutral" amber
_FONTS = {"error": "#9C0006", "warning": "#9C5700"}
_NUMBER_FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "date": "yyyy-mm-dd", "time": "hh:mm:ss"}
_WIDE_CHARS = (
    r"[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF"
    r"\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]"
)
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class XlsxSheet:
    """One sheet: a frame, and optionally cells to highlight.

    `highlights` has columns `row` (0-based index into `frame`), `column` (a column name) and
    `level` ("error" → red fill, "warning" → amber fill); with `comments=True` and a `message`
    column, each highlighted cell also gets its message as a cell comment.
    """

    name: str
    frame: pl.DataFrame
    highlights: pl.DataFrame | None = None
    comments: bool = False


def write_xlsx(path: Path, sheets: Sequence[XlsxSheet]) -> None:
    """Write `sheets` into one workbook at `path`, atomically."""
    names = _sheet_names([s.name for s in sheets])
    with atomic_path(path) as temporary:
        workbook = xlsxwriter.Workbook(
            str(temporary),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": True,
            },
        )
        try:
            styles = _Styles(workbook)
            for sheet, name in zip(sheets, names, strict=True):
                _write_sheet(workbook.add_worksheet(name), sheet, styles)
        finally:
            workbook.close()


class _Styles:
    """One Format per (number format, highlight level), made on first use."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.header = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        self._cache: dict[tuple[str | None, str | None], Format | None] = {}

    def get(self, number_format: str | None, level: str | None) -> Format | None:
        key = (number_format, level)
        if key not in self._cache:
            props: dict[str, Any] = {}
            if number_format:
                props["num_format"] = number_format
            if level:
                props |= {"bg_color": _FILLS[level], "font_color": _FONTS[level]}
            self._cache[key] = self.workbook.add_format(props) if props else None
        return self._cache[key]


def _write_sheet(ws: Worksheet, sheet: XlsxSheet, styles: _Styles) -> None:
    frame = sheet.frame
    if frame.height >= MAX_ROWS:
        raise ValueError(f"sheet {sheet.name!r} has {frame.height} rows; Excel holds {MAX_ROWS - 1} below a header")
    kinds = {name: _kind(dtype) for name, dtype in frame.schema.items()}
    cells = frame.select(_cell_values(name, dtype, kinds[name]) for name, dtype in frame.schema.items())
    marks = _marks(sheet, frame.columns)

    for c, (name, width) in enumerate(zip(frame.columns, _widths(cells, kinds), strict=True)):
        ws.set_column(c, c, width)
        ws.write_string(0, c, name, styles.header)
    ws.freeze_panes(1, 0)
    if frame.width:
        ws.autofilter(0, 0, max(frame.height, 1), frame.width - 1)

    writers = [_writer(ws, kind) for kind in kinds.values()]
    number_formats = [_NUMBER_FORMATS.get(kind) for kind in kinds.values()]
    plain = [styles.get(number_format, None) for number_format in number_formats]
    for r, values in enumerate(cells.iter_rows()):
        marked = marks.get(r)
        for c, value in enumerate(values):
            if value is None:
                if marked is not None and c in marked:  # an empty cell can be the problem
                    ws.write_blank(r + 1, c, None, styles.get(number_formats[c], marked[c][0]))
                continue
            if marked is not None and c in marked:
                writers[c](r + 1, c, value, styles.get(number_formats[c], marked[c][0]))
            else:
                writers[c](r + 1, c, value, plain[c])
        if marked and sheet.comments:
            for c, (_, message) in marked.items():
                if message:
                    ws.write_comment(r + 1, c, message)


def _kind(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Time:
        return "time"
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_numeric():
        return "number"
    return "text"


_EXCEL_EPOCH = pl.datetime(1899, 12, 30)
_US_PER_DAY = 86_400_000_000


def _cell_values(name: str, dtype: pl.DataType, kind: str) -> pl.Expr:
    """A column as the values handed to xlsxwriter: dates as Excel serial numbers (local wall
    time for time-zone-aware datetimes), numbers as Float64, everything else as text."""
    col = pl.col(name)
    if kind == "datetime":
        wall = col.dt.replace_time_zone(None).dt.cast_time_unit("us")
        return ((wall - _EXCEL_EPOCH).dt.total_microseconds() / _US_PER_DAY).alias(name)
    if kind == "date":
        return (col.cast(pl.Datetime("us")) - _EXCEL_EPOCH).dt.total_microseconds().truediv(_US_PER_DAY).alias(name)
    if kind == "time":
        return (col.cast(pl.Int64) / 86_400_000_000_000).alias(name)  # ns since midnight
    if kind == "number":
        return col.cast(pl.Float64)
    if kind == "bool":
        return col
    return _as_text(col, dtype).alias(name)


def _as_text(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Any other column as readable text: lists joined, structs as JSON."""
    if isinstance(dtype, pl.Array):
        col = col.arr.to_list()
    if isinstance(dtype, (pl.List, pl.Array)):
        return col.cast(pl.List(pl.String)).list.join(", ")
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode()
    return col.cast(pl.String)


def _writer(ws: Worksheet, kind: str) -> Callable[..., Any]:
    if kind in ("number", "datetime", "date", "time"):
        return ws.write_number
    if kind == "bool":
        return ws.write_boolean
    return ws.write_string


def _widths(cells: pl.DataFrame, kinds: dict[str, str]) -> list[float]:
    """Display width per column: the widest of the header and the values, CJK counting two."""
    fixed = {"datetime": 16, "date": 11, "time": 9, "bool": 6}

    def display(e: pl.Expr) -> pl.Expr:
        return e.str.len_chars() + e.str.count_matches(_WIDE_CHARS)

    measured = cells.select(
        display(pl.col(name).cast(pl.String)).max().alias(name) for name, kind in kinds.items() if kind not in fixed
    ).row(0, named=True) if cells.height else {}
    widths = []
    for name, kind in kinds.items():
        header = len(name) + len(re.findall(_WIDE_CHARS, name))
        content = fixed.get(kind) or measured.get(name) or 0
        widths.append(float(min(max(header + 2, content + 2, _MIN_WIDTH), _MAX_WIDTH)))
    return widths


def _marks(sheet: XlsxSheet, columns: list[str]) -> dict[int, dict[int, tuple[str, str | None]]]:
    """{row: {column index: (level, message)}} for the highlighted cells."""
    hl = sheet.highlights
    if hl is None or hl.height == 0:
        return {}
    unknown_columns = set(hl["column"].unique().to_list()) - set(columns)
    if unknown_columns:
        raise ValueError(f"highlights name columns not in sheet {sheet.name!r}: {sorted(unknown_columns)}")
    unknown_levels = set(hl["level"].unique().to_list()) - set(LEVELS)
    if unknown_levels:
        raise ValueError(f"highlight levels must be {LEVELS}, not {sorted(unknown_levels)}")
    if hl.height and (hl["row"].min() < 0 or hl["row"].max() >= sheet.frame.height):  # type: ignore[operator]
        raise ValueError(f"highlight rows must be 0 .. {sheet.frame.height - 1}")
    index = {name: i for i, name in enumerate(columns)}
    messages = hl["message"] if "message" in hl.columns else pl.repeat(None, hl.height, dtype=pl.String, eager=True)
    # An error outranks a warning on the same cell: write errors last so they win.
    ordered = hl.with_columns(message=messages).sort(pl.col("level") == "error")
    marks: dict[int, dict[int, tuple[str, str | None]]] = {}
    for row, column, level, message in ordered.select("row", "column", "level", "message").iter_rows():
        marks.setdefault(row, {})[index[column]] = (level, message)
    return marks


def _sheet_names(names: list[str]) -> list[str]:
    """Names Excel accepts: no []:*?/\\, at most 31 characters, unique ignoring case."""
    result: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        clean = _BAD_SHEET_CHARS.sub("_", name).strip("'")[:31] or f"Sheet{i}"
        candidate, n = clean, 2
        while candidate.casefold() in seen:
            suffix = f" ({n})"
            candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
        seen.add(candidate.casefold())
        result.append(candidate)
    return result
