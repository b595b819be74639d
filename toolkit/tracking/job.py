"""The `flag_overdue` job: shipments + a carrier's tracking export → the status of every shipment,
the agent's worklist (published as table `worklist` for the follow-up SMS), the batch view, the
statuses nobody recognised, and the follow-up log in the data folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import ValidationInfo, field_validator

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.paths import ExistingFile, resolve
from toolkit.io import read_table, write_csv
from toolkit.job import InputRecord, JobConfig, JobContext, JobKind, JobResult
from toolkit.tracking import follow_up
from toolkit.tracking.overdue import (
    parse_time,
    reduce_events,
    shipment_status,
    typed_shipments,
)
from toolkit.tracking.presets import Preset, load_preset
from toolkit.tracking.report import (
    write_batches_xlsx,
    write_summary_html,
    write_worklist_xlsx,
)
from toolkit.tracking.sla import Sla, load_sla
from toolkit.tracking.stages import STAGE_DTYPE
from toolkit.tracking.vocabulary import (
    classify_events,
    status_text,
    unknown_statuses,
    unknown_statuses_plan,
)
from toolkit.tracking.worklist import (
    RULES,
    batches,
    build_worklist,
    current_round,
    flag_rules,
)

AGENT_ID = ("客服工号", "工号", "agent_id", "agent")
SHIPMENT_TIMES = {"picked_up_at": ("揽收时间", "picked up at"), "delivered_at": ("签收时间", "delivered at")}


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
    return {**preset.shipment_aliases(), "agent_id": AGENT_ID, **SHIPMENT_TIMES}


def _events(frame: pl.LazyFrame, timezone: str) -> pl.LazyFrame:
    schema = frame.collect_schema()
    time = schema["event_time"]
    event_time = (
        pl.col("event_time").dt.cast_time_unit("us").dt.replace_time_zone(timezone) if isinstance(time, pl.Datetime) and not time.time_zone
        else pl.col("event_time").dt.convert_time_zone(timezone) if isinstance(time, pl.Datetime)
        else parse_time(pl.col("event_time"), timezone)
    )
    columns = [
        pl.col("waybill").cast(pl.String).str.strip_chars(),
        event_time.alias("event_time"),
        status_text(schema).str.strip_chars().alias("status"),
        (pl.col("location").cast(pl.String) if "location" in schema else pl.lit(None, pl.String)).alias("location"),
    ]
    if "code" in schema:
        columns.append(pl.col("code").cast(pl.String).str.strip_chars())
    return frame.select(columns)


def _no_events(timezone: str) -> pl.LazyFrame:
    return pl.LazyFrame(schema={"waybill": pl.String, "event_time": pl.Datetime("us", timezone), "status": pl.String,
                                "location": pl.String, "stage": STAGE_DTYPE, "reason": pl.String})


def _unmatched_waybills(reduced: pl.DataFrame, shipments: pl.DataFrame, status: pl.DataFrame, doubled: int) -> pl.DataFrame:
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
    shipments = _read_shipments(config, context, preset, job)
    reduced, unknown = _read_events(config, context, preset, job)
    if config.sla is not None:
        job.inputs.append(InputRecord.of(config.sla))

    calendar = context.calendar
    status = shipment_status(shipments.lazy(), reduced.lazy(), sla, calendar, context.as_of).collect(engine=config.engine)
    doubled = shipments.height - shipments["waybill"].n_unique()
    if doubled:
        context.log(f"warning: {doubled} shipment rows repeat a waybill of an earlier row")
    unmatched = _unmatched_waybills(reduced, shipments, status, doubled)
    if unmatched.height:
        context.log(f"warning: {unmatched.height} waybills have events but no shipment row: listed in unmatched_waybills.csv")

    flagged = flag_rules(status.lazy(), sla, calendar, context.as_of).collect(engine=config.engine)
    round_name = current_round(sla, context.as_of.time())
    log = follow_up.read_log(context.state_dir)
    rounds = follow_up.rounds_chased(log, context.run_date, round_name)
    worklist = build_worklist(flagged, rounds, sla, calendar, context.as_of, context.locale)
    batch = _write_outputs(config, context, sla, worklist, status, unknown, unmatched, job)
    # the log last: a run that failed to write its outputs has not chased anyone
    follow_up.write_log(follow_up.append_run(log, worklist, context.run_date, round_name, context.as_of), context.state_dir)

    rule, severity = worklist["rule"], worklist["severity"]
    job.counts = {
        "shipments": status.height,
        "flagged": worklist.height,
        **{name: int((rule == name).sum()) for name in RULES},
        "critical": int((severity == "critical").sum()),
        "batches": batch.height,
        "unknown_statuses": int(unknown["count"].sum()) if unknown.height else 0,
        "no_events": int((status["events"] == 0).sum()),
        "unmatched_waybills": unmatched.height,
        "repeated_waybills": doubled,
        "bad_order_time": shipments["order_time"].null_count(),
        "delivered_late": int((~status["delivered_on_time"]).sum()),  # null (still open) is not late
        "picked_up_late": int((~status["picked_up_on_time"]).sum()),
    }
    job.result = worklist
    return job


def _read_shipments(config: FlagOverdueConfig, context: JobContext, preset: Preset, job: JobResult) -> pl.DataFrame:
    """The shipments with canonical columns and types; warns about unreadable order times and
    years the holiday calendar does not cover."""
    source = context.source(config.shipments)
    with read_table(source, _shipment_aliases(preset), required=["waybill", "order_time"]) as table:
        shipments = typed_shipments(table.frame, context.timezone, context.calendar).collect(engine=config.engine)
        job.inputs.append(InputRecord.of(table.path, rows=shipments.height))
    bad_times = shipments["order_time"].null_count()
    if bad_times:
        context.log(f"warning: {bad_times} shipments have no readable order time: no pickup or delivery due for them")
    years = shipments["order_time"].dt.year().drop_nulls().unique().to_list()
    for warning in context.calendar.warn_uncovered(years):
        context.log(f"warning: {warning}")
    return shipments


def _read_events(config: FlagOverdueConfig, context: JobContext, preset: Preset, job: JobResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One row per waybill from the tracking export, and the statuses no rule knew."""
    tz = context.timezone
    if config.events is None:
        return reduce_events(_no_events(tz)).collect(), unknown_statuses(_no_events(tz))
    with read_table(config.events, preset.event_aliases(), required=["waybill", "event_time"]) as table:
        classified = classify_events(_events(table.frame, tz), preset.vocabulary())
        # one streamed pass over the events for both: per waybill, and per unknown status
        reduced, unknown = pl.collect_all([reduce_events(classified), unknown_statuses_plan(classified)], engine=config.engine)
        job.inputs.append(InputRecord.of(table.path, rows=table.rows))
    return reduced, unknown


