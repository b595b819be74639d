"""A batch run: dated run folder, manifest, lock, re-runs and --only."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.files import replace_once, write
from toolkit.errors import ExitCode, LockedError
from toolkit.pipeline import run_batch
from toolkit.pipeline.lock import BatchLock
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_JOBS = ["orders"]  # the jobs these tests are about; the whole batch runs in test_cli
DAY = date(2026, 11, 22)


def two_jobs(team_folder: Path) -> Path:
    """The daily batch plus a second job that reads the first one's accepted orders."""
    path = team_folder / "config" / "daily.yaml"
    text = path.read_text(encoding="utf-8")
    text += "  recheck:\n    kind: validate_orders\n    input: orders.valid\n    rules: rules/orders.yaml\n"
    return write(path, text)


def test_a_run_leaves_outputs_and_a_manifest_in_the_dated_folder(team_folder: Path) -> None:
    run = run_batch(load_config(team_folder / "config" / "daily.yaml"), run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert run.exit_code == ExitCode.DONE
    folder = team_folder / "out" / "2026-11-22" / "daily"
    assert run.run_dir == folder.resolve()
    assert sorted(p.name for p in (folder / "orders").iterdir()) == [
        "findings.parquet",
        "findings.xlsx",
        "rejected.parquet",
        "summary.html",
        "valid.parquet",
    ]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    job = manifest["jobs"]["orders"]
    counts = job["counts"]
    assert counts["rows_in"] == counts["accepted"] + counts["rejected"] == 2000
    assert job["status"] == "done" and manifest["exit_code"] == 0
    assert job["inputs"][0]["rows"] == 2000 and len(job["inputs"][0]["sha256"]) == 64
    rows = {Path(o["path"]).name: o["rows"] for o in job["outputs"]}
    assert rows["valid.parquet"] == counts["accepted"] and rows["rejected.parquet"] == counts["rejected"]
    assert manifest["config"]["sha256"] and manifest["toolkit_version"]
    assert not list(folder.parent.glob(".*"))  # no staging or old folders left behind


def test_a_rerun_replaces_that_run_folder_and_nothing_else(team_folder: Path) -> None:
    loaded = load_config(team_folder / "config" / "daily.yaml")
    run_batch(loaded, run_date=date(2026, 11, 21), as_of=AS_OF, only=FIRST_JOBS)
    first = run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    stray = write(first.run_dir / "orders" / "stray.txt", "left from before")
    run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert not stray.exists()
    assert (team_folder / "out" / "2026-11-21" / "daily" / "manifest.json").exists()


def test_a_crash_mid_run_leaves_the_previous_run_folder_intact(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_config(team_folder / "config" / "daily.yaml")
    first = run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    before = (first.run_dir / "manifest.json").read_bytes()

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("toolkit.orders.job.write_summary_html", killed)
    with pytest.raises(KeyboardInterrupt):
        run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert (first.run_dir / "manifest.json").read_bytes() == before
    assert (first.run_dir / "orders" / "summary.html").exists()


def test_a_job_reads_an_earlier_jobs_table(team_folder: Path) -> None:
    run = run_batch(load_config(two_jobs(team_folder)), run_date=DAY, as_of=AS_OF, only=[*FIRST_JOBS, "recheck"])
    assert run.exit_code == ExitCode.DONE, run.jobs
    accepted = run.jobs["orders"].counts["accepted"]
    assert run.jobs["recheck"].counts["rows_in"] == accepted


def test_only_reruns_one_job_and_keeps_the_others(team_folder: Path) -> None:
    loaded = load_config(two_jobs(team_folder))
    run_batch(loaded, run_date=DAY, as_of=AS_OF, only=[*FIRST_JOBS, "recheck"])
    kept = (team_folder / "out" / "2026-11-22" / "daily" / "orders" / "valid.parquet").stat().st_mtime_ns
    run = run_batch(loaded, run_date=DAY, as_of=AS_OF, only=["recheck"])
    assert run.jobs["orders"].status == "kept" and run.jobs["recheck"].status == "done"
    assert (run.run_dir / "orders" / "valid.parquet").stat().st_mtime_ns == kept
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["jobs"]) == {"orders", "recheck"}


def test_a_second_run_of_the_same_batch_is_locked_out(team_folder: Path) -> None:
    loaded = load_config(team_folder / "config" / "daily.yaml")
    with BatchLock(loaded.model.output / ".daily.lock", "daily"), pytest.raises(LockedError) as caught:
        run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert caught.value.exit_code == ExitCode.LOCKED
    assert "batch 'daily' is already running (pid" in caught.value.one_line()
    assert run_batch(loaded, run_date=DAY, as_of=AS_OF, only=FIRST_JOBS).exit_code == ExitCode.DONE


def test_a_job_that_fails_its_thresholds_fails_the_batch(team_folder: Path) -> None:
    rules = team_folder / "config" / "rules" / "orders.yaml"
    write(rules, replace_once(rules.read_text(encoding="utf-8"), "rejected_share: 0.5", "rejected_share: 0.01"))
    run = run_batch(load_config(team_folder / "config" / "daily.yaml"), run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert run.exit_code == ExitCode.JOB_FAILED
    assert "rows refused (more than 1%)" in run.jobs["orders"].error
    assert (run.run_dir / "orders" / "findings.xlsx").exists()  # the outputs are there to look at


def test_a_count_of_refused_rows_can_fail_the_batch_too(team_folder: Path) -> None:
    rules = team_folder / "config" / "rules" / "orders.yaml"
    text = replace_once(rules.read_text(encoding="utf-8"), "# rejected_count: 500", "rejected_count: 100")
    write(rules, text)
    run = run_batch(load_config(team_folder / "config" / "daily.yaml"), run_date=DAY, as_of=AS_OF, only=FIRST_JOBS)
    assert run.exit_code == ExitCode.JOB_FAILED
    assert run.jobs["orders"].error == "142 rows refused (more than 100)"
