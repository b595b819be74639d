"""The run history: a row per run and per job in data/history.sqlite (real runs, real SQLite),
`toolkit history`, and `keep_days:` pruning old run folders while the rows stay."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.support.files import replace_once, write
from tests.support.reporting import Lines
from toolkit.cli import app
from toolkit.errors import ExitCode
from toolkit.pipeline import history, run_batch
from toolkit.pipeline.history import figures, history_path, job_runs, runs
from toolkit.registry import load_config


def orders_batch(team: Path, settings: str = "") -> Path:
    """A batch of one job, the sample orders checked (half a second a run)."""
    return write(
        team / "config" / "orders.yaml",
        "batch: daily\ntimezone: Asia/Shanghai\noutput: ../out\nstate: ../data\n"
        f"{settings}"
        "jobs:\n"
        "  orders:\n"
        "    kind: validate_orders\n"
        "    input: {path: ../samples/orders.xlsx, sheet: 订单}\n"
        "    rules: rules/orders.yaml\n",
    )


def run(config: Path, day: str, **options: object) -> tuple[object, list[str]]:
    lines = Lines()
    batch = run_batch(load_config(config), as_of=f"{day} 09:00", reporter=lines, **options)
    return batch, lines.lines


def refuse_everything(team: Path) -> None:
    """Today's export looks broken: the orders job fails (more refused than the rule file allows)."""
    rules = team / "config" / "rules" / "orders.yaml"
    write(rules, replace_once(rules.read_text(encoding="utf-8"), "rejected_share: 0.5", "rejected_share: 0.01"))


