"""The run history: a row per batch run and per job in `history.sqlite` in the state folder (the
manifest, queryable), the figures a supervisor follows from run to run, and the pruning of old
run folders (`keep_days:`).

One file for every batch of a team (they share the state folder), written by the standard
library's sqlite3: each run appends its rows in one transaction (`BEGIN IMMEDIATE`, the rollback
journal), so two batches finishing at once wait for each other for up to `BUSY_TIMEOUT_S`, and a
run killed halfway leaves either all of its rows or none. The rollback journal rather than WAL:
the state folder may be on a shared drive, where WAL's shared memory does not work.

    >>> runs(history_path(config.state), batch="daily", last=10)  # doctest: +SKIP

The figures are taken where they are cheap when the run is recorded, while its files are at hand
(the folder may be pruned later): the manifest's counts, and one or two columns of a parquet
table the job wrote (the per-rule refusals, the SMS parts billed, the overdue per carrier, the
on-time pickup rate).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.pipeline.record import BatchRun
from toolkit.reports.kpi import timely_pickup

HISTORY = "history.sqlite"
BUSY_TIMEOUT_S = 10.0  # how long a run waits for another batch's append before it gives up (a warning)
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,            -- in the order the runs finished
    batch TEXT NOT NULL,
    run_date TEXT NOT NULL,            -- YYYY-MM-DD: the run folder's date
    as_of TEXT NOT NULL,               -- ISO 8601 with the batch's UTC offset, as in manifest.json
    status TEXT NOT NULL,              -- done | failed | error
    exit_code INTEGER NOT NULL,
    duration_s REAL,
    started_at TEXT,                   -- finished_at less the duration
    finished_at TEXT,
    run_dir TEXT NOT NULL,             -- out/<date>/<batch>, where the run was swapped in
    moved_to TEXT,                     -- <batch>.last-good, when a failed re-run of its date moved it there
    pruned_at TEXT,                    -- when keep_days removed its folder (the rows stay)
    config TEXT,
    toolkit_version TEXT
);
CREATE INDEX runs_by_batch ON runs (batch, run_date);
CREATE TABLE jobs (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,         -- the job's place in the batch
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,              -- done | failed | error | skipped | kept
    started_at TEXT,
    duration_s REAL,
    counts TEXT NOT NULL,              -- JSON object, the manifest's counts
    error TEXT,                        -- the one-line error
    outputs TEXT NOT NULL,             -- JSON list of {path, rows}, paths relative to the run folder
    tables TEXT NOT NULL,              -- JSON object: table name -> path relative to the run folder
    PRIMARY KEY (run_id, name)
);
CREATE TABLE figures (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    job TEXT NOT NULL,
    figure TEXT NOT NULL,              -- refusal_rate | sms_parts | overdue | on_time
    key TEXT NOT NULL,                 -- '' for the job's total, else a rule, a carrier, pickup or delivery
    label TEXT,                        -- what the key says to people, where it is not the key itself
    value REAL NOT NULL,
    PRIMARY KEY (run_id, job, figure, key)
);
"""

OVERDUE_RULES = ("pickup_overdue", "delivery_overdue")  # 超时件: the worklist's other rules are not late yet
_RUN_COLUMNS = (
    "id, batch, run_date, as_of, status, exit_code, duration_s, started_at, finished_at, run_dir, moved_to, "
    "pruned_at, config, toolkit_version"
)


def history_path(state: Path) -> Path:
    """The history of the batches whose state folder is `state`."""
    return state / HISTORY


