"""A file input of a `foreach` job read once per run of the batch, not once per partition.

Each run (partition) of a foreach job reads only its rows of a table input, but a file's rows
are only found by reading all of it: sniffing, encoding detection and a transcoded UTF-8 copy
for a GBK csv, fastexcel for a workbook. So the first run that reads a file keeps its raw read
(`RawTable`: the positional frame with `_row` as parquet, the rest, with the file's sha256, as
JSON) in the staging run folder's `.read_cache/`, and every later run of the batch scans that
parquet with its own rows pushed down into the scan. The runs report what they reported when
each parsed the file: the same rows, counts, notes, blank rows, errors and input records; the
sha256 of the input record is the kept one, so the file is hashed once too (0.6 s a GB).

Measured on 2 shared cores: a job of 100 runs (validate_orders, `foreach: {by: branch, values:
[100 branches]}`) over samples/orders_gbk.csv's orders repeated to 300,000 rows (72 MB), 2,970
rows a run; the best of 2 runs, the load average before → after each:

| input | each run parses the file | parsed once |
|---|---|---|
| UTF-8 csv, 1 worker | 70.5 s (4.96 → 3.56) | 32.7 s (2.14 → 2.15) |
| GBK csv, 1 worker | 105.3 s (2.71 → 1.73) | 33.8 s (1.87 → 1.76) |
| xlsx, 50,000 of the rows | 64.1 s (1.81 → 1.52) | 22.5 s (1.52 → 2.10) |
| UTF-8 csv, 2 worker processes | 53.5 s (2.10 → 4.35) | 18.6 s (3.87 → 4.96) |

with the same tables, counts, log lines and input records. The reads alone (read_table and
collect of the 100 partitions in one process, load 1.1–1.8): 30.8 → 2.9 s (csv), 65.2 → 3.3 s
(GBK), 45.1 → 1.3 s (xlsx); the first run's read costs what it did (0.48 s: the pass that wrote
the parquet is the one that collected the rows before), each later one 24 ms (8 ms for the
workbook); the rest of a run is the job's own work. Preparing the reads in the scheduler before
the runs go out was the other way: it would parse in the process that hands out the work (the
other jobs' units wait meanwhile) and would have to know which file inputs each job kind reads;
here a read is kept when a run reads the file, and shared by every run of the batch that reads
it the same way, whichever job it belongs to.

An entry is keyed by the file's version (resolved path, device, inode, size, modification and
change time) and every option of its `TableSource` that changes the raw read, so a file
changed during the run is read again as it is now, as before, and an entry is only kept when
the file did not change while it was read. Runs go at once in worker processes (local or Dask,
on one machine and file system): the first takes an exclusive lock on the entry and reads, the
others wait on the lock (they would have spent the time parsing) and then read the entry. A
file that does not read keeps its one-line error, so every run fails with that line without
parsing the file again. The pipeline removes the folder before the run folder is swapped in.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import InputError
from toolkit.io.digest import file_sha256, known_sha256
from toolkit.io.encoding import discard_temporary
from toolkit.io.faults import writing
from toolkit.io.raw import RawTable
from toolkit.io.source import TableSource
from toolkit.io.state import exclusive

__all__ = ["READ_CACHE", "discard_read_cache", "read_once"]

READ_CACHE = ".read_cache"
"""The staging run folder's folder of kept raw reads (a job's name has no dot: never a job's folder)."""
_NOT_RAW = frozenset({"columns", "date_formats", "yearless_future_days"})
"""TableSource options applied after the raw read (column names, times): not in an entry's key."""
_COMPRESSION = "lz4"
"""300,000 orders of distinct values: written in 0.23 s, a partition's scan 30 ms, 59 MB; zstd
0.25 s, 46 ms, 35 MB; uncompressed 0.14 s, 20 ms, 109 MB (a 1 GB export would take 1.5 GB of
the staging folder's disk): lz4 for a scan per run at half the size."""


def read_once(path: Path, source: TableSource, folder: Path, read: Callable[[], RawTable]) -> RawTable:
    """The raw read of the file at `path` as `source` reads it: kept in `folder` by the first
    run that calls `read`, taken from there by the others."""
    try:
        version = path.stat()
    except OSError:
        return read()  # gone since it was found: the reader says so in its own words
    entry = _Entry(folder / _key(path, version, source))
    found = entry.load(path, version)  # without the lock: the facts are the last file written, by a rename
    if found is not None:
        return found
    with exclusive(entry.lock):
        return entry.load(path, version) or _kept(entry, path, version, read)


def discard_read_cache(run_dir: Path) -> None:
    """Remove the kept reads of a run folder being built (before it is swapped in)."""
    shutil.rmtree(run_dir / READ_CACHE, ignore_errors=True)


