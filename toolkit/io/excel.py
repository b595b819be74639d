"""Excel workbooks (.xlsx, .xlsm) through fastexcel/calamine, every cell read as text.

What fastexcel 0.21 gives for cells forced to text (dtypes="string"), checked on workbooks
written by xlsxwriter:
- numbers: the shortest decimal form, never an exponent and without a trailing `.0`: a phone
  typed as a number (13812345678, or 1.3812345678E10, which Excel stores as the same number)
  comes out `13812345678`, 5.0 comes out `5`, 2.5 `2.5`, 0.25 shown as 25% `0.25`, and
  123456789012345678 `123456789012345696` (the float Excel stored). Values below about 1e-9
  come out `0`.
- date and datetime cells (any date number format, Chinese ones included):
  `2026-11-22 09:05:30`, `2026-11-22 00:00:00` for a date, `2026-11-22 09:05:30.123` with
  milliseconds; a time-only cell `1899-12-31 09:05:00`. A General-formatted serial number
  stays a number: `46348.378472`.
- booleans `true`/`false`; formulas their cached value; error cells (#N/A) null.
So no normalisation is needed: phones read as their digits and dates as ISO text that
`cells.parse_datetime` reads. tests/io/test_excel.py pins this down so an upgrade that
changes it fails loudly.

Rows: with `header_row=None` and an integer `skip_rows`, fastexcel counts rows from the top of
the sheet (row 1) and keeps empty rows, so `_row` is header_row + 1 + position. (With
`header_row=N` it would count from the first non-empty row instead.)
"""

from __future__ import annotations

from pathlib import Path

import fastexcel
import polars as pl

from toolkit.errors import InputError
from toolkit.io.headers import ROW_COLUMN
from toolkit.io.raw import RawTable, not_blank, positional, reading_errors, with_row_numbers
from toolkit.io.source import TableSource

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an .xlsx encrypted with a password


def read_xlsx(path: Path, source: TableSource) -> RawTable:
    _check_container(path)
    with reading_errors(path, "cannot read the workbook"):
        workbook = fastexcel.read_excel(path)
        sheet = _sheet_name(path, workbook.sheet_names, source.sheet)
        cells = _load(path, workbook, sheet, source.header_row)
    if cells.height == 0:
        if cells.width == 0:
            raise InputError(f"sheet {sheet!r} is empty", path=path)
        raise InputError(f"no header at row {source.header_row} of sheet {sheet!r}", path=path)

    headers: list[str | None] = list(cells.row(0))
    if not any((h or "").strip() for h in headers):
        raise InputError(
            f"the header row of sheet {sheet!r} is blank; is header_row right?", path=path, line=source.header_row
        )
    body = cells.slice(1).cast(pl.String)  # an all-empty column may come back typed Null
    body.columns = [positional(i) for i in range(body.width)]
    keep = [i for i, h in enumerate(headers) if (h or "").strip() or body[positional(i)].is_not_null().any()]
    columns = [positional(i) for i in keep]
    frame = with_row_numbers(body.lazy(), source.header_row + 1).filter(not_blank(columns))
    frame = frame.select(ROW_COLUMN, *columns).rename({positional(i): positional(n) for n, i in enumerate(keep)})
    rows = body.select(not_blank(columns).sum()).item()
    return RawTable(frame=frame, headers=[headers[i] for i in keep], rows=int(rows), format="xlsx", sheet=sheet)


def _check_container(path: Path) -> None:
    """Name what the file is when it is not an xlsx (a zip) at all."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == _ZIP_MAGIC:
        return
    if magic == _OLE2_MAGIC:
        raise InputError(
            "not an .xlsx workbook: an old-style .xls, or a password-protected workbook; "
            "open it in Excel and save it as .xlsx without a password",
            path=path,
        )
    raise InputError("not an .xlsx workbook (the file is not a zip archive); is it a CSV renamed?", path=path)


def _sheet_name(path: Path, names: list[str], wanted: str | int | None) -> str:
    listing = ", ".join(repr(n) for n in names)
    if not names:
        raise InputError("the workbook has no sheets", path=path)
    if wanted is None:
        return names[0]
    if isinstance(wanted, int):
        if wanted < len(names):
            return names[wanted]
        raise InputError(f"no sheet number {wanted} (counting from 0); the sheets are {listing}", path=path)
    if wanted in names:
        return wanted
    loose = [n for n in names if n.strip().casefold() == wanted.strip().casefold()]
    if len(loose) == 1:
        return loose[0]
    raise InputError(f"no sheet named {wanted!r}; the sheets are {listing}", path=path)


def _load(path: Path, workbook: fastexcel.ExcelReader, sheet: str, header_row: int) -> pl.DataFrame:
    try:
        loaded = workbook.load_sheet(sheet, header_row=None, skip_rows=header_row - 1, dtypes="string")
    except fastexcel.InvalidParametersError:
        raise InputError(f"no header at row {header_row}: sheet {sheet!r} is shorter", path=path) from None
    frame = loaded.to_polars()
    assert isinstance(frame, pl.DataFrame)
    return frame
