"""The agent's worklist from the status table: one row per shipment that needs attention, with
the rule, how late in working hours, severity, whom to chase and when; and the batch view of
carrier × route with many late shipments. Pure: frames in, frames out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.i18n import Text
from toolkit.shipments.stages import STAGE_DTYPE, STAGES, reason_label_expr, stage_label_expr
from toolkit.templating.compile import render_all
from toolkit.templating.environment import MessageTemplate
from toolkit.tracking.sla import SEVERITIES, Sla

RULES: dict[str, Text] = {
    "exception": Text("异常件", "Exception"),
    "pickup_overdue": Text("超时未揽收", "Pickup overdue"),
    "delivery_overdue": Text("超过配送时效", "Delivery overdue"),
    "uncollected": Text("快递柜/驿站超时未取", "Not collected from locker/station"),
    "stalled": Text("长时间无更新", "Stalled (no update)"),
}
"""In order of precedence: a shipment that breaks several rules is listed under the first."""

SEVERITY_LABELS: dict[str, Text] = {
    "low": Text("低", "low"),
    "medium": Text("中", "medium"),
    "high": Text("高", "high"),
    "critical": Text("紧急", "critical"),
}

WORKLIST_COLUMNS = (
    "waybill",
    "order_id",
    "carrier",
    "service",
    "route",
    "branch",
    "agent_id",
    "rule",
    "rule_label",
    "severity",
    "severity_label",
    "escalate_to",
    "rounds",
    "next_follow_up",
    "due_at",
    "overdue_by",
    "overdue_by_text",
    "stage",
    "stage_label",
    "reason",
    "last_event_time",
    "last_location",
    "last_status",
    "urgent",
    "declared_value",
    "customer_name",
    "customer_phone",
    "origin",
    "destination",
    "order_time",
    "pickup_due",
    "delivery_due",
)


def _rule_due(sla: Sla, calendar: WorkCalendar) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    """For each rule: (does it apply, when it was due)."""
    stage, final = pl.col("stage"), pl.col("final")
    # a gather by the stage's Enum position, not `replace_strict`, which the streaming engine runs
    # by buffering the whole status table (2,000,000 shipments: 1.2 GB to flag them, 0.6 without)
    hours = pl.Series([sla.stalled_hours.get(s) for s in STAGES], dtype=pl.Float64)
    stalled_after = pl.lit(hours).gather(stage.cast(STAGE_DTYPE, strict=False).to_physical())
    since = pl.coalesce("last_event_time", "order_time")
    if sla.stalled_clock == "working":
        stalled_due = calendar.add_working_time(since, stalled_after * 60)
    else:
        stalled_due = since + pl.duration(microseconds=(stalled_after * 3_600_000_000).cast(pl.Int64))
    uncollected_due = pl.col("awaiting_since") + pl.duration(hours=sla.uncollected_days * 24)
    return {
        "exception": (stage.is_in(sla.exception_stages) & ~final, pl.col("stage_since")),
        "pickup_overdue": (pl.col("picked_up_at").is_null() & ~final, pl.col("pickup_due")),
        "delivery_overdue": (pl.col("arrived_at").is_null() & ~final, pl.col("delivery_due")),
        "uncollected": ((stage == "awaiting_collection"), uncollected_due),
        "stalled": (~final & (stage != "awaiting_collection") & (pl.col("events") > 0), stalled_due),
    }


def flag_rules(status: pl.LazyFrame, sla: Sla, calendar: WorkCalendar, as_of: datetime) -> pl.LazyFrame:
    """The shipments that need attention with `rule` and `due_at` (the first rule that applies)."""
    now = pl.lit(as_of).dt.convert_time_zone(calendar.timezone)
    rule, due = pl.lit(None, pl.String), pl.lit(None, pl.Datetime("us", calendar.timezone))
    for name, (applies, due_at) in reversed(list(_rule_due(sla, calendar).items())):
        hit = applies & (due_at < now).fill_null(False)
        rule = pl.when(hit).then(pl.lit(name)).otherwise(rule)
        due = pl.when(hit).then(due_at).otherwise(due)
    return (
        status.with_columns(rule=rule, due_at=due)
        .filter(pl.col("rule").is_not_null())
        .with_columns(
            overdue_by=calendar.working_hours_between(pl.col("due_at"), now),
            overdue_hours=(now - pl.col("due_at")).dt.total_seconds() / 3600,
        )
    )


def severity_rank(sla: Sla) -> pl.Expr:
    """0 low … 3 critical: by working hours overdue, raised for urgent and high-value shipments."""
    rules = sla.severity
    base = pl.lit(0, pl.Int32)
    for rank, level in enumerate(SEVERITIES[1:], start=1):
        if level in rules.hours:
            base = pl.when(pl.col("overdue_by") >= rules.hours[level]).then(pl.lit(rank, pl.Int32)).otherwise(base)
    floor = SEVERITIES.index(rules.exception_at_least)
    base = pl.when(pl.col("rule") == "exception").then(pl.max_horizontal(base, pl.lit(floor, pl.Int32))).otherwise(base)
    raised = base + pl.col("urgent").cast(pl.Int32) * rules.urgent_raise
    if rules.high_value is not None:
        raised = (
            raised
            + (pl.col("declared_value") >= rules.high_value).fill_null(False).cast(pl.Int32) * rules.high_value_raise
        )
    return raised.clip(0, len(SEVERITIES) - 1)


def escalate_to(sla: Sla, rank: pl.Expr) -> pl.Expr:
    """Whom to chase: one level up every `rounds_per_level` rounds; critical starts higher."""
    levels = sla.escalation
    level = (pl.col("rounds") - 1) // levels.rounds_per_level + pl.when(rank == 3).then(
        levels.critical_skips
    ).otherwise(0)
    return pl.lit(pl.Series(levels.levels)).gather(level.clip(0, len(levels.levels) - 1))


def next_follow_up(sla: Sla, calendar: WorkCalendar, as_of: datetime) -> tuple[datetime, str]:
    """The next follow-up round at or after `as_of` on a working day: one value for the run."""
    local = as_of.astimezone(ZoneInfo(calendar.timezone))
    day = local.date()
    for _ in range(60):
        if calendar.is_workday(day):
            for round_ in sla.follow_up.rounds:
                slot = datetime.combine(day, round_.at, tzinfo=local.tzinfo)
                if slot >= local:
                    return slot, round_.name
        day += timedelta(days=1)
    raise ValueError("no working day in the next 60 days")


def next_follow_up_column(sla: Sla, calendar: WorkCalendar, as_of: datetime) -> pl.Expr:
    """The worklist's `next_follow_up`: one value for the run, as a literal. A worklist read back
    from its file has it again as a literal for worklist.xlsx, whose Excel serial of a literal
    and of a column of the same time can differ in the last digit."""
    slot, _ = next_follow_up(sla, calendar, as_of)
    return pl.lit(slot).dt.convert_time_zone(calendar.timezone)


def current_round(sla: Sla, local_time: time) -> str:
    """The round a run at `local_time` belongs to: the last round whose time is at or before it
    (a run before the first round belongs to the first)."""
    name = sla.follow_up.rounds[0].name
    for round_ in sla.follow_up.rounds:
        if round_.at <= local_time:
            name = round_.name
    return name


def human_duration(hours: pl.Series, locale: str) -> pl.Series:
    """`2小时30分` through the template filter `duration` (compiled to one expression)."""
    template = MessageTemplate.inline("{{ overdue_by|duration }}", "overdue_by.txt", locale)
    return render_all(template, pl.DataFrame({"overdue_by": hours}))


_ORDER = (["severity_rank", "urgent", "overdue_by", "waybill"], [True, True, True, False])
"""The worklist's order, most urgent first; stable, so that equal keys (a repeated waybill) keep
the status table's order, and a worklist sorted in slices (`worklist_order`) is the same."""


