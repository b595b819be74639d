"""The `account_care` job (客户维护): key accounts against the contact cadence of their revenue
tier (the manual's 客户支持工作项目 table, toolkit/care/tiers.yaml), from an accounts ledger, a
contact log and the period's incidents (the claims ledger, or a complaints file).

Out: the care rows of every tiered account (`items`), those behind or due (`worklist`, most
urgent first), those ahead (`ahead`), one row per account (`accounts`) and per manager
(`managers`, and `reminders` for the managers with something to do: the render_messages input),
the accounts without a tier (`untiered`); worklist.xlsx and summary.html.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import Field, PositiveInt

from toolkit.care.cadence import (
    ACCOUNT_COLUMNS,
    ITEM_COLUMNS,
    MANAGER_COLUMNS,
    CareRules,
    account_summary,
    care_items,
    manager_summary,
    worklist,
)
from toolkit.care.fields import (
    ACCOUNT_FIELDS,
    ACCOUNTS_REQUIRED,
    CONTACT_FIELDS,
    CONTACTS_REQUIRED,
    INCIDENT_FIELDS,
    INCIDENTS_REQUIRED,
    KIND_LABELS,
    aliases,
    care_item,
    contact_kind,
)
from toolkit.care.holidays import holidays
from toolkit.care.report import write_summary_html, write_worklist_xlsx
from toolkit.care.tiers import TierTable, assign_tiers, load_tiers
from toolkit.config.inputs import TableInput
from toolkit.config.paths import ExistingFile
from toolkit.fields import ROW
from toolkit.io import read_table
from toolkit.io.cells import clean_text, parse_number
from toolkit.io.dates import TimeReading
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobResult


class AccountCareConfig(JobConfig):
    """Key-account care by revenue tier."""

    kind: Literal["account_care"]
    accounts: TableInput  # 客户名称, 客户经理, 经理手机, 月营业额 (or the months of `revenue_months`)
    contacts: TableInput  # 客户名称, 联系日期, 联系方式, 经办人
    incidents: TableInput | None = None  # 客户 and 出险日期 (the claims ledger) or 投诉日期
    revenue_months: list[str] | None = Field(default=None, min_length=1)
    """Headers of monthly revenue columns, averaged into the account's revenue (the last N months);
    None: the ledger's 月营业额 column."""
    tiers: ExistingFile | None = None  # None: the manual's table (toolkit/care/tiers.yaml)
    gift_days: PositiveInt = 10  # working days before a holiday in which its gift is sent
    apology_days: PositiveInt = 2  # working days after an incident by which its apology is due


def _month_fields(config: AccountCareConfig) -> dict[str, tuple[str, ...]]:
    return {f"revenue_{i}": (header,) for i, header in enumerate(config.revenue_months or ())}


def _account_aliases(config: AccountCareConfig) -> dict[str, tuple[str, ...]]:
    return {**aliases(ACCOUNT_FIELDS), **_month_fields(config)}


def _accounts_required(config: AccountCareConfig) -> tuple[str, ...]:
    return (*ACCOUNTS_REQUIRED, *(_month_fields(config) or ("revenue",)))


def _day(times: TimeReading, name: str) -> pl.Expr:
    """A date column: the day of the time the input's `date_formats:` (or the built-in reading) reads."""
    return times.parse(pl.col(name), name).dt.date().alias(name)


def _read_accounts(config: AccountCareConfig, context: JobContext, job: JobResult) -> pl.DataFrame:
    source = context.source(config.accounts)
    with read_table(source, _account_aliases(config), required=_accounts_required(config)) as table:
        months = list(_month_fields(config))
        revenue = (
            pl.mean_horizontal(parse_number(pl.col(m)) for m in months) if months else parse_number(pl.col("revenue"))
        )
        phone = clean_text(pl.col("manager_phone")) if "manager_phone" in table.headers else pl.lit(None, pl.String)
        frame = table.frame.select(
            ROW,
            account=clean_text(pl.col("account")),
            manager=clean_text(pl.col("manager")),
            manager_phone=phone,
            revenue=revenue,
        ).collect()
    job.inputs.append(InputRecord.of_table(table))
    context.note_read(job, table)
    named = frame.filter(pl.col("account").is_not_null())
    repeated = named.height - named["account"].n_unique()
    if repeated:
        context.log(
            f"warning: {table.path.name}: {repeated} rows repeat an account of an earlier row: the first is used"
        )
    job.counts["repeated_accounts"] = repeated
    return named.unique("account", keep="first", maintain_order=True)


