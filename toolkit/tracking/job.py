"""The `flag_overdue` job: shipments + a carrier's tracking export → the status of every shipment,
the agent's worklist (published as table `worklist` for the follow-up SMS), the batch view, the
statuses nobody recognised, and the follow-up log in the data folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import polars as pl
import polars.selectors as cs
from pydantic import ValidationInfo, field_validator

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.paths import ExistingFile, resolve
from toolkit.io import read_table, write_csv
from toolkit.io.date_detect import none_read
from toolkit.io.dates import TimeReading, UnreadableTimes, unreadable_plan, unreadable_text, unreadable_times
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult
from toolkit.shipments.counts import shipment_counts
from toolkit.shipments.stages import STAGE_DTYPE
from toolkit.timezones import localize
from toolkit.tracking import follow_up
from toolkit.tracking.overdue import (
    SHIPMENT_TIMES,
    UNREADABLE,
    reduce_events,
    shipment_status,
    typed_shipments,
    unknown_shipment_statuses,
    unreadable_shipment_times,
)
from toolkit.tracking.presets import Preset, load_preset
from toolkit.tracking.report import (
    write_batches_xlsx,
    write_summary_html,
    write_worklist_xlsx,
)
from toolkit.tracking.sla import Sla, load_sla
from toolkit.tracking.vocabulary import (
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
)

AGENT_ID = ("客服工号", "工号", "agent_id", "agent")
SHIPMENTS_REQUIRED = ("waybill", "order_time")
EVENTS_REQUIRED = ("waybill", "event_time")
SHIPMENT_TIME_HEADERS = {"picked_up_at": ("揽收时间", "picked up at"), "delivered_at": ("签收时间", "delivered at")}


class EventsFile(InputFile):
    """The tracking export and the preset that knows its columns and status words."""

    preset: str = "generic"  # a built-in name (sf, jd, ems, generic, kuaidi100, sf_opcode, cainiao) or a YAML path

    @field_validator("preset")
    @classmethod
    def _relative_to_config(cls, value: str, info: ValidationInfo) -> str:
        return str(resolve(Path(value), info)) if value.endswith((".yaml", ".yml")) else value


class FlagOverdueConfig(JobConfig):
    """Flag late and stalled shipments against config/sla.yaml."""

    kind: Literal["flag_overdue"]
    shipments: TableInput
    events: EventsFile | None = None  # None: the shipments carry picked_up_at / delivered_at themselves
    preset: str | None = None  # the shipments' column map when there is no events file
    sla: ExistingFile | None = None
    xlsx_max_rows: int = 50_000  # rows per sheet of worklist.xlsx (the most urgent); all rows are in the parquet files
    engine: Literal["streaming", "in-memory", "auto"] = "streaming"  # polars engine over the events


def _preset(config: FlagOverdueConfig) -> Preset:
    return load_preset(config.events.preset if config.events is not None else (config.preset or "generic"))


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


def _unmatched_waybills(
    reduced: pl.DataFrame, shipments: pl.DataFrame, status: pl.DataFrame, doubled: int
) -> pl.DataFrame:
    """Waybills with events but no shipment row: no shipment to judge, but counted and listed,
    never dropped silently. When every waybill is on one shipment row, the status table already
    tells whether all events found theirs (an anti join of 2,000,000 waybills costs 0.2 s)."""
    columns = ["waybill", "events", "last_event_time", "last_status"]
    if not doubled and (status["events"] > 0).sum() == reduced.height:
        return reduced.select(columns).clear()
    return reduced.join(shipments.select("waybill"), on="waybill", how="anti").select(columns).sort("waybill")


def run(config: FlagOverdueConfig, context: JobContext) -> JobResult:
    sla: Sla = load_sla(config.sla)
    preset = _preset(config)
    job = JobResult()
    shipments = _read_shipments(config, context, preset, sla, job)
    reduced, unknown_events = _read_events(config, context, preset, job)
    if config.sla is not None:
        job.inputs.append(InputRecord.of(config.sla))
    unknown = _unknown_statuses(unknown_events, unknown_shipment_statuses(shipments.lazy()).collect())

    calendar = context.calendar
    status = shipment_status(shipments.lazy(), reduced.lazy(), sla, calendar, context.as_of).collect(
        engine=config.engine
    )
    for warning in calendar.warn_uncovered_times(
        "pickup/delivery due times", status["pickup_due"], status["delivery_due"]
    ):
        context.log(f"warning: {warning}")
    doubled = shipments.height - shipments["waybill"].n_unique()
    if doubled:
        context.log(f"warning: {doubled} shipment rows repeat a waybill of an earlier row")
    unmatched = _unmatched_waybills(reduced, shipments, status, doubled)
    if unmatched.height:
        context.log(
            f"warning: {unmatched.height} waybills have events but no shipment row: listed in unmatched_waybills.csv"
        )

    flagged = flag_rules(status.lazy(), sla, calendar, context.as_of).collect(engine=config.engine)
    round_name = current_round(sla, context.as_of.time())
    log = follow_up.read_log(context.state_dir)
    rounds = follow_up.rounds_chased(log, context.run_date, round_name)
    worklist = build_worklist(flagged, rounds, sla, calendar, context.as_of, context.locale)
    counts = shipment_counts(status)
    batch = _write_outputs(config, context, sla, worklist, status, unknown, unmatched, counts, job)
    # the log last: a run that failed to write its outputs has not chased anyone
    follow_up.write_log(
        follow_up.append_run(log, worklist, context.run_date, round_name, context.as_of), context.state_dir
    )

    rule, severity = worklist["rule"], worklist["severity"]
    job.counts = {
        "shipments": status.height,
        "flagged": worklist.height,
        **{name: int((rule == name).sum()) for name in RULES},
        "critical": int((severity == "critical").sum()),
        "batches": batch.height,
        "unknown_statuses": int(unknown_events["count"].sum()) if unknown_events.height else 0,
        "unknown_shipment_statuses": int(unknown.filter(pl.col("source") == "shipments")["count"].sum()),
        "unmatched_waybills": unmatched.height,
        "repeated_waybills": doubled,
        "bad_order_time": shipments["order_time"].null_count(),
        **counts,  # delivery states, no_events, status_<stage>: toolkit.shipments.counts
        "picked_up_late": int((~status["picked_up_on_time"]).sum()),  # null (open, or closed before pickup) is not late
        **job.counts,  # unreadable_<time>, counted as the inputs were read
    }
    job.result = worklist
    return job


def _unknown_statuses(events: pl.DataFrame, shipments: pl.DataFrame) -> pl.DataFrame:
    """The statuses no rule knew, the events' and the shipments' own, each marked with its
    `source`; the most frequent first."""
    marked = [events.with_columns(source=pl.lit("events")), shipments.with_columns(source=pl.lit("shipments"))]
    return pl.concat(marked).sort("count", descending=True, maintain_order=True)


def _read_shipments(
    config: FlagOverdueConfig, context: JobContext, preset: Preset, sla: Sla, job: JobResult
) -> pl.DataFrame:
    """The shipments with canonical columns and types, their own status read with the preset's
    rules; counts and says which times did not read."""
    source = context.source(config.shipments)
    times = context.times(source, SHIPMENT_TIMES)
    with read_table(source, _shipment_aliases(preset), required=SHIPMENTS_REQUIRED) as table:
        typed = typed_shipments(
            table.frame,
            context.timezone,
            context.calendar,
            times,
            keep_unreadable=True,
            promise_time=sla.delivery.promise_time,
            vocabulary=preset.vocabulary(),
        ).collect(engine=config.engine)
        job.inputs.append(InputRecord.of_table(table, rows=typed.height))
    unreadable = unreadable_shipment_times(typed)
    context.note_read(job, table)
    context.note_unreadable(job, unreadable, table, times)
    job.failure = none_read(unreadable, table.headers)
    shipments = typed.drop(cs.starts_with(UNREADABLE))
    bad_times = shipments["order_time"].null_count()
    if bad_times:
        context.log(f"warning: {bad_times} shipments have no readable order time: no pickup or delivery due for them")
    return shipments


def _read_events(
    config: FlagOverdueConfig, context: JobContext, preset: Preset, job: JobResult
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per waybill from the tracking export, and the statuses no rule knew; counts and
    says which event times did not read."""
    tz = context.timezone
    if config.events is None:
        return reduce_events(_no_events(tz)).collect(), unknown_statuses(_no_events(tz))
    times = context.times(config.events, ("event_time",))
    with read_table(config.events, preset.event_aliases(), required=EVENTS_REQUIRED) as table:
        classified = classify_events(_events(table.frame, times), preset.vocabulary())
        # one streamed pass over the events for all three: per waybill, per unknown status, times missing
        reduced, unknown, missing = pl.collect_all(
            [
                reduce_events(classified),
                unknown_statuses_plan(classified),
                classified.select(pl.col("event_time").null_count()),
            ],
            engine=config.engine,
        )
        unreadable = _unreadable_event_times(table.frame, times, config.engine) if missing.item() else None
        job.inputs.append(InputRecord.of_table(table))
    event_times = (
        unreadable_times(unreadable, ["event_time"])
        if unreadable is not None
        else [UnreadableTimes("event_time", count=0, filled=table.rows, samples=())]
    )
    context.note_read(job, table)
    context.note_unreadable(job, event_times, table, times)
    job.failure = job.failure or none_read(event_times, table.headers)
    return reduced, unknown


