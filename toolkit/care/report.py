"""What people open after a care run: worklist.xlsx (what is due, by manager; the accounts ahead,
all accounts, the managers) and summary.html, the page a manager reads on a phone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from toolkit.care.fields import KIND_LABELS
from toolkit.care.holidays import ENGLISH
from toolkit.care.tiers import CADENCED, TierTable
from toolkit.i18n import EN, Text, html_lang
from toolkit.io import XlsxSheet, write_text, write_xlsx
from toolkit.labels import column_labels, label
from toolkit.pages import STATUS_CSS, PageAbout, card_strip, head, table_wrap

WORDS = {
    "title": Text("大客户维护", "Key-account care"),
    "accounts": Text("大客户", "Accounts"),
    "behind": Text("维护落后", "Behind"),
    "due": Text("待办", "Due"),
    "ahead": Text("超前", "Ahead"),
    "untiered": Text("未定级", "No tier"),
    "worklist": Text("落后与待办（最急在前）", "Behind and due (most urgent first)"),
    "ahead_list": Text("超前的客户", "Accounts ahead"),
    "managers": Text("按客户经理", "By account manager"),
    "untiered_list": Text(
        "未定级的客户（不跟踪，请确认级别）", "Accounts without a tier (not tracked: set their tier)"
    ),
    "tiers": Text("维护标准（客户支持工作项目）", "The care standard (by revenue tier)"),
    "none": Text("无", "None"),
    "all": Text("待办", "To do"),
    "all_accounts": Text("全部客户", "All accounts"),
    "note": Text(
        "次数按自然月、双月、季度、半年计；每次截止日按本周期的工作日平均分配（节假日与调休按日历）。"
        "节日赠礼须在节前{days}个工作日内送出。",
        "Counts per calendar month, two months, quarter or half year; each contact's day splits the period's "
        "working days evenly (holidays and swapped days by the calendar). A holiday gift is sent in the {days} "
        "working days before the holiday.",
    ),
    "not_tracked": Text("不跟踪", "not tracked"),
}
STATUS = {
    "behind": Text("落后", "Behind"),
    "due": Text("待办", "Due"),
    "ahead": Text("超前", "Ahead"),
    "on_track": Text("正常", "On track"),
    "untiered": Text("未定级", "No tier"),
}
UNTIERED = {
    "gap": Text("介于两级之间", "Between two tiers"),
    "below": Text("低于最低一级", "Below the lowest tier"),
    "no_revenue": Text("无营业额", "No revenue"),
}
PERIOD = {
    "month": Text("本月", "This month"),
    "two_months": Text("本双月", "These two months"),
    "quarter": Text("本季度", "This quarter"),
    "half_year": Text("本半年", "This half year"),
    "year": Text("本年", "This year"),
    "holiday": Text("节前", "Before the holiday"),
}
GIFTS = {
    "none": Text("无", "none"),
    "discretionary": Text("适当（不跟踪）", "as fits (not tracked)"),
    "major": Text("重大节日", "major holidays"),
    "all": Text("全部节日", "all holidays"),
}
CADENCE = Text("{times}次/{months}", "{times} per {months}")
MONTHS = {
    1: Text("月", "month"),
    2: Text("2月", "2 months"),
    3: Text("季度", "quarter"),
    6: Text("半年", "half year"),
    12: Text("年", "year"),
}
APOLOGY = Text("{n}次事故1次", "1 per {n} incidents")
WORKLIST_COLUMNS = (
    "account",
    "manager",
    "tier",
    "item_label",
    "holiday",
    "care_status_label",
    "period_label",
    "required",
    "due_so_far",
    "done_count",
    "behind_by",
    "next_due",
    "days_left",
    "incident_count",
    "last_contact",
    "last_by",
    "manager_phone",
)
PAGE_COLUMNS = (
    "account",
    "item_label",
    "holiday",
    "care_status_label",
    "next_due",
    "days_left",
    "behind_by",
    "manager",
    "tier",
)
AHEAD_COLUMNS = ("account", "item_label", "period_label", "required", "due_so_far", "done_count", "manager", "tier")
ACCOUNT_SHEET = ("account", "manager", "tier", "revenue", "untiered_label", "care_status_label", "manager_phone")
MANAGER_COLUMNS = (
    "manager",
    "accounts",
    "behind_accounts",
    "ahead_accounts",
    "behind_items",
    "due_items",
    "first_due",
    "most_urgent",
)
_PILLS = {"behind": "error", "due": "warning", "ahead": "ok", "on_track": "ok", "untiered": "muted"}
"""Each care status's pill (toolkit.pages.STATUS_CSS)."""

