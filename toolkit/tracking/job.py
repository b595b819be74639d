"""The `flag_overdue` job: shipments + a carrier's tracking export → the status of every shipment,
the agent's worklist (published as table `worklist` for the follow-up SMS), the batch view, the
statuses nobody recognised, and the follow-up log in the data folder."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl
import polars.selectors as cs
from pydantic import ValidationInfo, field_validator

from toolkit.calendar import WorkCalendar
from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.paths import ExistingFile, resolve
from toolkit.io import Table, read_table, write_csv, write_parquet
from toolkit.io.date_detect import none_read
from toolkit.io.dates import TimeReading, UnreadableTimes, unreadable_plan, unreadable_text, unreadable_times
from toolkit.io.faults import writing
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult
from toolkit.shipments.counts import shipment_count_plans, shipment_counts_from
from toolkit.shipments.stages import STAGE_DTYPE
from toolkit.timezones import localize
from toolkit.tracking import follow_up
from toolkit.tracking.overdue import (
    LAST_ROW,
    SHIPMENT_TIMES,
    UNREADABLE,
    event_details,
    last_event_texts,
    reduce_event_times,
    shipment_status,
    typed_shipments,
    unknown_shipment_statuses,
    unreadable_shipment_times,
    with_event_rows,
    with_last_event_texts,
)
from toolkit.tracking.presets import Preset, load_preset
from toolkit.tracking.report import (
    NO_EVENTS_COLUMNS,
    write_batches_xlsx,
    write_summary_html,
    write_worklist_xlsx,
)
from toolkit.tracking.sla import Sla, load_sla, route_table
from toolkit.tracking.vocabulary import (
    EVENT_ROW,
    StatusVocabulary,
    classify_events,
    status_text,
    unknown_statuses,
    unknown_statuses_plan,
)
from toolkit.tracking.worklist import (
    BATCH_COLUMNS,
    RULES,
    WORKLIST_COLUMNS,
    batches,
    build_worklist,
    current_round,
    flag_rules,
    next_follow_up_column,
    worklist_order,
)

AGENT_ID = ("客服工号", "工号", "agent_id", "agent")
SHIPMENTS_REQUIRED = ("waybill", "order_time")
EVENTS_REQUIRED = ("waybill", "event_time")
SHIPMENT_TIME_HEADERS = {"picked_up_at": ("揽收时间", "picked up at"), "delivered_at": ("签收时间", "delivered at")}


class EventsFile(InputFile):
    """The tracking export and the preset that knows its columns and status words."""

    preset: str = "generic"  # a built-in name (toolkit/tracking/presets/: sf, jd, zto, kdniao …) or a YAML path

    @field_validator("preset")
    @classmethod
    def _relative_to_config(cls, value: str, info: ValidationInfo) -> str:
        return str(resolve(Path(value), info)) if value.endswith((".yaml", ".yml")) else value


class FlagOverdueConfig(JobConfig):
    """Flag late and stalled shipments against config/sla.yaml."""

    kind: Literal["flag_overdue"]
    shipments: TableInput
    # one tracking export, or several (one per carrier or feed, each with its preset); None: the
    # shipments carry picked_up_at / delivered_at themselves
    events: EventsFile | list[EventsFile] | None = None
    preset: str | None = None  # the shipments' column map; default: the (first) events file's preset
    sla: ExistingFile | None = None
    xlsx_max_rows: int = 50_000  # rows per sheet of worklist.xlsx (the most urgent); all rows are in the parquet files
    engine: Literal["streaming", "in-memory", "auto"] = "streaming"  # polars engine over the events

    @field_validator("events")
    @classmethod
    def _some_events(cls, value: EventsFile | list[EventsFile] | None) -> EventsFile | list[EventsFile] | None:
        if isinstance(value, list) and not value:
            raise ValueError("an empty list: name at least one tracking export, or leave `events` out")
        return value

    @property
    def event_files(self) -> list[EventsFile]:
        """The tracking exports, in the config's order."""
        if self.events is None:
            return []
        return self.events if isinstance(self.events, list) else [self.events]


def _preset(config: FlagOverdueConfig) -> Preset:
    """The shipments' preset: `preset`, else the first events file's, else generic."""
    files = config.event_files
    return load_preset(config.preset or (files[0].preset if files else "generic"))


