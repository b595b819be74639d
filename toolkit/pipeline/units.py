"""One unit of a batch's work: one job, or one partition of a `foreach` job, run in its own folder
of the staging run folder. `run_unit` is what every executor runs, in this process, in a local
worker process or on a Dask worker: the same function, so the outputs are the same wherever it
ran. A unit writes only inside its own folder (and the outbox, for mail); the manifest and the
swap into place stay the pipeline's."""

from __future__ import annotations

import os
import shutil
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from toolkit.config import LoadedConfig
from toolkit.errors import ExitCode, InputError, OutputError, ToolkitError
from toolkit.io.faults import disk_full, writing
from toolkit.io.raw_cache import READ_CACHE
from toolkit.job import JobContext, JobOutputRef, JobResult
from toolkit.partition import Partition
from toolkit.pipeline.record import JobRecord
from toolkit.registry import JOB_KINDS


@dataclass(frozen=True)
class WorkUnit:
    """What a worker needs to run one job or one partition of it: the upstream jobs' records (their
    tables, by path in the staging folder) travel with it, their rich results do not."""

    job: str
    partition: Partition | None
    run_date: date
    as_of: datetime
    staging: Path
    final: Path
    upstream: dict[str, JobRecord] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.job if self.partition is None else f"{self.job}/{self.partition.folder}"

    @property
    def out_dir(self) -> Path:
        folder = self.staging / self.job
        return folder if self.partition is None else folder / self.partition.folder

    @property
    def read_cache(self) -> Path | None:
        """A partition's: where the file inputs of the batch's partitions are read once (the
        staging folder's, removed before the swap); None for a whole job, which reads as it is."""
        return None if self.partition is None else self.staging / READ_CACHE


@dataclass(eq=False)  # hashed by identity: the in-process executor's handle
class UnitOutcome:
    """A unit's record, what it logged (replayed by the pipeline where it ran elsewhere), and the
    one line of an output error (a full disk), which stops the whole batch."""

    unit: WorkUnit
    record: JobRecord
    logs: list[str] = field(default_factory=list)
    output_error: str | None = None


def run_unit(loaded: LoadedConfig, unit: WorkUnit, log: Callable[[str], None] | None = None) -> UnitOutcome:
    """Run the unit; never raises for the job's own failures (they are its record's status).
    With `log`, lines go there as they come (this process); without, they are kept in the
    outcome, and an output error too, for the pipeline to raise where the batch runs."""
    logs: list[str] = []
    say = log if log is not None else logs.append
    record = JobRecord(name=unit.job, kind=loaded.model.jobs[unit.job].kind)
    outcome = UnitOutcome(unit, record, logs)
    try:
        _run(loaded, unit, record, say)
    except OutputError as error:
        if log is not None:
            raise
        outcome.output_error = error.one_line()
    if log is None:  # the frames of a million-order result would travel back for nothing: its tables are files
        record.result = None
    return outcome


def _table_of(unit: WorkUnit, loaded: LoadedConfig) -> Callable[[JobOutputRef], Path]:
    def table_of(ref: JobOutputRef) -> Path:
        record = unit.upstream[ref.job]
        tables = record.tables
        if record.partitions:
            mine = record.partitions.get(unit.partition.value) if unit.partition is not None else None
            if mine is None:
                raise InputError(
                    f"job {ref.job!r} ran once per {next(iter(record.partitions.values())).partition_by}: "
                    f"{ref} is a table of each run, and this run is not one of them",
                    path=loaded.display,
                )
            tables = mine.tables
        path = tables.get(ref.table)
        if path is None:
            known = ", ".join(tables) or "none"
            raise InputError(f"job {ref.job!r} has no table {ref.table!r} (it has: {known})", path=loaded.display)
        return unit.staging / path

    return table_of


def _run(loaded: LoadedConfig, unit: WorkUnit, record: JobRecord, log: Callable[[str], None]) -> None:
    config, job = loaded.model, loaded.model.jobs[unit.job]
    record.started_at = datetime.now(unit.as_of.tzinfo).isoformat(timespec="seconds")
    record.worker = f"{socket.gethostname()}:{os.getpid()}"
    if unit.partition is not None:
        record.partition_by, record.partition = unit.partition.by, unit.partition.value
    out_dir = unit.out_dir
    with writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    context = JobContext(
        batch=config.batch,
        job_name=unit.job,
        run_date=unit.run_date,
        as_of=unit.as_of,
        out_dir=out_dir,
        state_dir=config.state,
        locale=config.locale,
        timezone=config.timezone,
        calendar=config.work_calendar(),
        table_of=_table_of(unit, loaded),
        log=lambda message: log(f"{unit.name}: {message}"),
        smtp=config.smtp,
        final_run_dir=unit.final,
        partition=unit.partition,
        read_cache=unit.read_cache,
    )
    started = time.perf_counter()
    try:
        result: JobResult = JOB_KINDS[job.kind].run(job, context)
    except OutputError:
        raise
    except ToolkitError as error:
        record.status = "error" if error.exit_code == ExitCode.BAD_INPUT else "failed"
        record.error = error.one_line()
        shutil.rmtree(out_dir, ignore_errors=True)
    except Exception as error:  # a bug or an unexpected library error: one line, details in the log
        full = disk_full(error, out_dir)
        if full is not None:
            raise full from None
        record.status = "failed"
        record.error = f"{type(error).__name__}: {error}"
        log("".join(traceback.format_exception(error)))
    else:
        record.status = "done" if result.ok else "failed"
        record.error = result.failure
        record.counts = result.counts
        record.inputs = [asdict(i) for i in result.inputs]
        record.outputs = [{"path": _relative(o.path, unit.staging), "rows": o.rows} for o in result.outputs]
        record.tables = {k: _relative(str(v), unit.staging) for k, v in result.tables.items()}
        record.result = result.result
    record.duration_s = round(time.perf_counter() - started, 3)
    if record.error is not None:  # it goes into manifest.json and the failure mail: no `${VAR}` value in it
        record.error = loaded.document.secrets.hide(record.error)


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def travelling(record: JobRecord) -> JobRecord:
    """A record as it goes to another process: without the rich result (frames, notebooks)."""
    return replace(
        record, result=None, partitions={value: travelling(part) for value, part in record.partitions.items()}
    )


def unit_failed(unit: WorkUnit, kind: str, status: str, error: str, as_of: datetime) -> JobRecord:
    """The record of a unit that never ran (a partition whose input partition failed)."""
    record = JobRecord(name=unit.job, kind=kind, status=status, error=error)
    record.started_at = datetime.now(as_of.tzinfo).isoformat(timespec="seconds")
    if unit.partition is not None:
        record.partition_by, record.partition = unit.partition.by, unit.partition.value
    return record


__all__ = ["UnitOutcome", "WorkUnit", "run_unit", "travelling", "unit_failed"]
