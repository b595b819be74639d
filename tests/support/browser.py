"""Pages opened in a real headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
Selenium; no browser download), at a phone's width and a desktop's, and what a reader would see
wrong there: a page wider than the screen, errors in the console, characters drawn as boxes.

`.ci/run` installs the Debian packages when they are missing; where they are not installed the
browser tests skip with that reason.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PHONE, DESKTOP = 390, 1280
WIDTHS = (PHONE, DESKTOP)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
MISSING = (
    "headless Chromium needs Debian's chromium, chromium-driver and fonts-noto-cjk "
    "(apt-get install chromium chromium-driver fonts-noto-cjk; .ci/run does this) and selenium (the test extra)"
)

# Each distinct character of the page's text drawn on a canvas in the page's own font, compared
# with a code point no font has (U+10FFFD, private use): the same pixels mean the character is
# drawn as that box too, i.e. no installed font has it.
_MISSING_GLYPHS = """
const text = document.body ? document.body.innerText : "";
const chars = [...new Set([...text].filter(c => c.trim() !== ""))];
const canvas = document.createElement("canvas");
canvas.width = 48; canvas.height = 48;
const ctx = canvas.getContext("2d", {willReadFrequently: true});
const family = getComputedStyle(document.body).fontFamily;
function pixels(c) {
  ctx.clearRect(0, 0, 48, 48);
  ctx.font = `28px ${family}`;
  ctx.fillText(c, 6, 36);
  return ctx.getImageData(0, 0, 48, 48).data.join(",");
}
const box = pixels("\\u{10FFFD}");
return chars.filter(c => pixels(c) === box);
"""


@dataclass(frozen=True)
class PageView:
    """What one page looks like at one width."""

    width: int  # the window's inner width, in CSS pixels
    scroll_width: int  # document.documentElement.scrollWidth: wider than `width` means the page scrolls sideways
    console_errors: list[str]
    missing_glyphs: list[str]  # characters no installed font draws (shown as boxes)
    title: str
    text: str  # the page's visible text

    @property
    def fits(self) -> bool:
        return self.scroll_width <= self.width


class Browser:
    """One headless Chromium for a test session; `view(path, width)` opens a local file."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM or ""
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)

    def view(self, path: Path, width: int) -> PageView:
        """`path` as a screen `width` CSS pixels wide shows it: below 600 px as a phone does (the
        page's viewport tag obeyed; a page without one is laid out 980 px wide and shrunk)."""
        driver = self.driver
        metrics = {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        driver.get(path.resolve().as_uri())
        driver.execute_script("return document.fonts.ready")
        errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        return PageView(
            width=width,
            scroll_width=driver.execute_script("return document.documentElement.scrollWidth"),
            console_errors=errors,
            missing_glyphs=driver.execute_script(_MISSING_GLYPHS),
            title=driver.title,
            text=driver.execute_script("return document.body ? document.body.innerText : ''"),
        )

    def close(self) -> None:
        self.driver.quit()


def browser_available() -> bool:
    if CHROMIUM is None or CHROMEDRIVER is None:
        return False
    try:
        import selenium  # noqa: F401
    except ImportError:
        return False
    return True


def open_browser() -> Iterator[Browser]:
    """A fixture body: the session's browser, or a skip saying what is missing."""
    if not browser_available():
        pytest.skip(MISSING)
    browser = Browser()
    try:
        yield browser
    finally:
        browser.close()
