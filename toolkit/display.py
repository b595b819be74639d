"""How frames and results look to people: HTML tables with thousands separators, percentages and
highlighted breaches, KPI cards, and the `_repr_html_` of the toolkit's result objects (the
validation result, rendered messages, a batch run, a notebook run) in Jupyter.

Only plain HTML with classes the report stylesheet knows (no scripts, no CSS variables), so the
same tables go into the HTML report and the email body. A table is read on a 390-px phone as often
as on a desktop: it sits in a box of its own that scrolls sideways (`table-wrap`), never the page,
and a column of short values keeps each value on one line, so a ten-column table scrolls instead
of squeezing every cell to one character a line; a column of long texts wraps, but no narrower
than `WRAP_MIN_WIDTH`. The styles that matter are inline as well as classes, so they hold in
JupyterLab (no report stylesheet) and in mail clients (which drop `<style>`).
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from toolkit.i18n import EN, ZH, Text
from toolkit.labels import KIND_COUNT_LABELS, RUN_LABELS, label, rule_title
from toolkit.labels import LABELS as VOCABULARY
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
# A table's own sideways-scrolling box (the page never scrolls sideways on a phone).
_WRAP = ' class="table-wrap" style="overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%"'
NOWRAP_MAX_WIDTH = 24  # display units (a CJK character 2, a Latin one 1): values up to 12 汉字 stay on one line
WRAP_MIN_WIDTH = "9em"  # a column of longer texts wraps, but stays this wide (not one character a line)
# Set once on the table (inherited; a style on every cell would cost the mail ~8 KB of its 100)
# and lifted for the cells of a column of long texts.
_TABLE = '<table class="report-table" style="white-space:nowrap">'
_WRAPPED = f' style="white-space:normal;min-width:{WRAP_MIN_WIDTH}"'


class Html(str):
    """A string of HTML that Jupyter shows as HTML (`display(Html(...))` or a cell's last value)."""

    def _repr_html_(self) -> str:
        return str(self)


_UNREADABLE = Text("{field}无法识别", "{field} unreadable")
# counts of something gone wrong or left aside: news only when there are some
_QUIET_WHEN_ZERO = (
    "blank_rows_skipped", "unreadable_", "over_budget", "not_selected", "unknown_", "unmatched_waybills",
    "repeated_waybills", "repeated_accounts", "bad_order_time", "not_chased", "no_due_time", "refused", "partitions_failed",
    "rows_outside_partitions",
)  # fmt: skip


def count_label(kind: str, name: str, locale: str) -> str:
    """A count's name as the summary says it: the kind's own word, the run's, the vocabulary's
    (the overdue job's delivery states among them), `<field>无法识别` for `unreadable_<field>`."""
    words = {**LABELS, **RUN_LABELS, **KIND_COUNT_LABELS.get(kind, {})}
    if name.startswith("unreadable_") and name not in words:
        return _UNREADABLE.format(locale, field=label(name.removeprefix("unreadable_"), locale, vocabulary=words))
    return label(name, locale, vocabulary=words)


def counts_line(kind: str, counts: dict[str, int], locale: str) -> str:
    """`读入行数 2,000 · 接收 1,843 · 拒收 157 …`: every count, but those of something gone wrong or
    left aside only when there are some."""
    shown = [(k, v) for k, v in counts.items() if v or not k.startswith(_QUIET_WHEN_ZERO)]
    return " · ".join(f"{count_label(kind, k, locale)} {v:,}" for k, v in shown)


def findings_for_people(
    findings: pl.DataFrame, locale: str, severity: Mapping[str, Text] | None = None
) -> pl.DataFrame:
    """A findings frame as a page shows it: each rule by its title, each column by its label,
    the severity in words (`severity`: what error and warning mean for this job)."""
    words = {level: text.get(locale) for level, text in (severity or SEVERITY).items()}
    shown = {
        "rule": lambda rule: rule_title(rule, locale),
        "column": lambda column: header(column, locale),
        "severity": lambda level: words.get(level, level),
    }
    return findings.with_columns(
        pl.col(name).replace_strict({v: say(v) for v in findings[name].unique().drop_nulls()}, default=pl.col(name))
        for name, say in shown.items()
        if name in findings.columns and findings.schema[name] == pl.String
    )


def word(key: str, locale: str, **values: object) -> str:
    return WORDS[key].format(locale, **values)


def header(name: str, locale: str, headers: Mapping[str, str] | None = None) -> str:
    return label(name, locale, headers, LABELS)


def display_width(text: str) -> int:
    """How wide `text` is on screen in half-em units: a CJK or full-width character 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def scroll_box(table_html: str) -> str:
    """A table in its own box that scrolls sideways when the screen is narrower than the table."""
    return f"<div{_WRAP}>{table_html}</div>"


def _text_cell(values: Iterable[str]) -> str:
    """The attributes of a text column's cells: none for short values (one line, as the table
    says), else wrapped but not narrow."""
    widest = max((display_width(v) for v in values), default=0)
    return "" if widest <= NOWRAP_MAX_WIDTH else _WRAPPED


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
        out = [_TABLE]
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
        texts = {n: [format_value(v, kinds[n], self.locale) for v in shown[n]] for n in names}
        attributes = {n: _NUM if n in numeric else _text_cell(texts[n]) for n in names}
        for i, flagged in enumerate(shown[self.breach] if self.breach else [False] * shown.height):
            cells = "".join(f"<td{attributes[n]}>{html.escape(texts[n][i])}</td>" for n in names)
            out.append(f"<tr{_BREACH if flagged else ''}>{cells}</tr>")
        out.append("</tbody></table>")
        page = scroll_box("".join(out))
        if self.frame.height > self.max_rows:
            page += f'<p class="note">{html.escape(word("more_rows", self.locale, n=self.frame.height - self.max_rows))}</p>'
        return page

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
    names = [(labels or {}).get(m) or header(m, locale) for m in frame["measure"]]
    measure_cell = _text_cell(names)
    for row in frame.iter_rows(named=True):
        name = row["measure"]
        kind = "int" if guess_format(name, pl.Float64) == "num" else guess_format(name, pl.Float64)
        change = row["change"]
        worse = change is not None and ((change > 0) if name in LOWER_IS_BETTER else (change < 0 and kind in ("pct",)))
        label = (labels or {}).get(name) or header(name, locale)
        cells = [f"<td{measure_cell}>{html.escape(label)}</td>"]
        cells += [
            f"<td{_NUM}>{html.escape(format_value(row[c], kind, locale))}</td>" for c in ("this_week", "last_week")
        ]
        cells.append(f"<td{_NUM}>{html.escape(_signed(change, kind, locale))}</td>")
        rows.append(f"<tr{_BREACH if worse else ''}>{''.join(cells)}</tr>")
    return Html(scroll_box(f"{_TABLE}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"))
