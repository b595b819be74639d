"""Pure: accounts, contacts and incidents in, each account's care items with what is due out.

One row per account and item of its tier: the calls, emails/faxes, meetings, regular meetings and
senior visits of the current block; an apology row per account with incidents in its block; a
gift row per holiday whose gift window has opened in the current half year. Each row says what
the period requires, what is due by now, what was done, and the next due day:

- `behind`: fewer done than due so far (a slot's day passed without its contact);
- `due`: an apology or a gift still to make whose day has not passed;
- `ahead`: more calls, mails, meetings or visits than due so far;
- `on_track`: the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.care.periods import PERIODS, block, days_left, slot_deadlines, workdays_before
from toolkit.care.tiers import CADENCED, TierTable
from toolkit.fields import ROW

STATUSES = ("behind", "due", "ahead", "on_track")
ITEM_COLUMNS = (
    "account",
    "manager",
    "manager_phone",
    "tier",
    "item",
    "holiday",
    "period",
    "period_start",
    "period_end",
    "required",
    "due_so_far",
    "done_count",
    "behind_by",
    "next_due",
    "days_left",
    "care_status",
    "incident_count",
    "last_contact",
    "last_by",
    ROW,
)
"""Every care row, in this order (the `items`, `worklist` and `ahead` tables)."""
_PLAN = {
    "tier": pl.String,
    "item": pl.String,
    "holiday": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "required": pl.Int64,
    "due_so_far": pl.Int64,
    "deadlines": pl.List(pl.Date),
}


@dataclass(frozen=True)
class CareRules:
    """What the job's config adds to the tier table."""

    gift_days: int = 10  # a holiday's gift is sent in the working days before it, at most this many
    apology_days: int = 2  # an apology is due this many working days after the incident that calls for it


def _cadence_plan(table: TierTable, calendar: WorkCalendar, today: date) -> pl.DataFrame:
    """Per tier and counted item: its block, what it requires, the slots' days, what is due so far."""
    rows = []
    for tier in table.tiers:
        for item in CADENCED:
            cadence = tier.cadence(item)
            if cadence is None:
                continue
            start, end = block(today, cadence.months)
            deadlines = slot_deadlines(calendar, start, end, cadence.times)
            rows.append(
                {
                    "tier": tier.name,
                    "item": item,
                    "holiday": None,
                    "period": PERIODS[cadence.months],
                    "period_start": start,
                    "period_end": end,
                    "required": cadence.times,
                    "due_so_far": sum(d < today for d in deadlines),
                    "deadlines": deadlines,
                }
            )
    return pl.DataFrame(rows, schema=_PLAN)


def _gift_plan(table: TierTable, holidays: pl.DataFrame, calendar: WorkCalendar, today: date, gift_days: int):
    """Per tier and holiday: the gift window (its first and last working day) of each holiday
    whose window opened by `today` and which falls in the current half year (or opens it)."""
    half_start, _ = block(today, 6)
    rows = []
    for tier in table.tiers:
        names = set(table.holidays(tier))
        for holiday, first_day in holidays.select("holiday", "first_day").iter_rows():
            if holiday not in names:
                continue
            window = workdays_before(calendar, first_day, gift_days)
            if not window or window[0] > today or first_day < half_start:
                continue
            rows.append(
                {
                    "tier": tier.name,
                    "item": "gift",
                    "holiday": holiday,
                    "period": "holiday",
                    "period_start": window[0],
                    "period_end": window[-1],
                    "required": 1,
                    "due_so_far": int(window[-1] < today),
                    "deadlines": [window[-1]],
                }
            )
    return pl.DataFrame(rows, schema=_PLAN)


def _done(rows: pl.DataFrame, contacts: pl.DataFrame, today: date) -> pl.DataFrame:
    """Each row's contacts of its item within its period, up to today: how many, the last, by whom."""
    keys = rows.select("account", "item", "holiday", "period_start", "period_end").unique()
    counted = (
        keys.join(contacts, on=["account", "item"], how="inner")
        .filter(pl.col("contact_date").is_between(pl.col("period_start"), pl.col("period_end")))
        .filter(pl.col("contact_date") <= today)
    )
    if "gift_for" in counted.columns:  # a gift counts for the holiday it was sent for, once
        counted = counted.filter(pl.col("holiday").is_null() | (pl.col("holiday") == pl.col("gift_for")))
    return counted.group_by("account", "item", "holiday", "period_start").agg(
        done_count=pl.len(),
        last_contact=pl.col("contact_date").max(),
        last_by=pl.col("contact_by").sort_by("contact_date").last(),
    )


