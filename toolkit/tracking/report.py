"""What people open after an overdue run: worklist.xlsx (one sheet per carrier plus all,
severity highlighted), batches.xlsx and a short HTML summary."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from toolkit.i18n import Text, html_lang
from toolkit.io import XlsxSheet, row_highlights, write_text, write_xlsx
from toolkit.labels import column_labels, label
from toolkit.pages import PageAbout, head, table_wrap
from toolkit.shipments.counts import DELIVERY_STATES, NO_EVENTS, STATUS_PREFIX
from toolkit.shipments.stages import stage_label
from toolkit.templating.filters import duration
from toolkit.tracking.sla import SEVERITIES
from toolkit.tracking.worklist import RULES, SEVERITY_LABELS

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


_YES_NO = {True: Text("是", "yes"), False: Text("否", "no")}


def yes_no(frame: pl.DataFrame, locale: str) -> pl.DataFrame:
    """Boolean columns as 是 / 否 for a sheet people read (not True / False)."""
    words = {flag: text.get(locale) for flag, text in _YES_NO.items()}
    return frame.with_columns(
        pl.col(name).replace_strict(words, return_dtype=pl.String)
        for name, dtype in frame.schema.items()
        if dtype == pl.Boolean
    )


def _people(frame: pl.DataFrame, locale: str) -> pl.DataFrame:
    present = [c for c in PEOPLE_COLUMNS if c in frame.columns]
    return yes_no(frame.select(present), locale).rename(column_labels(present, locale))


def _sheet(name: str, worklist: pl.DataFrame, locale: str) -> XlsxSheet:
    people = _people(worklist, locale)
    levels = worklist["severity"].replace_strict(_LEVELS, default=None)
    marked = [label(c, locale) for c in ("waybill", "severity_label", "overdue_by_text")]
    return XlsxSheet(name, people, row_highlights(levels, marked))


def write_worklist_xlsx(worklist: pl.DataFrame | pl.LazyFrame, path: Path, locale: str, max_rows: int = 50_000) -> int:
    """All shipments on one sheet and each carrier on its own, the most urgent `max_rows` of each
    (the worklist is sorted); returns the rows written on the first sheet. A LazyFrame (a run's
    worklist.parquet) is read a sheet's rows at a time, never whole."""
    worklist = worklist.lazy()
    carrier = pl.col("carrier").fill_null("?")
    heads = [worklist.head(max_rows)]
    carriers = sorted(worklist.select(carrier.unique()).collect()["carrier"].to_list())
    heads += [worklist.filter(carrier == name).head(max_rows) for name in carriers]
    frames = pl.collect_all(heads)
    sheets = [_sheet(WORDS["all"].get(locale), frames[0], locale)]
    sheets += [_sheet(name, frame, locale) for name, frame in zip(carriers, frames[1:], strict=True)]
    write_xlsx(path, sheets)
    return frames[0].height


def write_batches_xlsx(batches: pl.DataFrame, path: Path, locale: str) -> None:
    """One row per carrier and route, its severity and rules in words; the longest overdue a
    number of working hours, so that the sheet sorts by it."""
    rules = {rule: text.get(locale) for rule, text in RULES.items()}
    severities = {level: text.get(locale) for level, text in SEVERITY_LABELS.items()}
    frame = batches.with_columns(
        pl.col("worst_severity").replace_strict(severities, default=pl.col("worst_severity")),
        pl.col("rules").str.split("、").list.eval(pl.element().replace(rules)).list.join("、"),
    ).rename(column_labels(batches.columns, locale, {"max_overdue_by": _WORKING_HOURS.get(locale)}))
    write_xlsx(path, [XlsxSheet(WORDS["batches"].get(locale), frame)])


_WORKING_HOURS = Text("最长超时(工作小时)", "Max overdue (working hours)")

SEVERITY_COLOURS: dict[str, tuple[str, str]] = {
    "critical": ("#B42318", "#FFFFFF"),  # deep red, white text (6.1:1)
    "high": ("#FFC7CE", "#9C0006"),  # worklist.xlsx's red fill and font (Excel's "bad")
    "medium": ("#FFEB9C", "#9C5700"),  # worklist.xlsx's amber fill and font (Excel's "neutral")
    "low": ("#DDEBF7", "#1F4E79"),  # pale blue (worklist.xlsx leaves low uncoloured)
}
"""(fill, text) per severity on the summary page, one colour each. worklist.xlsx has two fills
(toolkit.io.xlsx LEVELS): red for high and critical, amber for medium, none for low; the page's
high and medium are those very colours, critical a deeper red of the same family."""

