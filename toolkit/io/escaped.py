"""A file written with an escape character (`\\"`, `\\,`: MySQL's `SELECT … INTO OUTFILE`, some
PHP and Java exports) copied as the CSV polars reads, whose parser knows doubled quotes only.

The copy is made by the standard library's csv module in one streaming pass: fields that need
it are quoted with `"` and quotes in them doubled, the delimiter and line ends kept, so every
record starts on the line it started on in the original and row numbers stay exact. Such files
are rare and the pass is Python (read_table of 1,000,000 rows of 3 columns: 1.4 s, the copy
included), so only they pay for it.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from toolkit.io.dialect import Dialect
from toolkit.io.encoding import (
    TextFile,
    discard_temporary,
    line_chunks,
    remember_temporary,
    remove_temporary,
)


def unescaped(text: TextFile, dialect: Dialect) -> tuple[TextFile, Dialect]:
    """A temporary copy of `text` without escape characters, and the dialect to read it with
    (quote `"`, no escape). `text`'s own temporary copy, if any, is removed."""
    fd, name = tempfile.mkstemp(prefix="toolkit-", suffix=".unescaped.csv")
    target = Path(name)
    remember_temporary(target)  # removed with the other temporary copies (Table.close, or at exit)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            reader = csv.reader(
                _lines(text),
                delimiter=dialect.delimiter,
                quotechar=dialect.quotechar or '"',
                quoting=csv.QUOTE_MINIMAL if dialect.quotechar else csv.QUOTE_NONE,
                escapechar=dialect.escapechar,
                strict=False,
            )
            csv.writer(out, delimiter=dialect.delimiter, lineterminator=text.eol).writerows(reader)
    except BaseException:
        discard_temporary(target)
        raise
    remove_temporary(text)
    return replace(text, path=target, transcoded=True), replace(dialect, quotechar='"', escapechar=None)


def _lines(text: TextFile) -> Iterator[str]:
    """The lines of `text` with their line ends, as the csv module reads them."""
    for chunk in line_chunks(text):
        yield from io.StringIO(chunk, newline="")