def test_each_run_appends_a_row_and_its_jobs_the_manifest_queryable(team_folder: Path) -> None:
    config = orders_batch(team_folder)
    first, _ = run(config, "2026-11-22")
    second, _ = run(config, "2026-11-23")
    db = team_folder / "data" / "history.sqlite"
    assert history_path(load_config(config).model.state) == db.resolve()

    frame = runs(db)
    assert frame["run_date"].to_list() == [date(2026, 11, 22), date(2026, 11, 23)]
    latest = frame.row(-1, named=True)
    manifest = json.loads((second.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert (latest["batch"], latest["status"], latest["exit_code"], latest["jobs"]) == ("daily", "done", 0, 1)
    assert (latest["as_of"], latest["finished_at"]) == (manifest["as_of"], manifest["finished_at"])
    assert latest["duration_s"] == manifest["duration_s"] and latest["started_at"] <= latest["finished_at"]
    assert latest["run_dir"] == str(second.run_dir) and latest["failed"] == [] and not latest["pruned"]

    orders = runs(db, job="orders", last=1).row(0, named=True)
    assert json.loads(orders["counts"]) == manifest["jobs"]["orders"]["counts"]
    assert orders["outputs"] == [o["path"] for o in manifest["jobs"]["orders"]["outputs"]]
    assert all((second.run_dir / path).is_file() for path in orders["outputs"])
    assert job_runs(db)["run_id"].to_list() == frame["id"].to_list()

    # the figures the portal follows: the refusal rate, and per rule
    rates = figures(db, last=1).filter(figure="refusal_rate")
    counts = manifest["jobs"]["orders"]["counts"]
    assert rates.filter(key="")["value"].to_list() == [counts["rejected"] / counts["rows_in"]]
    assert rates.height > 10 and set(rates.filter(key="prohibited_goods")["label"]) == {"违禁品，不予承运"}

    # the same rows for anyone with sqlite3
    with sqlite3.connect(db) as plain:
        accepted = plain.execute(
            "SELECT r.run_date, json_extract(j.counts, '$.accepted') FROM runs r JOIN jobs j ON j.run_id = r.id "
            "WHERE j.name = 'orders' ORDER BY r.id"
        ).fetchall()
    assert accepted == [("2026-11-22", counts["accepted"]), ("2026-11-23", counts["accepted"])]
    assert first.run_dir != second.run_dir


def test_a_failed_run_gets_its_row_with_the_one_line_error(team_folder: Path) -> None:
    config = orders_batch(team_folder)
    refuse_everything(team_folder)
    failed, _ = run(config, "2026-11-22")
    assert failed.exit_code == ExitCode.JOB_FAILED
    row = runs(team_folder / "data" / "history.sqlite").row(0, named=True)
    assert (row["status"], row["exit_code"], row["failed"]) == ("failed", 1, ["orders"])
    assert row["error"] == f"orders: {failed.jobs['orders'].error}" and "\n" not in row["error"]
    # its counts are still figures: a high refusal rate is what made it fail
    assert figures(team_folder / "data" / "history.sqlite").filter(figure="refusal_rate", key="").height == 1


def hold_the_history(db: Path) -> sqlite3.Connection:
    """Another batch in the middle of writing the history, for longer than a run waits."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    return other


@pytest.mark.parametrize("trouble", ["locked", "not a database"])
def test_a_history_that_cannot_be_written_is_one_warning_and_the_run_exits_as_before(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch, trouble: str
) -> None:
    config = orders_batch(team_folder)
    run(config, "2026-11-21")
    db = team_folder / "data" / "history.sqlite"
    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.2)
    if trouble == "locked":
        other = hold_the_history(db)
    else:
        db.write_bytes(b"not sqlite at all, a file someone copied over it" * 40)
    page = (team_folder / "out" / "index.html").read_text(encoding="utf-8")

    batch, lines = run(config, "2026-11-22")

    assert batch.exit_code == ExitCode.DONE and (batch.run_dir / "manifest.json").is_file()
    [warning] = [line for line in lines if line.startswith("warning:")]
    reason = "database is locked" if trouble == "locked" else "file is not a database"
    assert warning == f"warning: the run history {db.resolve()} was not written (index.html not updated): {reason}"
    assert (team_folder / "out" / "index.html").read_text(encoding="utf-8") == page  # left as it was
    if trouble == "locked":
        other.rollback()
        other.close()
        run(config, "2026-11-23")  # the next run writes again; the one that could not is not in it
        assert runs(db)["run_date"].to_list() == [date(2026, 11, 21), date(2026, 11, 23)]


KILLED_IN_THE_HISTORY = """
import os, signal, sqlite3, sys
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

connect = sqlite3.connect
def killing(*args, **kwargs):  # kill -9 once the run's row and jobs are in, before the commit
    connection = connect(*args, **kwargs)
    def trace(statement):
        if statement.startswith("INSERT INTO figures"):
            os.kill(os.getpid(), signal.SIGKILL)
    connection.set_trace_callback(trace)
    return connection
sqlite3.connect = killing
run_batch(load_config(sys.argv[1]), as_of=sys.argv[2])
"""


def test_a_run_killed_while_writing_the_history_leaves_the_history_as_it_was(team_folder: Path) -> None:
    config = orders_batch(team_folder)
    run(config, "2026-11-21")
    db = team_folder / "data" / "history.sqlite"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_IN_THE_HISTORY, str(config), "2026-11-22 09:00"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr
    assert (team_folder / "out" / "2026-11-22" / "daily" / "manifest.json").is_file()  # the run itself was done
    assert runs(db)["run_date"].to_list() == [date(2026, 11, 21)]  # none of the killed run's rows
    with sqlite3.connect(db) as plain:
        assert plain.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert plain.execute("SELECT count(*) FROM jobs").fetchone() == (1,)
    run(config, "2026-11-23")
    assert runs(db)["run_date"].to_list() == [date(2026, 11, 21), date(2026, 11, 23)]


def test_a_run_interrupted_halfway_has_no_row_and_the_next_one_appends(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = orders_batch(team_folder)
    run(config, "2026-11-21")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("toolkit.orders.job.write_summary_html", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run(config, "2026-11-22")
    run(config, "2026-11-23")
    assert runs(team_folder / "data" / "history.sqlite")["run_date"].to_list() == [
        date(2026, 11, 21),
        date(2026, 11, 23),
    ]


def test_two_batches_of_the_team_ending_at_once_both_get_their_rows(team_folder: Path) -> None:
    """Each batch holds its own lock, not the other's: the history and the page take turns."""
    daily = orders_batch(team_folder)
    intake = write(
        daily.with_name("intake.yaml"), replace_once(daily.read_text("utf-8"), "batch: daily", "batch: intake")
    )
    both = [
        subprocess.Popen(
            [sys.executable, "-m", "toolkit", "run", str(config), "--as-of", "2026-11-22 09:00"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for config in (daily, intake)
    ]
    for process in both:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0 and "warning: the run history" not in stderr, stderr
    frame = runs(team_folder / "data" / "history.sqlite")
    assert sorted(frame["batch"]) == ["daily", "intake"] and set(frame["jobs"]) == {1}
    page = (team_folder / "out" / "index.html").read_text(encoding="utf-8")
    assert "<th>daily</th><th>intake</th>" in page  # whichever page was written last has both


def test_keep_days_prunes_old_run_folders_keeps_their_rows_and_never_the_current_run(team_folder: Path) -> None:
    config = orders_batch(team_folder, "keep_days: 2\n")
    out, db = team_folder / "out", team_folder / "data" / "history.sqlite"
    for day in ("2026-11-19", "2026-11-20", "2026-11-21"):
        run(config, day)
    _, lines = run(config, "2026-11-23")  # 11-19 and 11-20 are more than 2 days before
    assert "keep_days 2: removed 2 run folder(s) older than that: 2026-11-19/daily, 2026-11-20/daily" in lines
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2026-11-21", "2026-11-23"]
    assert runs(db)["pruned"].to_list() == [True, True, False, False]

    # a re-run of an old date with --only (it reads that date's earlier run) keeps that folder
    rerun, lines = run(config, "2026-11-26", run_date=date(2026, 11, 21), only=["orders"])
    assert rerun.run_dir == (out / "2026-11-21" / "daily").resolve() and (rerun.run_dir / "manifest.json").is_file()
    assert "keep_days 2: removed 1 run folder(s) older than that: 2026-11-23/daily" in lines
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2026-11-21"]
    assert runs(db).select("run_date", "pruned").rows() == [
        (date(2026, 11, 19), True),
        (date(2026, 11, 20), True),
        (date(2026, 11, 21), False),  # its folder is the re-run's now (the portal says "replaced")
        (date(2026, 11, 23), True),
        (date(2026, 11, 21), False),
    ]
    assert not list(out.glob("*/.daily.*"))  # no old folder left behind


def test_without_keep_days_every_run_folder_stays(team_folder: Path) -> None:
    config = orders_batch(team_folder)
    for day in ("2026-10-01", "2026-11-22"):
        run(config, day)
    assert (team_folder / "out" / "2026-10-01" / "daily" / "manifest.json").is_file()


def test_toolkit_history_prints_a_line_a_run_and_a_job_s_counts(team_folder: Path) -> None:
    config = orders_batch(team_folder)
    done, _ = run(config, "2026-11-22")
    refuse_everything(team_folder)
    failed, _ = run(config, "2026-11-23")
    runner = CliRunner()

    shown = runner.invoke(app, ["history", str(config)])
    assert shown.exit_code == 0, shown.output
    first, second = shown.output.splitlines()
    assert first.startswith("2026-11-22 09:00 daily done (exit 0) in ") and first.endswith(f"s, 1 jobs: {done.run_dir}")
    assert second.startswith("2026-11-23 09:00 daily failed (exit 1) in ")
    assert second.endswith(f"s, 1 jobs (orders not done): {failed.run_dir} — orders: {failed.jobs['orders'].error}")

    one = runner.invoke(app, ["history", str(config), "--last", "1", "--job", "orders"])
    [line] = one.output.splitlines()
    assert line.startswith("2026-11-23 09:00 daily orders: failed in ") and "rows_in 2,000" in line

    elsewhere = write(
        config.with_name("elsewhere.yaml"), replace_once(config.read_text("utf-8"), "../data", "../other")
    )
    nothing = runner.invoke(app, ["history", str(elsewhere)])
    assert (nothing.exit_code, nothing.output) == (
        0,
        f"no runs of daily in {(team_folder / 'other').resolve()}/history.sqlite\n",
    )