NO_EVENTS_SHOWN = 100
NO_EVENTS_COLUMNS = ("waybill", "order_id", "carrier", "branch", "order_time")
_WORDS_PAGE = {
    "critical": Text("紧急", "Critical"),
    "no_events_listed": Text(
        "共{total}件没有任何轨迹，下单最早的{shown}件如下；全部见运单状态表 shipment_status.parquet（轨迹数为 0）。",
        "{total} shipments have no tracking event at all; the {shown} ordered first are listed, "
        "shipment_status.parquet has all (events = 0).",
    ),
    "no_events_all": Text("共{total}件没有任何轨迹：", "{total} shipments have no tracking event at all:"),
    "none": Text("无", "None"),
}

SUMMARY_CSS = """
.note { background: #fff7e0; padding: .4rem .8rem; border-radius: 4px; }
table.counts td + td, table.unknown td:nth-child(2) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sev { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-weight: 600; white-space: nowrap; }
table.wide td { white-space: nowrap; }
td.waybill { font-variant-numeric: tabular-nums; }
.card.critical { border-color: #B42318; }
.card a { color: inherit; }
""" + "".join(
    f".sev-{name} {{ background: {fill}; color: {text}; }}\n" for name, (fill, text) in SEVERITY_COLOURS.items()
)
"""The summary's own styles, after `toolkit.pages.BASE_CSS`."""

_HTML = """<!doctype html><html lang="{{ lang }}">{{ head }}<body>
<h1>{{ title }}</h1>
{% if about %}{{ about }}{% else %}<p class="about">{{ w.as_of }}: {{ as_of }}</p>{% endif %}
<div class="cards">
{%- for key, label, n in cards %}<div class="card{% if key == 'critical' and n %} critical{% endif %}" data-count="{{ key }}">
{%- if key == 'no_events' and n %}<a href="#no-events">{{ label }}</a>{% else %}{{ label }}{% endif %}<b>{{ "{:,}".format(n) }}</b></div>{% endfor -%}
</div>
{% if truncated %}<p class="note">{{ truncated }}</p>{% endif %}
{% if delivery %}<h2>{{ w.delivery }}</h2>{% filter table_wrap %}<table class="counts" data-table="delivery">{% for key, label, n in delivery %}<tr data-key="{{ key }}"><td>{{ label }}</td><td>{{ "{:,}".format(n) }}</td></tr>{% endfor %}</table>{% endfilter %}{% endif %}
{% if own_status %}<h2>{{ w.own_status }}</h2>{% filter table_wrap %}<table class="counts" data-table="own_status">{% for key, label, n in own_status %}<tr data-key="{{ key }}"><td>{{ label }}</td><td>{{ "{:,}".format(n) }}</td></tr>{% endfor %}</table>{% endfilter %}{% endif %}
<h2>{{ w.by_rule }}</h2>{% filter table_wrap %}<table class="counts" data-table="by_rule">{% for key, label, n in by_rule %}<tr data-key="{{ key }}"><td>{{ label }}</td><td>{{ "{:,}".format(n) }}</td></tr>{% else %}<tr><td>{{ w.none }}</td><td>0</td></tr>{% endfor %}</table>{% endfilter %}
<h2>{{ w.by_severity }}</h2>{% filter table_wrap %}<table class="counts" data-table="by_severity">{% for key, label, n in by_severity %}<tr data-key="{{ key }}"><td><span class="sev sev-{{ key }}">{{ label }}</span></td><td>{{ "{:,}".format(n) }}</td></tr>{% endfor %}</table>{% endfilter %}
<h2>{{ w.batches }}</h2>{% filter table_wrap %}<table class="wide" data-table="batches"><thead><tr>{% for h in batch_headers %}<th{% if loop.index in (3, 5) %} class="n"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for carrier, route, late, severity, severity_label, overdue in batches %}<tr><td>{{ carrier }}</td><td>{{ route }}</td><td class="n">{{ "{:,}".format(late) }}</td><td><span class="sev sev-{{ severity }}">{{ severity_label }}</span></td><td class="n">{{ overdue }}</td></tr>
{% else %}<tr><td colspan="5">{{ w.none }}</td></tr>{% endfor %}</tbody></table>{% endfilter %}
<h2>{{ w.unknown }}</h2>{% filter table_wrap %}<table class="unknown" data-table="unknown"><tr><th>{{ w.status }}</th><th class="n">{{ w.count }}</th><th>{{ w.source }}</th></tr>
{% for status, n, source in unknown %}<tr><td>{{ status }}</td><td>{{ "{:,}".format(n) }}</td><td>{{ source }}</td></tr>{% else %}<tr><td colspan="3">{{ w.none }}</td></tr>{% endfor %}</table>{% endfilter %}
{% if no_events is not none %}<h2 id="no-events">{{ w.no_events }}</h2>
{% if no_events %}<p>{{ no_events_note }}</p>
{% filter table_wrap %}<table class="wide" data-table="no_events"><thead><tr>{% for h in no_events_headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row in no_events_rows %}<tr>{% for cell in row %}<td{% if loop.first %} class="waybill"{% endif %}>{{ cell if cell is not none else "" }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endfilter %}{% else %}<p>{{ w.none }}</p>{% endif %}{% endif %}
</body></html>
"""


