"""Where an input table is and how to read it: the `input:` block of a job's config."""

from __future__ import annotations

from pathlib import Path

import pydantic


class TableSource(pydantic.BaseModel, extra="forbid"):
    """An input table as a job's config names it.

    `header_row` is the row number as the user sees it in the file (the first row is 1), so a
    sheet with a title and a blank row above the header has `header_row: 3`. `columns` maps
    headers in the file to canonical field names and wins over the built-in aliases.
    """

    path: Path
    sheet: str | int | None = None
    """xlsx: sheet name, or 0-based index; None = the first sheet."""
    header_row: int = pydantic.Field(default=1, ge=1)
    encoding: str | None = None
    """csv/tsv: None = detect (byte-order mark, then UTF-8, else GB18030)."""
    delimiter: str | None = pydantic.Field(default=None, min_length=1, max_length=1)
    """csv/tsv: None = tab for .tsv or a tab-heavy header line, else comma."""
    columns: dict[str, str] = {}

    @pydantic.field_validator("sheet")
    @classmethod
    def _sheet_index_not_negative(cls, sheet: str | int | None) -> str | int | None:
        if isinstance(sheet, int) and sheet < 0:
            raise ValueError("a sheet index counts from 0")
        return sheet
