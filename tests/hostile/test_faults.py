"""Faults of the machine, not of the data (issue 11): a run killed with kill -9, a full disk, a
re-run that fails, folders the run may not write, a mail server that never answers, two runs at
once. Real processes, a real 2 MB file system, the real user nobody, a real socket; each fault
one line and its exit code, nothing lost, nothing left behind."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.faults import (
    DAY,
    NOBODY,
    ORDERS_ONLY,
    SilentServer,
    error_lines,
    existing,
    file_bytes,
    fill,
    gone_pid,
    mounted_tmpfs,
    outputs,
    run_folder,
    staging_folders,
    start,
    team_for_nobody,
    toolkit,
    wait_for,
)
from tests.support.files import replace_once, write
from tests.support.reporting import Lines
from toolkit.config.models import SmtpConfig
from toolkit.errors import DiskFull, ExitCode
from toolkit.io import write_parquet
from toolkit.mailing.html import MailBody
from toolkit.mailing.message import build_message
from toolkit.mailing.smtp import SendFailed, send
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


# 8. kill -9 during a run


def same_outputs(read: dict[str, object]) -> tuple[list[str], dict[str, object]]:
    """The files, and the tables and counts in them (the summary page and workbook list rules of
    equal count in either order, so from run to run only their being readable is compared)."""
    return sorted(read), {name: value for name, value in read.items() if name.endswith((".parquet", "manifest.json"))}


@pytest.mark.slow
def test_a_run_killed_with_kill_9_is_cleaned_up_by_the_next_run(team_folder: Path) -> None:
    assert toolkit(team_folder, *ORDERS_ONLY).returncode == 0
    good = same_outputs(outputs(run_folder(team_folder)))
    killed, said = [], []
    kill_points = {"the staging folder": "", "an output in the staging folder": "orders/valid.parquet"}
    for what, inside in kill_points.items():
        run = start(team_folder, *ORDERS_ONLY)
        wait_for(run, partial(existing, run_folder(team_folder).parent / f".daily.staging-{run.pid}" / inside), what)
        run.kill()  # SIGKILL: nothing of the run's own code runs after it
        said.append(run.communicate()[1])
        killed.append(run.pid)
        assert same_outputs(outputs(run_folder(team_folder))) == good  # the run folder as it was, every file reads
        for staging in staging_folders(team_folder):
            outputs(staging)  # what is there under its final name is complete
    # a run killed between its two renames leaves the replaced run folder as `.daily.old-<pid>`
    old = write(
        team_folder / "out" / "2026-11-21" / f".daily.old-{gone_pid()}" / "orders" / "valid.parquet", "yesterday"
    )
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    running = write(run_folder(team_folder).parent / f".daily.staging-{alive.pid}" / "note.txt", "a run that is alive")
    try:
        again = toolkit(team_folder, *ORDERS_ONLY)
    finally:
        alive.kill()
        alive.wait()
    assert again.returncode == 0, again.stderr
    assert staging_folders(team_folder) == [running.parent]  # a process that is alive keeps its folder
    assert not old.parent.parent.exists()
    said.append(again.stderr)
    for pid, next_run in zip(killed, said[1:], strict=True):  # each run removes what the run before it left
        assert re.search(
            rf"removed \S+/out/{DAY}/\.daily\.staging-{pid} \(\d+ files?, [\d.]+ MB\): the staging folder "
            rf"of run {pid}, which did not finish",
            next_run,
        ), next_run
    assert f"removed {old.parent.parent.resolve()} (1 file, 0.0 MB): the old folder of run" in again.stderr
    assert same_outputs(outputs(run_folder(team_folder))) == good


# 9. a full disk


@pytest.fixture
def small_disk(team_folder: Path) -> Iterator[Path]:
    """The team's out/ on a 2 MB file system of its own."""
    with mounted_tmpfs(team_folder / "out", "size=2m") as disk:
        yield disk