def _write_outputs(
    config: FlagOverdueConfig,
    context: JobContext,
    sla: Sla,
    worklist: pl.DataFrame,
    status: pl.DataFrame,
    unknown: pl.DataFrame,
    unmatched: pl.DataFrame,
    counts: dict[str, int],
    job: JobResult,
) -> pl.DataFrame:
    """Every output file; returns the batch view. worklist.xlsx, the slowest, is written in a
    thread beside the others (polars, zlib and ISA-L release the GIL); outputs are listed in a
    fixed order."""
    html = context.output("summary.html")
    with ThreadPoolExecutor(max_workers=1) as pool:
        xlsx = pool.submit(
            write_worklist_xlsx, worklist, context.output("worklist.xlsx"), context.locale, config.xlsx_max_rows
        )
        batch = batches(worklist, sla)
        job.publish(context, {"worklist": worklist, "shipment_status": status, "batches": batch})
        write_batches_xlsx(batch, context.output("batches.xlsx"), context.locale)
        write_csv(unknown, context.output("unknown_statuses.csv"))
        write_csv(unmatched, context.output("unmatched_waybills.csv"))
        write_summary_html(
            worklist,
            batch,
            unknown,
            status.height,
            context.as_of.strftime("%Y-%m-%d %H:%M"),
            html,
            title=context.job_name,
            locale=context.locale,
            max_rows=config.xlsx_max_rows,
            counts=counts,
            about=context.about(*_input_paths(config, context)),
            status=status,
        )
        xlsx_rows = xlsx.result()
    job.add_output(context.output("worklist.xlsx"), xlsx_rows)
    job.add_output(context.output("batches.xlsx"), batch.height)
    job.add_output(context.output("unknown_statuses.csv"), unknown.height)
    job.add_output(context.output("unmatched_waybills.csv"), unmatched.height)
    job.add_output(html)
    return batch


def _input_paths(config: FlagOverdueConfig, context: JobContext) -> list[Path]:
    """The tables the job read, for the line under the summary's title."""
    paths = [context.source(config.shipments).path]
    return paths if config.events is None else [*paths, config.events.path]


def check(config: FlagOverdueConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the SLA file and the preset load, and the shipments and the tracking
    export have the columns the run requires under the preset's headers."""
    preflight.settings(("sla",), lambda: load_sla(config.sla))
    preset = preflight.settings(
        ("events", "preset") if config.events is not None else ("preset",), lambda: _preset(config)
    )
    if preset is None:
        return
    preflight.table(("shipments",), config.shipments, _shipment_aliases(preset), SHIPMENTS_REQUIRED, SHIPMENT_TIMES)
    if config.events is not None:
        preflight.table(("events",), config.events, preset.event_aliases(), EVENTS_REQUIRED, ("event_time",))


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
