"""What every job kind shares: its config base, the context it runs in, and what it returns.

A job's `run(config, context)` reads its inputs through `context`, calls pure functions on
frames, writes its outputs through `context.output(...)`, and returns a `JobResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.config.models import JobConfig, SmtpConfig
from toolkit.config.references import JobFileRef, JobFolderRef, JobOutputRef, Key, job_references, located_references
from toolkit.errors import InputError
from toolkit.io import Table, TableSource, write_parquet
from toolkit.io.date_detect import unreadable_report
from toolkit.io.dates import TimeReading, UnreadableTimes
from toolkit.io.digest import file_sha256
from toolkit.pages import PageAbout
from toolkit.partition import Partition, partition_key
from toolkit.templating.environment import MessageTemplate

OUTBOX = "outbox"  # the run folder's mail waiting to be sent, or kept after a failed send
T = TypeVar("T")
Config = TypeVar("Config", bound=JobConfig)


@dataclass
class InputRecord:
    path: str
    bytes: int
    sha256: str
    rows: int | None = None
    encoding: str | None = None
    """A text table's encoding, as given or detected; None for other files."""
    encoding_confidence: float | None = None
    """How sure the detection is of `encoding` (0–1); None where `encoding:` gave it."""

    @classmethod
    def of(cls, path: Path, rows: int | None = None) -> InputRecord:
        return cls(path=str(path), bytes=path.stat().st_size, sha256=file_sha256(path), rows=rows)

    @classmethod
    def of_table(cls, table: Table, rows: int | None = None) -> InputRecord:
        """The record of an input table, with the encoding it was read in (`rows` if the job
        counts otherwise than the reader)."""
        record = cls.of(table.path, rows=table.rows if rows is None else rows)
        record.encoding, record.encoding_confidence = table.encoding, table.encoding_confidence
        return record


@dataclass
class OutputRecord:
    path: str
    rows: int | None = None