_HTML = """<!DOCTYPE html>
<html lang="{{ lang }}">{{ head }}<body>
<h1>{{ title }}</h1>
{{ about }}
{{ cards }}
<p class="note">{{ note }}</p>
{% for key, heading, headers, rows in tables %}<h2>{{ heading }}</h2>{% filter table_wrap %}<table data-table="{{ key }}"><thead><tr>{% for h in headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row_key, status, cells in rows %}<tr data-key="{{ row_key }}"{% if status %} data-status="{{ status }}"{% endif %}>{% for c in cells %}<td>{% if status and loop.index == status_column[key] %}<span class="pill {{ pills[status] }}">{{ c }}</span>{% else %}{{ c }}{% endif %}</td>{% endfor %}</tr>
{% else %}<tr><td>{{ none }}</td></tr>{% endfor %}</tbody></table>{% endfilter %}
{% endfor %}</body></html>
"""


def _words(mapping: dict[str, Text], locale: str) -> dict[str, str]:
    return {k: v.get(locale) for k, v in mapping.items()}


def people(items: pl.DataFrame, locale: str) -> pl.DataFrame:
    """Care rows as people read them: items, statuses, periods and holidays in words, dates as text."""
    holiday = pl.col("holiday")
    if locale == EN:
        holiday = holiday.replace(ENGLISH)
    return items.with_columns(
        item_label=pl.col("item").replace_strict(_words(KIND_LABELS, locale), default=pl.col("item")),
        care_status_label=pl.col("care_status").replace_strict(_words(STATUS, locale), default=pl.col("care_status")),
        period_label=pl.col("period").replace_strict(_words(PERIOD, locale), default=pl.col("period")),
        holiday=holiday,
        **{c: pl.col(c).dt.strftime("%Y-%m-%d") for c in ("next_due", "last_contact")},
    )


def _accounts_people(summary: pl.DataFrame, locale: str) -> pl.DataFrame:
    return summary.with_columns(
        untiered_label=pl.col("untiered").replace_strict(
            _words(UNTIERED, locale), default=None, return_dtype=pl.String
        ),
        care_status_label=pl.col("care_status").replace_strict(_words(STATUS, locale), default=pl.col("care_status")),
    )


def _labelled(frame: pl.DataFrame, columns: tuple[str, ...], locale: str) -> pl.DataFrame:
    shown = frame.select(columns)
    return shown.rename(column_labels(shown.columns, locale))


def write_worklist_xlsx(
    todo: pl.DataFrame, ahead: pl.DataFrame, summary: pl.DataFrame, managers: pl.DataFrame, path: Path, locale: str
) -> None:
    """Sheets: the rows behind or due (a behind row's status red, a due one's amber), the rows
    ahead, every account, the managers."""
    shown = people(todo, locale)
    levels = shown.with_row_index("row").select(
        "row", level=pl.col("care_status").replace_strict({"behind": "error", "due": "warning"}, default=None)
    )
    highlights = (
        levels.filter(pl.col("level").is_not_null())
        .with_columns(row=pl.col("row").cast(pl.Int64), column=pl.lit(label("care_status_label", locale)))
        .select("row", "column", "level")
    )
    sheets = [
        XlsxSheet(WORDS["all"].get(locale), _labelled(shown, WORKLIST_COLUMNS, locale), highlights),
        XlsxSheet(WORDS["ahead"].get(locale), _labelled(people(ahead, locale), WORKLIST_COLUMNS, locale)),
        XlsxSheet(
            WORDS["all_accounts"].get(locale), _labelled(_accounts_people(summary, locale), ACCOUNT_SHEET, locale)
        ),
        XlsxSheet(
            WORDS["managers"].get(locale),
            _labelled(managers.with_columns(pl.col("first_due").dt.strftime("%Y-%m-%d")), MANAGER_COLUMNS, locale),
        ),
    ]
    write_xlsx(path, sheets)


def _cells(row: tuple) -> list[str]:
    return ["" if c is None else f"{c:,}" if isinstance(c, int) else str(c) for c in row]