@contextlib.contextmanager
def _writing(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in one write transaction, the schema made if the file is new; committed when
    the block ends, rolled back if it raises."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db_path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                for statement in _statements(SCHEMA):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.close()


def _statements(script: str) -> Iterator[str]:
    """The statements of a script, one by one (`executescript` would commit the transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def _reading(db_path: Path) -> sqlite3.Connection | None:
    """A read-only connection, or None when no run was recorded yet (nothing is created)."""
    if not db_path.is_file():
        return None
    connection = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        connection.close()
        return None
    return connection


def record_run(db_path: Path, batch_run: BatchRun, manifest: dict[str, Any]) -> int:
    """Append the run (its manifest: the run, each job, the figures) to the history; its id.

    A failed re-run that moved the earlier good run of its date to `<batch>.last-good` says so in
    the manifest; that run's row then points there (`moved_to`)."""
    figures = list(run_figures(batch_run.run_dir, manifest))
    finished = manifest.get("finished_at")
    started = None
    if finished and manifest.get("duration_s") is not None:
        started = (datetime.fromisoformat(finished) - timedelta(seconds=manifest["duration_s"])).isoformat(
            timespec="seconds"
        )
    run_dir = str(batch_run.run_dir)
    with _writing(db_path) as db:
        cursor = db.execute(
            "INSERT INTO runs (batch, run_date, as_of, status, exit_code, duration_s, started_at, finished_at, "
            "run_dir, config, toolkit_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                manifest["batch"],
                manifest["run_date"],
                manifest["as_of"],
                manifest["status"],
                manifest["exit_code"],
                manifest.get("duration_s"),
                started,
                finished,
                run_dir,
                (manifest.get("config") or {}).get("path"),
                manifest.get("toolkit_version"),
            ),
        )
        run_id = int(cursor.lastrowid or 0)
        db.executemany(
            "INSERT INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    position,
                    name,
                    entry["kind"],
                    entry["status"],
                    entry.get("started_at"),
                    entry.get("duration_s"),
                    json.dumps(entry.get("counts") or {}, ensure_ascii=False),
                    entry.get("error"),
                    json.dumps(entry.get("outputs") or [], ensure_ascii=False),
                    json.dumps(entry.get("tables") or {}, ensure_ascii=False),
                )
                for position, (name, entry) in enumerate(manifest.get("jobs", {}).items())
            ],
        )
        db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, f.job, f.figure, f.key, f.label, f.value) for f in figures],
        )
        if manifest.get("earlier_good_run"):
            db.execute(
                "UPDATE runs SET moved_to = ? WHERE id = (SELECT max(id) FROM runs "
                "WHERE run_dir = ? AND status = 'done' AND moved_to IS NULL AND id < ?)",
                (manifest["earlier_good_run"], run_dir, run_id),
            )
    return run_id


def mark_pruned(db_path: Path, folders: Iterable[Path], when: datetime) -> None:
    """The rows of the runs whose folders were removed are kept, marked with when."""
    folders = [str(f) for f in folders]
    if not folders:
        return
    marks = ", ".join("?" * len(folders))
    with _writing(db_path) as db:
        db.execute(
            f"UPDATE runs SET pruned_at = ? WHERE pruned_at IS NULL AND "
            f"(coalesce(moved_to, run_dir) IN ({marks}) OR run_dir IN ({marks}))",
            (when.isoformat(timespec="seconds"), *folders, *folders),
        )


# --- reading -------------------------------------------------------------------------------------

_RUNS_SCHEMA = {
    "id": pl.Int64,
    "batch": pl.String,
    "run_date": pl.String,
    "as_of": pl.String,
    "status": pl.String,
    "exit_code": pl.Int64,
    "duration_s": pl.Float64,
    "started_at": pl.String,
    "finished_at": pl.String,
    "run_dir": pl.String,
    "moved_to": pl.String,
    "pruned_at": pl.String,
    "config": pl.String,
    "toolkit_version": pl.String,
}
_JOBS_SCHEMA = {
    "run_id": pl.Int64,
    "position": pl.Int64,
    "job": pl.String,
    "kind": pl.String,
    "job_status": pl.String,
    "job_started_at": pl.String,
    "job_duration_s": pl.Float64,
    "counts": pl.String,
    "error": pl.String,
    "outputs": pl.String,
    "tables": pl.String,
}
_FIGURES_SCHEMA = {
    "run_id": pl.Int64,
    "job": pl.String,
    "figure": pl.String,
    "key": pl.String,
    "label": pl.String,
    "value": pl.Float64,
}


def _frame(db_path: Path, query: str, parameters: tuple[Any, ...], schema: dict[str, Any]) -> pl.DataFrame:
    connection = _reading(db_path)
    if connection is None:
        return pl.DataFrame(schema=schema)
    try:
        rows = connection.execute(query, parameters).fetchall()
    finally:
        connection.close()
    return pl.DataFrame(rows, schema=schema, orient="row")