def _shipment_aliases(preset: Preset) -> dict[str, tuple[str, ...]]:
    return {**preset.shipment_aliases(), "agent_id": AGENT_ID, **SHIPMENT_TIME_HEADERS}


def _event_time(schema: pl.Schema, times: TimeReading) -> pl.Expr:
    time, timezone = schema["event_time"], times.timezone
    if isinstance(time, pl.Datetime):
        moment = pl.col("event_time").dt.cast_time_unit("us")
        return moment.dt.convert_time_zone(timezone) if time.time_zone else localize(moment, timezone)
    return times.parse(pl.col("event_time"), "event_time")


def _events(frame: pl.LazyFrame, times: TimeReading) -> pl.LazyFrame:
    """The events' canonical columns, typed."""
    schema = frame.collect_schema()
    columns = [
        pl.col("waybill").cast(pl.String).str.strip_chars(),
        _event_time(schema, times).alias("event_time"),
        status_text(schema).str.strip_chars().alias("status"),
        (pl.col("location").cast(pl.String) if "location" in schema else pl.lit(None, pl.String)).alias("location"),
    ]
    if "code" in schema:
        columns.append(pl.col("code").cast(pl.String).str.strip_chars())
    return frame.select(columns)


def _unreadable_event_times(frame: pl.LazyFrame, times: TimeReading, engine: str) -> pl.DataFrame:
    """The event times that did not read, counted with samples: a second pass over the events,
    made only when the first found times missing (carrying the text of every time through the
    main pass for this cost 18% of it on 2,500,000 events)."""
    parsed = _event_time(frame.collect_schema(), times)
    return unreadable_plan(frame, {"event_time": (unreadable_text(pl.col("event_time"), parsed), parsed)}).collect(
        engine=engine
    )


def _no_events(timezone: str) -> pl.LazyFrame:
    return pl.LazyFrame(
        schema={
            "waybill": pl.String,
            "event_time": pl.Datetime("us", timezone),
            "status": pl.String,
            "location": pl.String,
            "stage": STAGE_DTYPE,
            "reason": pl.String,
        }
    )


def _temporary(frame: pl.LazyFrame, path: Path, engine: str) -> pl.LazyFrame:
    """`frame` written to a work file of the run and scanned back. What the job needs several
    times (the typed shipments, the per-waybill reduce, the flagged shipments) is computed once
    and read from disk, so no table of the run is held in memory for longer than one step.
    LZ4: the work files are read back at once and removed (zstd level 1 took 40% longer to write
    for a file a third smaller)."""
    with writing(path):
        if engine == "streaming":
            frame.sink_parquet(path, compression="lz4")
        else:
            frame.collect(engine=engine).write_parquet(path, compression="lz4")
    return pl.scan_parquet(path)


def _write_table(frame: pl.LazyFrame, path: Path, engine: str) -> int:
    """A published table, streamed to its parquet file (collected first by the other engines);
    its rows, from the file's footer."""
    write_parquet(frame if engine == "streaming" else frame.collect(engine=engine), path)
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def _rows(frame: pl.LazyFrame) -> int:
    return frame.select(pl.len()).collect().item()


@dataclass(frozen=True)
class _Shipments:
    """The typed shipments of a run (a work file) and what was counted reading them."""

    frame: pl.LazyFrame
    rows: int
    doubled: int
    bad_order_time: int
    unknown: pl.DataFrame


@dataclass(frozen=True)
class _Events:
    """The events reduced per waybill (two work files) and the statuses no rule knew."""

    reduced: pl.LazyFrame
    waybills: int
    unknown: pl.DataFrame


def _unmatched_waybills(reduced: pl.LazyFrame, waybills: int, shipments: pl.LazyFrame, matched: int, doubled: int):
    """Waybills with events but no shipment row: no shipment to judge, but counted and listed,
    never dropped silently. When every waybill is on one shipment row, the status table already
    tells whether all events found theirs (an anti join of 2,000,000 waybills costs 0.2 s)."""
    columns = ["waybill", "events", "last_event_time", "last_status"]
    if not doubled and matched == waybills:
        return reduced.select(columns).clear().collect()
    return reduced.join(shipments.select("waybill"), on="waybill", how="anti").select(columns).sort("waybill").collect()


