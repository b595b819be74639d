"""Chinese throughout: in a zh batch, every page, sheet and outbox the jobs write, and the terminal
summary, say nothing in English but codes, units, names the team typed in its config and words
that came from its own files (a payment method typed `cash` stays `cash` in the findings)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest
from bs4 import BeautifulSoup
from rich.console import Console

from tests.support.files import copy_team
from tests.support.zh_scan import english_words
from toolkit.console import summary_table
from toolkit.io import TableSource, read_table
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MACHINE_LISTS = {"unknown_statuses.csv", "unmatched_waybills.csv"}
"""Listings for the next preset edit, with the column names a preset file uses: not for reading."""


def visible_text(path: Path) -> str:
    """What a reader sees of a file: a page's text, every cell of every sheet, a csv's cells."""
    if path.suffix == ".html":
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for hidden in page(["script", "style"]):
            hidden.decompose()
        return page.get_text(" ")
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    return path.read_text(encoding="utf-8-sig")


def words_of_the_teams_files(team: Path) -> set[str]:
    """Latin words that are in the samples the batches read: the team's own data."""
    found: set[str] = set()
    for path in (team / "samples").iterdir():
        if path.suffix in (".csv", ".xlsx"):
            with read_table(TableSource(path=path), {}) as table:
                cells = table.frame.collect().select(pl.all().cast(pl.String)).to_numpy().ravel()
            found |= set(english_words(" ".join(str(c) for c in cells if c is not None)))
    return found


def platform_variables(team: Path) -> set[str]:
    jobs = load_config(team / "config" / "daily.yaml").model.jobs.values()
    return {name for job in jobs if getattr(job, "platform", None) for name in job.platform.variables}


@pytest.fixture(scope="module")
def zh_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[BatchRun]]:
    """The daily and the weekly batch run once on the samples, as the team folder has them."""
    team = tmp_path_factory.mktemp("zh")
    copy_team(team)
    runs = [run_batch(load_config(team / "config" / f"{name}.yaml"), as_of=AS_OF) for name in ("daily", "weekly")]
    return team, runs


def test_every_page_sheet_and_outbox_of_a_zh_batch_is_chinese(zh_runs: tuple[Path, list[BatchRun]]) -> None:
    team, runs = zh_runs
    allowed = words_of_the_teams_files(team) | {run.batch for run in runs}
    allowed |= {name for run in runs for name in run.jobs}
    allowed |= platform_variables(team)  # a registered template's `${agent}`, as the team named it
    written = [p for run in runs for p in sorted(run.run_dir.rglob("*")) if p.suffix in (".html", ".xlsx", ".csv")]
    written.append(runs[0].run_dir.parents[1] / "index.html")  # the portal of every run
    found = {}
    for path in written:
        if path.name not in MACHINE_LISTS and (words := english_words(visible_text(path), allowed)):
            found[str(path.relative_to(team))] = words[:10]
    assert found == {}


def test_the_terminal_summary_of_a_zh_batch_is_chinese(zh_runs: tuple[Path, list[BatchRun]]) -> None:
    _, runs = zh_runs
    for run in runs:
        console = Console(file=io.StringIO(), width=120)
        console.print(summary_table(run, "zh_CN"))
        assert english_words(console.file.getvalue(), [run.batch, *run.jobs]) == [], run.batch
