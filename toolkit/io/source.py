"""Where an input table is and how to read it: the `input:` block of a job's config."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pydantic

from toolkit.errors import InputError
from toolkit.io.dates import TimeReading, pattern_problem, reading_for
from toolkit.partition import Partition
from toolkit.suggest import closest


class TableSource(pydantic.BaseModel, extra="forbid"):
    """An input table as a job's config names it.

    `header_row` is the row number as the user sees it in the file (the first row is 1), so a
    sheet with a title and a blank row above the header has `header_row: 3`. `columns` maps
    headers in the file to canonical field names and wins over the built-in aliases.
    """

    path: Path
    sheet: str | int | None = None
    """xlsx/xls: sheet name, or 0-based index; an HTML page: its table's 0-based index; None = the first."""
    header_row: int = pydantic.Field(default=1, ge=1)
    encoding: str | None = None
    """csv/tsv: None = detect (byte-order mark, then UTF-8, else GB18030)."""
    delimiter: str | None = pydantic.Field(default=None, min_length=1, max_length=1)
    """csv/tsv: None = tab for .tsv, else detected from the first lines (see toolkit.io.dialect)."""
    quotechar: str | None = pydantic.Field(default=None, max_length=1)
    """csv/tsv: None = detected (`"` unless the file says otherwise); "" = quotes are plain text."""
    escapechar: str | None = pydantic.Field(default=None, max_length=1)
    """csv/tsv: the character that takes the meaning from a delimiter or quote after it (`\\`);
    None = detected; "" = none."""
    comment: str | None = pydantic.Field(default=None, min_length=1, max_length=5)
    """csv/tsv: lines starting with it are skipped everywhere; None = only `#` lines right above
    the header are (detected)."""
    columns: dict[str, str] = {}
    date_formats: dict[str, str | list[str]] = {}
    """Canonical time field → strptime pattern(s) tried in order before the built-in year-first
    reading: `{order_time: "%d-%b-%y", promised_at: ["%m/%d/%Y %H:%M", "%m/%d/%Y"]}`."""
    yearless_future_days: int = pydantic.Field(default=31, ge=0)
    """A year-less pattern reads the as-of year, or the year before where that would be more
    than this many days after the run's as-of time."""
    _earlier_job: bool = pydantic.PrivateAttr(default=False)
    """An earlier job's table of this run: empty is a day with nothing to do, not a bad file."""
    _partition: Partition | None = pydantic.PrivateAttr(default=None)
    """A `foreach` run reads only its partition's rows (see `for_partition`)."""
    _read_cache: Path | None = pydantic.PrivateAttr(default=None)
    """Where a `foreach` run finds a file input already read by another run (`for_partition`)."""

    @classmethod
    def of_earlier_job(cls, path: Path) -> TableSource:
        """The parquet table an earlier job of the batch wrote (`input: overdue.worklist`)."""
        source = cls(path=path)
        source._earlier_job = True
        return source

    def for_partition(self, partition: Partition, read_cache: Path | None = None) -> TableSource:
        """This input as one partition of a `foreach` job reads it: only the rows whose
        `partition.by` column holds the partition's value. With `read_cache` (a folder of the
        run being built), a file is parsed once for all the runs of the batch that read it
        (see `toolkit.io.raw_cache`); without, each read parses it."""
        source = self.model_copy()
        source._earlier_job, source._partition, source._read_cache = self._earlier_job, partition, read_cache
        return source

    @property
    def partition(self) -> Partition | None:
        return self._partition

    @property
    def read_cache(self) -> Path | None:
        return self._read_cache

    @property
    def may_be_empty(self) -> bool:
        """An earlier job's table, or one partition's rows: none is a day with nothing to do."""
        return self._earlier_job or self._partition is not None

    def times(self, time_fields: Iterable[str], timezone: str, as_of: datetime | None) -> TimeReading:
        """How to read this input's time fields: its `date_formats:` (each must name one of
        `time_fields`), local to `timezone`, year-less dates in the year of `as_of`."""
        known = tuple(time_fields)
        for name in self.date_formats:
            if name not in known:
                hint = closest(name, known)
                expected = f"did you mean {hint!r}?" if hint else f"the time fields here: {', '.join(known) or 'none'}"
                raise InputError(
                    f"date_formats: {name!r} is not a time field of this input ({expected})", path=self.path
                )
        return reading_for(self.date_formats, timezone, as_of, self.yearless_future_days)

    @pydantic.field_validator("date_formats")
    @classmethod
    def _patterns_read_dates(cls, formats: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for name, value in formats.items():
            for pattern in [value] if isinstance(value, str) else value:
                problem = pattern_problem(pattern)
                if problem:
                    raise ValueError(f"{name}: {pattern!r} {problem}")
        return formats

    @pydantic.field_validator("delimiter", "quotechar", "escapechar", "comment")
    @classmethod
    def _ascii(cls, char: str | None) -> str | None:
        if char and not char.isascii():
            raise ValueError("must be ASCII characters (the CSV reader splits on bytes)")
        return char

    @pydantic.field_validator("sheet")
    @classmethod
    def _sheet_index_not_negative(cls, sheet: str | int | None) -> str | int | None:
        if isinstance(sheet, int) and sheet < 0:
            raise ValueError("a sheet index counts from 0")
        return sheet