@dataclass
class JobContext:
    """Everything a job may use from the batch around it."""

    batch: str
    job_name: str
    run_date: date
    as_of: datetime  # in the batch's time zone
    out_dir: Path  # this job's folder in the run folder being built (the staging folder)
    state_dir: Path
    locale: str
    timezone: str
    calendar: WorkCalendar
    table_of: Callable[[JobOutputRef], Path]
    log: Callable[[str], None] = print
    smtp: SmtpConfig | None = None  # None: mail is only written to the outbox
    final_run_dir: Path | None = None
    """Where the run folder will be once the run is swapped into place; None: where it is built."""
    partition: Partition | None = None
    """One value of the job's `foreach:`; `out_dir` is then `<job>/<by>=<value>/`."""
    read_cache: Path | None = None
    """A `foreach` run's: where its file inputs are parsed once for all the runs of the batch
    (toolkit.io.raw_cache); None: each read parses its file."""

    @property
    def run_dir(self) -> Path:
        """The run folder being built: the jobs' folders, the outbox, the manifest."""
        return self.out_dir.parent if self.partition is None else self.out_dir.parent.parent

    @property
    def unit_name(self) -> str:
        """`daily_report`, or `daily_report/branch=杭州` for one partition of it."""
        return self.job_name if self.partition is None else f"{self.job_name}/{self.partition.folder}"

    def about(self, *inputs: Path | str) -> PageAbout:
        """What a page of this job is about (batch, run date, as-of, the input files by name)."""
        names = tuple(Path(i).name for i in inputs)
        title = f"{self.batch} · {self.job_name}" + (f" · {self.partition.value}" if self.partition else "")
        return PageAbout(batch=title, run_date=self.run_date, as_of=self.as_of, inputs=names)

    def job_folder(self, job: str) -> Path:
        """An earlier job's folder; its partition of the same value where it ran per value too
        (the branch's report for the branch's mail)."""
        folder = self.run_dir / job
        if self.partition is not None and (folder / self.partition.folder).is_dir():
            return folder / self.partition.folder
        return folder

    def final_path(self, path: Path) -> Path:
        """Where `path`, written in the run folder being built, is once the run is swapped in."""
        return path if self.final_run_dir is None else self.final_run_dir / path.relative_to(self.run_dir)

    def times(self, source: TableSource, time_fields: Iterable[str]) -> TimeReading:
        """How to read an input's time fields (see `TableSource.times`), as of this run."""
        return source.times(time_fields, self.timezone, self.as_of)

    def note_unreadable(
        self, job: JobResult, found: Sequence[UnreadableTimes], table: Table, times: TimeReading
    ) -> None:
        """Count `unreadable_<field>` in the job's counts and say in the log what was not read."""
        counts, lines = unreadable_report(found, table.headers, times)
        for name, count in counts.items():  # summed: several inputs may carry the same field
            job.counts[name] = job.counts.get(name, 0) + count
        for line in lines:
            self.log(f"warning: {table.path.name}: {line}")

    def note_read(self, job: JobResult, table: Table) -> None:
        """Add the blank rows the reader skipped to the job's `blank_rows_skipped` (over all its
        inputs) and say in the log what the reader made of the file: its notes (a doubled header
        renamed, a file read by its content rather than its name, an encoding guessed with low
        confidence), the encoding detected where it is not UTF-8, and the blank rows."""
        job.counts["blank_rows_skipped"] = job.counts.get("blank_rows_skipped", 0) + table.blank_rows
        if table.outside_partition and self.partition is not None:
            job.counts["rows_outside_partitions"] = table.outside_partition
            self.log(
                f"warning: {table.path.name}: {table.outside_partition:,} rows have a {self.partition.by} "
                "that is none of foreach's values (or none at all): they are in no partition"
            )
        if table.encoding_confidence is not None and table.encoding not in (None, "utf-8", "utf-8-sig"):
            self.log(
                f"{table.path.name}: encoding {table.encoding} (detected, confidence {table.encoding_confidence:.2f})"
            )
        for note in table.notes:
            self.log(f"warning: {table.path.name}: {note}")
        if table.blank_rows:
            self.log(f"{table.path.name}: {table.blank_rows:,} blank rows skipped")

    def output(self, name: str) -> Path:
        """Path of an output file of this job (the writer makes it atomic)."""
        return self.out_dir / name

    def source(self, table: TableSource | JobOutputRef) -> TableSource:
        """How to read a job input: a file as configured, or an earlier job's parquet table."""
        source = TableSource.of_earlier_job(self.table_of(table)) if isinstance(table, JobOutputRef) else table
        return source if self.partition is None else source.for_partition(self.partition, self.read_cache)

    def table_path(self, ref: JobOutputRef) -> Path:
        """An earlier job's parquet table as this run reads it: the whole table, or this
        partition's rows of it (written once into the partition's folder, `_inputs/`), for a
        reader such as a notebook that opens the file itself."""
        path = self.table_of(ref)
        partition = self.partition
        if (
            partition is None
            or partition.by not in pl.read_parquet_schema(path)
            or self.job_folder(ref.job) != (self.run_dir / ref.job)
        ):
            return path  # not split, no column to split by, or already the partition's own table
        mine = self.out_dir / "_inputs" / f"{ref.job}.{ref.table}.parquet"
        if not mine.is_file():
            rows = pl.scan_parquet(path).filter(partition_key(pl.col(partition.by)) == partition.value)
            write_parquet(rows, mine)
        return mine

    @property
    def outbox(self) -> Path:
        """The run folder's outbox (beside the jobs' folders): mail as .eml files."""
        return self.run_dir / OUTBOX

    def file_of(self, ref: JobFileRef) -> Path:
        """A file an earlier job wrote in this run folder (or kept from an earlier run with --only)."""
        path = self.job_folder(ref.job) / ref.path
        if not path.is_file():
            folder = self.job_folder(ref.job)
            found = (
                sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
            )
            raise InputError(f"job {ref.job!r} wrote no file {ref.path!r} (it wrote: {', '.join(found) or 'nothing'})")
        return path


