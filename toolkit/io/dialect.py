"""How a delimited text file is written: delimiter, quote and escape characters, comment lines
above the header, detected from a sample of its first lines.

The delimiter, quote and escape characters are chosen by CleverCSV's data consistency measure
(van den Burg et al., 2019): of the dialects the sample's characters allow, the one under which
the rows have the most regular shape (pattern score) and the cells the most recognisable types
(type score). The input's `delimiter:`, `quotechar:`, `escapechar:` and `comment:` win over
detection; a .tsv file is tab-separated when its header line has a tab (a comma file saved
under a .tsv name is detected like any other).

Detection reads a sample, never the whole file, so it costs the same for every size: the first
100 lines below `header_row`, at most 32,768 characters. On the shipped samples and on real
exports from teams' systems that is 5–30 ms per file (the detector's import, once per process,
0.13 s); a 64 KB sample made the same choices in 40–100 ms.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from toolkit.io.source import TableSource

if TYPE_CHECKING:
    from clevercsv.dialect import SimpleDialect

SAMPLE_LINES = 100
SAMPLE_CHARS = 32_768
_COMMENT = "#"
# The escape character exports use. CleverCSV also offers any other punctuation that precedes a
# delimiter or quote, which on a few rows is noise more often than an escape (`/,` in a cell).
_ESCAPE = "\\"
# what a header read as one column may hold in place of its delimiter, most telling first
_SEPARATORS = (",", "\t", ";", "|", "^", "+", "~", ":", " ")


@dataclass(frozen=True)
class Dialect:
    """How to split a file's lines into cells."""

    delimiter: str = ","
    quotechar: str | None = '"'
    """None: quote characters are plain text."""
    escapechar: str | None = None
    """The character before a delimiter, quote or line break that takes its meaning away."""
    comment: str | None = None
    """A configured `comment:`: lines starting with it are skipped everywhere."""
    comment_lines: int = 0
    """Comment lines right above the header: the header is that many lines below `header_row`."""
    header_hint: int | None = None
    """The row the sample's table seems to start on, when that is not the header row."""
    note: str | None = None
    """The log line saying what detection chose; None when it chose the plain default (comma,
    `"`) or the input said: the log of an ordinary export stays quiet."""


def detect_dialect(lines: Sequence[str], source: TableSource, *, tsv: bool) -> Dialect:
    """The dialect of a file whose lines from `source.header_row` on begin with `lines`."""
    prefix = source.comment or _COMMENT
    leading = _leading(lines, prefix, None)
    body = list(lines[leading:])
    # a .tsv is tab-separated when its header has a tab; else its content decides, as for any file
    delimiter = source.delimiter or ("\t" if tsv and body and "\t" in body[0] else None)
    found = None
    if body and None in (delimiter, source.quotechar, source.escapechar):
        found = _clevercsv_dialect("\n".join(body) + "\n", [delimiter] if delimiter else None)
    detected: list[str] = []
    if delimiter is None:
        delimiter = (
            found.delimiter if found and _readable(found.delimiter) else _by_header_counts(body[0] if body else "")
        )
        detected += ["delimiter"] if delimiter != "," else []
    if source.quotechar is not None:
        quotechar = source.quotechar or None
    else:
        quotechar = found.quotechar if found and _readable(found.quotechar) else '"'
        if quotechar != '"' and not _quotes_cells(body, quotechar, delimiter):
            quotechar = '"'
        detected += ["quotechar"] if quotechar != '"' else []
    if source.escapechar is not None:
        escapechar = source.escapechar or None
    else:
        escapechar = found.escapechar if found and found.escapechar == _ESCAPE else None
        detected += ["escapechar"] if escapechar else []
    if not source.comment:  # a `#` line that goes on with the delimiter is a header: `#,订单号,…`
        leading = _leading(lines, prefix, delimiter)
        detected += ["comment"] if leading else []
    dialect = Dialect(delimiter, quotechar, escapechar, source.comment, leading)
    dialect = replace(dialect, note=_note(dialect, detected))
    start = _table_start(lines[leading:], dialect)
    return replace(dialect, header_hint=source.header_row + leading + start) if start else dialect


