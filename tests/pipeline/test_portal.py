"""out/index.html: ten runs of the samples on ten days (one of them failed), every link followed,
the trends drawn point by point, and the page as a phone and a desktop show it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest

from tests.support.browser import WIDTHS, Browser
from tests.support.files import copy_team, replace_once, write
from tests.support.reporting import Lines
from tests.support.sample_runs import OVERDUE_JOB
from toolkit.pipeline import BatchRun, run_batch
from toolkit.pipeline.history import figures, job_runs, record_run, runs
from toolkit.pipeline.portal import render_portal
from toolkit.registry import load_config

DAYS = [date(2026, 11, 22) + timedelta(days=i) for i in range(10)]  # the samples' overdue cases grow over these
FAILED_DAY = DAYS[4]
ZONE = ZoneInfo("Asia/Shanghai")

# The samples' orders, their shipments and the follow-up SMS for the overdue ones: what the trends
# follow, in about a second a run.
QUICK_BATCH = (
    """\
batch: daily
timezone: Asia/Shanghai
output: ../out
state: ../data
jobs:
  orders:
    kind: validate_orders
    input: {path: ../samples/orders.xlsx, sheet: 订单}
    rules: rules/orders.yaml
"""
    + OVERDUE_JOB
    + """\
  follow_up_sms:
    kind: render_messages
    input: overdue.worklist
    where: {rule: [pickup_overdue, delivery_overdue]}
    template: ../templates/sms/follow_up.txt.j2
    directory: {path: branches.csv, key: branch}
    recipients:
      - {role: 调度, phone: dispatcher_phone}
    sms: {counting: cn, signature: 【顺达物流】, max_parts: 1}
    serial: {prefix: "12", width: 9}
"""
)


class Page(HTMLParser):
    """The links of a page, and the text of each `<span class="err">`."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.errors: list[str] = []
        self._in_error = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        self._in_error = tag == "span" and found.get("class") == "err"

    def handle_data(self, data: str) -> None:
        if self._in_error:
            self.errors.append(data)
            self._in_error = False


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A team folder after ten daily runs, 22 November to 1 December; the fifth failed (its
    export refused too many orders)."""
    folder = tmp_path_factory.mktemp("team")
    copy_team(folder, ("config", "templates", "samples"))
    config = write(folder / "config" / "quick.yaml", QUICK_BATCH)
    rules = folder / "config" / "rules" / "orders.yaml"
    strict = rules.read_text(encoding="utf-8")
    for day in DAYS:
        broken = day == FAILED_DAY
        write(rules, replace_once(strict, "rejected_share: 0.5", "rejected_share: 0.01") if broken else strict)
        lines = Lines()
        batch = run_batch(load_config(config), as_of=f"{day} 09:00", reporter=lines)
        assert batch.status == ("failed" if broken else "done"), lines.lines
        assert not [line for line in lines.lines if line.startswith("warning: ") and "index.html" in line]
    return folder


@pytest.fixture(scope="module")
def page(team: Path) -> str:
    return (team / "out" / "index.html").read_text(encoding="utf-8")


def test_the_page_lists_every_run_by_date_with_its_status(page: str) -> None:
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for day in DAYS:
        assert f'<th scope="row">{day.isoformat()}</th>' in page
    assert page.count('<div class="run done">') == 9 and page.count('<div class="run failed">') == 1
    assert "批次 daily · 共 10 次运行" in page


def test_every_link_points_at_a_file_that_is_there(team: Path, page: str) -> None:
    links = Page(page).links
    out = team / "out"
    assert links and all((out / unquote(link)).is_file() for link in links), [
        link for link in links if not (out / unquote(link)).is_file()
    ]
    for day in DAYS:
        ran = f"{day.isoformat()}/daily/"
        for name in ("manifest.json", "orders/summary.html", "overdue/worklist.xlsx"):
            assert ran + name in links, ran + name
    days_with_sms = [link.split("/")[0] for link in links if link.endswith("follow_up_sms/outbox.xlsx")]
    assert len(days_with_sms) == 10 and len([link for link in links if link.endswith("outbox.csv")]) == 10
    assert not any(link.startswith(("/", "file:", "http")) for link in links)  # relative: the folder may move


def test_a_failed_run_shows_its_one_line_error(team: Path, page: str) -> None:
    [failed] = runs(team / "data" / "history.sqlite").filter(status="failed").iter_rows(named=True)
    assert failed["run_date"] == FAILED_DAY
    error = failed["error"].removeprefix("orders: ")
    assert Page(page).errors.count(f"orders: {error}") == 1  # in the day's cell
    section = page.split("<h2>最近失败</h2>")[1].split("<h2>")[0]
    assert f"<b>{FAILED_DAY.isoformat()}</b>" in section and error in section.replace("&#x27;", "'")


def charts(page: str) -> dict[str, str]:
    """Each chart's markup by its figure."""
    found = re.findall(r'<figure class="chart"[^>]*data-figure="([a-z_]+)">(.*?)</figure>', page, re.S)
    return dict(found)


