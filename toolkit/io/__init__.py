"""Reading input tables and writing outputs: the only place the toolkit touches files.

`read_table` turns a csv/tsv/xlsx/parquet file into a LazyFrame with canonical column names
and the row numbers people see; `toolkit.io.cells` parses Excel-typed text (phones, times,
numbers) as polars expressions; the writers write parquet/csv/xlsx/json/text atomically.
"""

from toolkit.io import cells
from toolkit.io.read import Table, read_table
from toolkit.io.source import TableSource
from toolkit.io.write import (
    XlsxSheet,
    atomic_path,
    row_highlights,
    sheets_of,
    write_csv,
    write_json,
    write_parquet,
    write_text,
    write_xlsx,
)

__all__ = [
    "Table",
    "TableSource",
    "XlsxSheet",
    "atomic_path",
    "cells",
    "read_table",
    "row_highlights",
    "sheets_of",
    "write_csv",
    "write_json",
    "write_parquet",
    "write_text",
    "write_xlsx",
]