def _clevercsv_dialect(sample: str, delimiters: list[str] | None) -> SimpleDialect | None:
    """CleverCSV's answer for a sample. clevercsv is imported here, on the first CSV read, not
    with the module: its import costs 0.12 s (toolkit.io went from 0.27 to 0.56 s with it and
    bs4 at the top), which a run or check that reads no CSV would pay for nothing."""
    from clevercsv.detect import Detector

    return Detector().detect(sample, delimiters=delimiters)


def _note(dialect: Dialect, detected: list[str]) -> str | None:
    parts = [f"{key} {yaml_char(getattr(dialect, key))}" for key in detected if key != "comment"]
    if "comment" in detected:
        parts.append(f"{dialect.comment_lines} comment lines ({_COMMENT}) above the header skipped")
    if not parts:
        return None
    keys = ", ".join(f"{key}:" for key in detected)
    return f"dialect detected from the first lines: {', '.join(parts)} (set {keys} in the input to change it)"


def likely_separator(header: str, delimiter: str) -> str | None:
    """The character that may separate the columns of a header read as one column."""
    counts = {c: header.strip().count(c) for c in _SEPARATORS if c != delimiter}
    best = max(counts, key=lambda c: counts[c])  # the first of equals: the more telling
    return best if counts[best] else None


def yaml_char(char: str) -> str:
    """A character as YAML reads it back: "\\t", "|"."""
    return json.dumps(char, ensure_ascii=False)


def _leading(lines: Sequence[str], prefix: str, delimiter: str | None) -> int:
    """How many lines at the top are comment lines; a line that goes on with the delimiter
    right after the prefix is not one, and one line at least is left for the header."""
    n = 0
    while (
        n < len(lines) - 1
        and lines[n].startswith(prefix)
        and not (delimiter and lines[n].startswith(prefix + delimiter))
    ):
        n += 1
    return n


def _quotes_cells(lines: Sequence[str], quote: str, delimiter: str) -> bool:
    """Whether `quote` plainly quotes cells: it stands in pairs on every line and encloses a
    whole cell somewhere (`'SD001','张三'`). CleverCSV proposes `'` from a sample where a few
    cells only start with one (`'`, `0'`); quoting on it then merges lines and loses rows."""
    if any(line.count(quote) % 2 for line in lines):
        return False
    enclosed = re.compile(
        f"(?:^|{re.escape(delimiter)}){re.escape(quote)}[^{re.escape(quote)}]*{re.escape(quote)}(?:{re.escape(delimiter)}|$)"
    )
    return any(enclosed.search(line) for line in lines)


def _readable(char: str) -> bool:
    """A character polars can split or quote on: one ASCII character."""
    return len(char) == 1 and char.isascii()


def _by_header_counts(header: str) -> str:
    """When the detector has no answer (a header and no rows): whichever of tab, semicolon and
    comma the header has most of, comma on a tie or when it has none."""
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _table_start(lines: Sequence[str], dialect: Dialect) -> int:
    """How many lines below the header row the sample's table starts, where the header row has
    fewer cells than most rows and a later row has as many (a title above the header); else 0."""
    quoting = csv.QUOTE_MINIMAL if dialect.quotechar else csv.QUOTE_NONE
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=dialect.delimiter, quotechar=dialect.quotechar or '"',
                        escapechar=dialect.escapechar, quoting=quoting, strict=False)  # fmt: skip
    starts, widths, line = [], [], 0
    for row in reader:  # blank rows left out: a blank line often follows a title
        if any(cell.strip() for cell in row):
            starts.append(line)
            widths.append(len(row))
        line = reader.line_num
    if len(widths) < 3:
        return 0
    usual = Counter(widths[1:]).most_common(1)[0][0]
    if widths[0] >= usual or usual < 2:
        return 0
    return next(start for start, width in zip(starts, widths, strict=True) if width == usual)