@pytest.mark.slow
def test_a_full_disk_is_one_line_exit_1_and_keeps_the_earlier_run(team_folder: Path, small_disk: Path) -> None:
    assert toolkit(team_folder, *ORDERS_ONLY).returncode == 0
    before = file_bytes(run_folder(team_folder))
    ballast = fill(small_disk, leave=64 * 1024)
    done = toolkit(team_folder, *ORDERS_ONLY)
    assert done.returncode == ExitCode.JOB_FAILED
    [line] = error_lines(done)
    assert re.fullmatch(
        rf"error: disk full writing {small_disk.resolve()}/{DAY}/\.daily\.staging-\d+/orders/\S+", line
    ), done.stderr
    assert file_bytes(run_folder(team_folder)) == before
    assert [p.name for p in small_disk.rglob(".*")] == [".daily.lock"]  # no staging folder, no temporary
    ballast.unlink()
    assert toolkit(team_folder, *ORDERS_ONLY).returncode == 0


@pytest.mark.slow
def test_the_whole_batch_on_a_full_disk_stops_at_the_first_file_that_does_not_fit(
    team_folder: Path, small_disk: Path
) -> None:
    done = toolkit(team_folder, "run", "config/daily.yaml", "--date", DAY, "--as-of", f"{DAY} 09:00")
    assert done.returncode == ExitCode.JOB_FAILED
    [line] = error_lines(done)
    assert line.startswith(f"error: disk full writing {small_disk.resolve()}/{DAY}/.daily.staging-"), done.stderr
    assert "Traceback" not in done.stderr
    assert list(small_disk.iterdir()) == [small_disk / ".daily.lock"]  # nothing of the run is left to fill the disk


@pytest.mark.parametrize(
    "frame", [pl.DataFrame({"n": range(50)}), pl.LazyFrame({"n": range(50)})], ids=["write", "sink"]
)
def test_parquet_on_a_full_disk_is_disk_full_whatever_polars_raises(
    tmp_path: Path, frame: pl.DataFrame | pl.LazyFrame
) -> None:
    with mounted_tmpfs(tmp_path / "disk", "size=1m") as disk:
        fill(disk, leave=0)
        with pytest.raises(DiskFull) as error:
            write_parquet(frame, disk / "valid.parquet")
        assert error.value.one_line() == f"disk full writing {disk / 'valid.parquet'}"
        assert [p.name for p in disk.iterdir()] == ["ballast"]


# 10. a re-run that fails


def test_a_failed_rerun_keeps_the_earlier_good_run_beside_it(team_folder: Path) -> None:
    config, rules = team_folder / "config" / "daily.yaml", team_folder / "config" / "rules" / "orders.yaml"
    good = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=["orders"])
    before = file_bytes(good.run_dir)
    kept = good.run_dir.with_name("daily.last-good")
    strict = rules.read_text(encoding="utf-8")
    write(rules, replace_once(strict, "rejected_share: 0.5", "rejected_share: 0.01"))  # today's export looks broken
    for _ in range(2):  # a second failed re-run still keeps the good one
        lines = Lines()
        failed = run_batch(
            load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=["orders"], reporter=lines
        )
        assert failed.exit_code == ExitCode.JOB_FAILED and failed.earlier_good_run == kept
        assert file_bytes(kept) == before
        manifest = json.loads((failed.run_dir / "manifest.json").read_text(encoding="utf-8"))
        assert (manifest["status"], manifest["earlier_good_run"]) == ("failed", str(kept))
        assert f"this run did not finish: the earlier good run of this date is kept as {kept}" in lines.lines
        assert (failed.run_dir / "orders" / "findings.xlsx").exists()  # the failed run is there to look at
    write(rules, strict)
    lines = Lines()
    fixed = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=["orders"], reporter=lines)
    assert fixed.exit_code == ExitCode.DONE and fixed.earlier_good_run is None and not kept.exists()
    assert f"removed {kept}, the good run kept after a failed one: this run replaces it" in lines.lines


# 11. folders the run may not write


@pytest.mark.parametrize(
    ("read_only", "denied"),
    [
        ("out", "cannot create the lock file .daily.lock"),
        (f"out/{DAY}", r"cannot create the staging folder \.daily\.staging-\d+"),
        ("data", "cannot create files in the state folder"),
    ],
    ids=["output folder", "date folder", "state folder"],
)
def test_a_folder_the_user_may_not_write_is_one_line_and_exit_2(team_folder: Path, read_only: str, denied: str) -> None:
    with team_for_nobody(team_folder) as team:
        folder = team / read_only
        folder.mkdir(exist_ok=True)
        os.chown(folder, NOBODY, NOBODY)
        folder.chmod(0o555)
        done = toolkit(team, *ORDERS_ONLY, user=NOBODY)
        assert done.returncode == ExitCode.BAD_INPUT
        assert re.fullmatch(
            rf"error: {folder.resolve()}: {denied} \(permission denied, running as nobody\)\n", done.stderr
        ), done.stderr
        assert list((team / "out").rglob(".daily.staging-*")) == []


