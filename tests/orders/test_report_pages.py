"""The orders summary (orders/summary.html) as people open it, on a 390-px phone and a desktop:
it fits the screen, says what it is about, and its counts are those of the parquet files the
job wrote beside it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.browser import DESKTOP, PHONE, WIDTHS, Browser
from tests.support.sample_runs import run_samples
from toolkit.pipeline import BatchRun

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ABOUT = ("批次 daily · orders", "运行日期 2026-11-22", "数据截至 2026-11-22 09:00", "输入 orders.xlsx")
CARDS = "return Object.fromEntries([...document.querySelectorAll('[data-count]')].map(e => [e.dataset.count, e.querySelector('b').innerText]))"
RULES = """return [...document.querySelectorAll('table.by-rule tbody tr')].map(tr => [
  tr.dataset.rule, tr.querySelector('td.message').innerText, tr.querySelector('td.n').innerText.replace(/\\D/g, ''),
  getComputedStyle(tr).display])"""


@pytest.fixture(scope="module")
def orders_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_samples(tmp_path_factory.mktemp("team"), only=["orders"])


def _number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_fits_the_screen_and_says_what_it_is_about(
    browser: Browser, orders_run: BatchRun, width: int
) -> None:
    view = browser.view(orders_run.run_dir / "orders" / "summary.html", width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == []
    assert view.missing_glyphs == []
    assert view.title == "核单结果 · orders"
    for part in ABOUT:
        assert part in view.text
    displays = {row[3] for row in browser.driver.execute_script(RULES)}
    assert displays == ({"grid"} if width == PHONE else {"table-row"})  # cards on a phone, a table on a desktop


def test_the_summary_counts_are_the_parquet_counts(browser: Browser, orders_run: BatchRun) -> None:
    folder = orders_run.run_dir / "orders"
    valid, rejected = pl.read_parquet(folder / "valid.parquet"), pl.read_parquet(folder / "rejected.parquet")
    findings = pl.read_parquet(folder / "findings.parquet")
    browser.view(folder / "summary.html", DESKTOP)
    cards = {key: _number(text) for key, text in browser.driver.execute_script(CARDS).items()}
    assert cards == {
        "rows_in": valid.height + rejected.height,
        "accepted": valid.height,
        "rejected": rejected.height,
        "accepted_with_warnings": int(valid["needs_call"].sum()),
    }
    assert cards["rows_in"] == 2000 and "2,000" in browser.driver.execute_script("return document.body.innerText")
    shown = sorted((rule, message, int(rows)) for rule, message, rows, _ in browser.driver.execute_script(RULES))
    by_rule = findings.group_by("rule", "message").agg(pl.col("row").n_unique()).sort("rule", "message")
    assert shown == sorted(by_rule.rows())
    problem_rows = set(findings["row"])
    assert set(rejected["_row"]) <= problem_rows  # every refused row is on the page through its rules
