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
from toolkit.templating.filters import duration
from toolkit.shipments.counts import DELIVERY_STATES, NO_EVENTS

# Headers for the column names the KPI functions return; a notebook passes its own for others.
LABELS: dict[str, Text] = {
    "received": Text("收到订单", "Orders received"),
    "accepted": Text("接收", "Accepted"),
    "refused": Text("拒收", "Refused"),
    "refused_rate": Text("拒收率", "Refused"),
    "call_needed": Text("接收但需致电", "Accepted, call needed"),
    "rule": Text("规则", "Rule"),
    "severity": Text("级别", "Severity"),
    "message": Text("说明", "Message"),
    "orders": Text("订单数", "Orders"),
    "findings": Text("问题数", "Findings"),
    "share": Text("占比", "Share"),
    "branch": Text("营业所", "Branch"),
    "role": Text("角色", "Role"),
    "sms": Text("短信条数", "SMS"),
    "parts": Text("计费条数", "Billed parts"),
    "recipients": Text("接收号码数", "Numbers"),
    "tickets": Text("工单数", "Tickets"),
    "label": Text("类型", "Type"),
    "problem": Text("问题分类", "Problem"),
    "open": Text("未结案", "Open"),
    "handling_min": Text("处理时长（中位）", "Handling (median)"),
    "first_response_min": Text("首次响应（中位）", "First response (median)"),
    "satisfaction_rate": Text("满意率", "Satisfied"),
    "channel": Text("渠道", "Channel"),
    "agent": Text("客服工号", "Agent"),
    "on_time_rate": Text("及时率", "On time"),
    "met": Text("达标", "Met"),
    "missed": Text("超时", "Missed"),
    "pending": Text("处理中", "Pending"),
    "rate": Text("达标率", "Rate"),
    "target": Text("目标", "Target"),
    "ticket_id": Text("工单号", "Ticket"),
    "created_at": Text("创建时间", "Created"),
    "elapsed_min": Text("用时", "Elapsed"),
    "still_open": Text("仍未结案", "Still open"),
    "waybill": Text("运单号", "Waybill"),
    "day": Text("日期", "Day"),
    "name": Text("作业", "Job"),
    "kind": Text("类型", "Kind"),
    "status": Text("状态", "Status"),
    "duration_s": Text("用时（秒）", "Seconds"),
    "counts": Text("计数", "Counts"),
    "error": Text("错误", "Error"),
    "row": Text("行号", "Row"),
    "record_id": Text("单号", "Record"),
    "column": Text("列", "Column"),
    "value": Text("值", "Value"),
    "content": Text("短信内容", "Text"),
    "phone": Text("号码", "Phone"),
    "recipient": Text("接收人", "Recipient"),
    "chars": Text("字数", "Characters"),
    "shipments": Text("票数", "Shipments"),
    "on_time": Text("及时", "On time"),
    "late": Text("延误", "Late"),
    "origin": Text("发货地", "Origin"),
    "picked_up": Text("已提货", "Picked up"),
    "not_picked_up": Text("未提货", "Not picked up"),
    "pickup_rate": Text("及时提货率", "Picked up on time"),
    "late_rate": Text("延误率", "Late"),
    **DELIVERY_STATES,  # the overdue job's counts, in its own words
    "no_events": NO_EVENTS,
    "carrier": Text("承运商", "Carrier"),
    "route": Text("线路", "Route"),
    "rule_label": Text("规则", "Rule"),
    "severity_label": Text("级别", "Severity"),
    "overdue_by_text": Text("超时", "Overdue by"),
    "stage_label": Text("当前状态", "Stage"),
    "last_location": Text("最后位置", "Last place"),
    "escalate_to": Text("升级给", "Escalate to"),
    "rounds": Text("跟进轮次", "Rounds"),
    "next_follow_up": Text("下次跟进", "Next follow-up"),
    "salesperson": Text("业务员", "Salesperson"),
    "measure": Text("指标", "Measure"),
    "this_week": Text("本周", "This week"),
    "last_week": Text("上周", "Last week"),
    "change": Text("变化", "Change"),
    "incidents": Text("出险次数", "Incidents"),
    "paid_claims": Text("赔付票数", "Claims paid"),
    "paid_amount": Text("赔付金额", "Amount paid"),
    "claim_id": Text("理赔单号", "Claim"),
    "customer": Text("客户", "Customer"),
    "incident_label": Text("出险类型", "Incident"),
    "status_label": Text("状态", "Status"),
    "filed_at": Text("受理时间", "Filed"),
    "proposal_due": Text("方案期限", "Proposal due"),
    "proposal_late": Text("方案超期", "Proposal late"),
    "payment_due": Text("赔付期限", "Payment due"),
    "payment_late": Text("赔付超期", "Payment late"),
    "amount_claimed": Text("索赔金额", "Claimed"),
    "week": Text("周", "Week"),
    "complaints": Text("投诉", "Complaints"),
    "queries": Text("查询类", "Queries"),
    "complaint_4h_rate": Text("投诉4小时处理率", "Complaints closed in 4 h"),
    "query_1h_rate": Text("查询1小时答复率", "Queries answered in 1 h"),
}
# Measures for which a rise is bad news (week-over-week changes are shown red when they rise).
LOWER_IS_BETTER = {"late_rate", "handling_min", "complaints", "incidents", "paid_amount", "late", "missed", "delivered_late", "open_overdue"}
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
    if headers and name in headers:
        return headers[name]
    return LABELS[name].get(locale) if name in LABELS else name


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
            + "".join(f'<th{_NUM if n in numeric else ""}>{html.escape(header(n, self.locale, self.headers))}</th>' for n in names)
            + "</tr></thead><tbody>"
        )
        shown = self.frame.head(self.max_rows)
        for row in shown.iter_rows(named=True):
            flagged = bool(self.breach and row.get(self.breach))
            cells = "".join(
                f'<td{_NUM if n in numeric else ""}>{html.escape(format_value(row[n], kinds[n], self.locale))}</td>'
                for n in names
            )
            out.append(f'<tr{_BREACH if flagged else ""}>{cells}</tr>')
        out.append("</tbody></table>")
        if self.frame.height > self.max_rows:
            out.append(f'<p class="note">{html.escape(word("more_rows", self.locale, n=self.frame.height - self.max_rows))}</p>')
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
        cells += [f"<td{_NUM}>{html.escape(format_value(row[c], kind, locale))}</td>" for c in ("this_week", "last_week")]
        cells.append(f"<td{_NUM}>{html.escape(_signed(change, kind, locale))}</td>")
        rows.append(f'<tr{_BREACH if worse else ""}>{"".join(cells)}</tr>')
    return Html(f'<table class="report-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