def worklist_order(flagged: pl.LazyFrame, sla: Sla, keep: str) -> pl.LazyFrame:
    """`keep` (a row id of `flagged`, from `flag_rules`) with the sort keys, in the worklist's
    order: the order of a worklist too big to sort whole (the keys of 1,000,000 rows are 40 MB)."""
    return (
        flagged.with_columns(severity_rank=severity_rank(sla))
        .select(keep, *_ORDER[0])
        .sort(_ORDER[0], descending=_ORDER[1], maintain_order=True)
    )


def build_worklist(
    flagged: pl.DataFrame, rounds: pl.DataFrame, sla: Sla, calendar: WorkCalendar, as_of: datetime, locale: str
) -> pl.DataFrame:
    """`flagged` (from `flag_rules`, collected) with rounds chased (`waybill`, `rounds` counting this
    run), severity, escalation and the next follow-up, most urgent first."""
    slot, _ = next_follow_up(sla, calendar, as_of)
    rank = pl.col("severity_rank")
    frame = (
        flagged.join(rounds, on="waybill", how="left", maintain_order="left")
        .with_columns(rounds=pl.col("rounds").fill_null(1).cast(pl.Int32), severity_rank=severity_rank(sla))
        .with_columns(
            severity=pl.lit(pl.Series(SEVERITIES)).gather(rank),
            escalate_to=escalate_to(sla, rank),
            next_follow_up=next_follow_up_column(sla, calendar, as_of),
            route=pl.concat_str(pl.col("origin").fill_null("?"), pl.lit("→"), pl.col("destination").fill_null("?")),
            rule_label=pl.col("rule").replace_strict({k: v.get(locale) for k, v in RULES.items()}),
            stage_label=stage_label_expr("stage", locale),
            reason=reason_label_expr("reason", locale),
        )
        .with_columns(
            severity_label=pl.col("severity").replace_strict({k: v.get(locale) for k, v in SEVERITY_LABELS.items()})
        )
        .select(*(c for c in WORKLIST_COLUMNS if c != "overdue_by_text"), "severity_rank")  # fewer columns to reorder
        .sort(_ORDER[0], descending=_ORDER[1], maintain_order=True)
    )
    frame = frame.with_columns(overdue_by_text=human_duration(frame["overdue_by"], locale))
    return frame.select(*WORKLIST_COLUMNS, "severity_rank")


