"""How frames and results look to people: HTML tables with thousands separators, percentages and
highlighted breaches, KPI cards, and the `_repr_html_` of the toolkit's result objects (the
validation result, rendered messages, a batch run, a notebook run) in Jupyter.

Only plain HTML with classes the report stylesheet knows (no scripts, no CSS variables), so the
same tables go into the HTML report and the email body.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from toolkit.i18n import EN, ZH, Text
from toolkit.labels import LABELS as VOCABULARY
from toolkit.labels import label
from toolkit.shipments.counts import DELIVERY_STATES, NO_EVENTS
from toolkit.templating.filters import duration

# Headers for the column names the KPI functions return: the toolkit's one vocabulary and the overdue
# job's counts, in its own words; a notebook passes its own headers for other columns.
LABELS: dict[str, Text] = {**VOCABULARY, **DELIVERY_STATES, "no_events": NO_EVENTS}
# Measures for which a rise is bad news (week-over-week changes are shown red when they rise).
LOWER_IS_BETTER = {
    "late_rate",
    "handling_min",
    "complaints",
    "incidents",
    "paid_amount",
    "late",
    "missed",
    "delivered_late",
    "open_overdue",
}
WORDS = {
    "more_rows": Text("另有 {n:,} 行未显示", "{n:,} more rows not shown"),
    "none": Text("无", "none"),
    "yes": Text("是", "yes"),
    "no": Text("否", "no"),
    "validation": Text("核单结果", "Order check"),
    "messages": Text("短信", "Messages"),
    "first_findings": Text("前{n}条问题", "First {n} findings"),
    "previews": Text("短信预览", "SMS previews"),
    "batch": Text("批次 {batch} · {date} · {status}", "Batch {batch} · {date} · {status}"),
    "rows_in": Text("读入", "Rows in"),
    "rendered": Text("生成短信", "Rendered"),
    "outbox": Text("待发送", "Outbox"),
    "over_budget": Text("超长", "Over budget"),
    "findings_count": Text("问题", "Findings"),
}
SEVERITY = {"error": Text("拒收", "refused"), "warning": Text("需致电", "call needed")}
PERCENT_SUFFIXES = ("_rate", "share", "rate", "target")
MINUTE_SUFFIX = "_min"
# Inline styles as well as classes: the same HTML reads right in JupyterLab (no report stylesheet)
# and in mail clients.
_NUM = ' class="num" style="text-align:right"'
_BREACH = ' class="breach" style="background:#fde2e1;color:#8b1a10"'
_CARD = "display:inline-block;vertical-align:top;min-width:110px;margin:0 8px 8px 0;padding:6px 10px;border:1px solid #d0d7de;border-radius:4px"
_CARD_BREACH = _CARD + ";border-color:#cf222e;background:#fde2e1"
_FIGURE = "display:block;font-size:20px"


class Html(str):
    """A string of HTML that Jupyter shows as HTML (`display(Html(...))` or a cell's last value)."""

    def _repr_html_(self) -> str:
        return str(self)


def word(key: str, locale: str, **values: object) -> str:
    return WORDS[key].format(locale, **values)


def header(name: str, locale: str, headers: Mapping[str, str] | None = None) -> str:
    return label(name, locale, headers, LABELS)


def guess_format(name: str, dtype: pl.DataType) -> str:
    """int / pct / minutes / num / datetime / date / bool / text, from the column's name and type."""
    if name == "severity":
        return "severity"
    if name.startswith(("amount", "paid_amount")) and dtype.is_numeric():
        return "money"
    if name.endswith(MINUTE_SUFFIX) and dtype.is_numeric():
        return "minutes"
    if name.endswith(PERCENT_SUFFIXES) and dtype.is_float():
        return "pct"
    if dtype.is_integer():
        return "int"
    if dtype.is_float():
        return "num"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Date:
        return "date"
    if dtype == pl.Boolean:
        return "bool"
    return "text"


def format_value(value: Any, kind: str, locale: str = ZH) -> str:
    """One cell as people read it: 12,345 · 97.3% · 2小时5分 · 11-22 09:05 · — for nothing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "pct":
        return f"{value:.1%}"
    if kind == "minutes":
        return duration(float(value) / 60, locale)
    if kind == "num":
        return f"{value:,.1f}"
    if kind == "money":
        return f"¥{value:,.2f}"
    if kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%m-%d %H:%M")
    if kind == "date" and isinstance(value, date):
        return value.strftime("%m-%d") if locale != EN else value.isoformat()
    if kind == "severity":
        return SEVERITY[value].get(locale) if value in SEVERITY else str(value)
    if kind == "bool":
        return word("yes" if value else "no", locale)
    return str(value)


@dataclass
class HtmlTable:
    """A frame as a table for people. `breach`: a boolean column whose true rows are highlighted
    (and not shown as a column); `formats`: per-column format overriding `guess_format`."""

    frame: pl.DataFrame
    locale: str = ZH
    headers: Mapping[str, str] | None = None
    formats: Mapping[str, str] | None = None
    breach: str | None = None
    caption: str | None = None
    max_rows: int = 30

    def columns(self) -> list[str]:
        return [c for c in self.frame.columns if c != self.breach]

    def to_html(self) -> str:
        names = self.columns()
        kinds = {n: (self.formats or {}).get(n) or guess_format(n, self.frame.schema[n]) for n in names}
        numeric = {n for n, k in kinds.items() if k in ("int", "pct", "minutes", "num", "money")}
        out = ['<table class="report-table">']
        if self.caption:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        out.append(
            "<thead><tr>"
            + "".join(
                f"<th{_NUM if n in numeric else ''}>{html.escape(header(n, self.locale, self.headers))}</th>"
                for n in names
            )
            + "</tr></thead><tbody>"
        )
        shown = self.frame.head(self.max_rows)
        for row in shown.iter_rows(named=True):
            flagged = bool(self.breach and row.get(self.breach))
            cells = "".join(
                f"<td{_NUM if n in numeric else ''}>{html.escape(format_value(row[n], kinds[n], self.locale))}</td>"
                for n in names
            )
            out.append(f"<tr{_BREACH if flagged else ''}>{cells}</tr>")
        out.append("</tbody></table>")
        if self.frame.height > self.max_rows:
            out.append(
                f'<p class="note">{html.escape(word("more_rows", self.locale, n=self.frame.height - self.max_rows))}</p>'
            )
        return "".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()


def table(frame: pl.DataFrame, locale: str = ZH, **options: Any) -> HtmlTable:
    return HtmlTable(frame, locale, **options)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    breach: bool = False
    note: str = ""


def cards(items: Iterable[Card]) -> Html:
    """A row of KPI cards: the label, the figure in large type, red when it breaches a target."""
    parts = []
    for item in items:
        note = f'<span class="note">{html.escape(item.note)}</span>' if item.note else ""
        parts.append(
            f'<div class="kpi{" breach" if item.breach else ""}" style="{_CARD_BREACH if item.breach else _CARD}">'
            f'{html.escape(item.label)}<b style="{_FIGURE}">{html.escape(item.value)}</b>{note}</div>'
        )
    return Html(f'<div class="kpis">{"".join(parts)}</div>')


def _signed(value: float | None, kind: str, locale: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    if kind == "pct":
        return f"{sign}{abs(value) * 100:.1f}" + ("个百分点" if locale != EN else " pp")
    return sign + format_value(abs(value), kind, locale)


def week_over_week_table(frame: pl.DataFrame, locale: str = ZH, labels: Mapping[str, str] | None = None) -> Html:
    """A week-over-week frame (measure, this_week, last_week, change) with each row in its own
    format; a change for the worse is highlighted."""
    head = "".join(f"<th{_NUM if n != 'measure' else ''}>{html.escape(header(n, locale))}</th>" for n in frame.columns)
    rows = []
    for row in frame.iter_rows(named=True):
        name = row["measure"]
        kind = "int" if guess_format(name, pl.Float64) == "num" else guess_format(name, pl.Float64)
        change = row["change"]
        worse = change is not None and ((change > 0) if name in LOWER_IS_BETTER else (change < 0 and kind in ("pct",)))
        label = (labels or {}).get(name) or header(name, locale)
        cells = [f"<td>{html.escape(label)}</td>"]
        cells += [
            f"<td{_NUM}>{html.escape(format_value(row[c], kind, locale))}</td>" for c in ("this_week", "last_week")
        ]
        cells.append(f"<td{_NUM}>{html.escape(_signed(change, kind, locale))}</td>")
        rows.append(f"<tr{_BREACH if worse else ''}>{''.join(cells)}</tr>")
    return Html(f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