def run(config: FlagOverdueConfig, context: JobContext) -> JobResult:
    """The whole job in steps that each stream from a file to a file (with `engine: streaming`),
    so that memory follows the shipments of one step, not the events: 10,000,000 events and
    2,000,000 shipments peaked at 3.0 GB with every table collected, and under 1 GB this way
    (bench/overdue_scale.py)."""
    sla: Sla = load_sla(config.sla)
    preset = _preset(config)
    job = JobResult()
    engine = config.engine
    context.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".work-", dir=context.out_dir) as folder:
        work = Path(folder)
        shipments = _read_shipments(config, context, preset, sla, job, work)
        events = _read_events(config, context, job, work)
        if config.sla is not None:
            job.inputs.append(InputRecord.of(config.sla))
        unknown = _unknown_statuses(events.unknown, shipments.unknown)
        calendar, as_of = context.calendar, context.as_of

        routes = route_table(shipments.frame, sla.delivery, engine)
        status_path = context.output("shipment_status.parquet")
        plan = shipment_status(shipments.frame, events.reduced, sla, calendar, as_of, routes=routes)
        status_rows = _write_table(plan, status_path, engine)
        status = pl.scan_parquet(status_path)
        facts = _status_facts(status, calendar, engine)
        for warning in calendar.warn_uncovered_times("pickup/delivery due times", *facts.uncovered):
            context.log(f"warning: {warning}")
        doubled = shipments.doubled
        if doubled:
            context.log(f"warning: {doubled} shipment rows repeat a waybill of an earlier row")
        unmatched = _unmatched_waybills(events.reduced, events.waybills, shipments.frame, facts.matched, doubled)
        if unmatched.height:
            context.log(
                f"warning: {unmatched.height} waybills have events but no shipment row: listed in unmatched_waybills.csv"
            )

        flagged = _temporary(
            flag_rules(status, sla, calendar, as_of).with_row_index(_FLAGGED_ROW), work / "flagged.parquet", engine
        )
        round_name = current_round(sla, as_of.time())
        log = follow_up.read_log(context.state_dir)
        rounds = follow_up.rounds_chased(log, context.run_date, round_name)
        worklist_path = context.output("worklist.parquet")
        worklist = _write_worklist(flagged, rounds, sla, context, worklist_path, work, engine)
        flagged_rows = _rows(worklist.lazy())
        rows = {"worklist": flagged_rows, "shipment_status": status_rows}
        batch = _write_outputs(config, context, sla, worklist, rows, unknown, unmatched, facts, job)
        # the log last: a run that failed to write its outputs has not chased anyone
        chased = worklist.select("waybill", "rule", "severity", "escalate_to", "overdue_by")
        follow_up.write_log(
            follow_up.append_run(log, chased, context.run_date, round_name, context.as_of), context.state_dir
        )
        per_rule = dict(worklist.lazy().group_by("rule").len().collect().iter_rows())
        critical = _rows(worklist.lazy().filter(pl.col("severity") == "critical"))

    job.counts = {
        "shipments": status_rows,
        "flagged": flagged_rows,
        **{name: int(per_rule.get(name, 0)) for name in RULES},
        "critical": critical,
        "batches": batch.height,
        "unknown_statuses": int(events.unknown["count"].sum()) if events.unknown.height else 0,
        "unknown_shipment_statuses": int(unknown.filter(pl.col("source") == "shipments")["count"].sum()),
        "unmatched_waybills": unmatched.height,
        "repeated_waybills": doubled,
        "bad_order_time": shipments.bad_order_time,
        **facts.counts,  # delivery states, no_events, status_<stage>: toolkit.shipments.counts
        "picked_up_late": facts.picked_up_late,  # null (open, or closed before pickup) is not late
        **job.counts,  # unreadable_<time>, counted as the inputs were read
    }
    # the worklist for a notebook (`run["overdue"]`): the frame, or past WORKLIST_CHUNK rows a scan of the file
    job.result = worklist if isinstance(worklist, pl.DataFrame) else pl.scan_parquet(context.final_path(worklist_path))
    return job