def _run_ids(batch: str | None, last: int | None, job: str | None) -> tuple[str, tuple[Any, ...]]:
    """The ids of the last `last` runs of `batch` (that ran `job`), as a subquery."""
    where, parameters = [], []
    if batch is not None:
        where.append("batch = ?")
        parameters.append(batch)
    if job is not None:
        where.append("id IN (SELECT run_id FROM jobs WHERE name = ?)")
        parameters.append(job)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    limit = f"ORDER BY id DESC LIMIT {int(last)}" if last else ""
    return f"SELECT id FROM runs {clause} {limit}", tuple(parameters)


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("run_date").str.to_date(), pruned=pl.col("pruned_at").is_not_null())


def runs(db_path: Path, batch: str | None = None, last: int | None = None, job: str | None = None) -> pl.DataFrame:
    """The runs recorded in `db_path`, oldest first: of one `batch`, the `last` N, those that ran
    `job`. A row per run (its jobs summed up in `jobs`, `failed` and the first `error`); with
    `job`, a row per run of that job with its kind, status, duration, counts (JSON) and error."""
    ids, parameters = _run_ids(batch, last, job)
    frame = _frame(
        db_path, f"SELECT {_RUN_COLUMNS} FROM runs WHERE id IN ({ids}) ORDER BY id", parameters, _RUNS_SCHEMA
    )
    jobs = job_runs(db_path, batch=batch, last=last, job=job)
    if job is not None:
        return _typed(frame.join(jobs.drop("position"), left_on="id", right_on="run_id", how="inner")).sort("id")
    not_done = ~pl.col("job_status").is_in(["done", "kept"])
    summary = jobs.group_by("run_id").agg(
        jobs=pl.len(),
        failed=pl.col("job").filter(not_done),
        error=(pl.col("job") + ": " + pl.col("error")).filter(pl.col("error").is_not_null()).first(),
    )
    return _typed(frame.join(summary, left_on="id", right_on="run_id", how="left")).sort("id")


def job_runs(db_path: Path, batch: str | None = None, last: int | None = None, job: str | None = None) -> pl.DataFrame:
    """Every job of those runs (all of `job`'s only), in run order and then batch order; outputs
    as a list of paths relative to the run folder."""
    ids, parameters = _run_ids(batch, last, job)
    where = "AND name = ?" if job is not None else ""
    frame = _frame(
        db_path,
        "SELECT run_id, position, name, kind, status, started_at, duration_s, counts, error, outputs, tables "
        f"FROM jobs WHERE run_id IN ({ids}) {where} ORDER BY run_id, position",
        (*parameters, *((job,) if job is not None else ())),
        _JOBS_SCHEMA,
    )
    paths = [[o["path"] for o in json.loads(text)] for text in frame["outputs"]]
    return frame.with_columns(pl.Series("outputs", paths, dtype=pl.List(pl.String)))


def figures(db_path: Path, batch: str | None = None, last: int | None = None) -> pl.DataFrame:
    """The figures of those runs: run_id, job, figure, key, label, value."""
    ids, parameters = _run_ids(batch, last, None)
    return _frame(
        db_path,
        f"SELECT run_id, job, figure, key, label, value FROM figures WHERE run_id IN ({ids}) ORDER BY run_id",
        parameters,
        _FIGURES_SCHEMA,
    )


# --- the figures of a run ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    job: str
    figure: str
    key: str
    value: float
    label: str | None = None


def run_figures(run_dir: Path, manifest: dict[str, Any]) -> Iterator[Figure]:
    """The figures the portal's trends follow, for each job that counted something (done, kept
    from an earlier run, or failed with its counts, e.g. too many orders refused):

    - `refusal_rate` (validate_orders): rejected / rows_in from the counts; per rule, the orders
      a rule refused / rows_in, from findings.parquet (its rows of severity `error`);
    - `sms_parts` (render_messages): the SMS parts billed, the sum of outbox.parquet's `parts`;
    - `overdue` (flag_overdue): pickup and delivery overdue from the counts; per carrier, the
      worklist's rows of those rules;
    - `on_time` (flag_overdue): `delivery` from the counts (delivered on time of those decided:
      on time, late, past due and not delivered), `pickup` from shipment_status.parquet.

    A table that cannot be read leaves its figure out: the history is a side matter of the run."""
    as_of = datetime.fromisoformat(manifest["as_of"])
    for name, entry in manifest.get("jobs", {}).items():
        if not entry.get("counts"):  # refused, skipped or stopped by an error: nothing counted
            continue
        try:
            yield from list(_job_figures(run_dir, name, entry, as_of))
        except Exception:  # a boundary: a table not as expected leaves the job's figures out, not the run's row
            continue


