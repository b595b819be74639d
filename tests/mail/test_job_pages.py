"""The 客服日报 mail as a supervisor opens it on a 390-px phone and on a desktop: one column of at
most 600 px, laid out at the phone's own width (not 980 px shrunk to 40 %), in CSS mail clients
keep (inlined; no `<style>`, variables, flex, grid or position), the top-10 table scrolling in its
own box, the charts (CID images) the column's width.

The daily batch runs once for the module, up to its `daily_mail` job; its .eml's HTML part is
opened with the images written beside it, as a mail client resolves `cid:`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from tests.support.browser import DESKTOP, PHONE, WIDTHS, Browser
from tests.support.files import copy_team, write
from tests.support.report_pages import CELLS, IMAGES, mail_page
from toolkit.mailing.html import GMAIL_CLIP_BYTES, MAIL_WIDTH
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
JOBS = ["orders", "dispatch_sms", "overdue", "daily_report", "daily_mail"]
COLUMN = "return document.querySelector('body > table[role=presentation]').getBoundingClientRect().toJSON()"
DROPPED_BY_MAIL_CLIENTS = re.compile(r"var\(|position\s*:|display\s*:\s*(flex|grid|inline-flex|inline-grid)", re.I)
COVER_NOTE = """\
batch: cover
output: ../out
jobs:
  cover_mail:
    kind: email
    to: [客服经理 <cs-manager@example.com>]
    subject: "客服周报 {{ run_date }}"
    body: ../templates/email/report.html.j2
    attach: [branches.csv, sla.yaml]
"""


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The daily mail's .eml, from the shipped daily batch on the samples."""
    team = tmp_path_factory.mktemp("team")
    copy_team(team)
    run = run_batch(load_config(team / "config" / "daily.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=JOBS)
    assert run.exit_code == 0, {name: r.error for name, r in run.jobs.items()}
    return run.run_dir / "outbox" / "daily_mail.eml"


@pytest.fixture(scope="module")
def page(mail: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mail_page(mail, tmp_path_factory.mktemp("mail"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mail_fits_the_screen_in_one_column_of_at_most_600_px(browser: Browser, page: Path, width: int) -> None:
    view = browser.view(page, width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == []
    assert view.missing_glyphs == []
    column = browser.driver.execute_script(COLUMN)
    if width == DESKTOP:
        assert column["width"] == MAIL_WIDTH and column["left"] == (DESKTOP - MAIL_WIDTH) / 2  # centred
    else:
        assert column["width"] == PHONE  # the phone's width, not 980 px shrunk
    images = browser.driver.execute_script(IMAGES)
    assert len(images) == 5 and all(natural > 0 for _, _, natural in images)  # every CID image found
    assert {round(shown) for _, shown, _ in images} == ({520} if width == DESKTOP else {PHONE - 24})


def test_the_top_ten_table_scrolls_in_its_box_in_the_mail_too(browser: Browser, page: Path) -> None:
    view = browser.view(page, PHONE)
    table = browser.driver.execute_script(CELLS, "最需要跟进的10票")
    assert view.fits and table["scrolls"] == "auto" and table["table"] > table["box"]
    assert [text for text, _, lines in table["cells"] if lines > 1] == []
    assert min(em for _, em, _ in table["cells"]) >= 2.5


def test_the_mail_uses_only_css_mail_clients_keep(mail: Path) -> None:
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style") is None and soup.find(class_=True) is None  # all inlined
    assert soup.find("meta", attrs={"name": "viewport"})["content"] == "width=device-width, initial-scale=1"
    dropped = [style for tag in soup.find_all(style=True) if DROPPED_BY_MAIL_CLIENTS.search(style := tag["style"])]
    assert dropped == []
    column = soup.body.find("table", recursive=False)
    assert column["width"] == "600" and "max-width:600px" in column["style"]  # Outlook's Word engine, the rest
    assert soup.find(["main", "section", "figure", "footer"]) is None  # divs, which every client knows
    assert len(html.encode("utf-8")) < GMAIL_CLIP_BYTES
    text = message.get_body(("plain",)).get_content()
    assert "[按规则：拒收（红）与需致电（蓝）的订单]" in text  # a chart's title is its alt text


def test_the_cover_note_template_reads_on_a_phone(browser: Browser, team_folder: Path, tmp_path: Path) -> None:
    config = write(team_folder / "config" / "cover.yaml", COVER_NOTE)
    run = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF)
    assert run.exit_code == 0, run.jobs
    view = browser.view(mail_page(run.run_dir / "outbox" / "cover_mail.eml", tmp_path / "mail"), PHONE)
    assert view.fits and view.console_errors == [] and view.missing_glyphs == []
    assert "客服报表 2026-11-22" in view.text and "branches.csv" in view.text
    assert browser.driver.execute_script(COLUMN)["width"] == PHONE