def _read_contacts(config: AccountCareConfig, context: JobContext, job: JobResult, known: pl.Series) -> pl.DataFrame:
    source = context.source(config.contacts)
    times = context.times(source, ("contact_date",))
    with read_table(source, aliases(CONTACT_FIELDS), required=CONTACTS_REQUIRED) as table:
        by = clean_text(pl.col("contact_by")) if "contact_by" in table.headers else pl.lit(None, pl.String)
        frame = table.frame.select(
            ROW,
            account=clean_text(pl.col("account")),
            contact_date=_day(times, "contact_date"),
            kind_text=clean_text(pl.col("contact_kind")),
            contact_by=by,
        ).collect()
    job.inputs.append(InputRecord.of_table(table))
    context.note_read(job, table)
    frame = frame.with_columns(kind=contact_kind(pl.col("kind_text"))).with_columns(item=care_item(pl.col("kind")))
    unknown = frame.filter(pl.col("kind").is_null() & pl.col("kind_text").is_not_null())
    if unknown.height:
        words = ", ".join(unknown["kind_text"].unique(maintain_order=True).head(5).to_list())
        context.log(
            f"warning: {table.path.name}: {unknown.height} contacts of a kind no rule knows ({words}): not counted"
        )
    unreadable = frame.filter(pl.col("contact_date").is_null()).height
    if unreadable:
        context.log(f"warning: {table.path.name}: {unreadable} contacts without a readable date: not counted")
    others = frame.filter(~pl.col("account").is_in(known.implode())).height
    job.counts.update(
        contacts=frame.height,
        unknown_contact_kinds=unknown.height,
        unreadable_contact_date=unreadable,
        contacts_not_key=others,
    )
    return frame.filter(pl.col("item").is_not_null() & pl.col("contact_date").is_not_null()).select(
        "account", "contact_date", "item", "contact_by"
    )


def _read_incidents(config: AccountCareConfig, context: JobContext, job: JobResult, known: pl.Series) -> pl.DataFrame:
    if config.incidents is None:
        return pl.DataFrame(schema={"account": pl.String, "incident_date": pl.Date})
    source = context.source(config.incidents)
    times = context.times(source, ("incident_date",))
    with read_table(source, aliases(INCIDENT_FIELDS), required=INCIDENTS_REQUIRED) as table:
        frame = table.frame.select(
            account=clean_text(pl.col("account")), incident_date=_day(times, "incident_date")
        ).collect()
    job.inputs.append(InputRecord.of_table(table))
    context.note_read(job, table)
    unreadable = frame.filter(pl.col("incident_date").is_null()).height
    if unreadable:
        context.log(f"warning: {table.path.name}: {unreadable} incidents without a readable date: not counted")
    key = frame.filter(pl.col("account").is_in(known.implode()))
    job.counts.update(
        incidents=key.height, incidents_not_key=frame.height - key.height, unreadable_incident_date=unreadable
    )
    return key.drop_nulls("incident_date")


def _reminders(managers: pl.DataFrame, locale: str) -> pl.DataFrame:
    """The managers with items behind or due, with their most urgent item in words (the SMS)."""
    words = {item: text.get(locale) for item, text in KIND_LABELS.items()}
    return managers.filter((pl.col("behind_items") + pl.col("due_items")) > 0).with_columns(
        most_urgent_label=pl.col("most_urgent_item").replace_strict(words, default=None, return_dtype=pl.String),
        first_due_text=pl.col("first_due").dt.strftime("%m-%d"),
    )