def _key(path: Path, version: os.stat_result, source: TableSource) -> str:
    """The entry's name: the file's version and the options of the raw read."""
    options = source.model_dump(mode="json", exclude=set(_NOT_RAW))
    text = json.dumps([str(path.resolve()), _stamp(version), options], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _stamp(version: os.stat_result) -> tuple[int, ...]:
    """A file's version: a file written again (or replaced, or touched) has another."""
    return version.st_dev, version.st_ino, version.st_size, version.st_mtime_ns, version.st_ctime_ns


def _unchanged(path: Path, version: os.stat_result) -> bool:
    """Whether the file is still the version it was when the read began."""
    try:
        return _stamp(path.stat()) == _stamp(version)
    except OSError:
        return False


def _kept(entry: _Entry, path: Path, version: os.stat_result, read: Callable[[], RawTable]) -> RawTable:
    """Read the file and keep its read (or its error) in `entry`; the read from the entry, or
    the read as it is where the file changed meanwhile (this run's alone, as before)."""
    try:
        raw = read()
    except InputError as error:
        if _unchanged(path, version):
            entry.keep_error(error)
        raise
    try:
        entry.write_frame(raw.frame)
        sha256 = file_sha256(path)  # hashed in the background since the read began
        if not _unchanged(path, version):
            entry.discard()
            return raw
        entry.keep(raw, sha256)
    except BaseException:
        entry.discard()
        if raw.temporary is not None:
            discard_temporary(raw.temporary)
        raise
    if raw.temporary is not None:
        discard_temporary(raw.temporary)  # the entry's parquet is read from now on
    known_sha256(path, version, sha256)  # for this run's input record
    return entry.raw(_facts(raw, sha256))


def _facts(raw: RawTable, sha256: str) -> dict[str, Any]:
    return {
        "headers": raw.headers,
        "rows": raw.rows,
        "format": raw.format,
        "encoding": raw.encoding,
        "encoding_confidence": raw.encoding_confidence,
        "sheet": raw.sheet,
        "blank_rows": raw.blank_rows,
        "notes": list(raw.notes),
        "sha256": sha256,
    }


@dataclass(frozen=True)
class _Entry:
    """One kept read: `<key>.parquet` (the frame), `<key>.json` (the rest, written last) and
    `<key>.lock`."""

    base: Path

    @property
    def table(self) -> Path:
        return self.base.with_suffix(".parquet")

    @property
    def facts(self) -> Path:
        return self.base.with_suffix(".json")

    @property
    def lock(self) -> Path:
        return self.base.with_suffix(".lock")

    def load(self, path: Path, version: os.stat_result) -> RawTable | None:
        """The kept read, None if there is none yet; a kept error is raised again."""
        try:
            facts = json.loads(self.facts.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        error = facts.get("error")
        if error is not None:
            raise InputError(
                error["message"], path=error["path"], line=error["line"], column=error["column"], key=error["key"]
            )
        known_sha256(path, version, facts["sha256"])
        return self.raw(facts)

    def raw(self, facts: dict[str, Any]) -> RawTable:
        return RawTable(
            frame=pl.scan_parquet(self.table, glob=False),
            headers=facts["headers"],
            rows=facts["rows"],
            format=facts["format"],
            encoding=facts["encoding"],
            encoding_confidence=facts["encoding_confidence"],
            sheet=facts["sheet"],
            blank_rows=facts["blank_rows"],
            notes=tuple(facts["notes"]),
        )

    def write_frame(self, frame: pl.LazyFrame) -> None:
        """The frame as parquet, streamed (not synced: the folder does not outlive the run)."""
        with writing(self.table):
            self._replace(self.table, lambda temporary: frame.sink_parquet(temporary, compression=_COMPRESSION))

    def keep(self, raw: RawTable, sha256: str) -> None:
        self._write_facts(_facts(raw, sha256))

    def keep_error(self, error: InputError) -> None:
        fields = {"message": error.message, "path": error.path, "line": error.line, "column": error.column}
        self._write_facts({"error": {**fields, "key": error.key}})

    def discard(self) -> None:
        for path in (self.facts, self.table):
            path.unlink(missing_ok=True)

    def _write_facts(self, facts: dict[str, Any]) -> None:
        text = json.dumps(facts, ensure_ascii=False)
        with writing(self.facts):
            self._replace(self.facts, lambda temporary: temporary.write_text(text, encoding="utf-8"))

    @staticmethod
    def _replace(target: Path, write: Callable[[Path], object]) -> None:
        """`write` to a temporary name beside `target`, then renamed onto it."""
        temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            write(temporary)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
