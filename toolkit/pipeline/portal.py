"""`out/index.html`: every run in the history by date × batch, with its status, time, links to
its report, worklist, SMS outbox and manifest, the failures with their one-line error, and the
trend of the figures a supervisor follows over the last 30 / 90 runs.

Rewritten at the end of every run (atomically, under a lock on `out/` itself, so that two batches
finishing at once each leave a whole page), from the run history (toolkit/pipeline/history.py)
alone: one file, no script, no network, charts as inline SVG drawn here. Read on a 390-px phone
as on a desktop: a single column, the charts one per row (side by side where there is room),
the runs table stacked on a phone.

    >>> write_portal(history_path(config.state), config.output, config.locale, now)  # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import html
import math
import os
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import polars as pl

from toolkit.config.models import BatchSettings
from toolkit.display import format_value
from toolkit.i18n import EN, Text, html_lang
from toolkit.io import write_text
from toolkit.labels import RUN_LABELS, label, rule_title
from toolkit.pages import head, table_wrap
from toolkit.pipeline.history import (
    figures,
    history_path,
    job_runs,
    mark_pruned,
    prune_run_folders,
    record_run,
    runs,
)
from toolkit.pipeline.record import BatchRun
from toolkit.pipeline.run_folder import MANIFEST

T = TypeVar("T")
INDEX = "index.html"
SPANS = (30, 90)  # the trend charts' spans, in runs (one a run date)
TOP_SERIES = 5  # the rules or carriers drawn beside the total: the most frequent over the span

WORDS = {
    "title": Text("运行记录", "Run history"),
    "about": Text(
        "批次 {batches} · 共 {runs} 次运行 · 更新于 {now}", "Batches {batches} · {runs} runs · updated {now}"
    ),
    "empty": Text("还没有运行记录。", "No runs recorded yet."),
    "failures": Text("最近失败", "Recent failures"),
    "no_failures": Text("最近的运行都没有失败。", "None of the recent runs failed."),
    "trends": Text("趋势", "Trends"),
    "trend_note": Text("每个点是一个运行日期的最后一次运行。", "Each point is the last run of a run date."),
    "no_complaints": Text(
        "投诉及时率不在运行记录中（日报的工单数字没有写进 manifest.json），请看日报。",
        "Complaints closed on time are not in the run history (the report's ticket figures are not in "
        "manifest.json): see the report.",
    ),
    "span": Text("近{n}次", "Last {n}"),
    "no_figures": Text("这些运行还没有可画的数字。", "These runs have no figures to draw yet."),
    "all_runs": Text("全部运行", "All runs"),
    "date": Text("日期", "Date"),
    "refusal_rate": Text("拒收率", "Refusal rate"),
    "refusal_by_rule": Text("拒收率（按规则，前{n}）", "Refusal rate by rule (top {n})"),
    "sms_parts": Text("短信计费条数", "SMS parts billed"),
    "overdue": Text("超时件（提货、派送）", "Overdue shipments (pickup, delivery)"),
    "on_time": Text("及时率", "On-time rates"),
    "total": Text("合计", "Total"),
    "pickup": Text("及时提货率", "On-time pickup"),
    "delivery": Text("及时送达率", "On-time delivery"),
    "latest": Text("最近 {value}", "latest {value}"),
    "pruned": Text("目录已清理（keep_days）", "folder pruned (keep_days)"),
    "replaced": Text("目录已被之后的运行替换", "folder replaced by a later run"),
    "gone": Text("目录已不在", "folder gone"),
    "seconds": Text("{s}秒", "{s} s"),
    "minutes": Text("{m}分{s}秒", "{m} min {s} s"),
    "worklist": Text("跟进清单", "Worklist"),
    "manifest": Text("运行清单", "Manifest"),
}
RATES = {"refusal_rate", "refusal_by_rule", "on_time"}
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")  # Okabe–Ito: told apart by all
TOTAL_COLOUR = "#1f2328"

CSS = """
.status { display: inline-block; padding: 0 .45em; border-radius: 4px; font-size: .8rem; color: #fff;
          background: #6e7781; white-space: nowrap; }
.status.done { background: #1a7f37; }
.status.failed, .status.error { background: #cf222e; }
.status.skipped { background: #9a6700; }
.run { padding: .25rem 0; }
.run + .run { border-top: 1px dashed #d0d7de; }
.run .meta { color: #57606a; font-size: .85rem; white-space: nowrap; }
.run .links { display: block; }
.run .links a { margin-right: .7em; white-space: nowrap; }
.run .gone { color: #57606a; font-size: .85rem; }
.err { display: block; color: #cf222e; font-size: .85rem; }
ul.failures { padding-left: 1.1rem; }
ul.failures li { margin: .2rem 0; }
table.runs td { min-width: 16rem; }
table.runs th[scope=row] { background: none; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(340px, 100%), 1fr)); gap: 12px; }
figure.chart { margin: 0; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; min-width: 0; }
figure.chart figcaption { font-size: .9rem; }
figure.chart figcaption .latest, figure.chart figcaption .job { color: #57606a; font-size: .8rem; margin-left: .4em; }
figure.chart svg { display: block; width: 100%; height: auto; margin-top: 4px; }
figure.chart svg text { font-size: 11px; fill: #57606a; }
.legend { list-style: none; padding: 0; margin: .3rem 0 0; display: flex; flex-wrap: wrap; gap: .1rem .9rem;
          font-size: .8rem; }
.legend i { display: inline-block; width: 1em; height: .3em; margin-right: .3em; vertical-align: middle; }
.spans { margin: .2rem 0 .6rem; }
.spans input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.spans label { display: inline-block; padding: .15rem .7rem; border: 1px solid #d0d7de; border-radius: 4px;
               margin-right: .3rem; cursor: pointer; font-size: .9rem; }
.spans input:checked + label { background: #0969da; border-color: #0969da; color: #fff; }
.spans input:focus-visible + label { outline: 2px solid #0969da; outline-offset: 2px; }
#span-30:checked ~ .span-90, #span-90:checked ~ .span-30 { display: none; }
@media (max-width: 600px) {
  table.runs, table.runs tbody, table.runs tr, table.runs th, table.runs td { display: block; width: 100%; }
  table.runs thead { display: none; }
  table.runs td { min-width: 0; border: 0; padding: .1rem 0 .1rem .6rem; }
  table.runs td:empty { display: none; }
  table.runs td::before { content: attr(data-label); display: block; font-weight: 600; color: #57606a; font-size: .8rem; }
  table.runs th[scope=row] { padding: .5rem 0 .1rem; border-bottom: 0; }
  table.runs tr { border-bottom: 1px solid #d0d7de; }
}
"""


def _word(key: str, locale: str, **values: object) -> str:
    return WORDS[key].format(locale, **values)


def _e(text: object) -> str:
    return html.escape(str(text))


@contextmanager
def _portal_lock(output: Path) -> Iterator[None]:
    """One writer of the page at a time, across batches (their locks are per batch): a lock on
    the output folder itself, so that no lock file is left in it."""
    output.mkdir(parents=True, exist_ok=True)
    handle = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def write_portal(db_path: Path, output: Path, locale: str, now: datetime) -> Path:
    """Write `output/index.html` from the history in `db_path`; its path."""
    with _portal_lock(output):
        page = render_portal(runs(db_path), job_runs(db_path), figures(db_path), output, locale, now)
        write_text(page, output / INDEX)
    return output / INDEX


def after_run(config: BatchSettings, batch: BatchRun, manifest: dict, log: Callable[[str], None]) -> None:
    """The end of a run, under the batch's lock, once its folder is in place: its row in the
    history, the run folders older than `keep_days` removed (their rows marked), the page
    rewritten. None of it fails the run: what cannot be done is one warning line in the log (a
    history that cannot be written, locked or on a full disk, leaves the page as it was)."""
    db = history_path(config.state)
    now = datetime.now(batch.as_of.tzinfo)
    recorded = _quietly(
        log, f"the run history {db} was not written ({INDEX} not updated)", lambda: record_run(db, batch, manifest)
    )
    removed: list[Path] = []
    if config.keep_days is not None:
        folders = prune_run_folders(config.output, config.batch, config.keep_days, batch.as_of.date(), batch.run_dir)
        _quietly(
            log, f"keep_days {config.keep_days}: an old run folder was not removed", lambda: removed.extend(folders)
        )
        if removed:
            shown = ", ".join(str(path.relative_to(config.output)) for path in removed)
            log(f"keep_days {config.keep_days}: removed {len(removed)} run folder(s) older than that: {shown}")
    if recorded is None:
        return
    if removed:
        _quietly(log, f"the run history {db} was not marked", lambda: mark_pruned(db, removed, now))
    _quietly(
        log, f"{config.output / INDEX} was not written", lambda: write_portal(db, config.output, config.locale, now)
    )


def _quietly(log: Callable[[str], None], what: str, do: Callable[[], T]) -> T | None:
    try:
        return do()
    except Exception as error:  # a boundary: the history and the page never fail the run
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        log(f"warning: {what}: {reason}")
        return None


# --- the page ------------------------------------------------------------------------------------


def render_portal(
    run_rows: pl.DataFrame, job_rows: pl.DataFrame, figure_rows: pl.DataFrame, output: Path, locale: str, now: datetime
) -> str:
    """The page for these history frames (as `history.runs`, `job_runs` and `figures` give
    them), its links relative to `output`."""
    title = _word("title", locale)
    batches = sorted(run_rows["batch"].unique().to_list())
    separator = ", " if locale == EN else "、"
    about = _word(
        "about", locale, batches=separator.join(batches) or "—", runs=run_rows.height, now=f"{now:%Y-%m-%d %H:%M}"
    )
    body = [f"<h1>{_e(title)}</h1>", f'<p class="about">{_e(about)}</p>']
    if run_rows.height == 0:
        body.append(f"<p>{_e(_word('empty', locale))}</p>")
    else:
        jobs_of = {run_id: list(group.iter_rows(named=True)) for (run_id,), group in job_rows.group_by("run_id")}
        places = _places(run_rows)
        body += _failures(run_rows, job_rows, output, places, locale)
        body += _trends(run_rows, figure_rows, jobs_of, locale)
        body += _grid(run_rows, jobs_of, output, places, locale)
    lang = html_lang(locale)
    return (
        f'<!doctype html>\n<html lang="{lang}">{head(title, css=CSS)}<body>\n' + "\n".join(body) + "\n</body></html>\n"
    )


def _status(status: str, locale: str) -> str:
    return f'<span class="status {_e(status)}">{_e(label(status, locale, vocabulary=RUN_LABELS))}</span>'


def _seconds(value: float | None, locale: str) -> str:
    if value is None:
        return ""
    if value < 60:
        return _word("seconds", locale, s=f"{value:.1f}")
    minutes, seconds = divmod(round(value), 60)
    return _word("minutes", locale, m=minutes, s=seconds)


def _href(target: Path, output: Path) -> str:
    return urllib.parse.quote(Path(os.path.relpath(target, output)).as_posix())


# Where each run's files are now: the row's folder (or where a failed re-run moved it), unless a
# later run took that place or keep_days removed it.
@dataclass(frozen=True)
class _Place:
    folder: Path | None  # None: nothing to link
    note: str | None  # why not: pruned | replaced | gone


def _places(run_rows: pl.DataFrame) -> dict[int, _Place]:
    location = pl.coalesce("moved_to", "run_dir")
    latest = run_rows.with_columns(location=location).group_by("location").agg(pl.col("id").max())
    current = set(latest["id"].to_list())
    places = {}
    for row in run_rows.iter_rows(named=True):
        folder = Path(row["moved_to"] or row["run_dir"])
        if row["pruned_at"] is not None:
            places[row["id"]] = _Place(None, "pruned")
        elif row["id"] not in current:
            places[row["id"]] = _Place(None, "replaced")
        elif not (folder / MANIFEST).is_file():
            places[row["id"]] = _Place(None, "gone")
        else:
            places[row["id"]] = _Place(folder, None)
    return places


def _links(jobs: list[dict], folder: Path, output: Path, locale: str) -> list[str]:
    """The run's report pages, worklist, SMS outboxes and manifest, those that are there."""
    kinds = [job["kind"] for job in jobs]
    found: list[tuple[str, str]] = []

    def add(name: str, path: str) -> None:
        if (folder / path).is_file():
            found.append((name, path))

    for job in jobs:
        kind, outputs = job["kind"], job["outputs"] or []
        several = kinds.count(kind) > 1
        kind_word = label(kind, locale, vocabulary=RUN_LABELS)
        named = f"{kind_word}·{job['job']}" if several else kind_word
        if kind == "notebook":
            for path in outputs:
                if path.endswith(".html"):
                    add(named, path)
        elif kind == "validate_orders":
            for path in outputs:
                if path.endswith("summary.html"):
                    add(named, path)
        elif kind == "flag_overdue":
            worklist = _word("worklist", locale)
            for path in outputs:
                if path.endswith("worklist.xlsx"):
                    add(f"{worklist}·{job['job']}" if several else worklist, path)
        elif kind == "render_messages":
            for ending, name in (("outbox.xlsx", f"{kind_word}·{job['job']}"), ("outbox.csv", "csv")):
                for path in outputs:
                    if path.endswith(ending):
                        add(name, path)
    add(_word("manifest", locale), MANIFEST)
    return [f'<a href="{_href(folder / path, output)}">{_e(name)}</a>' for name, path in found]


def _run_cell(row: dict, jobs: list[dict], output: Path, place: _Place, locale: str) -> str:
    as_of = datetime.fromisoformat(row["as_of"])
    meta = " · ".join(part for part in (f"{as_of:%H:%M}", _seconds(row["duration_s"], locale)) if part)
    parts = [_status(row["status"], locale), f'<span class="meta">{_e(meta)}</span>']
    if place.folder is not None:
        parts.append(f'<span class="links">{" ".join(_links(jobs, place.folder, output, locale))}</span>')
    else:
        parts.append(f'<span class="gone">{_e(_word(place.note or "gone", locale))}</span>')
    for job in jobs:
        if job["job_status"] in ("failed", "error", "skipped") and job["error"]:
            parts.append(f'<span class="err">{_e(job["job"])}: {_e(job["error"])}</span>')
    return f'<div class="run {_e(row["status"])}">{" ".join(parts)}</div>'


def _grid(
    run_rows: pl.DataFrame, jobs_of: dict[int, list[dict]], output: Path, places: dict[int, _Place], locale: str
) -> list[str]:
    """Every run: a row per run date (the latest first), a column per batch, a cell's runs newest first."""
    batches = sorted(run_rows["batch"].unique().to_list())
    ordered = run_rows.sort(["run_date", "id"], descending=True)
    heading = "".join(f"<th>{_e(batch)}</th>" for batch in batches)
    rows = []
    for (day,), group in ordered.group_by("run_date", maintain_order=True):
        cells = []
        for batch in batches:
            cell = "".join(
                _run_cell(row, jobs_of.get(row["id"], []), output, places[row["id"]], locale)
                for row in group.filter(pl.col("batch") == batch).iter_rows(named=True)
            )
            cells.append(f'<td data-label="{_e(batch)}">{cell}</td>')
        rows.append(f'<tr><th scope="row">{_e(day.isoformat())}</th>{"".join(cells)}</tr>')
    table = (
        f'<table class="runs"><thead><tr><th>{_e(_word("date", locale))}</th>{heading}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return [f"<h2>{_e(_word('all_runs', locale))}</h2>", table_wrap(table)]


def _failures(
    run_rows: pl.DataFrame, job_rows: pl.DataFrame, output: Path, places: dict[int, _Place], locale: str, top: int = 20
) -> list[str]:
    """The latest failed or refused jobs with their one-line error, the newest first."""
    failed = (
        job_rows.filter(pl.col("job_status").is_in(["failed", "error"]))
        .join(run_rows.select("id", "batch", "run_date", "as_of"), left_on="run_id", right_on="id")
        .sort(["run_id", "position"], descending=[True, False])
        .head(top)
    )
    section = [f"<h2>{_e(_word('failures', locale))}</h2>"]
    if failed.height == 0:
        return [*section, f"<p>{_e(_word('no_failures', locale))}</p>"]
    items = []
    for row in failed.iter_rows(named=True):
        when = f"{datetime.fromisoformat(row['as_of']):%H:%M}"
        place = places.get(row["run_id"])
        where = ""
        if place is not None and place.folder is not None:
            where = f' <a href="{_href(place.folder / MANIFEST, output)}">{_e(_word("manifest", locale))}</a>'
        items.append(
            f"<li>{_status(row['job_status'], locale)} <b>{_e(row['run_date'].isoformat())}</b> {_e(when)} · "
            f"{_e(row['batch'])} · {_e(row['job'])}{where}"
            f'<span class="err">{_e(row["error"] or "")}</span></li>'
        )
    return [*section, f'<ul class="failures">{"".join(items)}</ul>']


# --- the trends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    key: str  # '' for the total
    name: str
    values: list[float | None]  # one per run date, None where the run has no such figure
    colour: str


@dataclass(frozen=True)
class Chart:
    batch: str
    job: str  # the job the figure is of ('' for one summed over the batch's jobs)
    figure: str
    title: str
    dates: list[str]
    series: list[Series]
    rate: bool


def _trends(
    run_rows: pl.DataFrame, figure_rows: pl.DataFrame, jobs_of: dict[int, list[dict]], locale: str
) -> list[str]:
    section = [
        f"<h2>{_e(_word('trends', locale))}</h2>",
        f'<p class="about">{_e(_word("trend_note", locale))} {_e(_word("no_complaints", locale))}</p>',
    ]
    # the last run of each run date, per batch
    daily = run_rows.sort("id").group_by(["batch", "run_date"], maintain_order=True).last().sort(["batch", "run_date"])
    longest = daily.group_by("batch").len()["len"].max() if daily.height else 0
    spans = [SPANS[0]] if (longest or 0) <= SPANS[0] else list(SPANS)
    blocks = []
    for span in spans:
        charts = []
        for (batch,), runs_of_batch in daily.group_by("batch", maintain_order=True):
            shown = runs_of_batch.tail(span)
            drawn = [
                draw_chart(chart, locale)
                for chart in charts_of(
                    batch, shown, figure_rows.filter(pl.col("run_id").is_in(shown["id"].to_list())), locale
                )
            ]
            if drawn:
                charts.append(f'<h3>{_e(batch)}</h3><div class="charts">{"".join(drawn)}</div>')
        inner = "".join(charts) or f"<p>{_e(_word('no_figures', locale))}</p>"
        blocks.append(f'<div class="span-{span}">{inner}</div>')
    if len(spans) == 1:
        return [*section, *blocks]
    toggle = "".join(
        f'<input type="radio" name="span" id="span-{span}"{" checked" if span == spans[0] else ""}>'
        f'<label for="span-{span}">{_e(_word("span", locale, n=span))}</label>'
        for span in spans
    )
    return [*section, f'<div class="spans">{toggle}{"".join(blocks)}</div>']


ORDER = ("refusal_rate", "refusal_by_rule", "sms_parts", "overdue", "on_time")  # the charts of a batch, in this order


def charts_of(batch: str, shown: pl.DataFrame, figure_rows: pl.DataFrame, locale: str) -> list[Chart]:
    """The charts of one batch over the runs `shown` (one a run date, oldest first): per orders
    job its refusal rate, and the rules that refused most; the SMS parts billed of all SMS jobs
    in one chart; per overdue job the overdue shipments (the total and the carriers with most)
    and the on-time pickup and delivery rates."""
    ids = shown["id"].to_list()
    dates = [d.strftime("%m-%d") for d in shown["run_date"]]
    position = {run_id: i for i, run_id in enumerate(ids)}

    def values(rows: pl.DataFrame) -> list[float | None]:
        out: list[float | None] = [None] * len(ids)
        for run_id, value in rows.select("run_id", "value").iter_rows():
            out[position[run_id]] = value
        return out

    def total(rows: pl.DataFrame) -> list[Series]:
        keyed = rows.filter(pl.col("key") == "")
        return [Series("", _word("total", locale), values(keyed), TOTAL_COLOUR)] if keyed.height else []

    def top(rows: pl.DataFrame) -> list[Series]:
        """The keys with the most over the span, named by their label where they have one."""
        most = (
            rows.filter(pl.col("key") != "")
            .group_by("key")
            .agg(pl.col("value").sum(), pl.col("label").drop_nulls().last())
            .sort(["value", "key"], descending=[True, False])
            .head(TOP_SERIES)
        )
        return [
            Series(
                key,
                name or rule_title(key, locale),
                values(rows.filter(pl.col("key") == key)),
                PALETTE[index % len(PALETTE)],
            )
            for index, (key, _, name) in enumerate(most.iter_rows())
        ]

    charts: list[Chart] = []

    def add(job: str, figure: str, series: list[Series]) -> None:
        if series:
            rate = figure in RATES
            charts.append(Chart(batch, job, figure, _word(figure, locale, n=TOP_SERIES), dates, series, rate))

    for (job, figure), rows in figure_rows.partition_by(["job", "figure"], as_dict=True, maintain_order=True).items():
        if figure == "refusal_rate":
            add(job, "refusal_rate", total(rows))
            add(job, "refusal_by_rule", top(rows))
        elif figure == "overdue":
            add(job, "overdue", total(rows) + top(rows))
        elif figure == "on_time":
            series = []
            for index, key in enumerate(("pickup", "delivery")):
                keyed = rows.filter(pl.col("key") == key)
                if keyed.height:
                    series.append(Series(key, _word(key, locale), values(keyed), PALETTE[index]))
            add(job, "on_time", series)
    sms = figure_rows.filter(pl.col("figure") == "sms_parts")
    if sms.height:
        per_job = sms.partition_by("job", as_dict=True, maintain_order=True)
        series = [
            Series(job, job, values(rows), PALETTE[index % len(PALETTE)])
            for index, ((job,), rows) in enumerate(per_job.items())
        ]
        if len(series) > 1:
            series.insert(
                0,
                Series(
                    "", _word("total", locale), values(sms.group_by("run_id").agg(pl.col("value").sum())), TOTAL_COLOUR
                ),
            )
        add("", "sms_parts", series)
    return sorted(charts, key=lambda chart: ORDER.index(chart.figure))


# The chart: 360 × 150 user units, drawn 1:1 at a phone's width (a 390-px screen leaves ~350 px).
WIDTH, HEIGHT = 360, 150
LEFT, RIGHT, TOP, BOTTOM = 42, 10, 10, 22


def _nice_ceiling(value: float) -> float:
    """The round number at or above `value` an axis ends on: 1, 2, 2.5, 5 × 10ⁿ."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= value * (1 - 1e-9))


def _range(chart: Chart) -> tuple[float, float]:
    present = [v for s in chart.series for v in s.values if v is not None]
    high = max(present, default=0.0)
    if chart.figure == "on_time":  # rates near 100 %: from a round share below the lowest
        low = min(present, default=0.0)
        floor = math.floor(low * 20) / 20  # 5 % steps
        return (max(0.0, min(floor, 0.95)), 1.0)
    if chart.rate:
        return (0.0, min(1.0, _nice_ceiling(high)))
    return (0.0, _nice_ceiling(high))


def _format(value: float, rate: bool, locale: str) -> str:
    if rate:
        return format_value(value, "pct", locale)
    return format_value(value, "int", locale)


def _axis_label(value: float, rate: bool) -> str:
    if rate:
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:g}"


def draw_chart(chart: Chart, locale: str) -> str:
    """One figure: a line per series (gaps where a run has no value), a dot per run with its
    date and value as a tooltip, the axis's bottom and top, the first and last date."""
    low, high = _range(chart)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(chart.dates)

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if n == 1 else i * plot_w / (n - 1))

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - low) / ((high - low) or 1))

    svg = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{_e(chart.title)}" data-points="{n}">'
    ]
    for value, anchor in ((low, "end"), ((low + high) / 2, "end"), (high, "end")):
        svg.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#e4e4e4"/>'
            f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="{anchor}">{_e(_axis_label(value, chart.rate))}</text>'
        )
    if n:
        svg.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" text-anchor="start">{_e(chart.dates[0])}</text>')
        if n > 1:
            svg.append(f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end">{_e(chart.dates[-1])}</text>')
    radius = 2.6 if n <= 31 else 1.6
    for series in reversed(chart.series):  # the total last, on top
        width = 2.4 if series.key == "" else 1.6
        group = [f'<g class="series" data-key="{_e(series.key)}">']
        for segment in _segments(series.values):
            if len(segment) > 1:
                points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
                group.append(
                    f'<polyline points="{points}" fill="none" stroke="{series.colour}" stroke-width="{width}" '
                    'stroke-linejoin="round"/>'
                )
        for i, value in enumerate(series.values):
            if value is not None:
                tip = f"{chart.dates[i]} · {series.name}: {_format(value, chart.rate, locale)}"
                group.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="{radius}" fill="{series.colour}">'
                    f"<title>{_e(tip)}</title></circle>"
                )
        group.append("</g>")
        svg.extend(group)
    svg.append("</svg>")
    first = chart.series[0]  # the total, where the chart has one
    latest = next((v for v in reversed(first.values) if v is not None), None)
    caption = f"<b>{_e(chart.title)}</b>"
    if latest is not None and (first.key == "" or len(chart.series) == 1):
        caption += (
            f'<span class="latest">{_e(_word("latest", locale, value=_format(latest, chart.rate, locale)))}</span>'
        )
    if chart.job:
        caption += f'<span class="job">{_e(chart.job)}</span>'
    legend = "".join(f'<li><i style="background:{s.colour}"></i>{_e(s.name)}</li>' for s in chart.series)
    return (
        f'<figure class="chart" data-batch="{_e(chart.batch)}" data-job="{_e(chart.job)}" '
        f'data-figure="{_e(chart.figure)}"><figcaption>{caption}</figcaption>{"".join(svg)}'
        f'<ul class="legend">{legend}</ul></figure>'
    )


def _segments(values: Sequence[float | None]) -> Iterator[list[tuple[int, float]]]:
    """The runs of consecutive values, without the gaps."""
    segment: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None:
            if segment:
                yield segment
            segment = []
        else:
            segment.append((i, value))
    if segment:
        yield segment
