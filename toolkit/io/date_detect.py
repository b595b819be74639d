"""Which `date_formats:` pattern a column of times needs, guessed from the values the built-in
reading could not read, and the one log line that says so.

The candidates are the conventions exports write: day-first and month-first with `/`, `-` or
`.` and a four- or two-digit year, `2-Jun-06` and other month names, and year-less `06-04`, each
with or without a clock. A candidate counts only where every year it reads is plausible
(1950-2150: `%Y` reads `06` as the year 6). When the best day-first and month-first patterns
read the same values, nothing tells them apart and the line says it is ambiguous instead of
guessing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

import polars as pl

from toolkit.io.dates import TimeReading, UnreadableTimes, read_pattern

_NUMERIC = [
    f"{first}{sep}{second}{sep}{year}"
    for (first, second), sep, year in product((("%d", "%m"), ("%m", "%d")), "/-.", ("%Y", "%y"))
]
_MONTH_NAMES = [
    "%d-%b-%y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%d %b %y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%d-%B-%Y",
]
_YEARLESS = ["%m-%d", "%m/%d", "%d/%m", "%d.%m", "%m月%d日"]
_CLOCKS = ["", " %H:%M", " %H:%M:%S", " %H:%M:%S%.f", " %I:%M %p", " %I:%M:%S %p"]
CANDIDATES: tuple[str, ...] = tuple(day + clock for day, clock in product(_NUMERIC + _MONTH_NAMES + _YEARLESS, _CLOCKS))
_PLAUSIBLE_YEARS = (1950, 2150)
_MAX_PATTERNS = 3  # a column mixing more conventions than this needs a person to look


@dataclass(frozen=True)
class Guess:
    """The patterns that read the sample, best first, or the two that read it equally well."""

    patterns: tuple[str, ...]
    read: int
    ambiguous: tuple[str, str] | None = None
    example: str | None = None  # a value the two ambiguous patterns read differently


def _mirror(pattern: str) -> str:
    """Day-first ↔ month-first: `%d/%m/%Y` ↔ `%m/%d/%Y`."""
    return pattern.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _reads(values: pl.Series, pattern: str) -> pl.Series:
    """The values a pattern reads, as naive datetimes (null where it does not or the year is implausible)."""
    parsed = pl.select(read_pattern(pl.lit(values), pattern)).to_series()
    low, high = _PLAUSIBLE_YEARS
    return parsed.set(~parsed.dt.year().is_between(low, high).fill_null(False), None)


def guess_formats(values: Sequence[str]) -> Guess | None:
    """The fewest candidate patterns (at most three) that read the most of `values`."""
    sample = pl.Series(values, dtype=pl.String).str.strip_chars().drop_nulls().unique(maintain_order=True)
    if sample.is_empty():
        return None
    read = {pattern: _reads(sample, pattern) for pattern in CANDIDATES}
    chosen: list[str] = []
    left = pl.Series([True] * sample.len())
    ambiguous = example = None
    while len(chosen) < _MAX_PATTERNS and left.any():
        best = max(CANDIDATES, key=lambda p: (read[p].is_not_null() & left).sum())
        gain = int((read[best].is_not_null() & left).sum())
        if gain == 0:
            break
        mirror = _mirror(best)
        if mirror != best and mirror in read:
            same = read[mirror].is_not_null() & left
            if int(same.sum()) == gain and ambiguous is None:
                differs = sample.filter(same & (read[mirror] != read[best]))
                if differs.len():  # `1/1/2024` reads the same both ways: not ambiguous
                    ambiguous = (best, mirror) if "%d" in best.split("%m")[0] else (mirror, best)
                    example = differs[0]
        chosen.append(best)
        left = left & read[best].is_null()
    if not chosen:
        return None
    return Guess(tuple(chosen), int(sample.len() - left.sum()), ambiguous, example)


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


def _formats_line(field: str, patterns: Sequence[str]) -> str:
    listed = f'"{patterns[0]}"' if len(patterns) == 1 else "[" + ", ".join(f'"{p}"' for p in patterns) + "]"
    return f"date_formats: {{{field}: {listed}}}"


def unreadable_line(
    unreadable: UnreadableTimes, header: str | None, configured: Sequence[str] = (), *, sampled: bool = False
) -> str:
    """One line: the field, its header, how many values are unreadable (of a sample, for
    `toolkit check`), three of them, and the `date_formats:` line that would read them (or why
    none is offered)."""
    name = unreadable.field if header in (None, unreadable.field) else f'{unreadable.field} (column "{header}")'
    line = (
        f"{name}: {unreadable.count:,} of {unreadable.filled:,}{' sampled' if sampled else ''} values are not dates or times,"
        f" e.g. {_quoted(unreadable.samples[:3])}"
    )
    guess = guess_formats(unreadable.samples)
    tried = f" (date_formats {_quoted(configured)} did not read them)" if configured else ""
    if guess is None or guess.read * 2 < len(unreadable.samples):
        if unreadable.mostly:
            return f"{line}{tried}; no common date pattern fits them (if they are dates, give their strptime pattern in date_formats: {{{unreadable.field}: ...}})"
        return line
    if guess.ambiguous is not None:
        day_first, month_first = guess.ambiguous
        return (
            f'{line}{tried}; they read both day-first and month-first ("{guess.example}"): say which with'
            f" {_formats_line(unreadable.field, [day_first])} or {_formats_line(unreadable.field, [month_first])}"
        )
    return f"{line}{tried}; {_formats_line(unreadable.field, [*configured, *guess.patterns])} would read them"


def unreadable_report(
    found: Sequence[UnreadableTimes], headers: Mapping[str, str], reading: TimeReading
) -> tuple[dict[str, int], list[str]]:
    """`unreadable_<field>` counts for the time fields the input has, and the log lines: the
    year that year-less patterns give, and one line per field with unreadable values."""
    present = [u for u in found if u.field in headers]
    counts = {f"unreadable_{u.field}": u.count for u in present}
    lines = [note for u in present if (note := reading.yearless_note(u.field))]
    lines += [unreadable_line(u, headers.get(u.field), reading.formats.get(u.field, ())) for u in present if u.count]
    return counts, lines


def none_read(found: Sequence[UnreadableTimes], headers: Mapping[str, str]) -> str | None:
    """Why a job should stop: a time column with values of which not one reads (a wrong
    `columns:` or `date_formats:`, not a few bad cells); None when every column read something."""
    dead = [u for u in found if u.field in headers and u.filled and u.count == u.filled]
    if not dead:
        return None
    named = ", ".join(f'{u.field} ("{headers[u.field]}", {u.filled:,} values)' for u in dead)
    return f"no value of {named} reads as a date or time: set date_formats for {'it' if len(dead) == 1 else 'them'} (see the warnings above)"