def test_the_trends_have_a_point_per_run(page: str) -> None:
    drawn = charts(page)
    assert list(drawn) == ["refusal_rate", "refusal_by_rule", "sms_parts", "overdue", "on_time"]
    for figure, chart in drawn.items():
        assert 'data-points="10"' in chart, figure
        first = chart.split('<g class="series"')[-1]  # drawn last, on top: the total, or the first series
        assert first.count("<circle") == 10, figure  # the failed run counted its orders too
    total = drawn["refusal_rate"]
    assert "<title>11-22 · 合计: 7.1%</title>" in total and "最近 7.1%" in total
    assert "件数不是整数" in drawn["refusal_by_rule"]  # a rule by its message
    assert "及时提货率" in drawn["on_time"] and "及时送达率" in drawn["on_time"]
    overdue = drawn["overdue"]
    assert "<title>12-01 · 顺丰速运: 2,418</title>" in overdue  # a series a carrier, and their total
    assert "<title>12-01 · 合计: 2,457</title>" in overdue and "中通快递" in overdue


def test_a_good_run_a_failed_rerun_moved_aside_is_still_linked_where_it_is_kept(team_folder: Path) -> None:
    config = write(team_folder / "config" / "orders.yaml", QUICK_BATCH.split("  overdue:")[0])
    rules = team_folder / "config" / "rules" / "orders.yaml"
    good = run_batch(load_config(config), as_of="2026-11-22 09:00")
    write(rules, replace_once(rules.read_text(encoding="utf-8"), "rejected_share: 0.5", "rejected_share: 0.01"))
    failed = run_batch(load_config(config), as_of="2026-11-22 10:00")
    assert failed.earlier_good_run == good.run_dir.with_name("daily.last-good")

    page = (team_folder / "out" / "index.html").read_text(encoding="utf-8")
    links = Page(page).links
    assert "2026-11-22/daily.last-good/orders/summary.html" in links  # the good run, where it is kept
    assert "2026-11-22/daily/manifest.json" in links  # the failed one, in the run folder
    assert all((team_folder / "out" / link).is_file() for link in links)
    assert runs(team_folder / "data" / "history.sqlite")["moved_to"].to_list() == [str(failed.earlier_good_run), None]


def test_the_page_is_english_with_locale_en(team: Path) -> None:
    db = team / "data" / "history.sqlite"
    now = datetime(2026, 12, 1, 9, 5, tzinfo=ZONE)
    english = render_portal(runs(db), job_runs(db), figures(db), team / "out", "en", now)
    assert '<html lang="en">' in english and "<h1>Run history</h1>" in english
    assert "Batches daily · 10 runs · updated 2026-12-01 09:05" in english
    assert "<b>Refusal rate</b>" in english and "On-time pickup" in english and "Worklist" in english
    assert "运行记录" not in english


def test_beyond_thirty_runs_the_trends_show_the_last_30_or_90(tmp_path: Path) -> None:
    """Forty recorded runs (no folders: only the history), as `record_run` takes a manifest."""
    db, out = tmp_path / "data" / "history.sqlite", tmp_path / "out"
    for i in range(40):
        day = date(2026, 1, 1) + timedelta(days=i)
        as_of = datetime(day.year, day.month, day.day, 9, tzinfo=ZONE)
        manifest = {
            "batch": "daily",
            "run_date": day.isoformat(),
            "as_of": as_of.isoformat(),
            "finished_at": as_of.isoformat(),
            "duration_s": 1.0,
            "status": "done",
            "exit_code": 0,
            "jobs": {
                "orders": {"kind": "validate_orders", "status": "done", "counts": {"rows_in": 100, "rejected": i}}
            },
        }
        record_run(db, BatchRun("daily", day, as_of, out / day.isoformat() / "daily", {}), manifest)
    page = render_portal(runs(db), job_runs(db), figures(db), out, "zh_CN", datetime(2026, 2, 10, tzinfo=ZONE))
    assert '<input type="radio" name="span" id="span-30" checked>' in page and "近90次" in page
    thirty, ninety = page.split('<div class="span-30">')[1], page.split('<div class="span-90">')[1]
    assert 'data-points="30"' in thirty.split('<div class="span-90">')[0] and 'data-points="40"' in ninety
    assert "最近 39.0%" in thirty and "目录已不在" in page  # no folder to link to


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_reads_on_a_phone_and_a_desktop(browser: Browser, team: Path, width: int) -> None:
    view = browser.view(team / "out" / "index.html", width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == []
    assert view.missing_glyphs == []
    assert view.title == "运行记录"
    assert "拒收率" in view.text and FAILED_DAY.isoformat() in view.text