def _job_figures(run_dir: Path, name: str, entry: dict[str, Any], as_of: datetime) -> Iterator[Figure]:
    counts, tables = entry["counts"], entry.get("tables") or {}

    def table(key: str, columns: list[str] | None = None) -> pl.DataFrame | None:
        if key not in tables:
            return None
        try:
            return pl.read_parquet(run_dir / tables[key], columns=columns)
        except (OSError, pl.exceptions.PolarsError):
            return None

    kind = entry.get("kind")
    if kind == "validate_orders":
        yield from _refusals(name, counts, table("findings"))
    elif kind == "render_messages":
        outbox = table("outbox", ["parts"])
        if outbox is not None:
            yield Figure(name, "sms_parts", "", float(outbox["parts"].sum() or 0))
    elif kind == "flag_overdue":
        yield from _overdue(name, counts, table("worklist", ["carrier", "rule"]))
        status = table("shipment_status", ["picked_up_at", "pickup_due", "stage", "picked_up_on_time"])
        yield from _on_time(name, counts, status, as_of)


def _refusals(job: str, counts: dict[str, int], findings: pl.DataFrame | None) -> Iterator[Figure]:
    received = counts.get("rows_in")
    if not received or "rejected" not in counts:
        return
    yield Figure(job, "refusal_rate", "", counts["rejected"] / received)
    if findings is None:
        return
    refused = (
        findings.filter(pl.col("severity") == "error")
        .group_by("rule")
        .agg(orders=pl.col("row").n_unique(), messages=pl.col("message").unique().sort())
        .sort("rule")
    )
    for rule, orders, messages in refused.iter_rows():
        # the rule's message where it has one (a check on several columns has one per column)
        yield Figure(job, "refusal_rate", rule, orders / received, messages[0] if len(messages) == 1 else None)


def _overdue(job: str, counts: dict[str, int], worklist: pl.DataFrame | None) -> Iterator[Figure]:
    if not all(rule in counts for rule in OVERDUE_RULES):
        return
    yield Figure(job, "overdue", "", float(sum(counts[rule] for rule in OVERDUE_RULES)))
    if worklist is None:
        return
    per_carrier = (
        worklist.filter(pl.col("rule").is_in(OVERDUE_RULES))
        .group_by(pl.col("carrier").fill_null("—"))
        .len()
        .sort("carrier")
    )
    for carrier, shipments in per_carrier.iter_rows():
        yield Figure(job, "overdue", carrier, float(shipments))


def _on_time(job: str, counts: dict[str, int], status: pl.DataFrame | None, as_of: datetime) -> Iterator[Figure]:
    decided = sum(counts.get(k, 0) for k in ("delivered_on_time", "delivered_late", "open_overdue"))
    if decided:
        yield Figure(job, "on_time", "delivery", counts["delivered_on_time"] / decided)
    if status is None or status.height == 0:
        return
    pickup = timely_pickup(status.with_columns(all=pl.lit("")), "all", as_of)
    if pickup.height:
        yield Figure(job, "on_time", "pickup", float(pickup["rate"][0]))


# --- keep_days -----------------------------------------------------------------------------------


def prune_run_folders(output: Path, batch: str, keep_days: int, today: date, keep: Path) -> Iterator[Path]:
    """Remove the run folders of `batch` (out/<date>/<batch>/ and a kept <batch>.last-good/) whose
    date is more than `keep_days` days before `today`, never `keep` (the run just made, which an
    `--only` run read its earlier jobs from) nor what is beside it; yields each folder removed.

    Call it under the batch's lock: no other run of the batch is building or reading meanwhile.
    Each folder is first renamed to `.<batch>.old-<pid>` (what the next run removes if this one is
    killed), then removed; a date folder left empty goes too."""
    cutoff = today - timedelta(days=keep_days)
    for dated in sorted(output.iterdir()) if output.is_dir() else []:
        try:
            day = date.fromisoformat(dated.name)
        except ValueError:
            continue
        if day >= cutoff or not dated.is_dir():
            continue
        for folder in (dated / batch, dated / f"{batch}.last-good"):
            if not folder.is_dir() or folder.resolve() == keep.resolve() or keep.resolve().parent == dated.resolve():
                continue
            old = dated / f".{batch}.old-{os.getpid()}"
            folder.rename(old)
            shutil.rmtree(old)
            yield folder
        with contextlib.suppress(OSError):  # not empty: other batches' runs of that date
            dated.rmdir()
