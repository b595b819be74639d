"""What people open after a tickets run: worklist.xlsx (the open tickets, most urgent first,
breached cells red and due-soon amber) and worklist.html, a page a supervisor reads on a phone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from toolkit.i18n import Text, html_lang
from toolkit.io import XlsxSheet, row_highlights, write_text, write_xlsx
from toolkit.labels import column_labels, label
from toolkit.pages import STATUS_CSS, PageAbout, card_strip, head, table_wrap
from toolkit.templating.filters import duration
from toolkit.tickets.worklist import URGENCY

WORDS = {
    "title": Text("工单时效跟进", "Open tickets against their time limits"),
    "all": Text("全部", "All"),
    "open": Text("未结案", "Open"),
    "breached": Text("已超时", "Breached"),
    "due_soon": Text("即将超时", "Due soon"),
    "unanswered": Text("未响应", "Not answered"),
    "escalated": Text("已升级", "Escalated"),
    "standards": Text("按服务时效", "By standard"),
    "worklist": Text("待办工单（最紧急在前）", "To do (most urgent first)"),
    "reminders": Text("需提醒的人", "People to remind"),
    "reminded": Text(
        "本次提醒{due}张工单；另有{sent}张已在此前的运行中提醒过，不再重复（每张工单在即将超时、超时、升级组长、升级经理时各提醒一次）。",
        "{due} tickets are reminded of now; {sent} more were reminded of in earlier runs and are not repeated"
        " (a ticket is reminded once as it becomes due soon, breached, its supervisor's, the manager's).",
    ),
    "none": Text("无", "None"),
    "shown": Text(
        "共{total}张，列出最紧急的{shown}张；全部见 worklist.xlsx。",
        "{total} tickets: the {shown} most urgent are listed; worklist.xlsx has all.",
    ),
    "soon_note": Text(
        "时限按工作时间（{start}–{end}，节假日除外）计算；“即将超时”指剩余工作时间不超过{minutes}分钟。",
        "Limits count working time ({start}–{end}, holidays excepted); due soon: at most {minutes} working minutes left.",
    ),
    "calendar_note": Text(
        "时限按自然时间计算；“即将超时”指剩余不超过{minutes}分钟。",
        "Limits count wall-clock time; due soon: at most {minutes} minutes left.",
    ),
    "target": Text("目标", "Target"),
    "limit": Text("时限", "Limit"),
}
PEOPLE_COLUMNS = (
    "ticket_id",
    "urgency_label",
    "standard_label",
    "due_at",
    "overdue_by_text",
    "remaining_text",
    "used_text",
    "limit_text",
    "unanswered",
    "escalation_label",
    "notify_name",
    "notify_phone",
    "agent",
    "agent_name",
    "team",
    "supervisor",
    "type_label",
    "channel",
    "problem",
    "amount",
    "created_at",
    "first_response_at",
    "waybill",
    "branch",
    "standard_source",
)
"""The worklist's columns in worklist.xlsx, in this order, headed with the vocabulary's words."""
PAGE_COLUMNS = (
    "ticket_id",
    "urgency_label",
    "overdue_by_text",
    "remaining_text",
    "due_at",
    "notify_name",
    "standard_label",
    "agent",
    "type_label",
    "channel",
    "problem",
    "amount",
)
PAGE_ROWS = 200
_LEVELS = {"breached": "error", "due_soon": "warning"}
_PILLS = {**_LEVELS, "on_track": "ok", "no_standard": "muted"}
"""Each urgency's pill (toolkit.pages.STATUS_CSS)."""
_YES_NO = {True: Text("是", "yes"), False: Text("否", "no")}
CSS = """
.card.soon { border-color: #bf8700; background: #fff8c5; }
"""


@dataclass(frozen=True)
class ReminderCounts:
    """The run's reminders: tickets due one now, and tickets breached or due soon that an
    earlier run already reminded of the step they are at (not repeated)."""

    due: int = 0
    already_sent: int = 0


