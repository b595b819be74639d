"""What runs when: each job as soon as the jobs it reads have finished (`orders` beside `overdue`,
the report after both), a `foreach` job as one unit per value, as many units at once as the
executor takes. With one worker this is the batch's order, one job after another.

A job whose input did not finish is skipped; one run of a `foreach` job whose own input run
(the same branch's report, for its mail) did not finish is skipped alone, the others go on.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from toolkit.config import LoadedConfig
from toolkit.errors import InputError, OutputError, ToolkitError
from toolkit.job import JobOutputRef, job_references
from toolkit.partition import Partition
from toolkit.pipeline.executors import Executor
from toolkit.pipeline.partitions import job_record, partitions_of
from toolkit.pipeline.record import JobRecord
from toolkit.pipeline.units import UnitOutcome, WorkUnit, travelling, unit_failed

FINISHED = ("done", "kept")


class Reporter(Protocol):
    def job_started(self, name: str, kind: str) -> None: ...
    def job_finished(self, record: JobRecord) -> None: ...
    def log(self, message: str) -> None: ...


@dataclass(frozen=True)
class RunPlace:
    """Where and as of when the units of one batch run."""

    run_date: date
    as_of: datetime
    staging: Path
    final: Path


@dataclass
class _Started:
    """A job whose units are out: its runs so far, and how many it has in all."""

    name: str
    kind: str
    order: list[str]  # the partition values, in the foreach table's order
    runs: dict[str, JobRecord] = field(default_factory=dict)


def reads(job: Any) -> list[str]:
    """The jobs whose outputs `job` reads (its input, its foreach table, its report, ...)."""
    return list(dict.fromkeys(ref.job for _, ref in job_references(job)))


def run_jobs(
    loaded: LoadedConfig,
    plan: list[str],
    records: dict[str, JobRecord],
    executor: Executor,
    place: RunPlace,
    reporter: Reporter,
    rerun: dict[str, tuple[JobRecord, list[str]]] | None = None,
) -> None:
    """Run the jobs of `plan`, adding each one's record to `records` as it finishes. `rerun`
    names a `foreach` job's values to run again, with its earlier record (`--partition`)."""
    jobs, rerun = loaded.model.jobs, rerun or {}
    waiting = list(plan)
    started: dict[str, _Started] = {}
    queue: deque[WorkUnit] = deque()
    running: dict[Any, WorkUnit] = {}

    def finish(record: JobRecord) -> None:
        records[record.name] = record
        started.pop(record.name, None)
        reporter.job_finished(record)

    while waiting or queue or running:
        for name in list(waiting):
            if len(queue) + len(running) >= executor.capacity:
                break  # a job is started when there is room for it: its start line is when it runs
            if any(d in waiting or d in started for d in reads(jobs[name])):
                continue
            waiting.remove(name)
            reporter.job_started(name, jobs[name].kind)
            units, done = _units(loaded, name, records, place, rerun.get(name))
            if not units:
                finish(done if done is not None else job_record(name, jobs[name].kind, []))
                continue
            first = units[0].partition
            state = started[name] = _Started(name, jobs[name].kind, list(first.values) if first else [])
            if done is not None:
                state.runs.update(done.partitions)
            queue.extend(unit for unit in units if unit.partition is None or unit.partition.value not in state.runs)
            if state.order and len(state.runs) == len(state.order):  # no run left to do: all skipped or kept
                finish(_merged(state))
        while queue and len(running) < executor.capacity:
            unit = queue.popleft()
            running[executor.submit(loaded, unit)] = unit
        if not running:
            if waiting and not queue:  # nothing runs and nothing can start: a job waits on itself
                raise RuntimeError(f"jobs {', '.join(waiting)} wait on each other")
            continue
        for handle in executor.wait_any(running):
            unit = running.pop(handle)
            outcome = _outcome(executor, handle, unit, loaded, place)
            for line in outcome.logs:
                reporter.log(line)
            if outcome.output_error is not None:
                raise OutputError(outcome.output_error)
            if unit.partition is None:
                finish(outcome.record)
                continue
            state = started[unit.job]
            state.runs[unit.partition.value] = outcome.record
            reporter.log(f"{unit.name}: {outcome.record.status}")
            if len(state.runs) == len(state.order):
                finish(_merged(state))


