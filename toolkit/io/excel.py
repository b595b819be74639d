"""Spreadsheets (.xlsx, .xlsm, the legacy BIFF .xls, and OpenDocument .ods) through
fastexcel/calamine, every cell read as text.

What a workbook is comes from its first bytes, not its name (`toolkit.io.sniff`): a zip is an
.xlsx or, by its `mimetype` entry, an .ods; an OLE2 file (D0 CF 11 E0) a BIFF .xls, or an .xlsx
encrypted with a password, which is named as such. A file whose name does not say what it is
reaches calamine as bytes, which it sniffs itself.

What fastexcel 0.21 gives for cells forced to text (dtypes="string"), checked on workbooks
written by xlsxwriter:
- numbers: rounded to 9 decimal places, never an exponent and without a trailing `.0`: a phone
  typed as a number (13812345678, or 1.3812345678E10, which Excel stores as the same number)
  comes out `13812345678`, 5.0 comes out `5`, 2.5 `2.5`, 0.25 shown as 25% `0.25`, and
  123456789012345678 `123456789012345696` (the float Excel stored). But 4.51119775197299 comes
  out `4.511197752`, 0.1 + 0.2 `0.3` and 1.5e-10 `0`; so every number whose text does not read
  back as the float stored is taken from a second, Float64 read of its column, as the shortest
  text that does (polars' Float64 → String cast: `4.51119775197299`). A whole number always
  reads back, so phones and waybill numbers stay digits.
- date and datetime cells (any date number format, Chinese ones included):
  `2026-11-22 09:05:30`, `2026-11-22 00:00:00` for a date, `2026-11-22 09:05:30.123` with
  milliseconds; a time-only cell `1899-12-31 09:05:00`. A General-formatted serial number
  stays a number: `46348.378472`.
- booleans `true`/`false`; formulas their cached value; error cells (#N/A) null.
So apart from those numbers no normalisation is needed: phones read as their digits and dates
as ISO text that `cells.parse_datetime` reads. tests/io/test_excel.py pins this down so
an upgrade that changes it fails loudly.

The second read parses the sheet again (calamine keeps no parsed sheet between loads, and no
option renders numbers exactly): for every column it would make `read_table` + collect of the
1,000,000-order sample xlsx (21 columns, 147 MB) take 21-25 s instead of 11.9 s, almost all of
it calamine's parse (9.3 s of 11). So it is made only for the columns where a cell shows the
sign of rounding, exactly 9 decimals (`4.511197752`); a sheet without one (the order exports:
weights, fees, phones) is read once. What that leaves rounded, in a column with no such cell,
is a float within 5e-10 of a shorter number: 0.1 + 0.7 reads `0.8` (as Excel shows it),
1.5e-10 `0`; in a column with one, every number is exact. A text cell is never
replaced: its text reads back as the float calamine parsed from it, or is no number at all.

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
from toolkit.io.sniff import Content, sniff
from toolkit.io.source import TableSource

_KINDS = {Content.ZIP: ("xlsx", (".xlsx", ".xlsm")), Content.ODS: ("ods", (".ods",)), Content.OLE2: ("xls", (".xls",))}
"""What the first bytes show → the workbook kind, and the names calamine reads it by."""
_READ_AS = {
    "xlsx": "cannot read the workbook",
    "ods": "cannot read the .ods spreadsheet",
    "xls": "cannot read the .xls workbook",
}
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ROUNDED = r"^-?\d+\.\d{9}$"
"""A number fastexcel may have rounded: it writes 9 decimals where the float had more."""  # the OLE2 stream of a password-protected .xlsx


def read_xlsx(path: Path, source: TableSource) -> RawTable:
    """An .xlsx/.xlsm, BIFF .xls or .ods workbook (whatever its name) as a RawTable."""
    kind, workbook_file = _container(path)
    with reading_errors(path, _READ_AS[kind]):
        workbook = fastexcel.read_excel(workbook_file)
        sheet = _sheet_name(path, workbook.sheet_names, source.sheet)
        cells = _load(path, workbook, sheet, source.header_row)
    if cells.height == 0:
        if cells.width == 0:
            raise InputError(f"sheet {sheet!r} is empty", path=path)
        raise InputError(f"no header at row {source.header_row} of sheet {sheet!r}", path=path)
    return grid_table(cells, path, header_row=source.header_row, where=f"sheet {sheet!r}", format=kind, sheet=sheet)


def _container(path: Path) -> tuple[str, Path | bytes]:
    """ "xlsx", "ods" or "xls" by the first bytes, and what to hand fastexcel: the path where the
    name agrees (calamine goes by the name), else the bytes, which calamine sniffs. A password-
    protected workbook and a file that is no workbook at all are named as such."""
    content = sniff(path)
    if content not in _KINDS:
        raise InputError("not a workbook: neither an .xlsx (a zip archive) nor an .xls (an OLE2 file)", path=path)
    kind, suffixes = _KINDS[content]
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
    """The sheet from the header row down, every cell as text, numbers exact."""
    try:
        text = _frame(workbook.load_sheet(sheet, header_row=None, skip_rows=header_row - 1, dtypes="string"))
    except fastexcel.InvalidParametersError:
        raise InputError(f"no header at row {header_row}: sheet {sheet!r} is shorter", path=path) from None
    rounded = text.slice(1).select(pl.all().str.contains(_ROUNDED).any())
    columns = [i for i, found in enumerate(rounded.row(0)) if found] if rounded.height else []
    if not columns:
        return text
    numbers = _frame(
        workbook.load_sheet(sheet, header_row=None, skip_rows=header_row - 1, dtypes="float", use_columns=columns)
    )
    if numbers.shape != (text.height, len(columns)):
        raise InputError(f"sheet {sheet!r} read differently as numbers than as text; save it again in Excel", path=path)
    return text.with_columns(_exact(text.to_series(i), numbers.to_series(n)) for n, i in enumerate(columns))


def _frame(sheet: fastexcel.ExcelSheet) -> pl.DataFrame:
    frame = sheet.to_polars()
    assert isinstance(frame, pl.DataFrame)
    return frame


def _exact(text: pl.Series, number: pl.Series) -> pl.Series:
    """`text` (fastexcel's rendering), with each number that does not read back as its float
    (`number`) written as the shortest text that does."""
    lossy = (number.is_finite() & (text.cast(pl.Float64, strict=False) != number)).fill_null(False)
    return number.cast(pl.String).zip_with(lossy, text).alias(text.name)