def tier_rows(table: TierTable, locale: str) -> tuple[list[str], list[tuple[str, None, list[str]]]]:
    """The tier table as the page shows it: a row per item, a column per tier."""
    headers = [label("item_label", locale), *(t.name for t in table.tiers)]
    rows = []
    for item in (*CADENCED[:3], "apology", *CADENCED[3:], "gift"):
        cells = [KIND_LABELS[item].get(locale)]
        for tier in table.tiers:
            if item == "apology":
                cells.append(APOLOGY.format(locale, n=tier.apology.per_incidents) if tier.apology else "—")
            elif item == "gift":
                cells.append(GIFTS[tier.gifts].get(locale))
            else:
                c = tier.cadence(item)
                cells.append(CADENCE.format(locale, times=c.times, months=MONTHS[c.months].get(locale)) if c else "—")
        rows.append((item, None, cells))
    return headers, rows


def write_summary_html(
    todo: pl.DataFrame,
    ahead: pl.DataFrame,
    summary: pl.DataFrame,
    managers: pl.DataFrame,
    table: TierTable,
    path: Path,
    *,
    title: str,
    locale: str,
    about: PageAbout,
    gift_days: int,
) -> None:
    """The page: the counts, what is behind or due, the accounts ahead, per manager, the accounts
    without a tier, and the tier table the run used."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["table_wrap"] = lambda inner: Markup(table_wrap(str(inner)))
    words = _words(WORDS, locale)
    status = dict(summary.group_by("care_status").len().iter_rows())
    cards = [
        ("accounts", words["accounts"], summary.height, ""),
        ("behind", words["behind"], status.get("behind", 0), " breach" if status.get("behind") else ""),
        ("due", words["due"], int((todo["care_status"] == "due").sum()), ""),
        ("ahead", words["ahead"], status.get("ahead", 0), ""),
        ("untiered", words["untiered"], status.get("untiered", 0), ""),
    ]
    shown = people(todo, locale)
    work_rows = [
        (f"{r[0]}|{item}|{holiday or ''}", st, _cells(r))
        for r, item, holiday, st in zip(
            shown.select(PAGE_COLUMNS).rows(), todo["item"], todo["holiday"], todo["care_status"], strict=True
        )
    ]
    ahead_shown = people(ahead, locale)
    ahead_rows = [
        (f"{r[0]}|{item}", "ahead", _cells(r))
        for r, item in zip(ahead_shown.select(AHEAD_COLUMNS).rows(), ahead["item"], strict=True)
    ]
    manager_rows = [
        (r[0], None, _cells(r))
        for r in managers.with_columns(pl.col("first_due").dt.strftime("%Y-%m-%d")).select(MANAGER_COLUMNS).rows()
    ]
    untiered = _accounts_people(summary.filter(pl.col("tier").is_null()), locale)
    untiered_columns = ("account", "manager", "revenue", "untiered_label")
    untiered_rows = [
        (r[0], None, [r[0], r[1] or "", "" if r[2] is None else f"{r[2]:,.0f}", r[3] or ""])
        for r in untiered.select(untiered_columns).rows()
    ]
    tier_headers, tier_table = tier_rows(table, locale)
    page_title = f"{words['title']} · {title}"

    def headers(columns: tuple[str, ...]) -> list[str]:
        return [label(c, locale) for c in columns]

    tables = [
        ("worklist", words["worklist"], headers(PAGE_COLUMNS), work_rows),
        ("managers", words["managers"], headers(MANAGER_COLUMNS), manager_rows),
        ("ahead", words["ahead_list"], headers(AHEAD_COLUMNS), ahead_rows),
        ("untiered", words["untiered_list"], headers(untiered_columns), untiered_rows),
        ("tiers", words["tiers"], tier_headers, tier_table),
    ]
    html = env.from_string(_HTML).render(
        lang=html_lang(locale),
        head=Markup(head(page_title, css=STATUS_CSS)),
        about=Markup(about.html(locale)),
        title=page_title,
        cards=Markup(card_strip(cards)),
        note=WORDS["note"].format(locale, days=gift_days),
        tables=tables,
        status_column={"worklist": 4, "ahead": 0},
        pills=_PILLS,
        none=words["none"],
    )
    write_text(html, path)
