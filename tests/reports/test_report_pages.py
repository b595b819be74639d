"""The 客服日报 and the 周报 as a supervisor opens them, on a 390-px phone and on a desktop: the page
never scrolls sideways (a wide table scrolls in its own box), the top-10 table keeps each value
on one line instead of one character a line, and the charts are drawn so their text stays
legible at the width the phone shows them.

The daily and the weekly batch run once, on the samples, for the whole module.
"""

from __future__ import annotations

import base64
import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from tests.support.browser import DESKTOP, PHONE, WIDTHS, Browser
from tests.support.files import copy_team
from tests.support.report_pages import CELLS, IMAGES
from toolkit.pipeline import run_batch
from toolkit.registry import load_config
from toolkit.reports import charts

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAILY_JOBS = ["orders", "dispatch_sms", "overdue", "daily_report"]
WEEKLY_JOBS = ["overdue", "care", "weekly_kpi"]
MIN_TEXT_PX = 11  # the smallest text a phone reader reads without zooming
MIN_CELL_EM = 2.5  # two characters and their padding; one character a line is ~2.2 em


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped daily and weekly reports, run on the samples in a team folder of their own."""
    team = tmp_path_factory.mktemp("team")
    copy_team(team)
    found = {}
    for batch, jobs in (("daily", DAILY_JOBS), ("weekly", WEEKLY_JOBS)):
        run = run_batch(
            load_config(team / "config" / f"{batch}.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=jobs
        )
        assert run.exit_code == 0, {name: r.error for name, r in run.jobs.items()}
        found[batch] = run.run_dir / jobs[-1] / f"{jobs[-1]}.html"
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", ["daily", "weekly"])
def test_the_report_fits_the_screen(browser: Browser, pages: dict[str, Path], report: str, width: int) -> None:
    view = browser.view(pages[report], width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == []
    assert view.missing_glyphs == []
    assert view.title == {"daily": "客服日报", "weekly": "客服周报（KPI）"}[report]


def test_the_daily_report_says_what_it_is_about_at_its_foot(browser: Browser, pages: dict[str, Path]) -> None:
    view = browser.view(pages["daily"], PHONE)
    footer = browser.driver.execute_script("return document.querySelector('footer').innerText")
    for part in ("批次 daily · daily_report", "运行日期 2026-11-22", "数据截至 2026-11-22 09:00"):
        assert part in footer
    assert "输入 orders、dispatch_sms、overdue、service_tickets.csv" in footer
    assert "daily_report.ipynb · cs-toolkit" in footer
    assert view.text.index("客服日报") < view.text.index("批次 daily")  # under the report, not above its title


def test_the_top_ten_table_scrolls_in_its_box_with_each_value_on_one_line(
    browser: Browser, pages: dict[str, Path]
) -> None:
    view = browser.view(pages["daily"], PHONE)
    table = browser.driver.execute_script(CELLS, "最需要跟进的10票")
    assert view.fits
    assert table["scrolls"] == "auto" and table["table"] > table["box"]  # 11 columns: the box scrolls, not the page
    assert len(table["cells"]) == 10 * 11
    narrow = [(text, round(em, 1)) for text, em, _ in table["cells"] if em < MIN_CELL_EM]
    assert narrow == []
    broken = [text for text, _, lines in table["cells"] if lines > 1]
    assert broken == []  # SF1461047585271, 超过配送时效, 成都双流集散中心: each on one line


def test_a_column_of_long_texts_wraps_but_stays_readable(browser: Browser, pages: dict[str, Path]) -> None:
    view = browser.view(pages["daily"], PHONE)
    table = browser.driver.execute_script(CELLS, "服务标准达标率")
    standards = [(text, em, lines) for text, em, lines in table["cells"] if "投诉4小时内处理完毕" in text]
    [(_, em, lines)] = standards
    assert em >= 9 and lines >= 2  # wrapped, nine ems wide at least
    assert view.fits


@pytest.mark.parametrize("report", ["daily", "weekly"])
def test_the_charts_are_drawn_for_a_phone(browser: Browser, pages: dict[str, Path], report: str) -> None:
    browser.view(pages[report], PHONE)
    images = browser.driver.execute_script(IMAGES)
    assert len(images) >= 5
    for src, shown, natural in images:
        png = Image.open(io.BytesIO(base64.b64decode(re.sub("^data:image/png;base64,", "", src))))
        dpi = png.info["dpi"][0]
        assert png.width == natural and 360 <= shown <= PHONE  # the column's width, about charts.SHOWN_AT
        smallest = charts.FONT_PT * dpi / 72 * shown / png.width  # the chart's smallest text, as shown
        assert smallest >= MIN_TEXT_PX, (png.size, dpi, shown)
        assert png.width <= charts.FONT_PT * dpi / 72 * charts.SHOWN_AT / MIN_TEXT_PX  # ~770 px at 150 dpi
    browser.view(pages[report], DESKTOP)
    assert {round(shown) for _, shown, _ in browser.driver.execute_script(IMAGES)} == {520}  # not blown up
