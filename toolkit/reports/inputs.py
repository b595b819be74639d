"""What a report notebook reads: the tables earlier jobs wrote in the run folder, and files such
as the ticket export and the claims ledger. (A notebook opened without a batch gets the same
tables from `toolkit.workbench.sample_run`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.claims.prepare import REQUIRED, Deadlines, prepare_claims
from toolkit.fields import ROW, alias_table
from toolkit.i18n import DEFAULT_LOCALE
from toolkit.io import TableSource, read_table
from toolkit.partition import partition_key
from toolkit.servicedesk import read_tickets
from toolkit.timezones import DEFAULT_TIMEZONE, moment


def _table(folder: str | Path | None, name: str) -> pl.DataFrame | None:
    if folder is None:
        return None
    path = Path(folder) / f"{name}.parquet"
    return pl.read_parquet(path, glob=False) if path.is_file() else None


@dataclass
class DailyInputs:
    """The frames of the daily report; a table is None where its job is not in the batch."""

    as_of: datetime
    day: date  # the day the tickets section covers (the day before the run date)
    valid: pl.DataFrame | None = None
    rejected: pl.DataFrame | None = None
    findings: pl.DataFrame | None = None
    messages: pl.DataFrame | None = None
    outbox: pl.DataFrame | None = None
    sms_findings: pl.DataFrame | None = None
    worklist: pl.DataFrame | None = None
    tickets: pl.DataFrame | None = None


def load_daily(
    *,
    orders: str | Path | None,
    sms: str | Path | None,
    overdue: str | Path | None = None,
    tickets: str | Path | None = None,
    run_date: str | date | None = None,
    as_of: str | datetime | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    branch: str | None = None,
) -> DailyInputs:
    """The daily report's tables from the job folders (`orders`, `sms`, `overdue`) and files;
    with `branch`, one branch's rows of each (the report of a `foreach: {by: branch}` run)."""
    now = moment(as_of, timezone)
    run_day = date.fromisoformat(run_date) if isinstance(run_date, str) else (run_date or now.date())
    data = DailyInputs(
        as_of=now,
        day=run_day - timedelta(days=1),
        valid=_table(orders, "valid"),
        rejected=_table(orders, "rejected"),
        findings=_table(orders, "findings"),
        messages=_table(sms, "messages"),
        outbox=_table(sms, "outbox"),
        sms_findings=_table(sms, "findings"),
        worklist=_table(overdue, "worklist"),
        tickets=read_tickets(tickets, timezone) if tickets else None,
    )
    return data if branch is None else of_branch(data, branch)


def _rows_of(frame: pl.DataFrame | None, column: str, rows: pl.Series) -> pl.DataFrame | None:
    return None if frame is None else frame.filter(pl.col(column).is_in(rows.implode()))


def of_branch(data: DailyInputs, branch: str) -> DailyInputs:
    """One branch's rows of the daily tables: orders, tickets and the worklist by their `branch`;
    the order findings, the SMS and their findings by the orders' row numbers they come from."""
    mine = partition_key(pl.col("branch")) == branch.strip()
    valid = None if data.valid is None else data.valid.filter(mine)
    rejected = None if data.rejected is None else data.rejected.filter(mine)
    orders = pl.concat([f.select(ROW) for f in (valid, rejected) if f is not None] or [pl.DataFrame({ROW: []})])
    sent = valid[ROW] if valid is not None else pl.Series(ROW, [], pl.Int64)
    return DailyInputs(
        as_of=data.as_of,
        day=data.day,
        valid=valid,
        rejected=rejected,
        findings=_rows_of(data.findings, "row", orders[ROW]),
        messages=_rows_of(data.messages, ROW, sent),
        outbox=_rows_of(data.outbox, "source_row", sent),
        sms_findings=_rows_of(data.sms_findings, "row", sent),
        worklist=None if data.worklist is None else data.worklist.filter(mine),
        tickets=None if data.tickets is None else data.tickets.filter(mine),
    )


def salespeople(directory: str | Path) -> pl.DataFrame:
    """branch → salesperson from the branch directory, read as every table input is read (any
    encoding or delimiter, a spreadsheet too); the first row of a branch named twice counts."""
    aliases = {"branch": ("branch",), "salesperson": ("salesperson",)}
    with read_table(TableSource(path=Path(directory)), aliases, required=list(aliases)) as table:
        return table.frame.select("branch", "salesperson").unique("branch", keep="first", maintain_order=True).collect()


def read_claims(
    path: str | Path, as_of: date, timezone: str = DEFAULT_TIMEZONE, locale: str = DEFAULT_LOCALE
) -> pl.DataFrame:
    """The claims ledger typed, with every deadline (`toolkit.claims.prepare.prepare_claims`);
    claims the letters job would refuse (unreadable dates, amounts) are left out."""
    with read_table(TableSource(path=Path(path)), alias_table(CLAIM_FIELDS), required=REQUIRED) as table:
        claims = prepare_claims(
            table.frame,
            calendar=WorkCalendar(timezone=timezone),
            deadlines=Deadlines(),
            as_of=as_of,
            timezone=timezone,
            locale=locale,
        )
    return claims.valid


@dataclass
class WeeklyInputs:
    """The frames of the weekly KPI report; None where the batch has no such job or file."""

    as_of: datetime
    week: date  # the Monday of the week reported (the week before the run date's day)
    status: pl.DataFrame | None = None  # shipment_status, with `salesperson` where a directory is given
    worklist: pl.DataFrame | None = None
    tickets: pl.DataFrame | None = None
    claims: pl.DataFrame | None = None
    care_accounts: pl.DataFrame | None = None  # the account_care job's accounts, worklist (behind) and ahead
    care_worklist: pl.DataFrame | None = None
    care_ahead: pl.DataFrame | None = None
    care_untiered: pl.DataFrame | None = None


def load_weekly(
    *,
    overdue: str | Path | None,
    tickets: str | Path | None = None,
    claims: str | Path | None = None,
    directory: str | Path | None = None,
    run_date: str | date | None = None,
    as_of: str | datetime | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    care: str | Path | None = None,
) -> WeeklyInputs:
    """The weekly report's tables: the overdue job's folder, the ticket export, the claims ledger,
    the branch directory (branch → salesperson) for pickup rates per salesperson, and the
    account_care job's folder."""
    now = moment(as_of, timezone)
    run_day = date.fromisoformat(run_date) if isinstance(run_date, str) else (run_date or now.date())
    yesterday = run_day - timedelta(days=1)
    status = _table(overdue, "shipment_status")
    if status is not None and directory is not None:
        status = status.join(salespeople(directory), on="branch", how="left")
    return WeeklyInputs(
        as_of=now,
        week=yesterday - timedelta(days=yesterday.weekday()),
        status=status,
        worklist=_table(overdue, "worklist"),
        tickets=read_tickets(tickets, timezone) if tickets else None,
        claims=read_claims(claims, run_day, timezone, locale) if claims else None,
        care_accounts=_table(care, "accounts"),
        care_worklist=_table(care, "worklist"),
        care_ahead=_table(care, "ahead"),
        care_untiered=_table(care, "untiered"),
    )
