"""The `tickets` job: the ticket export (the CS system's, every 30 minutes from cron) → the open
tickets with their deadlines on the working clock, breached and due soon, whose and who is chased,
most urgent first (published as `worklist`), one reminder row per person to chase about the
tickets due a reminder now (`reminders`, for a follow-up SMS or mail; the reminder log in the
state folder keeps it to one reminder per ticket per escalation step) and the standards with
their counts (`standards`); worklist.xlsx and worklist.html for people."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, PositiveFloat, field_validator

from toolkit.config.inputs import TableInput
from toolkit.fields import ROW, alias_table
from toolkit.io import read_table
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult
from toolkit.servicedesk import TICKET_FIELDS, TICKET_REQUIRED, TICKET_TIMES, typed_tickets
from toolkit.tickets import reminder_log
from toolkit.tickets.owners import DIRECTORY_ALIASES, Escalation, Team
from toolkit.tickets.report import WORDS, ReminderCounts, write_worklist_html, write_worklist_xlsx
from toolkit.tickets.standards import DEFAULT_STANDARDS, Clock, Response, Standard
from toolkit.tickets.worklist import (
    REMINDER_COLUMNS,
    WORKLIST_COLUMNS,
    Desk,
    by_standard,
    not_closed,
    reminders,
    ticket_reminders,
    ticket_worklist,
)


class TicketsConfig(JobConfig):
    """The live worklist of open service tickets against the call centre's time limits."""

    kind: Literal["tickets"]
    input: TableInput  # the ticket export: 工单号, 渠道, 工单类型, 创建时间, 首次响应时间, 结案时间, 客服工号 …
    agents: TableInput | None = None  # the agents directory: 客服工号, 姓名, 手机, 邮箱, 班组
    teams: dict[str, Team] = {}  # 班组 → its supervisor (and agents the directory does not place)
    standards: list[Standard] = Field(default_factory=lambda: list(DEFAULT_STANDARDS), min_length=1)
    response: Response | None = Response()  # None: no first-response limit
    clock: Clock = "working"  # working: the batch calendar's working time; calendar: the wall clock
    due_soon_minutes: PositiveFloat = 30  # "due soon": at most this many minutes (of the clock) left
    escalation: Escalation = Escalation()
    # a ticket still breached reminded again this many minutes (of the clock) after its last reminder; None: never
    remind_again_minutes: PositiveFloat | None = None

    @field_validator("standards")
    @classmethod
    def _names_once(cls, standards: list[Standard]) -> list[Standard]:
        names = [s.name for s in standards]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValueError(f"each standard needs its own name: {', '.join(doubled)} is given twice")
        return standards


def desk(config: TicketsConfig) -> Desk:
    return Desk(
        standards=tuple(config.standards),
        response=config.response,
        clock=config.clock,
        due_soon_minutes=config.due_soon_minutes,
        teams=config.teams,
        escalation=config.escalation,
        remind_again_minutes=config.remind_again_minutes,
    )


def _read_tickets(config: TicketsConfig, context: JobContext, job: JobResult) -> pl.DataFrame:
    source = context.source(config.input)
    with read_table(source, alias_table(TICKET_FIELDS), required=list(TICKET_REQUIRED)) as table:
        tickets = typed_tickets(table.frame.drop(ROW), context.timezone)
        job.inputs.append(InputRecord.of_table(table, rows=tickets.height))
        context.note_read(job, table)
    job.counts["rows_in"] = tickets.height
    return tickets


def _read_agents(config: TicketsConfig, context: JobContext, job: JobResult) -> pl.DataFrame | None:
    if config.agents is None:
        return None
    with read_table(context.source(config.agents), DIRECTORY_ALIASES, required=["agent"]) as table:
        agents = table.frame.drop(ROW).collect()
        job.inputs.append(InputRecord.of_table(table))
        context.note_read(job, table)
    return agents


def _log_key(context: JobContext) -> str:
    """The job's section of the reminder log: `<batch>/<job>` (`/<by>=<value>` for a foreach run)."""
    return f"{context.batch}/{context.unit_name}"


def _note(config: TicketsConfig, context: JobContext) -> str:
    calendar = context.calendar
    minutes = f"{config.due_soon_minutes:g}"
    if config.clock != "working":
        return WORDS["calendar_note"].format(context.locale, minutes=minutes)
    start, end = f"{calendar.work_start:%H:%M}", f"{calendar.work_end:%H:%M}"
    return WORDS["soon_note"].format(context.locale, start=start, end=end, minutes=minutes)