WORKLIST_CHUNK = 500_000
"""Flagged shipments sorted in memory at once (about 650 bytes a row, so 0.3 GB): a worklist up
to this size is built and used in memory as before; a bigger one is written in slices of the
sorted order, each slice a filter of the flagged work file, and read back from its file by the
outputs that need it (the xlsx a sheet at a time, the batches, the summary and the log a few
columns at a time)."""
_FLAGGED_ROW = "_flagged_row"


@dataclass(frozen=True)
class _StatusFacts:
    """What the run tells from its status table, gathered in one pass over the file."""

    counts: dict[str, int]
    picked_up_late: int
    matched: int  # shipments with at least one event
    uncovered: tuple[pl.Series, pl.Series]  # pickup and delivery due times in years the calendar does not cover
    no_events: pl.DataFrame  # the shipments without events, for the summary


def _status_facts(status: pl.LazyFrame, calendar: WorkCalendar, engine: str) -> _StatusFacts:
    covered = list(calendar.covered_years)
    due = ("pickup_due", "delivery_due")
    outside = pl.any_horizontal(~pl.col(c).dt.year().is_in(covered) & pl.col(c).is_not_null() for c in due)
    columns = status.collect_schema().names()
    count_plans = shipment_count_plans(status)
    *counted, flags, uncovered, no_events = pl.collect_all(
        [
            *count_plans,
            status.select(picked_up_late=(~pl.col("picked_up_on_time")).sum(), matched=(pl.col("events") > 0).sum()),
            status.filter(outside).select(due),
            status.filter(pl.col("events") == 0).select(c for c in (*NO_EVENTS_COLUMNS, "events") if c in columns),
        ],
        engine=engine,
    )
    return _StatusFacts(
        counts=shipment_counts_from(*counted),
        picked_up_late=int(flags["picked_up_late"].item() or 0),
        matched=int(flags["matched"].item() or 0),
        uncovered=(uncovered["pickup_due"], uncovered["delivery_due"]),
        no_events=no_events,
    )


def _unknown_statuses(events: pl.DataFrame, shipments: pl.DataFrame) -> pl.DataFrame:
    """The statuses no rule knew, the events' and the shipments' own, each marked with its
    `source`; the most frequent first."""
    marked = [events.with_columns(source=pl.lit("events")), shipments.with_columns(source=pl.lit("shipments"))]
    return pl.concat(marked).sort("count", descending=True, maintain_order=True)


def _read_shipments(
    config: FlagOverdueConfig, context: JobContext, preset: Preset, sla: Sla, job: JobResult, work: Path
) -> _Shipments:
    """The shipments with canonical columns and types (a work file), their own status read with
    the preset's rules; counts and says which times did not read."""
    source = context.source(config.shipments)
    times = context.times(source, SHIPMENT_TIMES)
    engine = config.engine
    with read_table(source, _shipment_aliases(preset), required=SHIPMENTS_REQUIRED) as table:
        plan = typed_shipments(
            table.frame,
            context.timezone,
            context.calendar,
            times,
            keep_unreadable=True,
            promise_time=sla.delivery.promise_time,
            vocabulary=preset.vocabulary(),
        )
        typed = _temporary(plan, work / "shipments.parquet", engine)
        rows = _rows(typed)
        job.inputs.append(InputRecord.of_table(table, rows=rows))
    unreadable = unreadable_shipment_times(typed, engine)
    context.note_read(job, table)
    context.note_unreadable(job, unreadable, table, times)
    job.failure = none_read(unreadable, table.headers)
    shipments = typed.drop(cs.starts_with(UNREADABLE))
    facts, unknown = pl.collect_all(
        [
            shipments.select(bad=pl.col("order_time").null_count(), doubled=pl.len() - pl.col("waybill").n_unique()),
            unknown_shipment_statuses(shipments),
        ],
        engine=engine,
    )
    bad_times = int(facts["bad"].item())
    if bad_times:
        context.log(f"warning: {bad_times} shipments have no readable order time: no pickup or delivery due for them")
    return _Shipments(shipments, rows, int(facts["doubled"].item()), bad_times, unknown)


SOURCE_ROWS = 1 << 40
"""Events are numbered (EVENT_ROW) per tracking export, the n-th export's from n × 2**40, so
that the rows of several exports never share a number."""

