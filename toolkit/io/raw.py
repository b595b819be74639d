"""What each format reader hands to `read_table`, and the pieces the readers share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.fields import ROW


@dataclass(frozen=True)
class RawTable:
    """A file's table before its columns are named.

    `frame` has `_row` (Int64, the row number as the user sees it) and then one column per file
    column, named `c0`, `c1`, … in file order; rows that are entirely blank are already gone:
    `rows` counts the others, `blank_rows` those (below the header, in the middle too).
    """

    frame: pl.LazyFrame
    headers: list[str | None]
    rows: int
    format: str
    encoding: str | None = None
    encoding_confidence: float | None = None
    """How sure the detection is of `encoding` (see `toolkit.io.encoding.TextFile.confidence`)."""
    sheet: str | None = None
    temporary: Path | None = None
    blank_rows: int = 0
    notes: tuple[str, ...] = ()
    """What the reader made of the file that the log should say (which HTML table it read)."""


def positional(i: int) -> str:
    return f"c{i}"


def not_blank(columns: list[str]) -> pl.Expr:
    """True where a row has at least one cell with something other than whitespace.

    A fully blank line in a CSV, or an empty row in a sheet, is not a data row.
    """
    if not columns:
        return pl.lit(False)
    return pl.any_horizontal(pl.col(c).str.contains(r"\S").fill_null(False) for c in columns)


def grid_table(
    cells: pl.DataFrame, path: Path, *, header_row: int, where: str, format: str, sheet: str | None = None
) -> RawTable:
    """A sheet's cells from the header row down (its first row the header, every cell text or
    null) as a RawTable. Columns without a header are kept where they hold something; blank rows
    are left out and counted. `where` names the grid in an error: "sheet '订单'", "the table"."""
    headers: list[str | None] = list(cells.row(0))
    if not any((h or "").strip() for h in headers):
        raise InputError(f"the header row of {where} is blank; is header_row right?", path=path, line=header_row)
    body = cells.slice(1).cast(pl.String)  # an all-empty column may come back typed Null
    body.columns = [positional(i) for i in range(body.width)]
    keep = [i for i, h in enumerate(headers) if (h or "").strip() or body[positional(i)].is_not_null().any()]
    columns = [positional(i) for i in keep]
    frame = with_row_numbers(body.lazy(), header_row + 1).filter(not_blank(columns))
    frame = frame.select(ROW, *columns).rename({positional(i): positional(n) for n, i in enumerate(keep)})
    rows = int(body.select(not_blank(columns).sum()).item())
    return RawTable(
        frame=frame,
        headers=[headers[i] for i in keep],
        rows=rows,
        format=format,
        sheet=sheet,
        blank_rows=body.height - rows,
    )


def with_row_numbers(frame: pl.LazyFrame, first: int) -> pl.LazyFrame:
    """Prepend `_row`, counting from `first` for the frame's first row."""
    return frame.with_row_index(ROW, offset=first).with_columns(pl.col(ROW).cast(pl.Int64))


@contextmanager
def reading_errors(path: Path, what: str) -> Iterator[None]:
    """Turn an error of polars or fastexcel at the reading boundary into a one-line InputError.

    Rust panics inside either library surface as `PanicException`, which derives from
    BaseException rather than Exception, so they are matched by name.
    """
    try:
        yield
    except InputError:
        raise
    except BaseException as error:
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        if isinstance(error, OSError):
            raise
        text = str(error).strip()
        first_line = text.splitlines()[0] if text else type(error).__name__
        raise InputError(f"{what}: {first_line}", path=path) from None
