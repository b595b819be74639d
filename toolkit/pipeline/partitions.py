"""A `foreach` job's partitions: the values it runs for (from a table or a list), and the job's
record made of its runs' records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from toolkit.config.models import ForEach
from toolkit.errors import InputError
from toolkit.fields import ROW, Kind
from toolkit.io import TableSource, read_table
from toolkit.job import JobOutputRef
from toolkit.labels import LABELS, field
from toolkit.partition import Partition, partition_key
from toolkit.pipeline.record import JobRecord

WORST_FIRST = ("error", "failed", "skipped", "done")
"""A job's status from its partitions': the worst of them (`done` only when every one is)."""
SHOWN_ERRORS = 3
"""The job's error names this many failed partitions; the manifest lists every one."""
ONE_PER_RUN = ("rows_outside_partitions",)
"""Counts every run of the job counts the same (the rows in none of them): taken once, not summed."""


def foreach_aliases(by: str) -> dict[str, tuple[str, ...]]:
    """The headers a foreach table's `by` column may have: `branch` is also 营业所 (its label)."""
    return {by: field(by, Kind.TEXT).headers if by in LABELS else (by,)}


def partitions_of(foreach: ForEach, table_path: Path | None) -> list[Partition]:
    """The job's partitions in the order their values first appear, each with its table row (the
    first, where a value is on several rows); a row whose value is blank is in none. An earlier
    job's table is `table_path`; a file is read as every table input is."""
    if foreach.values is not None:
        values = list(dict.fromkeys(v.strip() for v in foreach.values))
        return _checked([Partition(foreach.by, value, tuple(values)) for value in values])
    source = TableSource.of_earlier_job(table_path) if isinstance(foreach.table, JobOutputRef) else foreach.table
    assert source is not None  # ForEach holds a table or values
    with read_table(source, foreach_aliases(foreach.by), required=[foreach.by]) as table:
        frame = table.frame.drop(ROW).collect()
    rows = (
        frame.with_columns(partition_key(pl.col(foreach.by)).alias(foreach.by))
        .drop_nulls(foreach.by)
        .unique(foreach.by, keep="first", maintain_order=True)
    )
    values = tuple(rows[foreach.by].to_list())
    return _checked([Partition(foreach.by, row[foreach.by], values, row) for row in rows.iter_rows(named=True)])


def _checked(partitions: list[Partition]) -> list[Partition]:
    """Two values may not share a folder (`a/b` and `a_b` both become `by=a_b`)."""
    doubled = [folder for folder, n in Counter(p.folder for p in partitions).items() if n > 1]
    if doubled:
        raise InputError(f"foreach: values {', '.join(doubled)} would share a folder; rename one of them")
    return partitions


def job_record(name: str, kind: str, runs: list[JobRecord]) -> JobRecord:
    """A `foreach` job's record: each run's, its counts summed, the worst status, and an error
    naming the failed runs."""
    record = JobRecord(name=name, kind=kind, partitions={run.partition or "": run for run in runs})
    record.status = next((s for s in WORST_FIRST if any(run.status == s for run in runs)), "done")
    record.started_at = min((run.started_at for run in runs if run.started_at), default=None)
    record.duration_s = round(sum(run.duration_s or 0 for run in runs), 3)
    counts: dict[str, int] = {}
    for run in runs:
        for key, value in run.counts.items():
            counts[key] = max(counts.get(key, 0), value) if key in ONE_PER_RUN else counts.get(key, 0) + value
    failed = [run for run in runs if run.status != "done"]
    record.counts = {"partitions": len(runs), "partitions_failed": len(failed), **counts}
    if failed:
        shown = "; ".join(f"{run.partition_by}={run.partition}: {run.error}" for run in failed[:SHOWN_ERRORS])
        more = f"; and {len(failed) - SHOWN_ERRORS} more (manifest.json)" if len(failed) > SHOWN_ERRORS else ""
        record.error = f"{len(failed)} of {len(runs)} runs did not finish: {shown}{more}"
    return record


__all__ = ["foreach_aliases", "job_record", "partitions_of"]
