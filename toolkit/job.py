"""What every job kind shares: its config base, the context it runs in, and what it returns.

A job's `run(config, context)` reads its inputs through `context`, calls pure functions on
frames, writes its outputs through `context.output(...)`, and returns a `JobResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
from pydantic import BaseModel, ConfigDict

from toolkit.calendar import WorkCalendar
from toolkit.errors import InputError
from toolkit.io.digest import file_sha256
from toolkit.io import TableSource, write_parquet

OUTBOX = "outbox"  # the run folder's mail waiting to be sent, or kept after a failed send


class JobConfig(BaseModel):
    """Base of every job kind's config model; `kind` is the registry key."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    description: str | None = None


@dataclass(frozen=True)
class JobOutputRef:
    """`input: orders.valid` in YAML: the table `valid` written by the earlier job `orders`."""

    job: str
    table: str

    def __str__(self) -> str:
        return f"{self.job}.{self.table}"


@dataclass(frozen=True)
class JobFileRef:
    """`daily_report/daily_report.html` in YAML: a file written by the earlier job `daily_report`."""

    job: str
    path: str

    def __str__(self) -> str:
        return f"{self.job}/{self.path}"


def job_references(job: BaseModel) -> list[tuple[str, JobOutputRef | JobFileRef]]:
    """The earlier jobs' tables and files a job's config names, with the field naming each."""
    found = []
    for name, value in job:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, (JobOutputRef, JobFileRef)):
                found.append((name, item))
    return found


@dataclass
class InputRecord:
    path: str
    bytes: int
    sha256: str
    rows: int | None = None

    @classmethod
    def of(cls, path: Path, rows: int | None = None) -> InputRecord:
        return cls(path=str(path), bytes=path.stat().st_size, sha256=file_sha256(path), rows=rows)


@dataclass
class OutputRecord:
    path: str
    rows: int | None = None


@dataclass
class JobContext:
    """Everything a job may use from the batch around it."""

    job_name: str
    run_date: date
    as_of: datetime  # in the batch's time zone
    out_dir: Path
    state_dir: Path
    locale: str
    timezone: str
    calendar: WorkCalendar
    table_of: Callable[[JobOutputRef], Path]
    log: Callable[[str], None] = print
    smtp: Any = None  # the batch's SmtpConfig; None: mail is only written to the outbox

    def output(self, name: str) -> Path:
        """Path of an output file of this job (the writer makes it atomic)."""
        return self.out_dir / name

    def source(self, table: TableSource | JobOutputRef) -> TableSource:
        """How to read a job input: a file as configured, or an earlier job's parquet table."""
        return TableSource(path=self.table_of(table)) if isinstance(table, JobOutputRef) else table

    @property
    def outbox(self) -> Path:
        """The run folder's outbox (beside the jobs' folders): mail as .eml files."""
        return self.out_dir.parent / OUTBOX

    def file_of(self, ref: JobFileRef) -> Path:
        """A file an earlier job wrote in this run folder (or kept from an earlier run with --only)."""
        path = self.out_dir.parent / ref.job / ref.path
        if not path.is_file():
            folder = self.out_dir.parent / ref.job
            found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
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
            self.add_output(path, frame.height)
            self.tables[name] = path


@dataclass(frozen=True)
class JobKind:
    """A registered job kind: its config model, its run function and extra `toolkit check`s."""

    name: str
    model: type[JobConfig]
    run: Callable[[Any, JobContext], JobResult]
    check: Callable[[Any], list[str]] | None = None
