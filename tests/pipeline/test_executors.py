"""The same batch in this process, in two local worker processes, and on a Dask distributed
cluster (a real `LocalCluster` of two worker processes): the same tables, row for row, and the
same counts; the units ran where the executor says."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.fanout import BRANCHES, fanout_batch, parquet_frames
from tests.support.files import copy_team
from tests.support.reporting import Lines
from toolkit.errors import ConfigError, ExitCode
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.slow


def run_in(folder: Path, executor: str, reporter: Lines | None = None) -> BatchRun:
    run = run_batch(load_config(fanout_batch(copy_team(folder), executor)), as_of=AS_OF, reporter=reporter)
    assert run.exit_code == ExitCode.DONE, {n: r.error for n, r in run.jobs.items() if r.error}
    return run


@pytest.fixture(scope="module")
def here(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_in(tmp_path_factory.mktemp("here"), "")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A Dask scheduler and two worker processes on this machine; its address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as local:
        yield local.scheduler_address


def workers_of(run: BatchRun) -> set[str]:
    """Where the units of the run ran (host:pid), each partition on its own."""
    found = set()
    for record in run.jobs.values():
        found |= {part.worker for part in record.partitions.values()} if record.partitions else {record.worker}
    return found


def serials_in_order(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The SMS serials as their place in each run's block. Serials come from the one counter in
    the state folder, in the order the runs reserve them, so runs at once get other blocks: each
    run's serials are one block, and no serial is used twice in the batch. A message's serial is
    also its `serial`, the head of its text, and the `record_id` of its findings."""
    used = pl.concat([f.select("serial") for p, f in frames.items() if p.endswith("messages.parquet")])
    assert used["serial"].is_unique().all()
    first = {
        str(Path(path).parent): frame["serial"].cast(pl.Int64).min()
        for path, frame in frames.items()
        if path.endswith("messages.parquet") and frame.height
    }
    shown = {}
    for path, frame in frames.items():
        start = first.get(str(Path(path).parent))
        if start is None:
            shown[path] = frame
            continue

        def place(column: str, start: int = start) -> pl.Expr:
            return (pl.col(column).cast(pl.Int64) - start).cast(pl.String)

        columns = {}
        if "serial" in frame.columns:
            columns["serial"] = place("serial")
            columns["content"] = pl.col("content").str.replace(
                r"^\[\d+\]", pl.concat_str(pl.lit("["), place("serial"), pl.lit("]"))
            )
        if "record_id" in frame.columns:
            columns["record_id"] = place("record_id")
        shown[path] = frame.with_columns(**columns)
    return shown


def same_outputs(one: BatchRun, other: BatchRun) -> None:
    """Every parquet table equal (the SMS serials by their place), every job's counts and each
    partition's counts equal, the same files."""
    mine, theirs = serials_in_order(parquet_frames(one.run_dir)), serials_in_order(parquet_frames(other.run_dir))
    assert list(mine) == list(theirs)
    for path, frame in mine.items():
        assert frame.equals(theirs[path]), path
    for name, record in one.jobs.items():
        assert record.counts == other.jobs[name].counts, name
        assert {v: p.counts for v, p in record.partitions.items()} == {
            v: p.counts for v, p in other.jobs[name].partitions.items()
        }
    assert sorted(p.relative_to(one.run_dir) for p in one.run_dir.rglob("*") if p.is_file()) == sorted(
        p.relative_to(other.run_dir) for p in other.run_dir.rglob("*") if p.is_file()
    )


def test_one_worker_runs_everything_here_in_the_batchs_order(here: BatchRun) -> None:
    assert workers_of(here) == {f"{os.uname().nodename}:{os.getpid()}"}
    assert list(here.jobs) == ["orders", "overdue", "branch_orders", "branch_sms", "branch_mail"]
    assert list(here.jobs["branch_sms"].partitions) == list(BRANCHES)


def test_two_local_workers_run_independent_jobs_at_once_with_the_same_outputs(here: BatchRun, tmp_path: Path) -> None:
    lines = Lines()
    run = run_in(tmp_path, "executor: {kind: local, workers: 2}", lines)
    same_outputs(here, run)
    workers = workers_of(run)
    assert len(workers) == 2 and f"{os.uname().nodename}:{os.getpid()}" not in workers
    assert lines.events.index("started overdue") < lines.events.index("finished orders")  # orders ∥ overdue
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert list(manifest["jobs"]) == list(here.jobs)  # the batch's order, whichever finished first


def test_a_dask_cluster_runs_the_same_work_with_the_same_outputs(here: BatchRun, cluster: str, tmp_path: Path) -> None:
    import distributed

    run = run_in(tmp_path, f"executor: {{kind: dask, address: '{cluster}'}}")
    same_outputs(here, run)
    with distributed.Client(cluster) as client:
        pids = {f"{os.uname().nodename}:{pid}" for pid in client.run(os.getpid).values()}
    assert workers_of(run) <= pids and len(workers_of(run)) == 2  # on the cluster's two workers, not here


def test_no_scheduler_at_the_address_is_one_line(tmp_path: Path) -> None:
    config = load_config(fanout_batch(copy_team(tmp_path), "executor: {kind: dask, address: 'tcp://127.0.0.1:9'}"))
    with pytest.raises(ConfigError, match="executor: no Dask scheduler at tcp://127.0.0.1:9: "):
        run_batch(config, as_of=AS_OF, only=["orders"])
