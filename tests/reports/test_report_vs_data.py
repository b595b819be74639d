"""The reports never disagree with the data: the daily and the weekly batch run once on the
samples, every figure their HTML shows (KPI cards, table cells, the counts in headings) is read
back from the page and recomputed here from what the jobs wrote (orders/, dispatch_sms/, overdue/
parquet) and from the ticket, claims and branch files, with plain polars written in this file.

Nothing here calls `toolkit.reports.kpi`: a recomputation through the KPI functions would only
check them against themselves. The definitions are docs/DOMAIN.md's (§4, §5.2, §6, §8).

Each section's blocks are unpacked in the order the page shows them, so a figure added to a
report without a check here fails the unpacking. Charts are images: their figures cannot be read
back from the page (the bar charts draw the frames of the tables beside them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from bs4 import BeautifulSoup, Tag

import toolkit as tk
from tests.support.files import copy_team
from toolkit.errors import ExitCode

AS_OF = "2026-11-22 09:00"
TZ = "Asia/Shanghai"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo(TZ))
TICKET_DAY = date(2026, 11, 21)  # the daily report's tickets: the day before the run date
WEEK = date(2026, 11, 16)  # the weekly report's week: the Monday of the day before the run date
SEVERITY = {"error": "拒收", "warning": "需致电"}  # how a finding's severity reads on the page


# --- the runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    team: Path
    daily: Path  # out/2026-11-22/daily
    weekly: Path  # out/2026-11-22/weekly


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """The shipped daily and weekly batches, once each, in a team folder laid out as `team_folder` does."""
    team = tmp_path_factory.mktemp("team")
    copy_team(team)
    done = {}
    for batch in ("daily", "weekly"):
        run = tk.run(str(team / "config" / f"{batch}.yaml"), as_of=AS_OF)
        assert run.exit_code == ExitCode.DONE, {name: r.error for name, r in run.jobs.items()}
        done[batch] = run.run_dir
    return Runs(team, done["daily"], done["weekly"])


# --- the page as people read it --------------------------------------------------------------------


@dataclass
class Heading:
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Figure:
    """A chart: an image, whose figures cannot be read back."""


@dataclass
class Card:
    label: str
    value: str
    note: str
    breach: bool


@dataclass
class Cards:
    cards: list[Card]

    def __getitem__(self, label: str) -> Card:
        found = [c for c in self.cards if c.label == label]
        assert len(found) == 1, (label, [c.label for c in self.cards])
        return found[0]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.cards]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    breach: list[bool]
    more: int = 0  # "另有 N 行未显示": rows not shown

    def column(self, header: str) -> list[str]:
        i = self.headers.index(header)
        return [row[i] for row in self.rows]


Block = Heading | Paragraph | Figure | Cards | Table


def _text(element: Tag) -> str:
    return re.sub(r"\s+", " ", element.get_text()).strip()


def _cards(element: Tag) -> Cards:
    found = []
    for kpi in element.find_all("div", class_="kpi"):
        label = "".join(s for s in kpi.find_all(string=True, recursive=False)).strip()
        note = kpi.find("span", class_="note")
        found.append(
            Card(label, _text(kpi.find("b")), _text(note) if note else "", "breach" in (kpi.get("class") or []))
        )
    return Cards(found)


def _table(element: Tag) -> Table:
    headers = [_text(th) for th in element.find("thead").find_all("th")]
    rows, breach = [], []
    for tr in element.find("tbody").find_all("tr"):
        rows.append([_text(td) for td in tr.find_all("td")])
        breach.append("breach" in (tr.get("class") or []))
    return Table(headers, rows, breach)


def _walk(element: Tag, out: list[Block]) -> None:
    for child in element.children:
        if not isinstance(child, Tag) or child.name in ("footer", "style", "script", "head"):
            continue
        classes = child.get("class") or []
        if child.name in ("h1", "h2", "h3"):
            out.append(Heading(_text(child)) if child.name != "h2" else Heading("## " + _text(child)))
        elif child.name == "table":
            out.append(_table(child))
        elif child.name == "div" and "kpis" in classes:
            out.append(_cards(child))
        elif child.name == "img":
            out.append(Figure())
        elif child.name == "p":
            more = re.fullmatch(r"另有 ([\d,]+) 行未显示", _text(child))
            if more and "note" in classes and out and isinstance(out[-1], Table):
                out[-1].more = int(more.group(1).replace(",", ""))
            else:
                out.append(Paragraph(_text(child)))
        else:
            _walk(child, out)


def read_page(path: Path) -> dict[str, list[Block]]:
    """The page's blocks per section (its `##` heading; "" before the first), in page order."""
    blocks: list[Block] = []
    _walk(BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").body, blocks)
    sections: dict[str, list[Block]] = {"": []}
    current = ""
    for block in blocks:
        if isinstance(block, Heading) and block.text.startswith("## "):
            current = block.text[3:]
            sections[current] = []
        else:
            sections[current].append(block)
    return sections


def kinds(blocks: Sequence[Block]) -> list[str]:
    return [type(b).__name__ + (f":{b.text}" if isinstance(b, Heading | Paragraph) else "") for b in blocks]


# --- figures as shown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pct:
    value: float | None


@dataclass(frozen=True)
class Minutes:
    value: float | None


@dataclass(frozen=True)
class Money:
    value: float | None


@dataclass(frozen=True)
class Change:
    """A week-over-week change: +3 · −5.7个百分点 · +5分 · −¥21,469.00 · ±0."""

    kind: str  # int, pct, minutes, money
    value: float | None


INT = r"\d{1,3}(?:,\d{3})*"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _minutes(text: str) -> float | None:
    found = re.fullmatch(r"(?:(\d+)小时)?(?:(\d+)分)?", text)
    if not text or not found:
        return None
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


def _amount(text: str, kind: str) -> float | None:
    """The magnitude a figure of `kind` shows, or None when the text is not such a figure."""
    if kind == "int":
        return float(text.replace(",", "")) if re.fullmatch(INT, text) else None
    if kind == "pct":
        return float(text[:-1]) / 100 if re.fullmatch(r"\d+\.\d%", text) else None
    if kind == "pp":
        return float(text.removesuffix("个百分点")) / 100 if re.fullmatch(r"\d+\.\d个百分点", text) else None
    if kind == "money":
        return float(text[1:].replace(",", "")) if re.fullmatch(rf"¥{INT}\.\d\d", text) else None
    if kind == "minutes":
        return _minutes(text)
    raise ValueError(kind)


TOLERANCE = {"int": 0.0, "pct": 0.0005, "pp": 0.0005, "money": 0.005, "minutes": 0.5}  # half the last digit


def shows(text: str, expected: object) -> bool:
    """Whether `text` on the page shows `expected` (at the precision it is shown with)."""
    if isinstance(expected, Pct | Minutes | Money | Change):
        value = expected.value
    else:
        value = expected
    if _missing(value):  # type: ignore[arg-type]
        return text == "—"
    if isinstance(expected, bool):
        return text == ("是" if expected else "否")
    if isinstance(expected, str):
        return text == expected
    if isinstance(expected, int):
        return _amount(text, "int") == expected
    kind = {Pct: "pct", Minutes: "minutes", Money: "money"}.get(type(expected))  # type: ignore[call-overload]
    sign = 1.0
    if isinstance(expected, Change):
        kind = "pp" if expected.kind == "pct" else expected.kind
        if not text or text[0] not in "+−±":
            return False
        sign, text = {"+": 1.0, "−": -1.0, "±": 0.0}[text[0]], text[1:]
    shown = _amount(text, kind)
    if shown is None:
        return False
    if isinstance(expected, Change) and (sign == 0.0) != (value == 0):
        return False
    return abs((shown if sign == 0.0 else sign * shown) - float(value)) <= TOLERANCE[kind] + 1e-9  # type: ignore[arg-type]


def figure(text: str, kind: str) -> float:
    """A shown figure as a number (for the order of a table's rows)."""
    value = _amount(text, kind)
    assert value is not None, (text, kind)
    return value


def check_cards(cards: Cards, expected: dict[str, tuple[object, bool] | object]) -> None:
    """Every card, in order: its label and its figure (and whether it is red, where given)."""
    assert cards.labels == list(expected), (cards.labels, list(expected))
    wrong = []
    for label, want in expected.items():
        value, breach = want if isinstance(want, tuple) else (want, None)
        card = cards[label]
        if not shows(card.value, value) or (breach is not None and card.breach != breach):
            wrong.append((label, card.value, card.breach, value, breach))
    assert not wrong, wrong


def check_table(
    table: Table,
    headers: Sequence[str],
    expected: Iterable[Sequence[object]],
    *,
    key: int | Sequence[int] = 0,
    breach: Iterable[bool] | None = None,
    ordered: bool = False,
    more: int = 0,
) -> None:
    """The table shows exactly the `expected` rows (matched by their `key` cells; in this order
    where `ordered`) and no other, every cell its figure, the rows highlighted that `breach` says,
    and says it left out `more` rows ("另有 N 行未显示")."""
    assert table.headers == list(headers), table.headers
    keys = [key] if isinstance(key, int) else list(key)
    rows = [list(r) for r in expected]
    flags = list(breach) if breach is not None else None

    def key_of(row: Sequence[object]) -> tuple[str, ...]:
        return tuple(str(row[i]) for i in keys)

    shown = {key_of(r): (r, b) for r, b in zip(table.rows, table.breach, strict=True)}
    assert len(shown) == len(table.rows), "the key cells are not unique"
    wanted = {key_of(r): (r, flags[i] if flags else None) for i, r in enumerate(rows)}
    assert len(wanted) == len(rows)
    wrong = []
    for k in sorted(set(wanted) & set(shown)):
        (want, flag), (row, red) = wanted[k], shown[k]
        cells = [(h, c, w) for h, c, w in zip(table.headers, row, want, strict=True) if not shows(c, w)]
        if cells or (flag is not None and red != flag):
            wrong.append((k, cells, {"highlighted": red, "expected": flag}))
    problems = {
        "shown, not in the data": sorted(set(shown) - set(wanted)),
        "in the data, not shown": sorted(set(wanted) - set(shown)),
        "rows not shown (said, expected)": (table.more, more) if table.more != more else (),
        "cells (header, shown, expected)": wrong,
    }
    assert not any(problems.values()), problems
    if ordered:
        assert [key_of(r) for r in table.rows] == [key_of(r) for r in rows]


def check_order(values: Sequence[float | None], *, descending: bool) -> None:
    """The rows come in this order of a shown figure (rows without one last)."""
    present = [v for v in values if v is not None]
    assert values[: len(present)] == present, values
    assert present == sorted(present, reverse=descending), values


def check_top(table: Table, headers: Sequence[str], rows: list[tuple], n: int, *, more: int = 0) -> None:
    """A table of the first `n` of `rows` by their last item (not shown), the highest first:
    every row above the cut shown, rows tied at the cut may take the last places, no other row;
    `more`: the rows it says it left out."""
    ranked = sorted(rows, key=lambda r: -r[-1])
    cut = ranked[n - 1][-1] if len(ranked) > n else -math.inf
    shown = set(table.column(headers[0]))
    assert len(table.rows) == min(n, len(rows))
    assert {r[0] for r in ranked if r[-1] > cut} <= shown
    check_table(table, headers, [r[:-1] for r in ranked if r[0] in shown and r[-1] >= cut], more=more)


# --- the data, read with plain polars ----------------------------------------------------------------


def local_time(name: str, fmt: str = "%Y-%m-%d %H:%M:%S") -> pl.Expr:
    return pl.col(name).str.to_datetime(fmt, strict=True).dt.replace_time_zone(TZ)


def minutes_between(end: pl.Expr, start: pl.Expr) -> pl.Expr:
    return (end - start).dt.total_seconds() / 60


@pytest.fixture(scope="module")
def tickets(runs: Runs) -> pl.DataFrame:
    """The ticket export as the CS system writes it: Chinese headers, types and local times."""
    raw = pl.read_csv(runs.team / "samples" / "service_tickets.csv", infer_schema=False)
    frame = raw.select(
        ticket_id="工单号",
        channel="渠道",
        type="工单类型",
        problem="问题分类",
        created=local_time("创建时间"),
        responded=local_time("首次响应时间"),
        closed=local_time("结案时间"),
        agent="客服工号",
        rating=pl.col("满意度").cast(pl.Int64),
        waybill="运单号",
        amount=pl.col("涉及金额").cast(pl.Float64),
    )
    assert frame["created"].null_count() == 0
    now = pl.lit(NOW).dt.convert_time_zone(TZ)
    elapsed = minutes_between(pl.coalesce("closed", now), pl.col("created"))
    # §6: complaints about at most 500 yuan (or no amount) closed within 4 h, queries answered within 1 h
    standard = (
        pl.when((pl.col("type") == "投诉") & (pl.col("amount").fill_null(0) <= 500))
        .then(pl.lit("complaint_4h"))
        .when(pl.col("type").is_in(["查询", "咨询", "催件"]))
        .then(pl.lit("query_1h"))
    )
    limit = pl.when(standard == "complaint_4h").then(240).when(standard == "query_1h").then(60)
    return frame.with_columns(
        day=pl.col("created").dt.date(),
        handling=minutes_between(pl.col("closed"), pl.col("created")),
        first_response=minutes_between(pl.col("responded"), pl.col("created")),
        standard=standard,
        elapsed=elapsed,
        outcome=pl.when(standard.is_null())
        .then(None)
        .when(elapsed > limit)
        .then(pl.lit("missed"))
        .when(pl.col("closed").is_null())
        .then(pl.lit("pending"))
        .otherwise(pl.lit("met")),
    )


def _rate(hits: int, of: int) -> float | None:
    return hits / of if of else None


def median(series: pl.Series) -> float | None:
    values = series.drop_nulls()
    return float(values.median()) if values.len() else None  # type: ignore[arg-type]


def satisfaction(frame: pl.DataFrame) -> float | None:
    rated = frame["rating"].drop_nulls()
    return _rate(int((rated >= 4).sum()), rated.len())


def on_time(frame: pl.DataFrame, standard: str | None = None) -> float | None:
    mine = frame if standard is None else frame.filter(pl.col("standard") == standard)
    outcome = mine["outcome"]
    return _rate(int((outcome == "met").sum()), int(outcome.is_in(["met", "missed"]).sum()))


STANDARDS = (
    ("complaint_4h", "投诉4小时内处理完毕（500元以内）", 0.70),
    ("query_1h", "查询1小时内答复", 0.80),
)
STANDARD_HEADERS = ("标准", "工单数", "达标", "超时", "处理中", "达标率", "目标")
TYPE_HEADERS = ("类型", "工单数", "占比", "未结案", "处理时长（中位）", "满意率")


def check_standards(table: Table, frame: pl.DataFrame) -> None:
    """The standards of §6 over `frame`'s tickets, and satisfaction; a row red below its target."""
    rows, breach = [], []
    for key, label, target in STANDARDS:
        outcome = frame.filter(pl.col("standard") == key)["outcome"]
        met, missed = int((outcome == "met").sum()), int((outcome == "missed").sum())
        rate = _rate(met, met + missed)
        rows.append((label, outcome.len(), met, missed, int((outcome == "pending").sum()), Pct(rate), Pct(target)))
        breach.append(rate is not None and rate < target)
    rated = frame["rating"].drop_nulls()
    satisfied = int((rated >= 4).sum())
    rate = _rate(satisfied, rated.len())
    rows.append(("客户满意度（4-5分）", rated.len(), satisfied, rated.len() - satisfied, 0, Pct(rate), Pct(0.90)))
    breach.append(rate is not None and rate < 0.90)
    check_table(table, STANDARD_HEADERS, rows, breach=breach, ordered=True)


def check_types(table: Table, frame: pl.DataFrame) -> None:
    rows = [
        (
            kind,
            group.height,
            Pct(group.height / frame.height),
            group["closed"].null_count(),
            Minutes(median(group["handling"])),
            Pct(satisfaction(group)),
        )
        for (kind,), group in frame.group_by("type")
    ]
    check_table(table, TYPE_HEADERS, rows)
    check_order([figure(v, "int") for v in table.column("工单数")], descending=True)


@pytest.fixture(scope="module")
def status(runs: Runs) -> pl.DataFrame:
    """The weekly run's shipment_status with, per shipment, the pickup and delivery outcome at
    the run's as-of time (§4, §8.2), each worked out here from the times and the stage."""
    frame = pl.read_parquet(runs.weekly / "overdue" / "shipment_status.parquet")
    now = pl.lit(NOW).dt.convert_time_zone(TZ)
    closed = pl.col("stage").cast(pl.String).is_in(["cancelled", "closed", "returned"])
    picked, pickup_due = pl.col("picked_up_at"), pl.col("pickup_due")
    arrived, due = pl.col("arrived_at"), pl.col("delivery_due")
    return frame.with_columns(
        day=pl.col("order_time").dt.date(),
        route=pl.col("origin") + "→" + pl.col("destination"),
        # picked up by its due time / not / still open (or closed, or arrived with no pickup time known)
        pickup=pl.when(picked.is_not_null())
        .then(pl.when(picked <= pickup_due).then(pl.lit("on_time")).otherwise(pl.lit("late")))
        .when(~closed & arrived.is_null() & (pickup_due < now))
        .then(pl.lit("late")),
        delivery=pl.when(closed)
        .then(pl.lit("not_chased"))
        .when(due.is_null())
        .then(pl.lit("no_due_time"))
        .when(arrived.is_not_null())
        .then(pl.when(arrived <= due).then(pl.lit("delivered_on_time")).otherwise(pl.lit("delivered_late")))
        .when(due < now)
        .then(pl.lit("open_overdue"))
        .otherwise(pl.lit("open_not_due")),
    )


def in_week(frame: pl.DataFrame, day: str, monday: date = WEEK) -> pl.DataFrame:
    return frame.filter(pl.col(day).is_between(monday, monday + timedelta(days=6)))


@pytest.fixture(scope="module")
def claims(runs: Runs) -> pl.DataFrame:
    """The claims ledger as typed in (Chinese headers and words), with its deadlines (§5.2): the
    payment two calendar months from the incident, worked out here; the proposal five working days
    from the filing, as the claim_letters job wrote it (the working days need the holiday calendar)."""
    raw = pl.read_csv(runs.team / "samples" / "claims.csv", infer_schema=False)
    facts = raw.select(
        claim_id="理赔单号",
        customer="客户",
        waybill="运单号",
        incident=pl.col("出险日期").str.to_date("%Y-%m-%d"),
        incident_type="出险类型",
        status="理赔状态",
        filed=local_time("受理时间", "%Y-%m-%d %H:%M"),
        proposed=local_time("方案时间", "%Y-%m-%d %H:%M"),
        settled=local_time("结案时间", "%Y-%m-%d %H:%M"),
        claimed=pl.col("索赔金额").cast(pl.Float64),
        paid=pl.col("实赔金额").cast(pl.Float64),
        goodwill=pl.col("通融赔付") == "是",
    )
    due = pl.read_parquet(runs.daily / "claim_letters" / "claims.parquet").select("claim_id", "proposal_due")
    today = NOW.date()
    return (
        facts.join(due, on="claim_id", how="left")
        .with_columns(payment_due=pl.col("incident").dt.offset_by("2mo"))
        .with_columns(
            proposal_late=pl.when(pl.col("proposed").is_not_null())
            .then(pl.col("proposed").dt.date() > pl.col("proposal_due"))
            .otherwise((pl.col("status") == "待处理") & (pl.lit(today) > pl.col("proposal_due"))),
            payment_late=pl.when(pl.col("settled").is_not_null())
            .then(pl.col("settled").dt.date() > pl.col("payment_due"))
            .otherwise(pl.col("status").is_in(["待处理", "已出方案"]) & (pl.lit(today) > pl.col("payment_due"))),
            paid_out=(pl.col("status") == "已结案") & (pl.col("paid").fill_null(0) > 0),
        )
    )


@pytest.fixture(scope="module")
def daily(runs: Runs) -> dict[str, list[Block]]:
    return read_page(runs.daily / "daily_report" / "daily_report.html")


@pytest.fixture(scope="module")
def weekly(runs: Runs) -> dict[str, list[Block]]:
    return read_page(runs.weekly / "weekly_kpi" / "weekly_kpi.html")


# --- the daily report ------------------------------------------------------------------------------


def test_the_daily_report_has_these_sections(daily: dict[str, list[Block]]) -> None:
    assert list(daily) == ["", "订单受理（核单）", "业务单短信", "超时件与异常", "客服工单"]
    assert kinds(daily[""]) == [
        "Heading:客服日报",
        "Paragraph:运行日期 2026-11-22 · 数据截至 2026-11-22 09:00 · 工单统计日 2026-11-21",
    ]


def test_order_intake_by_rule_and_by_branch(runs: Runs, daily: dict[str, list[Block]]) -> None:
    folder = runs.daily / "orders"
    valid, rejected = pl.read_parquet(folder / "valid.parquet"), pl.read_parquet(folder / "rejected.parquet")
    findings = pl.read_parquet(folder / "findings.parquet")
    cards, chart, by_rule, heading, by_branch = daily["订单受理（核单）"]
    assert isinstance(chart, Figure) and heading == Heading("各营业所")

    received = valid.height + rejected.height
    # a refused order is one with an error finding; one to call, an accepted one with a warning
    refused_rows = findings.filter(pl.col("severity") == "error")["row"].unique()
    assert sorted(refused_rows) == sorted(rejected["_row"])
    warned = findings.filter(pl.col("severity") == "warning")["row"]
    to_call = valid.filter(pl.col("_row").is_in(warned.implode())).height
    assert isinstance(cards, Cards)
    check_cards(cards, {"收到订单": received, "接收": valid.height, "拒收": rejected.height, "接收但需致电": to_call})
    assert shows(cards["拒收"].note.removeprefix("拒收率 "), Pct(rejected.height / received))

    # 按规则: one row per rule and column (a rule checks several columns: 不是有效的数字 for the
    # volume, the weight, the pickup fee), named by its message, which is one per rule and column
    groups = findings.group_by("rule", "column").agg(
        messages=pl.col("message").unique(), severity=pl.col("severity").unique(), orders=pl.col("row").n_unique()
    )
    assert groups["messages"].list.len().max() == 1 and groups["severity"].list.len().max() == 1
    assert isinstance(by_rule, Table)
    check_table(
        by_rule,
        ("规则", "级别", "订单数", "占比"),
        [
            (g["messages"][0], SEVERITY[g["severity"][0]], g["orders"], Pct(g["orders"] / received))
            for g in groups.iter_rows(named=True)
        ],
    )
    check_order([figure(v, "int") for v in by_rule.column("订单数")], descending=True)

    branches = pl.concat(
        [valid.select("branch", refused=pl.lit(False)), rejected.select("branch", refused=pl.lit(True))]
    )
    rows = []
    for (branch,), group in branches.group_by("branch"):
        refused = int(group["refused"].sum())
        rows.append((branch or "—", group.height, group.height - refused, refused, Pct(refused / group.height)))
    assert isinstance(by_branch, Table)
    check_table(by_branch, ("营业所", "收到订单", "接收", "拒收", "拒收率"), rows)
    check_order([figure(v, "int") for v in by_branch.column("收到订单")], descending=True)


def test_dispatch_sms(runs: Runs, daily: dict[str, list[Block]]) -> None:
    folder = runs.daily / "dispatch_sms"
    messages, outbox = pl.read_parquet(folder / "messages.parquet"), pl.read_parquet(folder / "outbox.parquet")
    findings = pl.read_parquet(folder / "findings.parquet")
    cards, by_role = daily["业务单短信"]
    assert isinstance(cards, Cards) and isinstance(by_role, Table)
    check_cards(
        cards,
        {
            "生成短信": messages.height,
            "待发送（按接收人）": outbox.height,
            "计费条数": int(outbox["parts"].sum()),
            "已缩短": outbox["shortened"].drop_nulls().len(),  # outbox lines, as the cards beside it
            "无法发送": (findings.height, findings.height > 0),  # one finding per message or recipient refused
        },
    )
    check_table(
        by_role,
        ("角色", "短信条数", "条数", "接收号码数"),
        [(role, g.height, int(g["parts"].sum()), g["phone"].n_unique()) for (role,), g in outbox.group_by("role")],
    )
    check_order([figure(v, "int") for v in by_role.column("短信条数")], descending=True)


def test_overdue_and_exceptions(runs: Runs, daily: dict[str, list[Block]]) -> None:
    worklist = pl.read_parquet(runs.daily / "overdue" / "worklist.parquet")
    cards, chart, by_severity, by_carrier, by_route, heading, first = daily["超时件与异常"]
    assert isinstance(chart, Figure) and heading == Heading("最需要跟进的10票")
    severity = worklist["severity"]
    assert isinstance(cards, Cards)
    check_cards(
        cards,
        {
            "待跟进": worklist.height,
            "紧急": (int((severity == "critical").sum()), bool((severity == "critical").any())),
            "高": int((severity == "high").sum()),
            "加急件": int(worklist["urgent"].fill_null(False).sum()),
            "已跟进多轮": int((worklist["rounds"] > 1).sum()),
        },
    )

    def counts(column: str) -> list[tuple]:
        return [(k, g.height, Pct(g.height / worklist.height)) for (k,), g in worklist.group_by(column)]

    order = ["紧急", "高", "中", "低"]
    assert isinstance(by_severity, Table)
    check_table(by_severity, ("级别", "票数", "占比"), counts("severity_label"))
    assert by_severity.column("级别") == [s for s in order if s in by_severity.column("级别")]
    assert isinstance(by_carrier, Table) and isinstance(by_route, Table)
    check_table(by_carrier, ("承运商", "票数", "占比"), counts("carrier"))
    routes = counts("route")  # the ten with the most, and how many more there are
    check_top(by_route, ("线路", "票数", "占比"), [(*r, r[1]) for r in routes], 10, more=max(len(routes) - 10, 0))
    for table in (by_carrier, by_route):
        check_order([figure(v, "int") for v in table.column("票数")], descending=True)

    # the first ten of the worklist as the job ordered it, and none less severe than one left out
    shown = worklist.head(10)
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert max(rank[s] for s in shown["severity"]) <= min((rank[s] for s in worklist["severity"][10:]), default=9)
    assert isinstance(first, Table)
    check_table(
        first,
        (
            "运单号",
            "问题",
            "级别",
            "承运商",
            "线路",
            "超时(工作时间)",
            "当前状态",
            "最后轨迹地点",
            "催办对象",
            "跟进轮次",
            "下次跟进",
        ),
        [
            (
                r["waybill"],
                r["rule_label"],
                r["severity_label"],
                r["carrier"],
                r["route"],
                r["overdue_by_text"],
                r["stage_label"],
                r["last_location"],
                r["escalate_to"],
                r["rounds"],
                r["next_follow_up"].strftime("%m-%d %H:%M"),
            )
            for r in shown.iter_rows(named=True)
        ],
        ordered=True,
    )


def test_service_tickets_of_the_day(tickets: pl.DataFrame, daily: dict[str, list[Block]]) -> None:
    day = tickets.filter(pl.col("day") == TICKET_DAY)
    blocks = daily["客服工单"]
    assert kinds(blocks) == [
        "Cards",
        "Heading:服务标准达标率",
        "Table",
        "Figure",  # 近14天工单量
        "Figure",  # 近14天服务标准达标率
        "Heading:工单类型",
        "Table",
        "Figure",  # 问题分类（前10）
        "Table",
        f"Heading:超时工单（{(day['outcome'] == 'missed').sum()}）",  # every ticket that missed, not the ten shown
        "Table",
        "Heading:客服人员",
        "Table",
    ]
    cards, _, standards, _, _, _, types, _, channels, _, late, _, agents = blocks
    assert isinstance(cards, Cards)
    rate = satisfaction(day)
    check_cards(
        cards,
        {
            "工单量": day.height,
            "投诉": int((day["type"] == "投诉").sum()),
            "未结案": day["closed"].null_count(),
            "首次响应（中位）": Minutes(median(day["first_response"])),
            "处理时长（中位）": Minutes(median(day["handling"])),
            "满意率": (Pct(rate), rate is not None and rate < 0.90),
        },
    )
    assert cards["满意率"].note == f"评价 {day['rating'].drop_nulls().len():,} 条"
    assert isinstance(standards, Table) and isinstance(types, Table)
    check_standards(standards, day)
    check_types(types, day)

    assert isinstance(channels, Table)
    check_table(
        channels,
        ("渠道", "工单数", "占比", "首次响应（中位）"),
        [
            (c, g.height, Pct(g.height / day.height), Minutes(median(g["first_response"])))
            for (c,), g in day.group_by("channel")
        ],
    )
    check_order([figure(v, "int") for v in channels.column("工单数")], descending=True)

    # the tickets that missed a standard, the longest first: the ten longest
    missed = day.filter(pl.col("outcome") == "missed")
    rows = [
        (
            r["ticket_id"],
            r["type"],
            r["problem"],
            r["created"].strftime("%m-%d %H:%M"),
            Minutes(r["elapsed"]),
            r["closed"] is None,
            r["agent"],
            r["waybill"],
            r["elapsed"],
        )
        for r in missed.iter_rows(named=True)
    ]
    assert isinstance(late, Table)
    check_top(late, ("工单号", "类型", "问题分类", "创建时间", "用时", "仍未结案", "客服工号", "运单号"), rows, 10)
    check_order([figure(v, "minutes") for v in late.column("用时")], descending=True)

    assert isinstance(agents, Table)
    check_table(
        agents,
        ("客服工号", "工单数", "处理时长（中位）", "满意率", "及时率"),
        [
            (a, g.height, Minutes(median(g["handling"])), Pct(satisfaction(g)), Pct(on_time(g)))
            for (a,), g in day.group_by("agent")
        ],
    )
    rates = [None if v == "—" else figure(v, "pct") for v in agents.column("及时率")]
    check_order(rates, descending=False)  # the lowest on-time rate first


# --- the weekly report -----------------------------------------------------------------------------


def test_the_weekly_report_has_these_sections(weekly: dict[str, list[Block]]) -> None:
    assert list(weekly) == [
        "",
        "周环比",
        "及时提货率（目标 98%）",
        "发货地分析",
        "延误率：承运商与线路",
        "理赔",
        "客服工单（本周）",
        "大客户维护",
    ]
    assert kinds(weekly[""]) == [
        "Heading:客服周报（KPI）",
        "Paragraph:统计周 2026-11-16 至 2026-11-22 · 数据截至 2026-11-22 09:00",
    ]


def test_week_over_week(
    tickets: pl.DataFrame, status: pl.DataFrame, claims: pl.DataFrame, weekly: dict[str, list[Block]]
) -> None:
    (table,) = weekly["周环比"]
    assert isinstance(table, Table)

    def ticket_week(monday: date) -> dict[str, object]:
        week = in_week(tickets, "day", monday)
        if week.is_empty():
            return {}
        return {
            "工单数": week.height,
            "投诉": int((week["type"] == "投诉").sum()),
            "处理时长（中位）": median(week["handling"]),
            "满意率": satisfaction(week),
            "投诉4小时处理率": on_time(week, "complaint_4h"),
            "查询1小时答复率": on_time(week, "query_1h"),
        }

    def shipment_week(monday: date) -> dict[str, object]:
        week = in_week(status, "day", monday)
        if week.is_empty():
            return {}
        pickup = week["pickup"].drop_nulls()
        delivery = week["delivery"].filter(
            week["delivery"].is_in(["delivered_on_time", "delivered_late", "open_overdue"])
        )
        return {
            "票数": week.height,
            "及时提货率": _rate(int((pickup == "on_time").sum()), pickup.len()),
            "延误率": _rate(int((delivery != "delivered_on_time").sum()), delivery.len()),
        }

    def claim_week(monday: date) -> dict[str, object]:
        incidents = in_week(claims, "incident", monday)
        paid = in_week(claims.filter("paid_out").with_columns(day=pl.col("settled").dt.date()), "day", monday)
        if incidents.is_empty() and paid.is_empty():
            return {}
        return {"出险次数": incidents.height, "赔付票数": paid.height, "赔付金额": float(paid["paid"].sum())}

    kind = {"处理时长（中位）": "minutes", "赔付金额": "money"} | dict.fromkeys(
        ("满意率", "投诉4小时处理率", "查询1小时答复率", "及时提货率", "延误率"), "pct"
    )
    shown_as = {"int": lambda v: v, "pct": Pct, "minutes": Minutes, "money": Money}
    lower_is_better = {"投诉", "处理时长（中位）", "延误率", "出险次数", "赔付金额"}
    rows, breach = [], []
    for measures in (ticket_week, shipment_week, claim_week):
        this, last = measures(WEEK), measures(WEEK - timedelta(days=7))
        for name in this or last:
            now, before = this.get(name), last.get(name)
            change = None if now is None or before is None else now - before  # type: ignore[operator]
            k = kind.get(name, "int")
            rows.append((name, shown_as[k](now), shown_as[k](before), Change(k, change)))
            worse = change is not None and (change > 0 if name in lower_is_better else change < 0 and k == "pct")
            breach.append(worse)
    check_table(table, ("指标", "本周", "上周", "变化"), rows, breach=breach, ordered=True)


def pickup_rows(frame: pl.DataFrame, keys: list[str]) -> list[tuple]:
    decided = frame.filter(pl.col("pickup").is_not_null())
    rows = []
    for group_keys, g in decided.group_by(keys):
        hits = int((g["pickup"] == "on_time").sum())
        rows.append((*group_keys, g.height, hits, g.height - hits, Pct(hits / g.height)))
    return rows


def test_timely_pickup(runs: Runs, status: pl.DataFrame, weekly: dict[str, list[Block]]) -> None:
    week = in_week(status, "day")
    chart, by_branch, heading, by_salesperson = weekly["及时提货率（目标 98%）"]
    assert isinstance(chart, Figure) and heading == Heading("各业务员")
    assert isinstance(by_branch, Table) and isinstance(by_salesperson, Table)
    rows = pickup_rows(week, ["branch"])
    check_table(
        by_branch, ("营业所", "票数", "及时", "延误", "达标率"), rows, breach=[r[-1].value < 0.98 for r in rows]
    )
    check_order([figure(v, "pct") for v in by_branch.column("达标率")], descending=False)

    directory = pl.read_csv(runs.team / "config" / "branches.csv", infer_schema=False).unique("branch", keep="first")
    people = week.join(directory.select("branch", "salesperson"), on="branch", how="left")
    rows = pickup_rows(people, ["salesperson", "branch"])
    check_table(
        by_salesperson,
        ("业务员", "营业所", "票数", "及时", "延误", "达标率"),
        rows,
        breach=[r[-1].value < 0.98 for r in rows],
    )
    check_order([figure(v, "pct") for v in by_salesperson.column("达标率")], descending=False)


def test_origin_analysis(status: pl.DataFrame, weekly: dict[str, list[Block]]) -> None:
    week = in_week(status, "day")
    chart, table = weekly["发货地分析"]
    assert isinstance(chart, Figure) and isinstance(table, Table)
    rows = []
    for (origin,), g in week.group_by("origin"):
        picked = g["picked_up_at"].is_not_null().sum()
        decided = g["pickup"].drop_nulls()
        rate = _rate(int((decided == "on_time").sum()), decided.len())
        rows.append((origin, g.height, Pct(g.height / week.height), picked, g.height - picked, Pct(rate)))
    check_table(table, ("始发地", "票数", "占比", "已提货", "未提货", "及时提货率"), rows)
    check_order([figure(v, "int") for v in table.column("票数")], descending=True)


DECIDED = ("delivered_on_time", "delivered_late", "open_overdue")


def late_rows(frame: pl.DataFrame, key: str) -> list[tuple]:
    rows = []
    for (k,), g in frame.filter(pl.col("delivery").is_in(DECIDED)).group_by(key):
        on, late, open_ = (int((g["delivery"] == s).sum()) for s in DECIDED)
        rows.append((k, g.height, on, late, open_, Pct((late + open_) / g.height)))
    return rows


def test_late_deliveries(status: pl.DataFrame, weekly: dict[str, list[Block]]) -> None:
    week = in_week(status, "day")
    assert week["delivery"].to_list() == week["delivery_state"].to_list()  # the job's own words agree
    cards, by_carrier, heading, chart, routes = weekly["延误率：承运商与线路"]
    assert isinstance(chart, Figure) and heading == Heading("延误最多的线路（至少20票）")
    state = week["delivery"]
    count = {name: int((state == name).sum()) for name in (*DECIDED, "open_not_due", "not_chased", "no_due_time")}
    assert isinstance(cards, Cards)
    check_cards(
        cards,
        {
            "按时送达": count["delivered_on_time"],
            "超时送达": (count["delivered_late"], count["delivered_late"] > 0),
            "未送达,已超时": (count["open_overdue"], count["open_overdue"] > 0),
            "未送达,未到期": count["open_not_due"],
            "已取消/关闭/退回,不跟进": count["not_chased"],
            "无法计算时效(时间不可读)": count["no_due_time"],
            "无轨迹": int((week["events"] == 0).sum()),
        },
    )
    headers = ("票数", "按时送达", "超时送达", "未送达,已超时", "延误率")
    assert isinstance(by_carrier, Table) and isinstance(routes, Table)
    check_table(by_carrier, ("承运商", *headers), late_rows(week, "carrier"))
    check_order([figure(v, "pct") for v in by_carrier.column("延误率")], descending=True)

    # the ten worst routes of at least 20 decided shipments (routes tied at the tenth may take its place)
    ranked = [(*r, r[-1].value) for r in late_rows(week, "route") if r[1] >= 20]
    check_top(routes, ("线路", *headers), ranked, 10)
    check_order([figure(v, "pct") for v in routes.column("延误率")], descending=True)


def test_claims(status: pl.DataFrame, claims: pl.DataFrame, weekly: dict[str, list[Block]]) -> None:
    month = (WEEK + timedelta(days=6)).replace(day=1)  # the month of the week's last day

    def in_month(day: pl.Expr) -> pl.Expr:
        return (day.dt.year() == month.year) & (day.dt.month() == month.month)

    blocks = weekly["理赔"]
    late = claims.filter(pl.col("proposal_late") | pl.col("payment_late")).sort("filed")
    assert kinds(blocks) == [
        "Paragraph:2026年11月 累计",
        "Cards",
        "Figure",  # 每周出险与赔付票数
        f"Heading:超过时限的理赔（{late.height}）",
        "Table",
    ]
    _, cards, _, _, table = blocks
    shipments = status.filter(in_month(pl.col("day")))
    settled = claims.filter(in_month(pl.col("settled").dt.date()))
    paid = settled.filter("paid_out")
    assert isinstance(cards, Cards) and isinstance(table, Table)
    check_cards(
        cards,
        {
            "投保率": Pct(_rate(int((shipments["declared_value"].fill_null(0) > 0).sum()), shipments.height)),
            "赔付率（票数）": Pct(_rate(paid.height, shipments.height)),
            "票均赔付金额": Money(float(paid["paid"].sum()) / paid.height if paid.height else None),
            "通融赔付次数": int(settled["goodwill"].sum()),
            "当月出险次数": claims.filter(in_month(pl.col("incident"))).height,
        },
    )
    check_table(
        table,
        (
            "理赔单号",
            "客户",
            "运单号",
            "出险类型",
            "状态",
            "受理时间",
            "方案期限",
            "方案超期",
            "赔付期限",
            "赔付超期",
            "索赔金额",
        ),
        [
            (
                c["claim_id"],
                c["customer"],
                c["waybill"],
                c["incident_type"],
                c["status"],
                c["filed"].strftime("%m-%d %H:%M"),
                c["proposal_due"].strftime("%m-%d"),
                c["proposal_late"],
                c["payment_due"].strftime("%m-%d"),
                c["payment_late"],
                Money(c["claimed"]),
            )
            for c in late.iter_rows(named=True)
        ],
        ordered=True,  # the oldest filing first
    )


def test_service_tickets_of_the_week(tickets: pl.DataFrame, weekly: dict[str, list[Block]]) -> None:
    week = in_week(tickets, "day")
    standards, chart, types = weekly["客服工单（本周）"]
    assert isinstance(chart, Figure) and isinstance(standards, Table) and isinstance(types, Table)
    check_standards(standards, week)
    check_types(types, week)


def test_account_care(runs: Runs, weekly: dict[str, list[Block]]) -> None:
    """The care section against the account_care job's tables: accounts, those behind, ahead and
    without a tier; each item behind with its account, manager, due date and working days left."""
    care = runs.weekly / "care"
    accounts, behind, ahead, untiered = (
        pl.read_parquet(care / f"{name}.parquet") for name in ("accounts", "worklist", "ahead", "untiered")
    )
    cards, table = weekly["大客户维护"]
    assert isinstance(cards, Cards) and isinstance(table, Table)
    assert cards["大客户"].value == f"{accounts.height:,}"
    assert cards["维护落后"].value == str(behind["account"].n_unique()) and cards["维护落后"].breach
    assert cards["超前"].value == str(ahead["account"].n_unique())
    assert cards["未定级"].value == str(untiered.height)
    expected = behind.sort("days_left")
    assert table.column("客户名称") == expected["account"].to_list()
    assert table.column("客户经理") == expected["manager"].to_list()
    assert table.column("截止日期") == expected["next_due"].dt.strftime("%m-%d").to_list()
    assert table.column("剩余工作日") == [str(d) for d in expected["days_left"].to_list()]
