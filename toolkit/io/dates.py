"""Times as exports write them: the built-in year-first reading, the input's own strptime
patterns (`date_formats:`), year-less patterns given a year from the run's as-of date, and the
count and samples of every value that no reading understood.

A configured pattern is tried first, in the order listed, then the built-in reading (year-first
text, Excel serials), so an xlsx column of real date cells and typed text reads whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.io import cells
from toolkit.timezones import DEFAULT_TIMEZONE, localize

__all__ = [
    "TimeReading",
    "UnreadableTimes",
    "has_year",
    "parse_time",
    "pattern_problem",
    "read_pattern",
    "reading_for",
    "sample_unreadable",
    "unreadable_plan",
    "unreadable_text",
    "unreadable_times",
]

_ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")
_YEAR_DIRECTIVES = re.compile(r"%[-#]?[YyGgCDFcs+]")  # %D = %m/%d/%y, %F = %Y-%m-%d, %c and %+ carry a year
_ZONE_DIRECTIVES = re.compile(r"%[-#]?[zZ]|%:z|%#z")
_CLOCK_DIRECTIVES = re.compile(r"%[-_0#]?[HIklMSTRrXcs+]")
_BARE_DATE = r"^\d{4}\D\d{1,2}\D\d{1,2}\D?$"  # 2026-11-22, 2026/11/22, 2026年11月22日
_YEARLESS_PREFIX = "%Y\x1f"  # a year prepended to year-less text, joined by a byte no export writes


def has_year(pattern: str) -> bool:
    """Whether a strptime pattern reads a year (`%d-%b-%y` does, `%m-%d %H:%M:%S` does not)."""
    return bool(_YEAR_DIRECTIVES.search(pattern.replace("%%", "")))


_DAY = re.compile(r"%[-#]?[dejDFcs+]")
_MONTH = re.compile(r"%[-#]?[mbBhDFcs+]")
_DIRECTIVE = re.compile(r"%[-_0]?(\.?\d?f|:{0,2}z|#z|.)")
_CHRONO_LETTERS = set("YCymbBhdeaAwuUWGgVjDxFvHkIlPpMSfRTXrZzstn%+")


def pattern_problem(pattern: str) -> str | None:
    """Why a `date_formats:` pattern cannot read dates, or None when it can."""
    unknown = [m.group(0) for m in _DIRECTIVE.finditer(pattern) if m.group(1)[-1] not in _CHRONO_LETTERS]
    if unknown:
        return f"has {', '.join(unknown)}, which is not a strptime code (%Y %y %m %b %d %H %M %S %p …)"
    bare = pattern.replace("%%", "")
    if not _DAY.search(bare) or not _MONTH.search(bare):
        return 'is not a date pattern: it needs a day (%d) and a month (%m, %b), e.g. "%d-%b-%y" or "%m/%d/%Y %H:%M"'
    return None


def read_pattern(text: pl.Expr, pattern: str, year: int = 2000) -> pl.Expr:
    """Naive datetimes of `text` by one strptime pattern, null where it does not read; a
    year-less pattern reads `year` (2000 by default, a leap year, so `02-29` reads)."""
    if has_year(pattern):
        return _strptime(text, pattern)
    return _strptime(pl.lit(f"{year}\x1f") + text, _YEARLESS_PREFIX + pattern)


def _aware(parsed: pl.Expr, pattern: str, timezone: str) -> pl.Expr:
    """A pattern with an offset gives UTC instants; one without gives wall-clock times in `timezone`."""
    return parsed.dt.convert_time_zone(timezone) if _ZONE_DIRECTIVES.search(pattern) else localize(parsed, timezone)


def _strptime(text: pl.Expr, pattern: str) -> pl.Expr:
    return text.str.to_datetime(pattern, time_unit="us", strict=False, exact=True)


def parse_time(text: pl.Expr, timezone: str) -> pl.Expr:
    """The built-in reading: `cells.parse_datetime`, with a fast path for what exports mostly
    write. A cell of exactly `2025-09-01 06:34:09` or `2025-09-01` is read by one strict format
    (5-10x cheaper); only the cells that fail it go through the careful parser, which gets every
    other cell as null. Staged in a struct, as `cells` does, so each step runs once per row."""
    t, naive = pl.field("text"), pl.field("naive")
    state = pl.struct(text.cast(pl.String).alias("text"))
    state = state.struct.with_fields(naive=_strptime(t, _ISO_FORMATS[0]))
    state = state.struct.with_fields(
        naive=pl.coalesce(naive, _strptime(pl.when(naive.is_null()).then(t), _ISO_FORMATS[1]))
    )
    year_first = (t.str.starts_with("1") | t.str.starts_with("2")) & naive.dt.year().is_between(1900, 2199)
    state = state.struct.with_fields(
        naive=pl.when(year_first).then(naive)
    )  # as the careful parser reads years (not `+2025`, not 1850)
    state = state.struct.with_fields(
        result=pl.coalesce(
            localize(naive, timezone),
            cells.parse_datetime(pl.when(naive.is_null()).then(t), timezone),
        )
    )
    return state.struct.field("result").alias(text.meta.output_name(raise_if_undetermined=False) or "literal")


@dataclass(frozen=True)
class TimeReading:
    """How the time fields of one input are read.

    `formats` maps a canonical field to the strptime patterns of the input's `date_formats:`.
    A year-less pattern takes the year of `as_of`, or the year before where that would put the
    time more than `future_days` after `as_of` (a `12-30 18:00` read on 2 January is last year's).
    """

    timezone: str = DEFAULT_TIMEZONE
    formats: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    as_of: datetime | None = None
    future_days: int = 31

    def parse(self, text: pl.Expr, name: str) -> pl.Expr:
        """The time in `text` (any dtype) as `Datetime("us", timezone)`, null where unreadable."""
        patterns = self.formats.get(name, ())
        if not patterns:
            return parse_time(text, self.timezone).alias(name)
        text = text.cast(pl.String).str.strip_chars()
        return pl.coalesce(*(self._pattern(text, p) for p in patterns), parse_time(text, self.timezone)).alias(name)

    def date_only(self, text: pl.Expr, name: str) -> pl.Expr:
        """True where `text` is a date without a clock: a year-first date alone, or one that a
        configured pattern without a clock reads (`%d-%b-%y`)."""
        text = text.cast(pl.String).str.strip_chars()
        clockless = [p for p in self.formats.get(name, ()) if not _CLOCK_DIRECTIVES.search(p.replace("%%", ""))]
        readings = [self._pattern(text, p).is_not_null() for p in clockless]
        return pl.any_horizontal(text.str.contains(_BARE_DATE), *readings).fill_null(False)

    def yearless_note(self, name: str) -> str | None:
        """The year a field's year-less patterns give, said once in the log; None without one."""
        yearless = [p for p in self.formats.get(name, ()) if not has_year(p)]
        if not yearless:
            return None
        year, as_of = self._as_of.year, self._as_of
        return (
            f"{name}: dates without a year ({', '.join(yearless)}) are read in {year}, or in {year - 1} where {year}"
            f" would put them more than {self.future_days} days after {as_of:%Y-%m-%d}"
        )

    @property
    def _as_of(self) -> datetime:
        if self.as_of is None:
            raise ValueError("a year-less date format needs the run's as-of time")
        return self.as_of

    @property
    def _latest(self) -> pl.Expr:
        latest = self._as_of + timedelta(days=self.future_days)
        return pl.lit(latest.replace(tzinfo=None), pl.Datetime("us"))

    def _yearless_candidates(self, text: pl.Expr, pattern: str) -> tuple[pl.Expr, pl.Expr]:
        year = self._as_of.year
        return read_pattern(text, pattern, year), read_pattern(text, pattern, year - 1)

    def _pattern(self, text: pl.Expr, pattern: str) -> pl.Expr:
        if has_year(pattern):
            return _aware(read_pattern(text, pattern), pattern, self.timezone)
        this_year, last_year = self._yearless_candidates(text, pattern)
        naive = pl.when(this_year.is_null() | (this_year > self._latest)).then(last_year).otherwise(this_year)
        return _aware(naive, pattern, self.timezone)


def reading_for(
    formats: Mapping[str, str | Sequence[str]], timezone: str, as_of: datetime | None, future_days: int = 31
) -> TimeReading:
    """A `TimeReading` from an input's `date_formats:` (one pattern or a list per field)."""
    patterns = {name: (value,) if isinstance(value, str) else tuple(value) for name, value in formats.items()}
    local = as_of.astimezone(ZoneInfo(timezone)) if as_of is not None and as_of.tzinfo is not None else as_of
    return TimeReading(timezone=timezone, formats=patterns, as_of=local, future_days=future_days)


@dataclass(frozen=True)
class UnreadableTimes:
    """The values of one time field that no reading understood."""

    field: str
    count: int
    filled: int  # non-empty values in the column
    samples: tuple[str, ...]  # distinct unreadable values, first seen first (at most SAMPLE_SIZE)

    @property
    def mostly(self) -> bool:
        return self.filled > 0 and self.count * 2 > self.filled


SAMPLE_SIZE = 2000


def unreadable_text(text: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    """The text where it did not parse, null elsewhere (blank text too: `unreadable_plan` drops
    it). Not stripped here: on 10,000,000 events a strip of every cell costs more than the
    rest of the count, so only the few unread cells are stripped, in the plan."""
    return pl.when(parsed.is_null()).then(text.cast(pl.String))


def unreadable_plan(frame: pl.LazyFrame, fields: Mapping[str, tuple[pl.Expr, pl.Expr]]) -> pl.LazyFrame:
    """One row of counts and samples. For each field, `(unreadable, parsed)`: the text that did
    not parse (see `unreadable_text`) and the parsed time; gives how many non-blank values did
    not parse, how many are filled, and up to SAMPLE_SIZE distinct unreadable texts, first seen first."""
    columns = []
    for name, (bad, parsed) in fields.items():
        stripped = bad.drop_nulls().str.strip_chars()
        unread = stripped.filter(stripped != "")
        columns += [
            unread.len().cast(pl.Int64).alias(f"{name}:count"),
            (unread.len().cast(pl.Int64) + parsed.is_not_null().sum()).alias(f"{name}:filled"),
            unread.unique(maintain_order=True).head(SAMPLE_SIZE).implode().alias(f"{name}:samples"),
        ]
    return frame.select(columns)


def unreadable_times(summary: pl.DataFrame, names: Sequence[str]) -> list[UnreadableTimes]:
    """The one-row result of `unreadable_plan` as one `UnreadableTimes` per field."""
    row = summary.row(0, named=True)
    return [
        UnreadableTimes(
            field=name,
            count=int(row[f"{name}:count"]),
            filled=int(row[f"{name}:filled"]),
            samples=tuple(row[f"{name}:samples"] or ()),
        )
        for name in names
    ]


def sample_unreadable(sample: pl.DataFrame, times: TimeReading) -> list[UnreadableTimes]:
    """What `times` cannot read in each column of `sample` (columns named by their time field)."""
    names = sample.columns
    parsed = sample.lazy().with_columns(times.parse(pl.col(name), name).alias(f":parsed_{name}") for name in names)
    plan = unreadable_plan(
        parsed,
        {name: (unreadable_text(pl.col(name), pl.col(f":parsed_{name}")), pl.col(f":parsed_{name}")) for name in names},
    )
    return unreadable_times(plan.collect(), names) if names else []
