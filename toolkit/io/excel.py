"""Excel workbooks (.xlsx, .xlsm, and the legacy BIFF .xls) through fastexcel/calamine, every
cell read as text.

What a workbook is comes from its first bytes, not its name: a zip is an .xlsx, an OLE2 file
(D0 CF 11 E0) a BIFF .xls, or an .xlsx encrypted with a password, which is named as such. A
file whose name does not say what it is reaches calamine as bytes, which it sniffs itself.

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
from toolkit.io.raw import RawTable, grid_table, reading_errors
from toolkit.io.sniff import OLE2_MAGIC, ZIP_MAGIC
from toolkit.io.source import TableSource

_KINDS = {ZIP_MAGIC: ("xlsx", (".xlsx", ".xlsm")), OLE2_MAGIC: ("xls", (".xls",))}
"""First bytes → the workbook kind, and the names calamine reads it by."""
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the OLE2 stream of a password-protected .xlsx


def read_xlsx(path: Path, source: TableSource) -> RawTable:
    """An .xlsx/.xlsm or BIFF .xls workbook (whatever its name) as a RawTable."""
    kind, workbook_file = _container(path)
    with reading_errors(path, "cannot read the workbook" if kind == "xlsx" else "cannot read the .xls workbook"):
        workbook = fastexcel.read_excel(workbook_file)
        sheet = _sheet_name(path, workbook.sheet_names, source.sheet)
        cells = _load(path, workbook, sheet, source.header_row)
    if cells.height == 0:
        if cells.width == 0:
            raise InputError(f"sheet {sheet!r} is empty", path=path)
        raise InputError(f"no header at row {source.header_row} of sheet {sheet!r}", path=path)
    return grid_table(cells, path, header_row=source.header_row, where=f"sheet {sheet!r}", format=kind, sheet=sheet)


def _container(path: Path) -> tuple[str, Path | bytes]:
    """"xlsx" or "xls" by the first bytes, and what to hand fastexcel: the path where the name
    agrees (calamine goes by the name), else the bytes, which calamine sniffs. A password-
    protected workbook and a file that is no workbook at all are named as such."""
    with path.open("rb") as f:
        head = f.read(len(OLE2_MAGIC))
    magic = next((m for m in _KINDS if head.startswith(m)), None)
    if magic is None:
        raise InputError("not a workbook: neither an .xlsx (a zip archive) nor an .xls (an OLE2 file)", path=path)
    kind, suffixes = _KINDS[magic]
    named = path.suffix.lower() in suffixes
    data = path.read_bytes() if kind == "xls" or not named else b""  # an .xls has 65,536 rows at most
    if kind == "xls" and _ENCRYPTED in data:
        raise InputError(
            "the workbook is protected with a password; open it in Excel and save it as .xlsx without a password",
            path=path,
        )
    return kind, path if named else data


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