_BATCH_INPUT = (
    "carrier",
    "origin",
    "destination",
    "severity",
    "severity_rank",
    "overdue_by",
    "due_at",
    "rule",
    "waybill",
)

BATCH_COLUMNS = (
    "carrier",
    "route",
    "origin",
    "destination",
    "late",
    "worst_severity",
    "max_overdue_by",
    "oldest_due",
    "rules",
    "waybills",
)
"""One row per carrier and route with enough late shipments to raise with the carrier."""


def batches(worklist: pl.DataFrame | pl.LazyFrame, sla: Sla) -> pl.DataFrame:
    """Carrier × route with at least `min_late` late shipments: one item to raise with the carrier.
    The same whatever the worklist's order (the worklist.parquet of a run will do)."""
    late = worklist.lazy().filter(pl.col("rule").is_in(sla.batch.rules)).select(_BATCH_INPUT)
    return (
        late.group_by("carrier", "origin", "destination")
        .agg(
            late=pl.len().cast(pl.Int64),
            worst_severity=pl.col("severity").sort_by("severity_rank").last(),
            max_overdue_by=pl.col("overdue_by").max(),
            oldest_due=pl.col("due_at").min(),
            rules=pl.col("rule").unique().sort().str.join("、"),
            waybills=pl.col("waybill").sort().str.join(" "),
        )
        .filter(pl.col("late") >= sla.batch.min_late)
        .with_columns(
            route=pl.concat_str(pl.col("origin").fill_null("?"), pl.lit("→"), pl.col("destination").fill_null("?"))
        )
        .sort(["late", "carrier", "route"], descending=[True, False, False])
        .select(BATCH_COLUMNS)
        .collect()
    )
