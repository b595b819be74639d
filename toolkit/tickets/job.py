"""The `tickets` job: the ticket export (the CS system's, every 30 minutes from cron) → the open
tickets with their deadlines on the working clock, breached and due soon, whose and who is chased,
most urgent first (published as `worklist`), one reminder row per person to chase (`reminders`,
for a follow-up SMS or mail) and the standards with their counts (`standards`); worklist.xlsx and
worklist.html for people."""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, PositiveFloat, field_validator

from toolkit.config.inputs import TableInput
from toolkit.fields import ROW, alias_table
from toolkit.io import read_table
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult
from toolkit.servicedesk import TICKET_FIELDS, TICKET_REQUIRED, TICKET_TIMES, typed_tickets
from toolkit.tickets.owners import DIRECTORY_ALIASES, Escalation, Team
from toolkit.tickets.report import WORDS, write_worklist_html, write_worklist_xlsx
from toolkit.tickets.standards import DEFAULT_STANDARDS, Clock, Response, Standard
from toolkit.tickets.worklist import REMINDER_COLUMNS, WORKLIST_COLUMNS, Desk, by_standard, reminders, ticket_worklist


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


def run(config: TicketsConfig, context: JobContext) -> JobResult:
    job = JobResult()
    context.out_dir.mkdir(parents=True, exist_ok=True)
    tickets = _read_tickets(config, context, job)
    agents = _read_agents(config, context, job)
    rules = desk(config)
    worklist = ticket_worklist(tickets, context.as_of, context.calendar, rules, agents, context.locale)
    for warning in context.calendar.warn_uncovered_times("ticket deadlines", worklist["due_at"]):
        context.log(f"warning: {warning}")
    unplaced = worklist.filter(pl.col("supervisor").is_null())["agent"].unique().drop_nulls().sort().to_list()
    if unplaced and (config.teams or config.agents is not None):
        context.log(f"warning: agents in no team with a supervisor (not escalated): {', '.join(unplaced)}")
    chase = reminders(worklist)
    standards = by_standard(worklist, rules.standards)
    urgency = dict(worklist["urgency"].value_counts().iter_rows())
    job.counts.update(
        open_tickets=worklist.height,
        breached=urgency.get("breached", 0),
        due_soon=urgency.get("due_soon", 0),
        unanswered=int(worklist["unanswered"].sum()),
        escalated=int(worklist["escalated"].sum()),
        reminders=chase.height,
    )
    job.publish(context, {"worklist": worklist, "reminders": chase, "standards": standards})
    locale = context.locale
    xlsx = context.output("worklist.xlsx")
    write_worklist_xlsx(worklist, xlsx, locale)
    job.add_output(xlsx, worklist.height)
    calendar = context.calendar
    note = (
        WORDS["soon_note"].format(
            locale,
            start=f"{calendar.work_start:%H:%M}",
            end=f"{calendar.work_end:%H:%M}",
            minutes=f"{config.due_soon_minutes:g}",
        )
        if config.clock == "working"
        else WORDS["calendar_note"].format(locale, minutes=f"{config.due_soon_minutes:g}")
    )
    page = context.output("worklist.html")
    write_worklist_html(
        worklist,
        standards,
        chase,
        page,
        title=context.job_name,
        locale=locale,
        about=context.about(context.source(config.input).path),
        note=note,
    )
    job.add_output(page, worklist.height)
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
    "reminders": REMINDER_COLUMNS,  # one row per person to chase now
    "standards": STANDARD_COLUMNS,  # each standard with its open, breached and due-soon tickets
}

TICKETS = JobKind("tickets", TicketsConfig, run, check, publishes=PUBLISHES)