_HTML = """<!DOCTYPE html>
<html lang="{{ lang }}">{{ head }}<body>
<h1>{{ title }}</h1>
{{ about }}
{{ cards }}
<p class="note">{{ note }}</p>
<h2>{{ w.standards }}</h2>{% filter table_wrap %}<table data-table="standards"><thead><tr>{% for h in standard_headers %}<th{% if loop.index > 1 and loop.index < 7 %} class="n"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for key, cells in standards %}<tr data-key="{{ key }}">{% for c in cells %}<td{% if loop.index > 1 and loop.index < 7 %} class="n"{% endif %}>{{ c }}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>{% endfilter %}
<h2>{{ w.worklist }}</h2>{% if shown_note %}<p class="note">{{ shown_note }}</p>{% endif %}{% filter table_wrap %}<table data-table="worklist"><thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for key, urgency, cells in rows %}<tr data-key="{{ key }}" data-urgency="{{ urgency }}">{% for c in cells %}<td>{% if loop.index == 2 %}<span class="pill {{ pills[urgency] }}">{{ c }}</span>{% else %}{{ c }}{% endif %}</td>{% endfor %}</tr>
{% else %}<tr><td>{{ w.none }}</td></tr>{% endfor %}</tbody></table>{% endfilter %}
<h2>{{ w.reminders }}</h2><p class="note" data-note="reminded">{{ reminded }}</p>{% filter table_wrap %}<table data-table="reminders"><thead><tr>{% for h in reminder_headers %}<th{% if loop.index > 2 %} class="n"{% endif %}>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for cells in reminders %}<tr>{% for c in cells %}<td{% if loop.index > 2 and loop.index < 6 %} class="n"{% endif %}>{{ c }}</td>{% endfor %}</tr>
{% else %}<tr><td>{{ w.none }}</td></tr>{% endfor %}</tbody></table>{% endfilter %}
</body></html>
"""


def _minutes_text(column: str, locale: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda m: duration(m / 60, locale), return_dtype=pl.String)


def people(worklist: pl.DataFrame, locale: str) -> pl.DataFrame:
    """The worklist as people read it: durations in words, times to the minute, yes/no, and the
    vocabulary's headers."""
    yes, no = (_YES_NO[flag].get(locale) for flag in (True, False))
    frame = worklist.with_columns(
        overdue_by_text=pl.when(pl.col("overdue_minutes") > 0).then(_minutes_text("overdue_minutes", locale)),
        remaining_text=pl.when(pl.col("remaining_minutes") > 0).then(_minutes_text("remaining_minutes", locale)),
        used_text=_minutes_text("used_minutes", locale),
        limit_text=_minutes_text("limit_minutes", locale),
        unanswered=pl.when(pl.col("unanswered")).then(pl.lit(yes)).otherwise(pl.lit(no)),
        **{c: pl.col(c).dt.strftime("%Y-%m-%d %H:%M") for c in ("due_at", "created_at", "first_response_at")},
    )
    present = [c for c in PEOPLE_COLUMNS if c in frame.columns]
    return frame.select(present)