_CLASSIFIED = ("waybill", "event_time", "status", "location", "code", "stage", "reason", EVENT_ROW)


@dataclass(frozen=True)
class _EventSource:
    """One tracking export being read: its table, how its times read, and its preset's words."""

    table: Table
    times: TimeReading
    vocabulary: StatusVocabulary
    number: int  # its place in the config's list

    def events(self) -> pl.LazyFrame:
        """Its events with canonical columns, typed and numbered."""
        numbered = with_event_rows(_events(self.table.frame, self.times))
        return numbered.with_columns(pl.col(EVENT_ROW) + self.number * SOURCE_ROWS) if self.number else numbered

    def classified(self, events: pl.LazyFrame) -> pl.LazyFrame:
        """`events` of this export classified by its preset, in the columns every export shares."""
        classified = classify_events(events, self.vocabulary)
        if "code" not in classified.collect_schema():
            classified = classified.with_columns(code=pl.lit(None, pl.String))
        return classified.select(_CLASSIFIED)


def _all(frames: list[pl.LazyFrame]) -> pl.LazyFrame:
    """The exports' frames as one; one export's frame as it is (the plan of a single export is
    unchanged)."""
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")


def _read_events(config: FlagOverdueConfig, context: JobContext, job: JobResult, work: Path) -> _Events:
    """One row per waybill from the tracking exports (two work files), and the statuses no rule
    knew; counts and says which event times did not read.

    Two streamed passes: the first classifies every event and reduces it per waybill (with the
    unknown statuses and the count of missing times beside it, from the same read); the second
    reads only the status text and place of the events the first found last, without
    classifying (see `reduce_event_times`). Several exports (one per carrier or feed) are read
    side by side, each classified by its own preset, and reduced together: a waybill whose events
    are in two exports gets one row from all of them."""
    tz, engine = context.timezone, config.engine
    if config.events is None:
        times_plan = reduce_event_times(_no_events(tz))
        empty = _temporary(times_plan, work / "event_times.parquet", engine)
        texts = _temporary(last_event_texts(_no_events(tz), empty), work / "event_texts.parquet", engine)
        return _Events(with_last_event_texts(empty, texts), 0, unknown_statuses(_no_events(tz)))
    with ExitStack() as stack:
        sources = []
        for number, events_file in enumerate(config.event_files):
            preset = load_preset(events_file.preset)
            table = stack.enter_context(read_table(events_file, preset.event_aliases(), required=EVENTS_REQUIRED))
            times = context.times(events_file, ("event_time",))
            sources.append(_EventSource(table, times, preset.vocabulary(), number))
        # numbered once, before two plans share the classified events (see EVENT_ROW)
        classified = _all([source.classified(source.events()) for source in sources])
        reduced_path = work / "event_times.parquet"
        # the missing times of each export, counted from the same read as the reduce
        missing_plan = classified.select(
            (pl.col("event_time").is_null() & (pl.col(EVENT_ROW) // SOURCE_ROWS == source.number))
            .sum()
            .alias(f"missing_{source.number}")
            for source in sources
        )
        with writing(reduced_path):
            if engine == "streaming":
                # one streamed read for the reduce and the count of missing times
                missing = pl.collect_all(
                    [
                        reduce_event_times(classified).sink_parquet(reduced_path, compression="lz4", lazy=True),
                        missing_plan,
                    ],
                    engine=engine,
                )[1]
            else:
                reduced, missing = pl.collect_all([reduce_event_times(classified), missing_plan], engine=engine)
                reduced.write_parquet(reduced_path, compression="lz4")
        per_waybill = pl.scan_parquet(reduced_path)
        # the second pass: the last events, and every event of a waybill with an unknown status,
        # found by row and waybill without classifying; the unknown statuses are read from those
        # few. Listed beside the reduce in the first pass, the unknown statuses kept all
        # 10,000,000 classified events in memory (1.4 GB instead of 0.7: the streaming engine
        # buffers a shared stream for its slower reader)
        last_rows, unknown_waybills = pl.collect_all(
            [
                per_waybill.select(LAST_ROW).drop_nulls(),
                per_waybill.filter(pl.col("unknown_events") > 0).select("waybill"),
            ]
        )
        details = [
            _temporary(
                event_details(source.events(), last_rows[LAST_ROW], unknown_waybills["waybill"]),
                work / f"event_details-{source.number}.parquet",
                engine,
            )
            for source in sources
        ]
        texts = last_event_texts(
            _all([frame.select(EVENT_ROW, "location", "status") for frame in details]), last_rows[LAST_ROW]
        )
        unknown_of_waybills = pl.col("waybill").is_in(unknown_waybills["waybill"].implode())
        unknown_plan = unknown_statuses_plan(
            _all(
                [
                    source.classified(frame.filter(unknown_of_waybills))
                    for source, frame in zip(sources, details, strict=True)
                ]
            )
        )
        unknown = unknown_plan.collect(engine=engine)
        for source, count in zip(sources, missing.row(0), strict=True):
            _note_event_times(source, count, context, job, engine)
    # the two parts joined inside the status plan: written to a work file of their own first, the
    # status join peaked higher (2,000,000 waybills: 1.48 GB against 1.29)
    return _Events(with_last_event_texts(per_waybill, texts), _rows(per_waybill), unknown)


def _note_event_times(source: _EventSource, missing: int, context: JobContext, job: JobResult, engine: str) -> None:
    """Count and say which of an export's event times did not read (a second pass over it, only
    where the first found times missing), and record the export among the job's inputs."""
    table, times = source.table, source.times
    if missing:
        event_times = unreadable_times(_unreadable_event_times(table.frame, times, engine), ["event_time"])
    else:
        event_times = [UnreadableTimes("event_time", count=0, filled=table.rows, samples=())]
    job.inputs.append(InputRecord.of_table(table))
    context.note_read(job, table)
    context.note_unreadable(job, event_times, table, times)
    job.failure = job.failure or none_read(event_times, table.headers)


def _write_worklist(
    flagged: pl.LazyFrame,
    rounds: pl.DataFrame,
    sla: Sla,
    context: JobContext,
    path: Path,
    work: Path,
    engine: str,
) -> pl.DataFrame | pl.LazyFrame:
    """worklist.parquet, most urgent first: the frame up to WORKLIST_CHUNK flagged shipments,
    else (the sort keys alone sorted first, each slice of the order a filter of the flagged work
    file, the slices joined into one file by a streamed concat) a scan of the file."""
    calendar, as_of, locale = context.calendar, context.as_of, context.locale
    total = _rows(flagged)
    if total <= WORKLIST_CHUNK:
        worklist = build_worklist(flagged.collect(engine=engine), rounds, sla, calendar, as_of, locale)
        write_parquet(worklist, path)
        return worklist
    order = worklist_order(flagged, sla, _FLAGGED_ROW).collect(engine=engine)[_FLAGGED_ROW]
    parts = []
    for start in range(0, total, WORKLIST_CHUNK):
        rows = order.slice(start, WORKLIST_CHUNK)
        chunk = flagged.filter(pl.col(_FLAGGED_ROW).is_in(rows.implode())).collect(engine=engine)
        part = work / f"worklist-{len(parts):05d}.parquet"
        build_worklist(chunk, rounds, sla, calendar, as_of, locale).write_parquet(part, compression="lz4")
        parts.append(pl.scan_parquet(part))
        del chunk
    write_parquet(pl.concat(parts), path)
    return pl.scan_parquet(path)


def _write_outputs(
    config: FlagOverdueConfig,
    context: JobContext,
    sla: Sla,
    worklist: pl.DataFrame | pl.LazyFrame,
    rows: dict[str, int],
    unknown: pl.DataFrame,
    unmatched: pl.DataFrame,
    facts: _StatusFacts,
    job: JobResult,
) -> pl.DataFrame:
    """Every output file but the two tables already written (worklist, shipment_status); returns
    the batch view. worklist.xlsx, the slowest, is written in a thread beside the others
    (polars, zlib and ISA-L release the GIL); outputs are listed in a fixed order."""
    html = context.output("summary.html")
    with ThreadPoolExecutor(max_workers=1) as pool:
        sheets = worklist
        if isinstance(worklist, pl.LazyFrame):  # as build_worklist made it (next_follow_up_column)
            sheets = worklist.with_columns(next_follow_up=next_follow_up_column(sla, context.calendar, context.as_of))
        xlsx = pool.submit(
            write_worklist_xlsx, sheets, context.output("worklist.xlsx"), context.locale, config.xlsx_max_rows
        )
        batch = batches(worklist, sla)
        batches_path = context.output("batches.parquet")
        write_parquet(batch, batches_path)
        write_batches_xlsx(batch, context.output("batches.xlsx"), context.locale)
        write_csv(unknown, context.output("unknown_statuses.csv"))
        write_csv(unmatched, context.output("unmatched_waybills.csv"))
        write_summary_html(
            worklist,
            batch,
            unknown,
            rows["shipment_status"],
            context.as_of.strftime("%Y-%m-%d %H:%M"),
            html,
            title=context.job_name,
            locale=context.locale,
            max_rows=config.xlsx_max_rows,
            counts=facts.counts,
            about=context.about(*_input_paths(config, context)),
            status=facts.no_events,
        )
        xlsx_rows = xlsx.result()
    # the tables in the order `publish` lists them: outputs for the manifest, inputs for later jobs
    for name, count in (*rows.items(), ("batches", batch.height)):
        job.add_table(name, context.output(f"{name}.parquet"), count)
    job.add_output(context.output("worklist.xlsx"), xlsx_rows)
    job.add_output(context.output("batches.xlsx"), batch.height)
    job.add_output(context.output("unknown_statuses.csv"), unknown.height)
    job.add_output(context.output("unmatched_waybills.csv"), unmatched.height)
    job.add_output(html)
    return batch


def _input_paths(config: FlagOverdueConfig, context: JobContext) -> list[Path]:
    """The tables the job read, for the line under the summary's title."""
    return [context.source(config.shipments).path, *(events_file.path for events_file in config.event_files)]


def check(config: FlagOverdueConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the SLA file and the presets load, and the shipments and each tracking
    export have the columns the run requires under their preset's headers."""
    preflight.settings(("sla",), lambda: load_sla(config.sla))
    preset = preflight.settings(_preset_place(config), lambda: _preset(config))
    if preset is not None:
        preflight.table(("shipments",), config.shipments, _shipment_aliases(preset), SHIPMENTS_REQUIRED, SHIPMENT_TIMES)
    for place, events_file in _event_places(config):
        events_preset = preflight.settings((*place, "preset"), lambda f=events_file: load_preset(f.preset))
        if events_preset is not None:
            preflight.table(place, events_file, events_preset.event_aliases(), EVENTS_REQUIRED, ("event_time",))


def _event_places(config: FlagOverdueConfig) -> list[tuple[tuple[str | int, ...], EventsFile]]:
    """Each tracking export with its place in the config (`events`, or `events`, n in a list)."""
    if isinstance(config.events, list):
        return [(("events", number), events_file) for number, events_file in enumerate(config.events)]
    return [(("events",), events_file) for events_file in config.event_files]


def _preset_place(config: FlagOverdueConfig) -> tuple[str | int, ...]:
    """Where the shipments' preset is set: `preset`, else the first events file's."""
    places = _event_places(config)
    return (*places[0][0], "preset") if places and config.preset is None else ("preset",)


PUBLISHES = {
    "worklist": (*WORKLIST_COLUMNS, "severity_rank"),  # the shipments to chase, most urgent first
    "shipment_status": (
        "waybill",
        "order_id",
        "carrier",
        "service",
        "origin",
        "destination",
        "customer_name",
        "customer_phone",
        "branch",
        "agent_id",
        "order_time",
        "promised_at",
        "picked_up_at",
        "delivered_at",
        "urgent",
        "declared_value",
        "events",
        "unknown_events",
        "arrived_at",
        "awaiting_since",
        "last_location",
        "last_status",
        "stage",
        "reason",
        "stage_since",
        "last_event_time",
        "pickup_due",
        "table_due",
        "delivery_due",
        "picked_up_on_time",
        "delivered_on_time",
        "final",
        "status",
        "status_stage",
        "delivery_state",
    ),  # every shipment
    "batches": BATCH_COLUMNS,  # late shipments grouped by carrier and route
}

FLAG_OVERDUE = JobKind("flag_overdue", FlagOverdueConfig, run, check, publishes=PUBLISHES)
