"""The overdue summary (overdue/summary.html) as people open it, on a 390-px phone and a desktop:
it fits the screen, says what it is about, colours each severity its own way, writes durations
as people say them, lists the shipments without any tracking event, and its counts are those of
shipment_status.parquet and worklist.parquet."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from tests.support.browser import DESKTOP, WIDTHS, Browser
from tests.support.sample_runs import run_samples
from toolkit.pipeline import BatchRun
from toolkit.templating.filters import duration
from toolkit.tracking.report import NO_EVENTS_SHOWN, write_summary_html
from toolkit.tracking.sla import SEVERITIES

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ABOUT = (
    "批次 daily · overdue",
    "运行日期 2026-11-22",
    "数据截至 2026-11-22 09:00",
    "输入 shipments.csv、tracking_sf.csv、tracking_zto.xlsx、kuaidi100_push.jsonl",
)
CARDS = "return Object.fromEntries([...document.querySelectorAll('[data-count]')].map(e => [e.dataset.count, e.querySelector('b').innerText]))"
TABLE = """return [...document.querySelectorAll(`table[data-table="${arguments[0]}"] tr[data-key]`)].map(
  tr => [tr.dataset.key, tr.cells[tr.cells.length - 1].innerText])"""
ROWS = """return [...document.querySelectorAll(`table[data-table="${arguments[0]}"] tbody tr`)].map(
  tr => [...tr.cells].map(td => td.innerText))"""
COLOURS = """return Object.fromEntries([...document.querySelectorAll('table[data-table="by_severity"] tr[data-key]')].map(
  tr => { const s = getComputedStyle(tr.querySelector('.sev')); return [tr.dataset.key, [s.backgroundColor, s.color]]; }))"""


@pytest.fixture(scope="module")
def overdue_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_samples(tmp_path_factory.mktemp("team"), only=["overdue"])


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _rgb(hex_colour: str) -> str:
    digits = hex_colour[-6:]  # openpyxl's ARGB
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(v) for v in rgb.removeprefix("rgb(").removesuffix(")").split(","))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_summary_fits_the_screen_and_says_what_it_is_about(
    browser: Browser, overdue_run: BatchRun, width: int
) -> None:
    view = browser.view(overdue_run.run_dir / "overdue" / "summary.html", width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == []
    assert view.missing_glyphs == []
    assert view.title == "超时件跟进 · overdue"
    for part in ABOUT:
        assert part in view.text


def test_the_summary_counts_are_the_parquet_counts(browser: Browser, overdue_run: BatchRun) -> None:
    folder = overdue_run.run_dir / "overdue"
    status = pl.read_parquet(folder / "shipment_status.parquet")
    worklist = pl.read_parquet(folder / "worklist.parquet")
    driver = browser.driver
    browser.view(folder / "summary.html", DESKTOP)

    cards = {key: _number(text) for key, text in driver.execute_script(CARDS).items()}
    no_events = status.filter(pl.col("events") == 0)
    assert cards == {
        "shipments": status.height,
        "flagged": worklist.height,
        "critical": (worklist["severity"] == "critical").sum(),
        "no_events": no_events.height,
    }
    assert cards["shipments"] == 6126 and "6,126" in driver.execute_script("return document.body.innerText")

    def shown(table: str) -> dict[str, int]:
        return {key: _number(n) for key, n in driver.execute_script(TABLE, table)}

    states = dict(status["delivery_state"].value_counts().iter_rows())
    assert shown("delivery") == {state: states.get(state, 0) for state in shown("delivery")}
    assert sum(shown("delivery").values()) == status.height
    assert shown("by_rule") == dict(worklist["rule"].value_counts().iter_rows())
    severities = dict(worklist["severity"].value_counts().iter_rows())
    assert shown("by_severity") == {level: severities.get(level, 0) for level in SEVERITIES}

    listed = [row[0] for row in driver.execute_script(ROWS, "no_events")]
    oldest = no_events.sort("order_time", "waybill", nulls_last=True).head(NO_EVENTS_SHOWN)["waybill"].to_list()
    assert listed == oldest and len(listed) == min(NO_EVENTS_SHOWN, no_events.height)
    assert f"共{no_events.height:,}件没有任何轨迹" in driver.execute_script("return document.body.innerText")


def test_each_severity_has_its_own_legible_colour_the_worklist_xlsx_shares(
    browser: Browser, overdue_run: BatchRun
) -> None:
    folder = overdue_run.run_dir / "overdue"
    browser.view(folder / "summary.html", DESKTOP)
    colours = browser.driver.execute_script(COLOURS)
    assert set(colours) == set(SEVERITIES)
    assert len({fill for fill, _ in colours.values()}) == 4  # one colour each
    for level, (fill, text) in colours.items():
        assert _contrast(fill, text) >= 4.5, level

    worklist = pl.read_parquet(folder / "worklist.parquet")
    sheet = openpyxl.load_workbook(folder / "worklist.xlsx")["全部"]
    for level in ("high", "medium"):  # the xlsx's red and amber: the page's high and medium are those fills
        row = worklist["severity"].to_list().index(level) + 2
        assert _rgb(sheet.cell(row, 1).fill.fgColor.rgb) == colours[level][0], level


def test_durations_read_as_people_say_them(browser: Browser, overdue_run: BatchRun, tmp_path: Path) -> None:
    folder = overdue_run.run_dir / "overdue"
    batches = pl.read_parquet(folder / "batches.parquet")
    assert batches.height
    browser.view(folder / "summary.html", DESKTOP)
    rows = browser.driver.execute_script(ROWS, "batches")
    assert [row[-1] for row in rows] == [duration(h) for h in batches["max_overdue_by"]]
    assert rows[0][-1] == "8小时30分"  # Friday 08:30-17:00, not "8.5"

    worklist = pl.read_parquet(folder / "worklist.parquet")
    status = pl.read_parquet(folder / "shipment_status.parquet")
    page = tmp_path / "summary_en.html"
    write_summary_html(
        worklist,
        batches,
        pl.DataFrame({"status": [], "count": []}),
        status.height,
        "2026-11-22 09:00",
        page,
        title="overdue",
        locale="en",
        status=status,
    )
    view = browser.view(page, DESKTOP)
    english = [row[-1] for row in browser.driver.execute_script(ROWS, "batches")]
    assert english == [duration(h, "en") for h in batches["max_overdue_by"]]
    assert english[0] == "8 h 30 min"
    assert view.fits and view.console_errors == [] and "2026-11-22 09:00" in view.text