def _gift_for(contacts: pl.DataFrame, accounts: pl.DataFrame, plan: pl.DataFrame) -> pl.DataFrame:
    """The holiday each gift is for: the earliest of the account's tier's open windows it falls in."""
    gifts = contacts.filter(pl.col("item") == "gift").join(accounts.select("account", "tier"), on="account")
    windows = plan.filter(pl.col("item") == "gift").select(
        "tier", pl.col("holiday").alias("gift_for"), "period_start", "period_end"
    )
    matched = (
        gifts.join(windows, on="tier")
        .filter(pl.col("contact_date").is_between(pl.col("period_start"), pl.col("period_end")))
        .sort("period_start")
        .group_by("account", "contact_date", "contact_by", maintain_order=True)
        .agg(pl.col("gift_for").first())
    )
    others = contacts.filter(pl.col("item") != "gift").with_columns(gift_for=pl.lit(None, pl.String))
    return pl.concat([others, matched.with_columns(item=pl.lit("gift")).select(others.columns)])


def _apologies(
    accounts: pl.DataFrame, incidents: pl.DataFrame, table: TierTable, calendar: WorkCalendar, today: date, days: int
) -> pl.DataFrame:
    """Per account with incidents in its tier's apology block: the apologies those incidents call
    for (one per `per_incidents`), each due `days` working days after the incident that completes
    its count."""
    parts = []
    for tier in table.tiers:
        if tier.apology is None:
            continue
        start, end = block(today, tier.apology.months)
        per = tier.apology.per_incidents
        mine = (
            incidents.join(accounts.filter(pl.col("tier") == tier.name).select("account"), on="account")
            .filter(pl.col("incident_date").is_between(start, min(end, today)))
            .sort("account", "incident_date")
            .with_columns(nth=pl.int_range(1, pl.len() + 1).over("account"))
        )
        calling = mine.filter(pl.col("nth") % per == 0).with_columns(
            due=calendar.workday_after(pl.col("incident_date"), days)
        )
        per_account = mine.group_by("account").agg(incident_count=pl.len())
        deadlines = calling.group_by("account").agg(deadlines=pl.col("due").sort())
        parts.append(
            per_account.join(deadlines, on="account", how="left").select(
                "account",
                tier=pl.lit(tier.name),
                item=pl.lit("apology"),
                holiday=pl.lit(None, pl.String),
                period=pl.lit(PERIODS[tier.apology.months]),
                period_start=pl.lit(start),
                period_end=pl.lit(end),
                required=(pl.col("incident_count") // per).cast(pl.Int64),
                due_so_far=pl.col("deadlines").list.eval(pl.element() < today).list.sum().fill_null(0).cast(pl.Int64),
                deadlines=pl.col("deadlines").fill_null(pl.lit([], pl.List(pl.Date))),
                incident_count=pl.col("incident_count").cast(pl.Int64),
            )
        )
    schema = {"account": pl.String, **_PLAN, "incident_count": pl.Int64}
    return pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(schema=schema)


def care_items(
    accounts: pl.DataFrame,
    contacts: pl.DataFrame,
    incidents: pl.DataFrame,
    table: TierTable,
    holidays: pl.DataFrame,
    calendar: WorkCalendar,
    today: date,
    rules: CareRules = CareRules(),
) -> pl.DataFrame:
    """Every care row of the tiered accounts (see the module), in ITEM_COLUMNS.

    `accounts`: account, manager, manager_phone, tier (null: untiered, left out), `_row`;
    `contacts`: account, contact_date (Date), item, contact_by; `incidents`: account,
    incident_date (Date); `holidays`: holiday, first_day."""
    tiered = accounts.filter(pl.col("tier").is_not_null())
    plan = pl.concat(
        [_cadence_plan(table, calendar, today), _gift_plan(table, holidays, calendar, today, rules.gift_days)]
    )
    periodic = tiered.join(plan, on="tier").with_columns(incident_count=pl.lit(None, pl.Int64))
    apologies = _apologies(tiered, incidents, table, calendar, today, rules.apology_days)
    apologies = tiered.join(apologies.drop("tier"), on="account")
    rows = pl.concat([periodic, apologies.select(periodic.columns)])
    done = _done(rows, _gift_for(contacts, tiered, plan), today)
    rows = rows.join(done, on=["account", "item", "holiday", "period_start"], how="left", nulls_equal=True)
    done_count = pl.col("done_count").fill_null(0).cast(pl.Int64)
    behind = done_count < pl.col("due_so_far")
    status = (
        pl.when(behind)
        .then(pl.lit("behind"))
        .when(pl.col("item").is_in(["apology", "gift"]) & (done_count < pl.col("required")))
        .then(pl.lit("due"))
        .when(pl.col("item").is_in(list(CADENCED)) & (done_count > pl.col("due_so_far")))
        .then(pl.lit("ahead"))
        .otherwise(pl.lit("on_track"))
    )
    next_due = pl.when(done_count < pl.col("required")).then(pl.col("deadlines").list.get(done_count, null_on_oob=True))
    return (
        rows.with_columns(done_count=done_count, care_status=status, next_due=next_due)
        .with_columns(
            behind_by=(pl.col("due_so_far") - pl.col("done_count")).clip(lower_bound=0),
            days_left=days_left(calendar, pl.col("next_due"), today),
        )
        .select(ITEM_COLUMNS)
        .sort("manager", "account", "item", "period_start", nulls_last=True)
    )


def worklist(items: pl.DataFrame) -> pl.DataFrame:
    """The rows to act on (behind, then due), the soonest due first."""
    rank = pl.col("care_status").replace_strict({"behind": 0, "due": 1}, default=2, return_dtype=pl.Int8)
    return items.filter(pl.col("care_status").is_in(["behind", "due"])).sort(
        rank, pl.col("next_due"), "manager", "account", "item", nulls_last=True
    )


def account_summary(accounts: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    """One row per account: its tier (or why none), and its items behind, due and ahead. An
    account is `behind` with any item behind, else `due`, else `ahead` with any item ahead."""
    counts = items.group_by("account").agg(
        **{f"{s}_items": (pl.col("care_status") == s).sum().cast(pl.Int64) for s in ("behind", "due", "ahead")}
    )
    summary = accounts.join(counts, on="account", how="left").with_columns(
        pl.col(f"{s}_items").fill_null(0) for s in ("behind", "due", "ahead")
    )
    status = (
        pl.when(pl.col("tier").is_null())
        .then(pl.lit("untiered"))
        .when(pl.col("behind_items") > 0)
        .then(pl.lit("behind"))
        .when(pl.col("due_items") > 0)
        .then(pl.lit("due"))
        .when(pl.col("ahead_items") > 0)
        .then(pl.lit("ahead"))
        .otherwise(pl.lit("on_track"))
    )
    return summary.with_columns(care_status=status).select(ACCOUNT_COLUMNS)


ACCOUNT_COLUMNS = (
    "account",
    "manager",
    "manager_phone",
    "revenue",
    "tier",
    "untiered",
    "care_status",
    "behind_items",
    "due_items",
    "ahead_items",
    ROW,
)


def manager_summary(summary: pl.DataFrame, todo: pl.DataFrame) -> pl.DataFrame:
    """One row per manager: accounts, those behind and ahead, items behind and due (gifts and
    apologies among them), the earliest due day and the account it is for (the worklist's first)."""
    per_account = summary.group_by("manager").agg(
        manager_phone=pl.col("manager_phone").drop_nulls().first(),
        accounts=pl.len(),
        behind_accounts=(pl.col("care_status") == "behind").sum(),
        ahead_accounts=(pl.col("care_status") == "ahead").sum(),
        untiered=(pl.col("care_status") == "untiered").sum(),
    )
    first = todo.group_by("manager", maintain_order=True).agg(
        behind_items=(pl.col("care_status") == "behind").sum(),
        due_items=(pl.col("care_status") == "due").sum(),
        gifts_due=(pl.col("item") == "gift").sum(),
        apologies_due=(pl.col("item") == "apology").sum(),
        first_due=pl.col("next_due").first(),
        most_urgent=pl.col("account").first(),
        most_urgent_item=pl.col("item").first(),
    )
    zero = ("behind_items", "due_items", "gifts_due", "apologies_due")
    return (
        per_account.join(first, on="manager", how="left")
        .with_columns(
            pl.col(c).fill_null(0).cast(pl.Int64)
            for c in (*zero, "accounts", "behind_accounts", "ahead_accounts", "untiered")
        )
        .select(MANAGER_COLUMNS)
        .sort(pl.col("behind_items") + pl.col("due_items"), "manager", descending=[True, False])
    )


MANAGER_COLUMNS = (
    "manager",
    "manager_phone",
    "accounts",
    "behind_accounts",
    "ahead_accounts",
    "untiered",
    "behind_items",
    "due_items",
    "gifts_due",
    "apologies_due",
    "first_due",
    "most_urgent",
    "most_urgent_item",
)