@dataclass
class JobResult:
    """What a job did: counts for the summary, files for the manifest, tables for later jobs."""

    counts: dict[str, int] = field(default_factory=dict)
    inputs: list[InputRecord] = field(default_factory=list)
    outputs: list[OutputRecord] = field(default_factory=list)
    tables: dict[str, Path] = field(default_factory=dict)
    failure: str | None = None
    result: Any = None  # the job's rich result object, for notebooks and `tk.run`

    @property
    def ok(self) -> bool:
        return self.failure is None

    def add_output(self, path: Path, rows: int | None = None) -> None:
        self.outputs.append(OutputRecord(str(path), rows))

    def publish(self, context: JobContext, tables: dict[str, pl.DataFrame]) -> None:
        """Write `<name>.parquet` for each table: outputs for the manifest, inputs for later jobs."""
        for name, frame in tables.items():
            path = context.output(f"{name}.parquet")
            write_parquet(frame, path)
            self.add_table(name, path, frame.height)

    def add_table(self, name: str, path: Path, rows: int) -> None:
        """A table the job wrote itself (streamed to `path`): an output for the manifest and the
        table `name` for later jobs, as `publish` records the tables it writes."""
        self.add_output(path, rows)
        self.tables[name] = path


class TemplateFiles(Protocol):
    """A template as `toolkit check` sees it: each file it is made of, with the names that file
    is rendered with (a letter's layout sees other names than the letter)."""

    def scopes(self, columns: Iterable[str]) -> list[tuple[MessageTemplate, list[str]]]: ...


class JobCheck(Protocol):
    """What a job kind's `check(config, preflight)` uses to open what its run will open, without
    running it (`toolkit.preflight` implements it). Each call reports its problems at the key
    of the job's config it is given and carries on; what could not be opened comes back None,
    and a None passed on (columns nobody could read) checks nothing."""

    locale: str
    foreach: tuple[str, ...] | None
    """With `foreach:`, what a run's templates get besides the job's own values: the foreach
    table's columns and `by`; None without it (or where the table could not be opened)."""

    def table(
        self,
        key: Key,
        source: TableSource | JobOutputRef,
        aliases: Mapping[str, Sequence[str]],
        required: Iterable[str] = (),
        time_fields: Iterable[str] = (),
    ) -> tuple[str, ...] | None:
        """A table input opened as the run reads it (a file, or an earlier job's table): the
        columns the job will see. A sample of each of `time_fields` is read with the input's
        `date_formats:`; a column that mostly does not read is a problem."""
        ...

    def published(self, table: str) -> tuple[str, ...] | None:
        """The columns this job's `table` will have: as declared, plus the input columns it
        passes through."""
        ...

    def settings(self, key: Key, load: Callable[[], T]) -> T | None:
        """A rules, SLA or preset file loaded; a mistake inside it is reported at its own line."""
        ...

    def opens(self, key: Key, load: Callable[[], T]) -> T | None:
        """Anything else a job opens: a template, a notebook, a kernel."""
        ...

    def variables(self, key: Key, template: TemplateFiles | None, columns: Iterable[str] | None) -> None:
        """Every name the template uses is one of `columns`."""
        ...

    def column(self, key: Key, name: str, columns: Iterable[str] | None) -> None:
        """A column the config names (a `where:` column, a recipient's phone) is one of `columns`."""
        ...


@dataclass(frozen=True)
class JobKind(Generic[Config]):
    """A registered job kind: its config model, its run function, what `toolkit check` opens for
    it, and the tables it publishes for later jobs (`input: orders.valid`), each with the columns
    it always has. `passes_through` names the published tables that also keep every other column
    of one of the job's table inputs: {table: the config field of that input}."""

    name: str
    model: type[Config]
    run: Callable[[Config, JobContext], JobResult]
    check: Callable[[Config, JobCheck], None] | None = None
    publishes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    passes_through: Mapping[str, str] = field(default_factory=dict)


__all__ = [
    "OUTBOX",
    "InputRecord",
    "JobCheck",
    "JobConfig",
    "JobContext",
    "JobFileRef",
    "JobFolderRef",
    "JobKind",
    "JobOutputRef",
    "JobResult",
    "Key",
    "OutputRecord",
    "TemplateFiles",
    "job_references",
    "located_references",
]
