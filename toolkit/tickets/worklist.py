"""Pure: the open tickets as of a moment, each with its standard, its deadline on the job's clock
(working time of the batch's calendar by default), how much of its limit is used and left, its
urgency, whose it is and who is chased; sorted most urgent first. Which of them are due a
reminder, given those sent before (one per ticket per escalation step). And the reminders: one
row per person to chase, for a follow-up SMS or mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.i18n import Text
from toolkit.servicedesk import TICKET_TYPES, type_label
from toolkit.tickets.owners import Escalation, Person, Team, with_owners
from toolkit.tickets.standards import DEFAULT_STANDARDS, Clock, Response, Standard, standard_table, with_standard

URGENCY: dict[str, Text] = {
    "breached": Text("已超时", "Breached"),
    "due_soon": Text("即将超时", "Due soon"),
    "on_track": Text("时限内", "On track"),
    "no_standard": Text("无时限", "No standard"),
}
"""Most urgent first: a ticket past its limit, one whose limit ends within `due_soon_minutes`."""
LEVELS: dict[str, Text] = {
    "agent": Text("客服", "Agent"),
    "supervisor": Text("组长", "Supervisor"),
    "manager": Text("经理", "Manager"),
}
WORKLIST_COLUMNS: tuple[str, ...] = (
    "ticket_id",
    "urgency",
    "urgency_label",
    "urgency_rank",
    "standard",
    "standard_label",
    "limit_minutes",
    "target",
    "standard_source",
    "due_at",
    "used_minutes",
    "remaining_minutes",
    "overdue_minutes",
    "unanswered",
    "response_due_at",
    "escalation",
    "escalation_label",
    "escalated",
    "escalate_to",
    "notify_name",
    "notify_phone",
    "notify_email",
    "agent",
    "agent_name",
    "agent_phone",
    "agent_email",
    "team",
    "supervisor",
    "supervisor_phone",
    "supervisor_email",
    "channel",
    "ticket_type",
    "type_label",
    "problem",
    "created_at",
    "first_response_at",
    "waybill",
    "branch",
    "amount",
)
REMINDER_COLUMNS: tuple[str, ...] = (
    "escalation",
    "escalation_label",
    "notify_name",
    "notify_phone",
    "notify_email",
    "tickets",
    "breached",
    "due_soon",
    "unanswered",
    "ticket_id",
    "due_at",
    "overdue_minutes",
    "remaining_minutes",
)
"""One row per person to chase (the breached or due-soon tickets due a reminder now): how many, and
the most urgent."""
STEPS: tuple[str, ...] = ("due_soon", "breached", "supervisor", "manager")
"""The escalation steps a ticket is reminded at, once each, in order: due soon (to its agent),
breached (to its agent, while it is not yet its supervisor's), its team supervisor's, the manager's."""
REMINDER_STATE_COLUMNS: tuple[str, ...] = ("ticket_id", "step", "notify_name", "due")


@dataclass(frozen=True)
class Desk:
    """How the job judges tickets: the standards (first match), the response limit, the clock, how
    soon "due soon" is, who is chased, and how often."""

    standards: tuple[Standard, ...] = DEFAULT_STANDARDS
    response: Response | None = field(default_factory=Response)
    clock: Clock = "working"
    due_soon_minutes: float = 30
    teams: dict[str, Team] = field(default_factory=dict)
    escalation: Escalation = field(default_factory=Escalation)
    remind_again_minutes: float | None = None  # a breached ticket reminded again this long after; None: once a step


def _instant(as_of: datetime, timezone: str) -> pl.Expr:
    return pl.lit(as_of).dt.convert_time_zone(timezone).dt.cast_time_unit("us")


def open_tickets(tickets: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """The tickets created by `as_of` and not closed by then (a 结案时间 after it: still open then)."""
    timezone = tickets.schema["created_at"].time_zone  # type: ignore[union-attr]
    now = _instant(as_of, timezone or "UTC")
    return tickets.filter((pl.col("created_at") <= now) & (pl.col("closed_at").is_null() | (pl.col("closed_at") > now)))


Add = Callable[[pl.Expr, "pl.Expr | float"], pl.Expr]
Between = Callable[[pl.Expr, pl.Expr], pl.Expr]


def _clock(calendar: WorkCalendar, clock: Clock) -> tuple[Add, Between]:
    """(moment + minutes, minutes between) on the job's clock: the calendar's working time, or
    the wall clock for a desk that answers around the clock (docs/DOMAIN.md §6 measures so)."""
    if clock == "working":
        return calendar.add_working_time, calendar.working_minutes_between

    def add(moment: pl.Expr, minutes: pl.Expr | float) -> pl.Expr:
        amount = minutes if isinstance(minutes, pl.Expr) else pl.lit(minutes)
        return moment + pl.duration(microseconds=(amount * 60_000_000).round(0).cast(pl.Int64))

    def between(start: pl.Expr, end: pl.Expr) -> pl.Expr:
        return (end - start).dt.total_microseconds() / 60_000_000

    return add, between


def _person(person: Person | None) -> dict[str, pl.Expr]:
    return {
        "name": pl.lit(person.name if person else None, pl.String),
        "phone": pl.lit(person.phone if person else None, pl.String),
        "email": pl.lit(person.email if person else None, pl.String),
    }


def ticket_worklist(
    tickets: pl.DataFrame,
    as_of: datetime,
    calendar: WorkCalendar,
    desk: Desk,
    directory: pl.DataFrame | None = None,
    locale: str = "zh_CN",
) -> pl.DataFrame:
    """The open tickets of `tickets` (typed as `toolkit.servicedesk.read_tickets` gives them)
    with the WORKLIST_COLUMNS, the most urgent first: breached (the longest over first), due soon,
    on track (the least time left first)."""
    timezone = tickets.schema["created_at"].time_zone or calendar.timezone  # type: ignore[union-attr]
    now = _instant(as_of, timezone)
    add, between = _clock(calendar, desk.clock)
    types = {t.zh: code for code, t in TICKET_TYPES.items()} | {t.en.lower(): code for code, t in TICKET_TYPES.items()}
    frame = with_standard(open_tickets(tickets, as_of).lazy(), desk.standards, types)
    used = between(pl.col("created_at"), now).clip(lower_bound=0)
    frame = frame.with_columns(
        due_at=add(pl.col("created_at"), pl.col("limit_minutes")),
        used_minutes=used,
        remaining_minutes=pl.col("limit_minutes") - used,
    )
    remaining = pl.col("remaining_minutes")  # judged unrounded; rounded to 0.1 minute when shown
    urgency = (
        pl.when(pl.col("standard").is_null())
        .then(pl.lit("no_standard"))
        .when(remaining <= 0)
        .then(pl.lit("breached"))
        .when(remaining <= desk.due_soon_minutes)
        .then(pl.lit("due_soon"))
        .otherwise(pl.lit("on_track"))
    )
    overdue = pl.when(remaining < 0).then(-remaining).otherwise(0.0)
    answered = pl.col("first_response_at").is_not_null() & (pl.col("first_response_at") <= now)
    if desk.response is not None:
        unanswered = ~answered & (used > desk.response.minutes)
        response_due = add(pl.col("created_at"), desk.response.minutes)
    else:
        unanswered, response_due = pl.lit(False), pl.lit(None, pl.Datetime("us", timezone))
    escalation = desk.escalation
    breached = pl.col("urgency") == "breached"
    level = (
        pl.when(
            breached & pl.lit(escalation.manager is not None) & (pl.col("overdue_minutes") >= escalation.manager_after)
        )
        .then(pl.lit("manager"))
        .when(
            breached & (pl.col("overdue_minutes") >= escalation.supervisor_after) & pl.col("supervisor").is_not_null()
        )
        .then(pl.lit("supervisor"))
        .otherwise(pl.lit("agent"))
    )
    manager = _person(escalation.manager)
    frame = (
        with_owners(frame, directory, desk.teams)
        .with_columns(
            urgency=urgency,
            overdue_minutes=overdue,
            unanswered=unanswered.fill_null(False),
            response_due_at=pl.when(~answered).then(response_due),
        )
        .with_columns(escalation=level)
        .with_columns(
            escalated=pl.col("escalation") != "agent",
            notify_name=pl.when(pl.col("escalation") == "manager")
            .then(manager["name"])
            .when(pl.col("escalation") == "supervisor")
            .then(pl.col("supervisor"))
            .otherwise(pl.coalesce("agent_name", "agent")),
            notify_phone=pl.when(pl.col("escalation") == "manager")
            .then(manager["phone"])
            .when(pl.col("escalation") == "supervisor")
            .then(pl.col("supervisor_phone"))
            .otherwise(pl.col("agent_phone")),
            notify_email=pl.when(pl.col("escalation") == "manager")
            .then(manager["email"])
            .when(pl.col("escalation") == "supervisor")
            .then(pl.col("supervisor_email"))
            .otherwise(pl.col("agent_email")),
        )
        .with_columns(
            escalate_to=pl.when(pl.col("escalated")).then(pl.col("notify_name")),
            urgency_rank=pl.col("urgency").replace_strict(
                list(URGENCY), list(range(len(URGENCY))), return_dtype=pl.Int8
            ),
            urgency_label=pl.col("urgency").replace_strict({k: v.get(locale) for k, v in URGENCY.items()}),
            escalation_label=pl.col("escalation").replace_strict({k: v.get(locale) for k, v in LEVELS.items()}),
            type_label=type_label(pl.col("ticket_type"), locale),
        )
    )
    return (
        frame.select(WORKLIST_COLUMNS)
        .sort(["urgency_rank", "remaining_minutes", "created_at", "ticket_id"], nulls_last=True)
        .with_columns(pl.col("used_minutes", "remaining_minutes", "overdue_minutes").round(1) + 0.0)
        .collect()
    )


def reminders(worklist: pl.DataFrame) -> pl.DataFrame:
    """One row per person to chase (the tickets of `worklist` breached or due soon that are theirs
    as the worklist escalates them), with the counts and their most urgent ticket (the worklist's
    order). The job passes the tickets due a reminder now (`ticket_reminders`)."""
    chase = worklist.filter(pl.col("urgency").is_in(["breached", "due_soon"]))
    keys = ["escalation", "escalation_label", "notify_name", "notify_phone", "notify_email"]
    return (
        chase.group_by(keys, maintain_order=True)
        .agg(
            tickets=pl.len().cast(pl.Int64),
            breached=(pl.col("urgency") == "breached").sum().cast(pl.Int64),
            due_soon=(pl.col("urgency") == "due_soon").sum().cast(pl.Int64),
            unanswered=pl.col("unanswered").sum().cast(pl.Int64),
            ticket_id=pl.col("ticket_id").first(),
            due_at=pl.col("due_at").first(),
            overdue_minutes=pl.col("overdue_minutes").first(),
            remaining_minutes=pl.col("remaining_minutes").first(),
        )
        .select(REMINDER_COLUMNS)
    )


def reminder_step() -> pl.Expr:
    """The step of STEPS a worklist row is at; null for a ticket on track (or without a standard)."""
    breached = pl.when(pl.col("escalation") == "agent").then(pl.lit("breached")).otherwise(pl.col("escalation"))
    return (
        pl.when(pl.col("urgency") == "due_soon")
        .then(pl.lit("due_soon"))
        .when(pl.col("urgency") == "breached")
        .then(breached)
        .otherwise(pl.lit(None, pl.String))
    )


def _rank(step: pl.Expr) -> pl.Expr:
    return step.replace_strict(list(STEPS), list(range(1, len(STEPS) + 1)), default=None, return_dtype=pl.Int8)


def ticket_reminders(
    worklist: pl.DataFrame, sent: pl.DataFrame, as_of: datetime, calendar: WorkCalendar, desk: Desk
) -> pl.DataFrame:
    """Each ticket of the worklist breached or due soon, with the REMINDER_STATE_COLUMNS: its
    `step`, whom it is chased to and whether a reminder is `due` now. It is when the ticket is at
    a later step than any reminder `sent` for it (the reminder log's `ticket_id`, `step`, `as_of`
    of earlier runs), or, with `desk.remind_again_minutes`, when it is breached and its last
    reminder is that long ago on the job's clock; otherwise it was reminded in an earlier run."""
    timezone = worklist.schema["due_at"].time_zone or calendar.timezone  # type: ignore[union-attr]
    last = sent.group_by("ticket_id").agg(
        last_rank=_rank(pl.col("step")).max(), last_at=pl.col("as_of").max().dt.convert_time_zone(timezone)
    )
    frame = (
        worklist.lazy()
        .select("ticket_id", "notify_name", step=reminder_step())
        .filter(pl.col("step").is_not_null())
        .join(last.lazy(), on="ticket_id", how="left", maintain_order="left")
    )
    rank = _rank(pl.col("step"))
    due = pl.col("last_rank").is_null() | (rank > pl.col("last_rank"))
    if desk.remind_again_minutes is not None:
        _, between = _clock(calendar, desk.clock)
        since = between(pl.col("last_at"), _instant(as_of, timezone))
        due |= ((rank >= _rank(pl.lit("breached"))) & (since >= desk.remind_again_minutes)).fill_null(False)
    return frame.with_columns(due=due).select(REMINDER_STATE_COLUMNS).collect()


def not_closed(tickets: pl.DataFrame, as_of: datetime) -> pl.Series:
    """The ids of the tickets in the export not closed by `as_of` (those created after it too)."""
    timezone = tickets.schema["created_at"].time_zone  # type: ignore[union-attr]
    now = _instant(as_of, timezone or "UTC")
    return tickets.filter(pl.col("closed_at").is_null() | (pl.col("closed_at") > now))["ticket_id"].unique()


def by_standard(worklist: pl.DataFrame, standards: tuple[Standard, ...]) -> pl.DataFrame:
    """Per standard (in config order): its limit, target, source and the open tickets under it by urgency."""
    counts = worklist.group_by("standard").agg(
        open=pl.len().cast(pl.Int64),
        breached=(pl.col("urgency") == "breached").sum().cast(pl.Int64),
        due_soon=(pl.col("urgency") == "due_soon").sum().cast(pl.Int64),
    )
    table = standard_table(standards).drop("rank")
    return table.join(counts, on="standard", how="left", maintain_order="left").with_columns(
        pl.col("open", "breached", "due_soon").fill_null(0)
    )


__all__ = [
    "LEVELS",
    "REMINDER_COLUMNS",
    "REMINDER_STATE_COLUMNS",
    "STEPS",
    "URGENCY",
    "WORKLIST_COLUMNS",
    "Desk",
    "by_standard",
    "not_closed",
    "open_tickets",
    "reminder_step",
    "reminders",
    "ticket_reminders",
    "ticket_worklist",
]
