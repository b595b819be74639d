"""The follow-up log kept across runs (follow_up_log.parquet in the data folder): what each
run flagged, so a shipment still late shows how many rounds it has been chased.

A run is one (date, round) — the morning or afternoon round. Re-running the same date and round
replaces that run's entries instead of adding them twice. Pure functions; the job reads and
writes the file.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl

from toolkit.io import write_parquet

LOG_NAME = "follow_up_log.parquet"
LOG_SCHEMA = {
    "run_date": pl.Date,
    "round": pl.String,
    "as_of": pl.Datetime("us", "UTC"),
    "waybill": pl.String,
    "rule": pl.String,
    "severity": pl.String,
    "escalate_to": pl.String,
    "overdue_by": pl.Float64,
}


def read_log(state_dir: Path) -> pl.DataFrame:
    path = state_dir / LOG_NAME
    if not path.exists():
        return pl.DataFrame(schema=LOG_SCHEMA)
    return pl.read_parquet(path, glob=False).select(pl.col(c).cast(t) for c, t in LOG_SCHEMA.items())


def write_log(log: pl.DataFrame, state_dir: Path) -> Path:
    path = state_dir / LOG_NAME
    write_parquet(log, path)
    return path


def _other_runs(log: pl.DataFrame, run_date: date, round_name: str) -> pl.DataFrame:
    return log.filter(~((pl.col("run_date") == run_date) & (pl.col("round") == round_name)))


def rounds_chased(log: pl.DataFrame, run_date: date, round_name: str) -> pl.DataFrame:
    """`waybill`, `rounds`: earlier runs that flagged it, plus this one."""
    earlier = _other_runs(log, run_date, round_name).filter(pl.col("run_date") <= run_date)
    return earlier.group_by("waybill").agg(rounds=(pl.struct("run_date", "round").n_unique() + 1).cast(pl.Int32))


def append_run(
    log: pl.DataFrame, worklist: pl.DataFrame | pl.LazyFrame, run_date: date, round_name: str, as_of: datetime
) -> pl.DataFrame:
    """The log with this run's entries (replacing any earlier entries of the same date and round)
    at its end, by waybill: the log stays in run order without sorting all of it every run. A
    LazyFrame worklist (a run's worklist.parquet) is read for the log's five columns only."""
    entries = (
        worklist.lazy()
        .select(
            run_date=pl.lit(run_date, pl.Date),
            round=pl.lit(round_name, pl.String),
            as_of=pl.lit(as_of).dt.convert_time_zone("UTC").dt.cast_time_unit("us"),
            waybill="waybill",
            rule="rule",
            severity="severity",
            escalate_to="escalate_to",
            overdue_by="overdue_by",
        )
        .select(pl.col(c).cast(t) for c, t in LOG_SCHEMA.items())
        .sort("waybill")
        .collect()
    )
    return pl.concat([_other_runs(log, run_date, round_name), entries])