def _merged(state: _Started) -> JobRecord:
    return job_record(state.name, state.kind, [state.runs[value] for value in state.order])


def _outcome(executor: Executor, handle: Any, unit: WorkUnit, loaded: LoadedConfig, place: RunPlace) -> UnitOutcome:
    """The unit's outcome; a worker that died under it (killed, out of memory) fails that unit."""
    try:
        return executor.outcome(handle)
    except Exception as error:  # BrokenProcessPool, a Dask worker lost: the unit's own failure
        kind = loaded.model.jobs[unit.job].kind
        why = f"the worker running it stopped: {type(error).__name__}: {error}"
        return UnitOutcome(unit, unit_failed(unit, kind, "failed", why, place.as_of))


def _units(
    loaded: LoadedConfig,
    name: str,
    records: dict[str, JobRecord],
    place: RunPlace,
    rerun: tuple[JobRecord, list[str]] | None,
) -> tuple[list[WorkUnit], JobRecord | None]:
    """The job's units to run, and the record it already has: a whole record when it cannot run
    (an input that did not finish, a foreach table that does not read), or the runs decided
    before any runs (skipped ones, those kept from an earlier run)."""
    job = loaded.model.jobs[name]
    upstream = {d: travelling(records[d]) for d in reads(job) if d in records}
    blocked = [d for d in reads(job) if d not in records or records[d].status not in FINISHED]
    if job.foreach is not None:  # a run per value may still go on where an input's other runs failed
        blocked = [d for d in blocked if d not in records or not records[d].partitions]
    if blocked:
        return [], _skipped(name, job.kind, f"needs the output of {', '.join(blocked)}, which did not finish")
    if job.foreach is None:
        return [WorkUnit(name, None, place.run_date, place.as_of, place.staging, place.final, upstream)], None
    try:
        partitions = _partitions(loaded, job, records, place, rerun)
    except ToolkitError as error:
        record = _skipped(name, job.kind, error.one_line())
        record.status = "error"
        return [], record
    if not partitions:
        return [], job_record(name, job.kind, [])
    units = [WorkUnit(name, p, place.run_date, place.as_of, place.staging, place.final, upstream) for p in partitions]
    decided = JobRecord(name=name, kind=job.kind)
    for unit in units:
        assert unit.partition is not None
        value = unit.partition.value
        if rerun is not None and value not in rerun[1]:  # --partition: the other runs stay as they were
            decided.partitions[value] = rerun[0].partitions.get(value) or unit_failed(
                unit, job.kind, "skipped", "not in this run's --partition, nor in the earlier run", place.as_of
            )
            continue
        why = _input_run_missing(unit, upstream)
        if why is not None:
            decided.partitions[value] = unit_failed(unit, job.kind, "skipped", why, place.as_of)
    return units, decided


def _partitions(
    loaded: LoadedConfig,
    job: Any,
    records: dict[str, JobRecord],
    place: RunPlace,
    rerun: tuple[JobRecord, list[str]] | None,
) -> list[Partition]:
    table = job.foreach.table
    path = None
    if isinstance(table, JobOutputRef):
        tables = records[table.job].tables
        if table.table not in tables:
            known = ", ".join(tables) or "none"
            raise InputError(f"foreach.table: job {table.job!r} has no table {table.table!r} (it has: {known})")
        path = place.staging / tables[table.table]
    partitions = partitions_of(job.foreach, path)
    if rerun is None:
        return partitions
    values = [p.value for p in partitions]
    unknown = [v for v in rerun[1] if v not in values]
    if unknown:
        raise InputError(f"--partition: no {job.foreach.by} {', '.join(unknown)} (values: {', '.join(values)})")
    return partitions


def _input_run_missing(unit: WorkUnit, upstream: dict[str, JobRecord]) -> str | None:
    """Why this run cannot go on: the same value's run of an input job did not finish."""
    assert unit.partition is not None
    for job, record in upstream.items():
        if record.partitions:
            mine = record.partitions.get(unit.partition.value)
            if mine is None or mine.status not in FINISHED:
                return f"needs {job}'s run for {unit.partition}, which did not finish"
    return None


def _skipped(name: str, kind: str, why: str) -> JobRecord:
    return JobRecord(name=name, kind=kind, status="skipped", error=why)


__all__ = ["RunPlace", "reads", "run_jobs"]
