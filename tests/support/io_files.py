"""Helpers the io tests share for writing real input files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

Aliases = Mapping[str, Sequence[str]]


def _cells(rows: Sequence[Sequence[Any]], first_row: int) -> Iterator[tuple[int, int, Any]]:
    """(row, column, value) of every cell that is not None, rows counted from `first_row` (0-based)."""
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row):
            if value is not None:
                yield r, c, value


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, first_row: int = 0) -> Path:
    """An .xlsx written by xlsxwriter: each sheet's rows from `first_row` (0-based) on, each
    value written with its own type (numbers as numbers, strings as strings)."""
    workbook = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, c, value in _cells(rows, first_row):
            sheet.write(r, c, value)
    workbook.close()
    return path


def write_xls(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, first_row: int = 0) -> Path:
    """The same as a legacy BIFF8 .xls, written by xlwt."""
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, c, value in _cells(rows, first_row):
            sheet.write(r, c, value)
    workbook.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, first_row: int = 0) -> Path:
    """The same as an OpenDocument spreadsheet (LibreOffice, WPS), written by odfpy: numbers as
    float cells holding their shortest round-trip text, strings as string cells."""
    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in [[]] * first_row + [list(row) for row in rows]:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _ods_cell(value: Any) -> TableCell:
    if value is None:
        return TableCell()
    if isinstance(value, str):
        cell = TableCell(valuetype="string")
    else:
        cell = TableCell(valuetype="float", value=repr(value))
    cell.addElement(P(text=str(value)))
    return cell
