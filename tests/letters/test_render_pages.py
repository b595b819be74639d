"""The letters on screen and on paper: a letter's file and a kind's batch file fit a 390-px phone
and a desktop and say what they are about, while the print stays the A4 document print.css
makes (one A4 page per sample letter, the about line not printed, the page's screen styles
changing nothing in print)."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from markupsafe import Markup

from tests.support.browser import WIDTHS, Browser
from tests.support.files import REPO, copy_team
from tests.support.letters import letters_config
from toolkit.letters.render import LetterTemplate
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ABOUT = ("批次 letters · claim_letters", "运行日期 2026-11-22", "数据截至 2026-11-22 09:00", "输入 claims.csv")
A4_POINTS = (595.28, 841.89)
PRINT_WIDTH = 794  # A4's 210 mm in CSS pixels
BOXES = """return [...document.querySelectorAll('article.letter, article.letter *')].map(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return [e.tagName, r.x, r.y, r.width, r.height, s.fontFamily, s.fontSize, s.lineHeight, s.color,
          s.backgroundColor, s.boxShadow, s.padding, s.margin, s.textAlign];
})"""


@pytest.fixture(scope="module")
def letters_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    folder = tmp_path_factory.mktemp("team")
    copy_team(folder, ("config", "templates", "samples"))
    run = run_batch(load_config(letters_config(folder)), run_date=date(2026, 11, 22), as_of=AS_OF)
    assert run.exit_code == 0, run.jobs
    return run


def _pages(run: BatchRun) -> list[Path]:
    folder = run.run_dir / "claim_letters"
    index = pl.read_parquet(folder / "letters.parquet")
    first = [folder / index.filter(pl.col("kind") == kind)["file"][0] for kind in ("apology", "negotiation")]
    return [*first, folder / "letters_apology.html", folder / "letters_negotiation.html"]


def _print(browser: Browser, path: Path) -> tuple[list, dict, bytes]:
    """`path` in print media at A4's width: the letters' boxes and styles, the page's, and its PDF."""
    driver = browser.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PRINT_WIDTH, "height": 1123, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        driver.get(path.resolve().as_uri())
        driver.execute_script("return document.fonts.ready")
        boxes = driver.execute_script(BOXES)
        page = driver.execute_script(
            """const about = document.querySelector('p.about'), body = getComputedStyle(document.body),
                     letter = document.querySelector('article.letter');
               return {about: about && getComputedStyle(about).display, margin: body.margin, padding: body.padding,
                       font: body.fontFamily, width: letter.getBoundingClientRect().width,
                       shadow: getComputedStyle(letter).boxShadow,
                       pageRules: [...document.styleSheets].flatMap(s => [...s.cssRules])
                         .filter(r => r instanceof CSSPageRule).map(r => r.style.cssText)}"""
        )
        pdf = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    return boxes, page, base64.b64decode(pdf["data"])


@pytest.mark.parametrize("width", WIDTHS)
def test_letters_fit_the_screen_and_say_what_they_are_about(
    browser: Browser, letters_run: BatchRun, width: int
) -> None:
    for page in _pages(letters_run):
        view = browser.view(page, width)
        assert view.fits, f"{page.name}: {view.scroll_width} px wide at {width}"
        assert view.console_errors == [], page.name
        assert view.missing_glyphs == [], page.name
        for part in ABOUT:
            assert part in view.text, page.name


def test_each_batch_file_holds_the_letters_of_its_kind(letters_run: BatchRun) -> None:
    folder = letters_run.run_dir / "claim_letters"
    index = pl.read_parquet(folder / "letters.parquet")
    for kind in ("apology", "negotiation"):
        html = (folder / f"letters_{kind}.html").read_text(encoding="utf-8")
        assert html.count('<article class="letter">') == index.filter(pl.col("kind") == kind).height > 0


def test_the_print_is_still_one_a4_page_per_letter_without_the_about_line(
    browser: Browser, letters_run: BatchRun
) -> None:
    for path in _pages(letters_run):
        _, page, pdf = _print(browser, path)
        letters = path.read_text(encoding="utf-8").count('<article class="letter">')
        boxes = [[float(v) for v in box.split()] for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
        assert len(boxes) == letters, path.name  # each sample letter fits its one page
        for _, _, width, height in boxes:
            assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, path.name
        assert page["about"] == "none"  # on screen only
        assert (page["margin"], page["padding"], page["shadow"]) == ("0px", "0px", "none")  # no screen paper
        assert page["width"] == PRINT_WIDTH and page["font"].startswith('"Noto Serif CJK SC"')
        # print.css's @page rule, as the CSSOM spells it
        assert page["pageRules"] == ["size: a4; margin: 30mm 25mm 25mm 28mm;"]


def test_the_pages_screen_styles_and_about_line_change_nothing_in_print(
    browser: Browser, letters_run: BatchRun, tmp_path: Path
) -> None:
    """The sample letters printed from the document as written, and from the same document
    without what the screen view adds (the viewport tag, the pages' styles, the about line):
    every box and style of the letters the same, page for page."""
    written = letters_run.run_dir / "claim_letters" / "letters_negotiation.html"
    letters = [
        Markup(letter)
        for letter in re.findall(
            r'<article class="letter">\n(.*?)</article>', written.read_text(encoding="utf-8"), re.S
        )
    ]
    template = LetterTemplate.load(REPO / "templates" / "letters" / "negotiation.html.j2")
    assert template.document_html(letters, "x", about=None).count('<article class="letter">') == len(letters) > 1
    bare = tmp_path / "bare.html"  # print.css alone, as the document was before the screen view
    bare.write_text(
        template.document.render(
            {"letters": letters, "title": "x", "lang": "zh-CN", "viewport": "", "page_css": "", "about": ""}
        ),
        encoding="utf-8",
    )
    printed, _, pdf = _print(browser, written)
    expected, _, bare_pdf = _print(browser, bare)
    assert printed == expected
    assert len(re.findall(rb"/MediaBox", pdf)) == len(re.findall(rb"/MediaBox", bare_pdf)) == len(letters)
