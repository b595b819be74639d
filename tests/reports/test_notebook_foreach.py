"""config/branch_reports.yaml as shipped: the daily report once per branch of the directory, in
two worker processes, each branch's report about that branch alone and mailed to its manager."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.browser import Browser
from tests.support.fanout import BRANCHES
from tests.support.files import copy_team
from toolkit.errors import ExitCode
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def branch_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BatchRun]:
    team = copy_team(tmp_path_factory.mktemp("branches"))
    run = run_batch(load_config(team / "config" / "branch_reports.yaml"), as_of=AS_OF)
    assert run.exit_code == ExitCode.DONE, {n: r.error for n, r in run.jobs.items() if r.error}
    yield run


def card(text: str, title: str) -> int:
    """The number on a report card (`收到订单 234`)."""
    found = re.search(rf"{title}\s*([\d,]+)", text)
    assert found is not None, title
    return int(found.group(1).replace(",", ""))


def test_each_branch_gets_a_report_of_its_own_orders(branch_run: BatchRun) -> None:
    report = branch_run.jobs["branch_report"]
    assert list(report.partitions) == list(BRANCHES) and report.counts["partitions_failed"] == 0
    orders = branch_run.run_dir / "orders"
    received = pl.concat(
        [pl.read_parquet(orders / f"{name}.parquet", columns=["branch"]) for name in ("valid", "rejected")]
    )
    for branch in BRANCHES:
        page = branch_run.run_dir / "branch_report" / f"branch={branch}" / "daily_report.html"
        text = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
        assert f"营业所 {branch}" in re.sub(r"\s+", " ", text)
        assert card(text, "收到订单") == received.filter(pl.col("branch") == branch).height


def test_the_two_workers_each_ran_some_of_the_reports(branch_run: BatchRun) -> None:
    workers = {run.worker for run in branch_run.jobs["branch_report"].partitions.values()}
    assert len(workers) == 2


def test_each_manager_gets_the_branchs_report(branch_run: BatchRun) -> None:
    directory = pl.read_csv(branch_run.run_dir.parents[2] / "config" / "branches.csv")
    for row in directory.iter_rows(named=True):
        eml = branch_run.run_dir / "outbox" / "branch_mail" / f"branch={row['branch']}.eml"
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message["To"] == f"{row['manager']} <{row['manager_email']}>"
        assert message["Subject"] == f"{row['branch']} 客服日报 2026-11-22"


def test_a_branch_report_reads_on_a_phone(branch_run: BatchRun, browser: Browser) -> None:
    page = branch_run.run_dir / "branch_report" / f"branch={BRANCHES[5]}" / "daily_report.html"
    view = browser.view(page, 390)
    assert view.fits and not view.console_errors and not view.missing_glyphs
    assert f"营业所 {BRANCHES[5]}" in view.text


def test_the_report_of_one_branch_is_rerun_alone(branch_run: BatchRun, tmp_path: Path) -> None:
    folder = branch_run.run_dir / "branch_report"
    before = {b: (folder / f"branch={b}" / "daily_report.html").stat().st_ino for b in BRANCHES}
    again = run_batch(
        load_config(branch_run.run_dir.parents[2] / "config" / "branch_reports.yaml"),
        as_of=AS_OF,
        only=["branch_report"],
        partitions=[BRANCHES[0]],
    )
    assert again.exit_code == ExitCode.DONE
    after = {b: (folder / f"branch={b}" / "daily_report.html").stat().st_ino for b in BRANCHES}
    assert [b for b in BRANCHES if before[b] != after[b]] == [BRANCHES[0]]