def test_a_read_only_file_system_is_one_line_and_exit_2(team_folder: Path) -> None:
    with mounted_tmpfs(team_folder / "out", "ro") as out:
        done = toolkit(team_folder, *ORDERS_ONLY)
    assert done.returncode == ExitCode.BAD_INPUT
    assert (
        done.stderr
        == f"error: {out.resolve()}: cannot create the lock file .daily.lock (read-only file system, running as root)\n"
    )


# 14. a mail server that accepts the connection and never answers


MESSAGE = build_message(
    sender="bot@example.com",
    to=["boss@example.com"],
    subject="日报",
    body=MailBody(text="你好\n"),
    when=datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
)


@pytest.mark.slow
def test_a_server_that_never_answers_times_out_after_the_configured_seconds() -> None:
    lines: list[str] = []
    with SilentServer() as server:
        settings = SmtpConfig(
            host="127.0.0.1", port=server.port, security="none", timeout=1, retries=1, retry_delay=0.01
        )
        started = time.monotonic()
        with pytest.raises(SendFailed) as error:
            send(MESSAGE, settings, log=lines.append)
        seconds = time.monotonic() - started
    where = f"SMTP 127.0.0.1:{server.port}"
    assert str(error.value) == f"{where}: no answer within 1 s (timed out) (after 2 attempts)"
    assert lines == [f"{where}: no answer within 1 s (timed out); attempt 1 of 2, again in 0.01 s"]
    assert 2 <= seconds < 5 and len(server.connections) == 2
    assert SmtpConfig(host="smtp.example.com").timeout == 30  # the default: 30 s for each step


MAIL_BATCH = """\
batch: mail
output: ../out
state: ../data
smtp: {{host: 127.0.0.1, port: {port}, security: none, timeout: 1, retries: 0}}
on_failure: {{email: [ops@example.com]}}
jobs:
  daily_mail:
    kind: email
    to: [boss@example.com]
    subject: "日报 {{{{ run_date }}}}"
    body: report.html
"""


@pytest.mark.slow
def test_the_batch_with_a_silent_mail_server_ends_within_seconds(tmp_path: Path) -> None:
    write(tmp_path / "config" / "report.html", "<html><body><p>日报</p></body></html>")
    with SilentServer() as server:
        write(tmp_path / "config" / "mail.yaml", MAIL_BATCH.format(port=server.port))
        started = time.monotonic()
        done = toolkit(tmp_path, "run", "config/mail.yaml", "--date", DAY)
        seconds = time.monotonic() - started
    assert done.returncode == ExitCode.JOB_FAILED
    timed_out = f"SMTP 127.0.0.1:{server.port}: no answer within 1 s (timed out)"
    assert "daily_mail: failed" in done.stderr and f"— {timed_out}; " in done.stderr
    assert f"on_failure: notice not sent (kept as outbox/on_failure.eml): {timed_out}" in done.stderr
    assert error_lines(done) == [] and seconds < 20


# two runs at once (the lock itself: tests/pipeline/test_run.py::test_a_second_run_of_the_same_batch_is_locked_out)


@pytest.mark.slow
def test_a_second_run_while_one_runs_says_who_holds_the_lock_and_exits_3(team_folder: Path) -> None:
    first = start(team_folder, *ORDERS_ONLY)
    wait_for(first, lambda: next(iter(staging_folders(team_folder)), None), "the staging folder")
    first.send_signal(signal.SIGSTOP)  # holds the lock for as long as the test needs
    try:
        second = toolkit(team_folder, *ORDERS_ONLY)
    finally:
        first.send_signal(signal.SIGCONT)
    assert second.returncode == ExitCode.LOCKED
    assert re.fullmatch(
        rf"error: {(team_folder / 'out' / '.daily.lock').resolve()}: batch 'daily' is already running "
        rf"\(pid {first.pid}, since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\)\n",
        second.stderr,
    ), second.stderr
    first.communicate(timeout=60)
    assert first.returncode == 0