def _write_outputs(
    config: FlagOverdueConfig, context: JobContext, sla: Sla, worklist: pl.DataFrame, status: pl.DataFrame,
    unknown: pl.DataFrame, unmatched: pl.DataFrame, job: JobResult,
) -> pl.DataFrame:
    """Every output file; returns the batch view. worklist.xlsx, the slowest, is written in a
    thread beside the others (polars, zlib and ISA-L release the GIL); outputs are listed in a
    fixed order."""
    html = context.output("summary.html")
    with ThreadPoolExecutor(max_workers=1) as pool:
        xlsx = pool.submit(write_worklist_xlsx, worklist, context.output("worklist.xlsx"), context.locale, config.xlsx_max_rows)
        batch = batches(worklist, sla)
        job.publish(context, {"worklist": worklist, "shipment_status": status, "batches": batch})
        write_batches_xlsx(batch, context.output("batches.xlsx"), context.locale)
        write_csv(unknown, context.output("unknown_statuses.csv"))
        write_csv(unmatched, context.output("unmatched_waybills.csv"))
        write_summary_html(worklist, batch, unknown, status.height, context.as_of.strftime("%Y-%m-%d %H:%M"), html,
                           title=context.job_name, locale=context.locale, max_rows=config.xlsx_max_rows)
        xlsx_rows = xlsx.result()
    job.add_output(context.output("worklist.xlsx"), xlsx_rows)
    job.add_output(context.output("batches.xlsx"), batch.height)
    job.add_output(context.output("unknown_statuses.csv"), unknown.height)
    job.add_output(context.output("unmatched_waybills.csv"), unmatched.height)
    job.add_output(html)
    return batch


def check(config: FlagOverdueConfig) -> list[str]:
    """`toolkit check`: the SLA file and the preset must load."""
    load_sla(config.sla)
    _preset(config)
    return []


FLAG_OVERDUE = JobKind("flag_overdue", FlagOverdueConfig, run, check)
