"""CSV and TSV files: every column read as text, rows numbered as the user sees them.

`_row` is the line number in the file. A record is one line unless a quoted field holds a line
break; a cheap check (records read == lines after the header) tells the two cases apart, and
only files with such fields pay for a second pass that finds the line each record starts on
(by counting quote characters per line with polars). Should that pass ever disagree with the
CSV parser, `_row` falls back to header_row + 1 + the record's position, which is exact for
every record before the first multi-line one.

How the lines split into cells (delimiter, quote, escape, comment lines) is the input's, or
detected from the first lines (`toolkit.io.dialect`).
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.fields import ROW
from toolkit.io.dialect import (
    SAMPLE_CHARS,
    SAMPLE_LINES,
    Dialect,
    detect_dialect,
    likely_separator,
    yaml_char,
)
from toolkit.io.encoding import (
    TextFile,
    line_chunks,
    open_text,
    remove_temporary,
    utf8_by_its_head,
)
from toolkit.io.escaped import unescaped
from toolkit.io.raw import RawTable, not_blank, positional
from toolkit.io.source import TableSource


def read_delimited(path: Path, source: TableSource) -> RawTable:
    """Read a .csv/.tsv/.txt file as a RawTable (the caller removes `temporary`).

    A file that is UTF-8 by its first chunk is surveyed as it is, and polars' parser checks
    the UTF-8 of the rest; any problem and the file is read again the careful way
    (`open_text`), whose error names the line and byte, or which transcodes a GB18030 file."""
    fast = _utf8_unchecked(path, source.encoding)
    if fast is not None:
        with suppress(Exception):  # the careful path below raises the error worth showing
            return _read(path, fast, source)
    text = open_text(path, source.encoding)
    try:
        return _read(path, text, source)
    except BaseException:
        remove_temporary(text)
        raise


def _read(path: Path, text: TextFile, source: TableSource) -> RawTable:
    if text.lines < source.header_row:
        raise InputError(f"no header at row {source.header_row}: the file has {text.lines} lines", path=path)
    dialect = detect_dialect(_sample(text, source.header_row), source, tsv=path.suffix.lower() == ".tsv")
    header_row = source.header_row + dialect.comment_lines
    if dialect.escapechar:
        text, dialect = unescaped(text, dialect)
        try:
            return _parsed(path, text, dialect, header_row, source)
        except BaseException:
            remove_temporary(text)
            raise
    return _parsed(path, text, dialect, header_row, source)


def _parsed(path: Path, text: TextFile, dialect: Dialect, header_row: int, source: TableSource) -> RawTable:
    try:
        headers, records, rows, filled = _survey(path, text, dialect, header_row)
    except _Malformed:
        if source.quotechar or _uses_quoting(text, dialect, header_row):
            raise InputError(
                f"a quote character ({dialect.quotechar}) opens a quoted field that never closes; check the quotes in the file",
                path=path,
            ) from None
        # Quotes are only inch marks and the like (`32" TV`): read them as plain characters.
        dialect = replace(dialect, quotechar=None)
        headers, records, rows, filled = _survey(path, text, dialect, header_row)

    body = _body(text, dialect, header_row, len(headers))
    frame = _numbered(body, text, dialect, header_row, records)
    keep = [i for i, h in enumerate(headers) if (h or "").strip() or filled.get(i, True)]
    columns = [positional(i) for i in keep]
    if rows < records:  # the survey counted blank rows: leave them out (a regex per cell, so only then)
        frame = frame.filter(not_blank(columns))
    frame = frame.select(ROW, *columns)
    frame = frame.rename({positional(i): positional(n) for n, i in enumerate(keep)})
    return RawTable(
        frame=frame,
        headers=[headers[i] for i in keep],
        rows=rows,
        format="tsv" if dialect.delimiter == "\t" else "csv",
        encoding=text.encoding,
        encoding_confidence=text.confidence,
        temporary=text.path if text.transcoded else None,
        blank_rows=records - rows,
        notes=(
            *text.notes,
            *(note for note in (dialect.note, _one_column(text, dialect, header_row, len(keep))) if note),
        ),
    )


def _one_column(text: TextFile, dialect: Dialect, header_row: int, columns: int) -> str | None:
    """A warning for a table read as one column whose header holds a likely separator."""
    separator = likely_separator(_header_line(text, header_row), dialect.delimiter) if columns == 1 else None
    if separator is None:
        return None
    return (f"read as one column, but its header has {yaml_char(separator)} in it: if that separates "
            f"the columns, set delimiter: {yaml_char(separator)} in the input")  # fmt: skip


def _sample(text: TextFile, header_row: int) -> list[str]:
    """The lines from `header_row` on that dialect detection looks at (see toolkit.io.dialect)."""
    for chunk in line_chunks(text):
        lines = chunk.lstrip("\ufeff").split(text.eol, header_row - 1 + SAMPLE_LINES)[header_row - 1 :]
        sample, size = [], 0
        for line in lines[:SAMPLE_LINES]:
            size += len(line) + 1
            if size > SAMPLE_CHARS and sample:
                break
            sample.append(line)
        return sample[:-1] if sample and not sample[-1] else sample  # the piece after the last line end
    return []


def _utf8_unchecked(path: Path, encoding: str | None) -> TextFile | None:
    """The file as it is when its head is UTF-8; lines counted by polars (quotes ignored,
    so physical lines, as `open_text` counts them). None for a CR-only file with a CRLF in it,
    which `open_text` copies with one kind of line end."""
    found = utf8_by_its_head(path, encoding)
    if found is None:
        return None
    codec, eol = found
    confidence = None if encoding else 1.0  # given, or UTF-8 by its head (polars checks the rest)
    lines = pl.scan_csv(
        path, has_header=False, quote_char=None, infer_schema=False, eol_char=eol, encoding="utf8-lossy", glob=False
    )
    if eol == "\r":
        count, crlf = lines.select(pl.len(), pl.nth(0).str.starts_with("\n").any()).collect().row(0)
        return None if crlf else TextFile(path, codec, False, eol, int(count), confidence)
    return TextFile(path, codec, False, eol, int(lines.select(pl.len()).collect().item()), confidence)


class _Malformed(Exception):
    """The CSV parser found a quote that never closes."""


def _scan(text: TextFile, dialect: Dialect, header_row: int) -> pl.LazyFrame:
    return pl.scan_csv(
        text.path,
        has_header=False,
        separator=dialect.delimiter,
        quote_char=dialect.quotechar,
        comment_prefix=dialect.comment,
        skip_lines=header_row - 1,
        infer_schema=False,
        eol_char=text.eol,
        encoding="utf8",
        glob=False,  # a file name is literal: `订单[11月].csv` is not a pattern
    )


def _body(text: TextFile, dialect: Dialect, header_row: int, width: int) -> pl.LazyFrame:
    """The records below the header: `_row` = header_row + 1 + position, then c0, c1, ….

    The header record is dropped by a filter on the row index, not by `slice(1)`: polars 2.1
    pushes a slice into the CSV reader, which then returns no rows at all for a malformed
    file instead of raising.
    """
    scan = _scan(text, dialect, header_row).with_row_index(ROW, offset=header_row)
    return scan.filter(pl.col(ROW) > header_row).select(
        pl.col(ROW).cast(pl.Int64), *(pl.nth(i + 1).alias(positional(i)) for i in range(width))
    )


def _survey(
    path: Path, text: TextFile, dialect: Dialect, header_row: int
) -> tuple[list[str | None], int, int, dict[int, bool]]:
    """Read the header and make one full pass over the data, so that every parse error
    surfaces here, at the boundary, and not later when a job collects the frame.

    Returns the headers, the number of records below the header, the number of data (not
    blank) rows, and for each column without a header whether it holds anything.
    """
    headers = _read_header(text, dialect, header_row)
    if not any((h or "").strip() for h in headers):
        raise InputError("the header row is blank; is header_row right?", path=path, line=header_row)
    columns = [positional(i) for i in range(len(headers))]
    nameless = [c for c, h in zip(columns, headers, strict=True) if not (h or "").strip()]
    try:
        # pl.len() alone takes a fast path that counts lines without parsing them. A row is not
        # blank when its first cell is not; only the other rows (few) are tested cell by cell,
        # in a second plan over the same scan (collected together: the file is parsed once).
        body = _body(text, dialect, header_row, len(headers))
        first = not_blank(columns[:1])
        summary, rest = pl.collect_all(
            [
                body.select(
                    pl.col(ROW).len().alias("records"),
                    first.sum().alias("rows"),
                    *(pl.col(c).is_not_null().any().alias(c) for c in nameless),
                ),
                body.filter(~first).select(not_blank(columns[1:]).sum().alias("rows")),
            ]
        )
        summary = summary.with_columns(pl.col("rows") + rest["rows"].item())
    except pl.exceptions.ComputeError as error:
        message = str(error)
        if "more fields than defined" in message:
            raise _too_many_fields(path, text, dialect, header_row, len(headers)) from None
        if any(word in message.lower() for word in ("malformed", "escaped", "quote")):
            raise _Malformed from None
        raise InputError(f"cannot read as CSV: {message.splitlines()[0]}", path=path) from None
    except pl.exceptions.PolarsError as error:
        raise InputError(f"cannot read as CSV: {str(error).splitlines()[0]}", path=path) from None
    filled = {columns.index(c): bool(summary[c].item()) for c in nameless}
    return headers, int(summary["records"].item()), int(summary["rows"].item()), filled


def _read_header(text: TextFile, dialect: Dialect, header_row: int) -> list[str | None]:
    """The header fields, parsed from the header line alone: the scan of the whole file
    would fail on a row with more fields before telling how many the header has."""
    line = _header_line(text, header_row)
    try:
        header = pl.read_csv(
            line.encode("utf-8"),
            has_header=False,
            separator=dialect.delimiter,
            quote_char=dialect.quotechar,
            infer_schema=False,
        )
    except pl.exceptions.PolarsError:  # e.g. a quoted header cell with a line break in it
        header = _scan(text, dialect, header_row).head(1).collect()
    return list(header.row(0)) if header.height else []


def _numbered(body: pl.LazyFrame, text: TextFile, dialect: Dialect, header_row: int, records: int) -> pl.LazyFrame:
    """Prepend `_row`: the line each record starts on."""
    if records == text.lines - header_row:  # one line per record: no quoted line breaks
        return body
    starts = _record_starts(text, dialect, header_row)
    if starts.len() != records:
        return body
    return pl.concat([starts.to_frame(ROW).lazy(), body.drop(ROW)], how="horizontal")


def _line_stats(text: TextFile, dialect: Dialect, **measures: pl.Expr) -> pl.DataFrame:
    """Per physical line: its number, how many quote characters and delimiters it has, whether
    a field on it starts with a quote and whether it is a comment line; and any other
    `measures` of `pl.col("line")`."""
    parts = []
    for chunk in line_chunks(text):
        lines = pl.Series("line", [chunk]).str.split(text.eol).explode()
        if chunk.endswith(text.eol):
            lines = lines.head(-1)  # the empty piece after the chunk's last line end
        parts.append(_measured(lines, dialect, measures))
    stats = pl.concat(parts) if parts else _measured(pl.Series("line", [], pl.String), dialect, measures)
    return stats.with_row_index("line", offset=1).with_columns(pl.col("line").cast(pl.Int64))


def _measured(lines: pl.Series, dialect: Dialect, measures: dict[str, pl.Expr]) -> pl.DataFrame:
    line, quote, delimiter = pl.col("line"), dialect.quotechar, dialect.delimiter
    return lines.to_frame().select(
        quotes=line.str.count_matches(quote, literal=True) if quote else pl.lit(0, pl.UInt32),
        fields=line.str.count_matches(delimiter, literal=True) + 1,
        starts_quoted=line.str.contains(f"(?:^|{re.escape(delimiter)}){re.escape(quote)}") if quote else pl.lit(False),
        comment=line.str.starts_with(dialect.comment) if dialect.comment else pl.lit(False),
        **measures,
    )


def _record_starts(text: TextFile, dialect: Dialect, header_row: int) -> pl.Series:
    """The line each data record starts on: a line starts a record when the quote characters
    before it, from the header on, are even (a doubled quote inside a field counts two), and
    it is not a comment line."""
    stats = _line_stats(text, dialect).filter(pl.col("line") >= header_row)
    quotes_before = pl.col("quotes").cum_sum().shift(1, fill_value=0)
    starts = stats.filter((quotes_before % 2 == 0) & ~pl.col("comment"))["line"]
    return starts.slice(1).rename(ROW)  # the first is the header


def _too_many_fields(path: Path, text: TextFile, dialect: Dialect, header_row: int, width: int) -> InputError:
    """The first record with more fields than the header, on the line it starts on; and the row
    the table seems to start on, where that is further down (a title above the header)."""
    records = _record_fields(text, dialect, header_row)
    wide = records.filter((pl.col("line") > header_row) & (pl.col("fields") > width)).head(1)
    row = dialect.header_hint
    hint = f"; or is the header on row {row} (header_row: {row})?" if row else ""
    if not wide.height:  # the parser and this count disagree; no row to name
        return InputError(f"a row has more fields than the header ({width}){hint}", path=path)
    return InputError(
        f"{wide['fields'].item()} fields, but the header has {width}; check for an unquoted {dialect.delimiter!r} in a value{hint}",
        path=path,
        line=wide["line"].item(),
    )


def _record_fields(text: TextFile, dialect: Dialect, header_row: int) -> pl.DataFrame:
    """Per record from the header on: the line it starts on and its fields, as the CSV parser
    counts them. A delimiter inside a quoted field does not count; a record goes on over the
    lines its quoted fields span (a line starts inside a quoted field after an odd number of
    quote characters)."""
    quote = dialect.quotechar
    if quote is None:  # quotes are plain characters: a record is a line
        return _line_stats(text, dialect).filter(~pl.col("comment")).select("line", "fields")
    inside = pl.col("quotes").cum_sum().shift(1, fill_value=0) % 2 == 1
    stats = _line_stats(
        text,
        dialect,
        bare=_bare_delimiters(pl.col("line"), dialect.delimiter, quote),
        bare_inside=_bare_delimiters(pl.lit(quote) + pl.col("line"), dialect.delimiter, quote),
    ).filter((pl.col("line") >= header_row) & ~pl.col("comment"))
    return (
        stats.with_columns(inside=inside)
        .with_columns(
            record=(~pl.col("inside")).cum_sum(), delimiters=pl.when("inside").then("bare_inside").otherwise("bare")
        )
        .group_by("record", maintain_order=True)
        .agg(pl.col("line").first(), fields=pl.col("delimiters").sum() + 1)
        .select("line", "fields")
    )


def _bare_delimiters(line: pl.Expr, delimiter: str, quote: str) -> pl.Expr:
    """Delimiters outside quoted fields: each quoted stretch (`"…"`, or `"…` to the end of the
    line) taken out first; a doubled quote inside a field is two stretches, which is the same."""
    q = re.escape(quote)
    return line.str.replace_all(f"{q}[^{q}]*(?:{q}|$)", "").str.count_matches(delimiter, literal=True)


def _uses_quoting(text: TextFile, dialect: Dialect, header_row: int) -> bool:
    stats = _line_stats(text, dialect).filter(pl.col("line") >= header_row)
    return bool(stats["starts_quoted"].any())


def _header_line(text: TextFile, header_row: int) -> str:
    """The header line (if it is in the first chunk, a few MB; else "")."""
    for chunk in line_chunks(text):
        lines = chunk.split(text.eol, header_row)
        return lines[header_row - 1] if len(lines) >= header_row else ""
    return ""