def write_worklist_xlsx(worklist: pl.DataFrame, path: Path, locale: str) -> None:
    """All open tickets on one sheet, most urgent first; a breached ticket's id, urgency and
    time over in red, a due-soon one's in amber."""
    shown = people(worklist, locale)
    levels = worklist["urgency"].replace_strict(_LEVELS, default=None)
    highlights = row_highlights(levels, [label(c, locale) for c in ("ticket_id", "urgency_label", "overdue_by_text")])
    sheet = XlsxSheet(WORDS["all"].get(locale), shown.rename(column_labels(shown.columns, locale)), highlights)
    write_xlsx(path, [sheet])


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def write_worklist_html(
    worklist: pl.DataFrame,
    standards: pl.DataFrame,
    reminders: pl.DataFrame,
    path: Path,
    *,
    title: str,
    locale: str,
    about: PageAbout,
    note: str,
    counted: ReminderCounts,
) -> None:
    """The page: the counts, the standards with their open, breached and due-soon tickets, the most
    urgent tickets, and who is to be reminded now (`reminders`) with how many tickets were
    reminded of before (`counted`)."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["table_wrap"] = lambda inner: Markup(table_wrap(str(inner)))
    words = {k: v.get(locale) for k, v in WORDS.items()}
    count = dict(worklist["urgency"].value_counts().iter_rows())
    cards = [
        ("open", words["open"], worklist.height, ""),
        ("breached", words["breached"], count.get("breached", 0), " breach" if count.get("breached") else ""),
        ("due_soon", words["due_soon"], count.get("due_soon", 0), " soon" if count.get("due_soon") else ""),
        ("unanswered", words["unanswered"], int(worklist["unanswered"].sum()), ""),
        ("escalated", words["escalated"], int(worklist["escalated"].sum()), ""),
    ]
    shown = people(worklist.head(PAGE_ROWS), locale).with_columns(
        pl.col("amount").map_elements(lambda a: f"{a:,.0f}", return_dtype=pl.String),
        notify_name=pl.concat_str(
            pl.col("notify_name").fill_null(""), pl.lit(" · "), worklist.head(PAGE_ROWS)["escalation_label"]
        ),
    )
    rows = [
        (key, urgency, ["" if c is None else c for c in cells])
        for key, urgency, cells in zip(
            shown["ticket_id"], worklist.head(PAGE_ROWS)["urgency"], shown.select(PAGE_COLUMNS).rows(), strict=True
        )
    ]
    standard_rows = [
        (
            s["standard"],
            [
                s["standard_label"],
                duration(s["limit_minutes"] / 60, locale),
                _share(s["target"]),
                f"{s['open']:,}",
                f"{s['breached']:,}",
                f"{s['due_soon']:,}",
                s["standard_source"],
            ],
        )
        for s in standards.iter_rows(named=True)
    ]
    standard_headers = [
        label("standard_label", locale),
        words["limit"],
        words["target"],
        words["open"],
        words["breached"],
        words["due_soon"],
        label("standard_source", locale),
    ]
    reminder_rows = [
        [r["notify_name"] or "", r["escalation_label"], r["tickets"], r["breached"], r["due_soon"], r["ticket_id"]]
        for r in reminders.iter_rows(named=True)
    ]
    reminder_headers = [
        label("notify_name", locale),
        label("escalation_label", locale),
        label("tickets", locale),
        words["breached"],
        words["due_soon"],
        label("ticket_id", locale),
    ]
    total = worklist.height
    page_title = f"{words['title']} · {title}"
    html = env.from_string(_HTML).render(
        lang=html_lang(locale),
        head=Markup(head(page_title, css=STATUS_CSS + CSS)),
        about=Markup(about.html(locale)),
        title=page_title,
        w=words,
        cards=Markup(card_strip(cards)),
        note=note,
        standards=standard_rows,
        standard_headers=standard_headers,
        headers=[label(c, locale) for c in PAGE_COLUMNS],
        rows=rows,
        shown_note=WORDS["shown"].format(locale, total=f"{total:,}", shown=f"{PAGE_ROWS:,}")
        if total > PAGE_ROWS
        else "",
        reminders=reminder_rows,
        reminder_headers=reminder_headers,
        reminded=WORDS["reminded"].format(locale, due=f"{counted.due:,}", sent=f"{counted.already_sent:,}"),
        pills=_PILLS,
    )
    write_text(html, path)


__all__ = [
    "PEOPLE_COLUMNS",
    "URGENCY",
    "WORDS",
    "ReminderCounts",
    "people",
    "write_worklist_html",
    "write_worklist_xlsx",
]