def run(config: AccountCareConfig, context: JobContext) -> JobResult:
    table: TierTable = load_tiers(config.tiers)
    job = JobResult()
    today: date = context.as_of.date()
    calendar = context.calendar
    accounts = assign_tiers(_read_accounts(config, context, job), table)
    contacts = _read_contacts(config, context, job, accounts["account"])
    incidents = _read_incidents(config, context, job, accounts["account"])
    if config.tiers is not None:
        job.inputs.append(InputRecord.of(config.tiers))
    days_off = holidays(range(today.year - 1, today.year + 2), calendar)
    rules = CareRules(gift_days=config.gift_days, apology_days=config.apology_days)
    items = care_items(accounts, contacts, incidents, table, days_off, calendar, today, rules)
    todo = worklist(items)
    ahead = items.filter(pl.col("care_status") == "ahead")
    summary = account_summary(accounts, items)
    managers = manager_summary(summary, todo)
    reminders = _reminders(managers, context.locale)
    untiered = summary.filter(pl.col("tier").is_null())
    for reason, n in untiered.group_by("untiered").len().sort("untiered").iter_rows():
        context.log(f"warning: {n} accounts have no tier ({reason}): listed in summary.html, not tracked")

    about = context.about(*_input_paths(config, context))
    write_worklist_xlsx(todo, ahead, summary, managers, context.output("worklist.xlsx"), context.locale)
    job.add_output(context.output("worklist.xlsx"), todo.height)
    write_summary_html(
        todo, ahead, summary, managers, table, context.output("summary.html"),
        title=context.job_name, locale=context.locale, about=about, gift_days=config.gift_days,
    )  # fmt: skip
    job.add_output(context.output("summary.html"))
    job.publish(
        context,
        {
            "items": items,
            "worklist": todo,
            "ahead": ahead,
            "accounts": summary,
            "managers": managers,
            "reminders": reminders,
            "untiered": untiered,
        },
    )
    per_status = dict(summary.group_by("care_status").len().iter_rows())
    job.counts = {
        "accounts": summary.height,
        "untiered": untiered.height,
        "behind": int(per_status.get("behind", 0)),
        "ahead": int(per_status.get("ahead", 0)),
        "items_behind": int((todo["care_status"] == "behind").sum()),
        "gifts_due": int((todo["item"] == "gift").sum()),
        "apologies_due": int((todo["item"] == "apology").sum()),
        "managers_reminded": reminders.height,
        **job.counts,
    }
    job.result = todo
    return job


def _input_paths(config: AccountCareConfig, context: JobContext) -> list[Path]:
    inputs = [config.accounts, config.contacts, *([config.incidents] if config.incidents is not None else [])]
    return [context.source(i).path for i in inputs]


def check(config: AccountCareConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the tier file loads, and the three tables have the columns the run reads."""
    preflight.settings(("tiers",), lambda: load_tiers(config.tiers))
    preflight.table(("accounts",), config.accounts, _account_aliases(config), _accounts_required(config))
    preflight.table(("contacts",), config.contacts, aliases(CONTACT_FIELDS), CONTACTS_REQUIRED, ("contact_date",))
    if config.incidents is not None:
        preflight.table(
            ("incidents",), config.incidents, aliases(INCIDENT_FIELDS), INCIDENTS_REQUIRED, ("incident_date",)
        )


REMINDER_COLUMNS = (*MANAGER_COLUMNS, "most_urgent_label", "first_due_text")
PUBLISHES = {
    "items": ITEM_COLUMNS,  # every care row of the tiered accounts
    "worklist": ITEM_COLUMNS,  # the rows behind or due, most urgent first
    "ahead": ITEM_COLUMNS,  # the rows ahead of their cadence
    "accounts": ACCOUNT_COLUMNS,  # one row per account, tiered or not
    "managers": MANAGER_COLUMNS,  # one row per account manager
    "reminders": REMINDER_COLUMNS,  # the managers with items behind or due: the SMS reminder's rows
    "untiered": ACCOUNT_COLUMNS,  # the accounts in no tier (the 10–20万 gap, below the first tier)
}

ACCOUNT_CARE = JobKind("account_care", AccountCareConfig, run, check, publishes=PUBLISHES)