def _no_events(status: pl.DataFrame | None) -> tuple[int | None, pl.DataFrame]:
    """How many shipments have no tracking event, and the first of them by order time."""
    if status is None or "events" not in status.columns:
        return None, pl.DataFrame()
    none = status.filter(pl.col("events") == 0)
    columns = [c for c in NO_EVENTS_COLUMNS if c in none.columns]
    shown = none.sort("order_time", "waybill", nulls_last=True) if "order_time" in columns else none.sort("waybill")
    shown = shown.head(NO_EVENTS_SHOWN).select(columns)
    if "order_time" in columns:
        shown = shown.with_columns(pl.col("order_time").dt.strftime("%Y-%m-%d %H:%M"))
    return none.height, shown


def write_summary_html(
    worklist: pl.DataFrame | pl.LazyFrame,
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
    about: PageAbout | None = None,
    status: pl.DataFrame | None = None,
) -> None:
    """The summary page; `counts` (toolkit.shipments.counts.shipment_counts) adds where the
    shipments stand against their delivery due time and by their own status; `about`
    (JobContext.about) is the line under the title (else `as_of` alone); `status` (the
    shipment_status table) lists the shipments without any tracking event."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["table_wrap"] = lambda inner: Markup(table_wrap(str(inner)))
    counts = counts or {}
    source = pl.col("source") if "source" in unknown.columns else pl.lit("events")
    worklist = worklist.lazy()  # only counted here: a run's worklist.parquet is read two columns at a time
    flagged, by_rule_found, by_severity_found = pl.collect_all(
        [worklist.select(pl.len()), worklist.group_by("rule").len(), worklist.group_by("severity").len()]
    )
    flagged = flagged.item()
    found_rules = dict(by_rule_found.iter_rows())
    by_rule = [(name, text.get(locale), found_rules[name]) for name, text in RULES.items() if name in found_rules]
    by_rule.sort(key=lambda rule: -rule[2])  # the most first; equal counts in the rules' order
    found_severity = dict(by_severity_found.iter_rows())
    by_severity = [
        (name, SEVERITY_LABELS[name].get(locale), found_severity.get(name, 0)) for name in reversed(SEVERITIES)
    ]
    batch_columns = ["carrier", "route", "late", "worst_severity", "max_overdue_by"]
    words = (
        {k: v.get(locale) for k, v in WORDS.items()}
        | {k: v.get(locale) for k, v in _WORDS_PAGE.items()}
        | column_labels(_UNKNOWN_COLUMNS, locale)
    )
    no_events, no_events_rows = _no_events(status)
    if no_events is None and "no_events" in counts:
        no_events = counts["no_events"]
    listed = no_events_rows.height
    note = (
        _WORDS_PAGE["no_events_listed"].format(locale, total=f"{no_events:,}", shown=f"{listed:,}")
        if no_events and listed < no_events
        else _WORDS_PAGE["no_events_all"].format(locale, total=f"{no_events:,}")
        if no_events
        else ""
    )
    cards = [
        ("shipments", words["shipments"], shipments),
        ("flagged", words["flagged"], flagged),
        ("critical", words["critical"], found_severity.get("critical", 0)),
    ]
    if no_events is not None:
        cards.append(("no_events", words["no_events"], no_events))
    page_title = f"{WORDS['title'].get(locale)} · {title}"
    html = env.from_string(_HTML).render(
        lang=html_lang(locale),
        head=Markup(head(page_title, css=SUMMARY_CSS)),
        about=Markup(about.html(locale)) if about is not None else "",
        title=page_title,
        w=words,
        as_of=as_of,
        cards=cards,
        by_rule=by_rule,
        by_severity=by_severity,
        batch_headers=[label(c, locale) for c in batch_columns],
        batches=[
            (
                carrier,
                route,
                late,
                worst,
                SEVERITY_LABELS[worst].get(locale) if worst in SEVERITY_LABELS else worst,
                duration(overdue, locale),
            )
            for carrier, route, late, worst, overdue in batches.head(50).select(batch_columns).iter_rows()
        ],
        unknown=unknown.head(50)
        .select(
            "status",
            "count",
            source.replace_strict({k: v.get(locale) for k, v in SOURCES.items()}, return_dtype=pl.String),
        )
        .rows(),
        no_events=no_events,
        no_events_note=note,
        no_events_headers=[label(c, locale) for c in no_events_rows.columns],
        no_events_rows=no_events_rows.rows(),
        delivery=[(name, text.get(locale), counts[name]) for name, text in DELIVERY_STATES.items() if name in counts],
        own_status=[
            (name, stage_label(name.removeprefix(STATUS_PREFIX), locale), n)
            for name, n in counts.items()
            if name.startswith(STATUS_PREFIX)
        ],
        truncated=WORDS["truncated"].format(locale, limit=max_rows) if flagged > max_rows else "",
    )
    write_text(html, path)