def _warn_unplaced(config: TicketsConfig, context: JobContext, worklist: pl.DataFrame) -> None:
    for warning in context.calendar.warn_uncovered_times("ticket deadlines", worklist["due_at"]):
        context.log(f"warning: {warning}")
    unplaced = worklist.filter(pl.col("supervisor").is_null())["agent"].unique().drop_nulls().sort().to_list()
    if unplaced and (config.teams or config.agents is not None):
        context.log(f"warning: agents in no team with a supervisor (not escalated): {', '.join(unplaced)}")


def _counts(worklist: pl.DataFrame, chase: pl.DataFrame, counted: ReminderCounts) -> dict[str, int]:
    urgency = dict(worklist["urgency"].value_counts().iter_rows())
    return {
        "open_tickets": worklist.height,
        "breached": urgency.get("breached", 0),
        "due_soon": urgency.get("due_soon", 0),
        "unanswered": int(worklist["unanswered"].sum()),
        "escalated": int(worklist["escalated"].sum()),
        "reminders": chase.height,  # people to remind now: a row of the reminders table (an SMS) each
        "reminders_due": counted.due,  # tickets at a step not reminded yet (or remind_again_minutes)
        "reminders_already_sent": counted.already_sent,  # tickets whose step an earlier run reminded
    }


def _write_pages(
    config: TicketsConfig,
    context: JobContext,
    job: JobResult,
    tables: dict[str, pl.DataFrame],
    counted: ReminderCounts,
) -> None:
    worklist = tables["worklist"]
    xlsx = context.output("worklist.xlsx")
    write_worklist_xlsx(worklist, xlsx, context.locale)
    job.add_output(xlsx, worklist.height)
    page = context.output("worklist.html")
    write_worklist_html(
        worklist,
        tables["standards"],
        tables["reminders"],
        page,
        title=context.job_name,
        locale=context.locale,
        about=context.about(context.source(config.input).path),
        note=_note(config, context),
        counted=counted,
    )
    job.add_output(page, worklist.height)


def run(config: TicketsConfig, context: JobContext) -> JobResult:
    job = JobResult()
    context.out_dir.mkdir(parents=True, exist_ok=True)
    tickets = _read_tickets(config, context, job)
    agents = _read_agents(config, context, job)
    rules = desk(config)
    worklist = ticket_worklist(tickets, context.as_of, context.calendar, rules, agents, context.locale)
    _warn_unplaced(config, context, worklist)
    log = reminder_log.read_log(context.state_dir, _log_key(context))
    state = ticket_reminders(worklist, reminder_log.earlier(log, context.as_of), context.as_of, context.calendar, rules)
    due = state.filter("due")
    chase = reminders(worklist.filter(pl.col("ticket_id").is_in(due["ticket_id"].implode())))
    counted = ReminderCounts(due=due.height, already_sent=state.height - due.height)
    job.counts.update(_counts(worklist, chase, counted))
    tables = {"worklist": worklist, "reminders": chase, "standards": by_standard(worklist, rules.standards)}
    job.publish(context, tables)
    _write_pages(config, context, job, tables, counted)
    # The log last, once this run's tables and pages are written: a run that failed before has
    # reminded no one. It logs what the reminders table holds, tagged with the run's as-of, and it
    # stands when a later job of the batch fails (ticket_sms): the failed run is still swapped in
    # with its reminders table (`--only ticket_sms` renders it again), and a re-run of the same
    # as-of replaces these entries instead of counting them as sent, so it reminds of the same
    # tickets again: nothing twice in the log, nothing lost. Only a later as-of counts them as
    # sent; after a failed run, re-run it (same --as-of) before the next cron run.
    sent = due.select("ticket_id", "step", "notify_name")
    updated = reminder_log.updated_log(log, sent, not_closed(tickets, context.as_of), context.as_of)
    reminder_log.write_log(context.state_dir, _log_key(context), updated, context.timezone)
    job.result = worklist
    return job


def check(config: TicketsConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the ticket export has the columns the run requires and its times read;
    the agents directory has a 客服工号 column."""
    preflight.table(("input",), config.input, alias_table(TICKET_FIELDS), TICKET_REQUIRED, TICKET_TIMES)
    if config.agents is not None:
        preflight.table(("agents",), config.agents, DIRECTORY_ALIASES, ("agent",))


STANDARD_COLUMNS = (
    "standard",
    "standard_label",
    "limit_minutes",
    "target",
    "standard_source",
    "open",
    "breached",
    "due_soon",
)
PUBLISHES = {
    "worklist": WORKLIST_COLUMNS,  # the open tickets, most urgent first
    "reminders": REMINDER_COLUMNS,  # one row per person to chase about the tickets due a reminder now
    "standards": STANDARD_COLUMNS,  # each standard with its open, breached and due-soon tickets
}

TICKETS = JobKind("tickets", TicketsConfig, run, check, publishes=PUBLISHES)
