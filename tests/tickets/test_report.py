"""The ticket worklist page (tickets/worklist.html) as a supervisor opens it on a 390-px phone and
a desktop: it fits, says what it is about, its counts are the parquet's, it is all Chinese, and
English with `locale: en`."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.support.browser import DESKTOP, WIDTHS, Browser
from tests.support.files import copy_team, replace_once
from tests.support.sample_runs import SAMPLES_AS_OF, run_samples
from tests.support.zh_scan import english_words
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

ABOUT = ("批次 tickets · tickets", "运行日期 2026-11-22", "数据截至 2026-11-22 09:00", "输入 service_tickets.csv")
CARDS = "return Object.fromEntries([...document.querySelectorAll('[data-count]')].map(e => [e.dataset.count, e.querySelector('b').innerText]))"
ROWS = """return [...document.querySelectorAll(`table[data-table="${arguments[0]}"] tbody tr[data-key]`)].map(
  tr => [tr.dataset.key, ...[...tr.cells].map(td => td.innerText)])"""


@pytest.fixture(scope="module")
def tickets_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_samples(tmp_path_factory.mktemp("team"), batch="tickets", only=["tickets"])


@pytest.fixture(scope="module")
def english_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    folder = copy_team(tmp_path_factory.mktemp("team_en"))
    config = folder / "config" / "tickets.yaml"
    config.write_text(replace_once(config.read_text(), "locale: zh_CN", "locale: en"))
    run = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=SAMPLES_AS_OF, only=["tickets"])
    assert run.exit_code == 0
    return run


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_the_screen_and_says_what_it_is_about(
    browser: Browser, tickets_run: BatchRun, width: int
) -> None:
    view = browser.view(tickets_run.run_dir / "tickets" / "worklist.html", width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == [] and view.missing_glyphs == []
    assert view.title == "工单时效跟进 · tickets"
    for part in ABOUT:
        assert part in view.text
    assert english_words(view.text, allowed=("tickets",)) == []  # the batch and job names the team gave


def test_the_page_counts_are_the_parquet_counts(browser: Browser, tickets_run: BatchRun) -> None:
    folder = tickets_run.run_dir / "tickets"
    worklist = pl.read_parquet(folder / "worklist.parquet")
    browser.view(folder / "worklist.html", DESKTOP)
    cards = browser.driver.execute_script(CARDS)
    assert cards == {"open": "19", "breached": "3", "due_soon": "1", "unanswered": "1", "escalated": "3"}
    rows = browser.driver.execute_script(ROWS, "worklist")
    assert [r[0] for r in rows] == worklist["ticket_id"].to_list()
    assert rows[1][1:4] == ["GD202611209001", "已超时", "2小时55分"]
    pills = browser.driver.execute_script(
        "return [...document.querySelectorAll('span.pill')].map(e => [e.className, getComputedStyle(e).backgroundColor])"
    )
    assert pills[:4] == [["pill error", "rgb(207, 34, 46)"]] * 3 + [["pill warning", "rgb(255, 248, 197)"]]
    standards = {r[0]: r[4:7] for r in browser.driver.execute_script(ROWS, "standards")}
    assert standards["complaint_4h"] == ["3", "1", "1"]  # open, breached, due soon
    assert standards["complaint_over_500"] == ["1", "0", "0"]


def test_english_with_locale_en(browser: Browser, english_run: BatchRun) -> None:
    view = browser.view(english_run.run_dir / "tickets" / "worklist.html", DESKTOP)
    assert view.title == "Open tickets against their time limits · tickets"
    assert "Breached" in view.text and "Due soon" in view.text and "已超时" not in view.text
    assert "4 tickets are reminded of now; 0 more were reminded of in earlier runs" in view.text
