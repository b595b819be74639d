"""What people open after an overdue run: worklist.xlsx (one sheet per carrier plus all,
severity highlighted), batches.xlsx and a short HTML summary."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment, select_autoescape

from toolkit.i18n import Text
from toolkit.io import XlsxSheet, write_text, write_xlsx
from toolkit.labels import column_labels, label
from toolkit.shipments.counts import DELIVERY_STATES, NO_EVENTS, STATUS_PREFIX
from toolkit.shipments.stages import stage_label
from toolkit.tracking.worklist import SEVERITY_LABELS

WORDS = {
    "all": Text("全部", "All"),
    "title": Text("超时件跟进", "Overdue shipments"),
    "batches": Text("批量反馈承运商", "Raise with carrier"),
    "shipments": Text("运单", "Shipments"),
    "flagged": Text("需跟进", "Need attention"),
    "by_rule": Text("按问题", "By problem"),
    "by_severity": Text("按级别", "By severity"),
    "unknown": Text("未识别的状态", "Unrecognised statuses"),
    "as_of": Text("统计时间", "As of"),
    "delivery": Text("按送达时效", "Against the delivery due time"),
    "own_status": Text("运单表中的状态", "Status in the shipments table"),
    "no_events": NO_EVENTS,
    "truncated": Text(
        "需跟进超过{limit}件，worklist.xlsx 每页只列出最紧急的{limit}件；全部见 worklist.parquet。",
        "More than {limit} shipments need attention: each sheet of worklist.xlsx lists the {limit} most "
        "urgent; worklist.parquet has all.",
    ),
}
SOURCES = {"events": Text("轨迹", "Tracking events"), "shipments": Text("运单表", "Shipments table")}
_LEVELS = {"critical": "error", "high": "error", "medium": "warning"}
_UNKNOWN_COLUMNS = ("status", "count", "source")  # the table of unrecognised statuses, headed `w.status` …
PEOPLE_COLUMNS = (
    "waybill",
    "severity_label",
    "rule_label",
    "overdue_by_text",
    "escalate_to",
    "rounds",
    "next_follow_up",
    "due_at",
    "stage_label",
    "reason",
    "last_event_time",
    "last_location",
    "last_status",
    "carrier",
    "service",
    "route",
    "branch",
    "order_id",
    "urgent",
    "declared_value",
    "customer_name",
    "customer_phone",
    "order_time",
)
"""The worklist's columns on each sheet of worklist.xlsx, in this order, headed with the vocabulary's words."""


def _people(frame: pl.DataFrame, locale: str) -> pl.DataFrame:
    present = [c for c in PEOPLE_COLUMNS if c in frame.columns]
    return frame.select(present).rename(column_labels(present, locale))


def _sheet(name: str, worklist: pl.DataFrame, locale: str) -> XlsxSheet:
    people = _people(worklist, locale)
    marked = worklist.with_row_index("row").select(
        "row", level=pl.col("severity").replace_strict(_LEVELS, default=None)
    )
    highlights = (
        marked.filter(pl.col("level").is_not_null())
        .join(
            pl.DataFrame({"column": [label(c, locale) for c in ("waybill", "severity_label", "overdue_by_text")]}),
            how="cross",
        )
        .select(pl.col("row").cast(pl.Int64), "column", "level")
    )
    return XlsxSheet(name, people, highlights)


def write_worklist_xlsx(worklist: pl.DataFrame, path: Path, locale: str, max_rows: int = 50_000) -> int:
    """All shipments on one sheet and each carrier on its own, the most urgent `max_rows` of each
    (the worklist is sorted); returns the rows written on the first sheet."""
    sheets = [_sheet(WORDS["all"].get(locale), worklist.head(max_rows), locale)]
    for carrier in sorted(worklist["carrier"].fill_null("?").unique().to_list()):
        sheets.append(
            _sheet(carrier, worklist.filter(pl.col("carrier").fill_null("?") == carrier).head(max_rows), locale)
        )
    write_xlsx(path, sheets)
    return min(worklist.height, max_rows)


def write_batches_xlsx(batches: pl.DataFrame, path: Path, locale: str) -> None:
    frame = batches.rename(column_labels(batches.columns, locale))
    write_xlsx(path, [XlsxSheet(WORDS["batches"].get(locale), frame)])


_HTML = """<!doctype html><html lang="{{ lang }}"><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.critical,.high{background:#FFC7CE}.medium{background:#FFEB9C}</style>
<h1>{{ title }}</h1><p>{{ w.as_of }}: {{ as_of }} · {{ w.shipments }}: {{ shipments }} · {{ w.flagged }}: {{ flagged }}
{%- if no_events is not none %} · {{ w.no_events }}: {{ no_events }}{% endif %}</p>
{% if truncated %}<p>{{ truncated }}</p>{% endif %}
{% if delivery %}<h2>{{ w.delivery }}</h2><table>{% for label, n in delivery %}<tr><td>{{ label }}</td><td>{{ n }}</td></tr>{% endfor %}</table>{% endif %}
{% if own_status %}<h2>{{ w.own_status }}</h2><table>{% for label, n in own_status %}<tr><td>{{ label }}</td><td>{{ n }}</td></tr>{% endfor %}</table>{% endif %}
<h2>{{ w.by_rule }}</h2><table>{% for label, n in by_rule %}<tr><td>{{ label }}</td><td>{{ n }}</td></tr>{% endfor %}</table>
<h2>{{ w.by_severity }}</h2><table>{% for key, label, n in by_severity %}<tr class="{{ key }}"><td>{{ label }}</td><td>{{ n }}</td></tr>{% endfor %}</table>
<h2>{{ w.batches }}</h2><table><tr>{% for h in batch_headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in batches %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>
<h2>{{ w.unknown }}</h2><table><tr><th>{{ w.status }}</th><th>{{ w.count }}</th><th>{{ w.source }}</th></tr>
{% for status, n, source in unknown %}<tr><td>{{ status }}</td><td>{{ n }}</td><td>{{ source }}</td></tr>{% endfor %}</table>
"""


def write_summary_html(
    worklist: pl.DataFrame,
    batches: pl.DataFrame,
    unknown: pl.DataFrame,
    shipments: int,
    as_of: str,
    path: Path,
    *,
    title: str,
    locale: str,
    max_rows: int = 50_000,
    counts: dict[str, int] | None = None,
) -> None:
    """The summary page; `counts` (toolkit.shipments.counts.shipment_counts) adds where the
    shipments stand against their delivery due time and by their own status."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    counts = counts or {}
    source = pl.col("source") if "source" in unknown.columns else pl.lit("events")
    by_rule = worklist.group_by("rule_label").len().sort("len", descending=True).rows()
    by_severity = (
        worklist.group_by("severity", "severity_label")
        .agg(n=pl.len(), r=pl.col("severity_rank").first())
        .sort("r", descending=True)
    )
    batch_columns = ["carrier", "route", "late", "worst_severity", "max_overdue_by"]
    words = {k: v.get(locale) for k, v in WORDS.items()} | column_labels(_UNKNOWN_COLUMNS, locale)
    html = env.from_string(_HTML).render(
        lang="en" if locale == "en" else "zh",
        title=f"{WORDS['title'].get(locale)} · {title}",
        w=words,
        as_of=as_of,
        shipments=shipments,
        flagged=worklist.height,
        by_rule=by_rule,
        by_severity=by_severity.select("severity", "severity_label", "n").rows(),
        batch_headers=[label(c, locale) for c in batch_columns],
        batches=batches.head(50)
        .select(batch_columns)
        .with_columns(
            pl.col("max_overdue_by").round(1),
            pl.col("worst_severity").replace_strict({k: v.get(locale) for k, v in SEVERITY_LABELS.items()}),
        )
        .rows(),
        unknown=unknown.head(50)
        .select(
            "status",
            "count",
            source.replace_strict({k: v.get(locale) for k, v in SOURCES.items()}, return_dtype=pl.String),
        )
        .rows(),
        no_events=counts.get("no_events"),
        delivery=[(text.get(locale), counts[name]) for name, text in DELIVERY_STATES.items() if name in counts],
        own_status=[
            (stage_label(name.removeprefix(STATUS_PREFIX), locale), n)
            for name, n in counts.items()
            if name.startswith(STATUS_PREFIX)
        ],
        truncated=WORDS["truncated"].format(locale, limit=max_rows) if worklist.height > max_rows else "",
    )
    write_text(html, path)
