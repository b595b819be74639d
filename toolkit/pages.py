"""What every HTML page the toolkit writes shares: a head that phones lay out at their own width,
one phone-first stylesheet, and a line saying what the page is about.

A supervisor reads these pages on a 390-px phone (QQ Mail, the WeChat browser) as often as on a
desktop, so the base styles are a single column that grows to a readable maximum, wide tables
scroll inside their own box (`<div class="table-wrap">`), and nothing is wider than the screen.
The pages are files opened from a shared folder or a mail attachment: no web fonts, no scripts
from elsewhere; the CJK font stack names what phones, Windows and Linux have.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from toolkit.i18n import EN, Text

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
"""Without it a phone lays the page out 980 px wide and shows it shrunk to 40 %."""

FONT_STACK = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
)

BASE_CSS = f"""
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ font-family: {FONT_STACK}; color: #1f2328; background: #fff; line-height: 1.5;
       margin: 0 auto; padding: 12px; max-width: 1100px; overflow-wrap: anywhere; }}
h1, h2, h3 {{ line-height: 1.3; }}
h1 {{ font-size: 1.4rem; margin: .4rem 0 .2rem; }}
h2 {{ font-size: 1.2rem; margin: 1.2rem 0 .4rem; }}
h3 {{ font-size: 1.05rem; margin: 1rem 0 .3rem; }}
p.about {{ color: #57606a; font-size: .85rem; margin: 0 0 1rem; }}
p.about span {{ white-space: nowrap; }}
p.about span.inputs {{ white-space: normal; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .4rem 0 1.2rem; max-width: 100%; }}
table {{ border-collapse: collapse; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #e4e4e4; padding: .3rem .6rem; text-align: left; vertical-align: top; }}
th {{ background: #f6f8fa; white-space: nowrap; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
img, svg {{ max-width: 100%; height: auto; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 8px; margin: .6rem 0 1rem; }}
.card {{ border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; min-width: 7.5rem; flex: 1 1 7.5rem; }}
.card b {{ display: block; font-size: 1.4rem; font-variant-numeric: tabular-nums; }}
.card.breach {{ border-color: #cf222e; background: #fde2e1; }}
@media (max-width: 600px) {{
  body {{ padding: 8px; }}
  table {{ font-size: .85rem; }}
  th, td {{ padding: .25rem .4rem; }}
}}
"""
"""The styles every page starts from; a page adds its own after them."""

STATUS_CSS = """
.pill { display: inline-block; padding: 0 .4rem; border-radius: 4px; white-space: nowrap; }
.pill.error { background: #cf222e; color: #fff; }
.pill.warning { background: #fff8c5; color: #6b4b00; border: 1px solid #bf8700; }
.pill.ok { background: #dafbe1; color: #116329; }
.pill.muted { background: #eaeef2; color: #424a53; }
p.note { color: #57606a; font-size: .85rem; }
"""
"""What the worklist pages (tickets, account care) add to the base: a row's status as a pill
(`<span class="pill error">已超时</span>`: behind or breached red, due amber, ahead or on track
green, without a standard grey) and the grey note under the counts."""

_WORDS = {
    "batch": Text("批次 {value}", "Batch {value}"),
    "run_date": Text("运行日期 {value}", "Run date {value}"),
    "as_of": Text("数据截至 {value}", "Data as of {value}"),
    "inputs": Text("输入 {value}", "Input {value}"),
    "made_at": Text("生成于 {value}", "Made {value}"),
}


@dataclass(frozen=True)
class PageAbout:
    """What a page is about, said under its title: the batch and job, the run date, the as-of
    moment its figures count to, the input files, and when the page was made."""

    batch: str
    run_date: date
    as_of: datetime
    inputs: Sequence[str] = field(default_factory=tuple)  # file names, as the team knows them
    made_at: datetime | None = None  # default: now, in the as-of's time zone

    def html(self, locale: str) -> str:
        made = self.made_at or datetime.now(self.as_of.tzinfo)
        parts = [
            _WORDS["batch"].format(locale, value=self.batch),
            _WORDS["run_date"].format(locale, value=self.run_date.isoformat()),
            _WORDS["as_of"].format(locale, value=f"{self.as_of:%Y-%m-%d %H:%M}"),
        ]
        spans = [f"<span>{html.escape(part)}</span>" for part in parts]
        if self.inputs:  # a line of its own may not hold every file's name: it wraps
            separator = ", " if locale == EN else "、"
            inputs = _WORDS["inputs"].format(locale, value=separator.join(self.inputs))
            spans.append(f'<span class="inputs">{html.escape(inputs)}</span>')
        spans.append(f"<span>{html.escape(_WORDS['made_at'].format(locale, value=f'{made:%Y-%m-%d %H:%M}'))}</span>")
        return f'<p class="about">{" · ".join(spans)}</p>'


def head(title: str, *, css: str = "", base: bool = True) -> str:
    """The `<head>` of a page: charset, viewport, title, the base styles and the page's own.

    `base=False` leaves the base styles out, for a page that brings a whole stylesheet of its own
    and is also mailed: the notebook reports, whose CSS is inlined into every tag of the mail,
    where the base's universal `box-sizing` rule alone would add ~25 bytes to each element."""
    styles = (BASE_CSS if base else "") + css
    return f'<head><meta charset="utf-8">{VIEWPORT}<title>{html.escape(title)}</title><style>{styles}</style></head>'


def card_strip(cards: Sequence[tuple[str, str, int, str]]) -> str:
    """The row of count cards under a page's title: (key, label, count, extra class) each, the
    key as `data-count` for the tests that read the counts off the page."""
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card{html.escape(style)}" data-count="{html.escape(key)}">{html.escape(text)}<b>{count:,}</b></div>'
            for key, text, count, style in cards
        )
        + "</div>"
    )


def table_wrap(table_html: str) -> str:
    """A table that may be wider than a phone, scrolling inside its own box, not the page."""
    return f'<div class="table-wrap">{table_html}</div>'
