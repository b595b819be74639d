"""Helpers the io tests share for writing real input files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

Aliases = Mapping[str, Sequence[str]]


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, first_row: int = 0) -> Path:
    """An .xlsx written by xlsxwriter: each sheet's rows from `first_row` (0-based) on, each
    value written with its own type (numbers as numbers, strings as strings)."""
    workbook = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows, start=first_row):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path
