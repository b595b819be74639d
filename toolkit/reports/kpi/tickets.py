"""Service-ticket KPIs (docs/DOMAIN.md §6): volume, problem types, handling time, satisfaction, and the
call-centre standards with their on-time rates.

Tickets are typed as `toolkit.servicedesk.read_tickets` returns them. Times are elapsed
(wall-clock) minutes: the service centre answers seven days a week. A ticket still open when the
limit has passed counts as late; one still open within its limit is pending, in neither count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from toolkit.i18n import DEFAULT_LOCALE, Text
from toolkit.reports.kpi.weeks import instant, week_of
from toolkit.servicedesk import QUERY_TYPES, type_label

SATISFIED = 4  # a rating of 4 or 5 out of 5 counts as satisfied
SATISFACTION_TARGET = 0.90


@dataclass(frozen=True)
class ServiceStandard:
    key: str
    label: Text
    types: tuple[str, ...]
    limit: timedelta  # from created_at to closed_at
    target: float  # share of tickets within the limit
    max_amount: float | None = None  # only tickets about at most this many yuan


STANDARDS: tuple[ServiceStandard, ...] = (
    ServiceStandard(
        "complaint_4h",
        Text("投诉4小时内处理完毕（500元以内）", "Complaints ≤ ¥500 closed within 4 h"),
        ("complaint",),
        timedelta(hours=4),
        0.70,
        max_amount=500.0,
    ),
    ServiceStandard(
        "query_1h", Text("查询1小时内答复", "Queries answered within 1 h"), QUERY_TYPES, timedelta(hours=1), 0.80
    ),
)
SATISFACTION = Text("客户满意度（4-5分）", "Satisfied customers (rated 4-5)")


def _minutes(end: pl.Expr, start: pl.Expr) -> pl.Expr:
    return (end - start).dt.total_seconds() / 60


def tickets_on(tickets: pl.DataFrame, day: date) -> pl.DataFrame:
    """Tickets created on `day` (local date)."""
    return tickets.filter(pl.col("created_at").dt.date() == day)


def tickets_between(tickets: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """Tickets created from `first` to `last` inclusive."""
    return tickets.filter(pl.col("created_at").dt.date().is_between(first, last))


def standard_status(
    tickets: pl.DataFrame, as_of: datetime, standards: tuple[ServiceStandard, ...] = STANDARDS
) -> pl.DataFrame:
    """One row per ticket and standard it falls under: elapsed minutes and met / missed / pending."""
    parts = []
    for standard in standards:
        within = pl.col("ticket_type").is_in(standard.types)
        if standard.max_amount is not None:
            within &= pl.col("amount").fill_null(0) <= standard.max_amount
        limit = standard.limit.total_seconds() / 60
        elapsed = _minutes(pl.coalesce("closed_at", instant(as_of, tickets, "created_at")), pl.col("created_at"))
        parts.append(
            tickets.filter(within).with_columns(
                standard=pl.lit(standard.key),
                elapsed_min=elapsed,
                status=pl.when(elapsed > limit)
                .then(pl.lit("missed"))
                .when(pl.col("closed_at").is_null())
                .then(pl.lit("pending"))
                .otherwise(pl.lit("met")),
            )
        )
    return pl.concat(parts) if parts else tickets.clear()


def satisfaction(tickets: pl.DataFrame) -> dict[str, float]:
    rated = tickets["satisfaction"].drop_nulls()
    satisfied = int((rated >= SATISFIED).sum())
    return {
        "rated": rated.len(),
        "satisfied": satisfied,
        "rate": satisfied / rated.len() if rated.len() else float("nan"),
        "mean_score": float(rated.mean()) if rated.len() else float("nan"),  # type: ignore[arg-type]
    }


def service_standards(tickets: pl.DataFrame, as_of: datetime, locale: str = DEFAULT_LOCALE) -> pl.DataFrame:
    """Each standard (and satisfaction): tickets, met, missed, pending, rate, target, breach."""
    status = standard_status(tickets, as_of)
    rows = []
    for standard in STANDARDS:
        mine = status.filter(pl.col("standard") == standard.key)["status"]
        met, missed = int((mine == "met").sum()), int((mine == "missed").sum())
        rows.append(
            (
                standard.key,
                standard.label.get(locale),
                mine.len(),
                met,
                missed,
                mine.len() - met - missed,
                standard.target,
            )
        )
    rated = satisfaction(tickets)
    missed = int(rated["rated"] - rated["satisfied"])
    rows.append(
        (
            "satisfaction",
            SATISFACTION.get(locale),
            int(rated["rated"]),
            int(rated["satisfied"]),
            missed,
            0,
            SATISFACTION_TARGET,
        )
    )
    table = pl.DataFrame(
        rows, schema=["standard", "label", "tickets", "met", "missed", "pending", "target"], orient="row"
    )
    decided = pl.col("met") + pl.col("missed")
    return table.with_columns(rate=pl.when(decided > 0).then(pl.col("met") / decided)).with_columns(
        breach=(pl.col("rate") < pl.col("target")).fill_null(False)
    )


def standards_by_day(tickets: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """Per day: the on-time rate of each standard (a column per standard key) over the tickets
    created that day, pending ones left out; every day from the first to the last ticket, null
    where a standard had no ticket."""
    status = standard_status(tickets, as_of).filter(pl.col("status") != "pending")
    days = tickets.select(day=pl.date_range(pl.col("created_at").dt.date().min(), pl.col("created_at").dt.date().max()))
    rates = status.group_by(day=pl.col("created_at").dt.date(), standard="standard").agg(
        rate=(pl.col("status") == "met").mean()
    )
    frame = days
    for standard in STANDARDS:
        mine = rates.filter(pl.col("standard") == standard.key).select("day", pl.col("rate").alias(standard.key))
        frame = frame.join(mine, on="day", how="left")
    return frame.sort("day")


def tickets_by_week(tickets: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """Per week (Monday) of creation: tickets, complaints, median handling minutes, the two
    standards' on-time rates and the satisfaction rate, for week-over-week change."""
    status = standard_status(tickets, as_of).filter(pl.col("status") != "pending")
    rates = status.group_by(week_of(pl.col("created_at")), "standard").agg(rate=(pl.col("status") == "met").mean())
    frame = tickets.group_by(week_of(pl.col("created_at"))).agg(
        tickets=pl.len(),
        complaints=(pl.col("ticket_type") == "complaint").sum(),
        handling_min=_handling().median(),
        satisfaction_rate=(pl.col("satisfaction").drop_nulls() >= SATISFIED).mean(),
    )
    for standard in STANDARDS:
        mine = rates.filter(pl.col("standard") == standard.key).select(
            "week", pl.col("rate").alias(f"{standard.key}_rate")
        )
        frame = frame.join(mine, on="week", how="left")
    return frame.sort("week")


def ticket_summary(tickets: pl.DataFrame) -> dict[str, float]:
    """Volume, open tickets, median first response and handling time (minutes), satisfaction."""
    closed = tickets.filter(pl.col("closed_at").is_not_null())
    first = tickets.select(_minutes(pl.col("first_response_at"), pl.col("created_at")).median()).item()
    handling = closed.select(_minutes(pl.col("closed_at"), pl.col("created_at")).median()).item()
    rated = satisfaction(tickets)
    return {
        "tickets": tickets.height,
        "closed": closed.height,
        "open": tickets.height - closed.height,
        "complaints": int((tickets["ticket_type"] == "complaint").sum()),
        "first_response_min": first if first is not None else float("nan"),
        "handling_min": handling if handling is not None else float("nan"),
        "rated": rated["rated"],
        "satisfaction_rate": rated["rate"],
        "mean_score": rated["mean_score"],
    }


def _handling() -> pl.Expr:
    return _minutes(pl.col("closed_at"), pl.col("created_at"))


def by_type(tickets: pl.DataFrame, locale: str = DEFAULT_LOCALE) -> pl.DataFrame:
    """Per ticket type: tickets, share, open, median handling minutes, satisfaction rate."""
    return (
        tickets.group_by("ticket_type")
        .agg(
            tickets=pl.len(),
            open=pl.col("closed_at").is_null().sum(),
            handling_min=_handling().median(),
            satisfaction_rate=(pl.col("satisfaction").drop_nulls() >= SATISFIED).mean(),
        )
        .with_columns(
            label=type_label(pl.col("ticket_type"), locale), share=pl.col("tickets") / pl.col("tickets").sum()
        )
        .select("ticket_type", "label", "tickets", "share", "open", "handling_min", "satisfaction_rate")
        .sort(["tickets", "ticket_type"], descending=[True, False])
    )


def by_channel(tickets: pl.DataFrame) -> pl.DataFrame:
    """Per channel: tickets, share, median first response minutes."""
    return (
        tickets.group_by("channel")
        .agg(tickets=pl.len(), first_response_min=_minutes(pl.col("first_response_at"), pl.col("created_at")).median())
        .with_columns(share=pl.col("tickets") / pl.col("tickets").sum())
        .select("channel", "tickets", "share", "first_response_min")
        .sort(["tickets", "channel"], descending=[True, False])
    )


def problem_types(tickets: pl.DataFrame, locale: str = DEFAULT_LOCALE, top: int = 10) -> pl.DataFrame:
    """The most frequent problems (type and problem), with their share of all tickets."""
    return (
        tickets.group_by("ticket_type", "problem")
        .agg(tickets=pl.len())
        .with_columns(label=type_label(pl.col("ticket_type"), locale), share=pl.col("tickets") / tickets.height)
        .sort(["tickets", "ticket_type", "problem"], descending=[True, False, False])
        .head(top)
        .select("label", "problem", "tickets", "share")
    )


def daily_volume(tickets: pl.DataFrame) -> pl.DataFrame:
    """Per day: tickets, complaints, queries (the three lines of the volume chart)."""
    return (
        tickets.group_by(day=pl.col("created_at").dt.date())
        .agg(
            tickets=pl.len(),
            complaints=(pl.col("ticket_type") == "complaint").sum(),
            queries=pl.col("ticket_type").is_in(QUERY_TYPES).sum(),
        )
        .sort("day")
    )


def by_agent(tickets: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """Per agent (客服工号): tickets, median handling minutes, on-time rate over both standards,
    satisfaction rate; the slowest on-time rate first."""
    status = standard_status(tickets, as_of).filter(pl.col("status") != "pending")
    on_time = status.group_by("agent").agg(on_time_rate=(pl.col("status") == "met").mean())
    base = tickets.group_by("agent").agg(
        tickets=pl.len(),
        handling_min=_handling().median(),
        satisfaction_rate=(pl.col("satisfaction").drop_nulls() >= SATISFIED).mean(),
    )
    return base.join(on_time, on="agent", how="left").sort(["on_time_rate", "agent"], nulls_last=True)


def late_tickets(tickets: pl.DataFrame, as_of: datetime, locale: str = DEFAULT_LOCALE, top: int = 10) -> pl.DataFrame:
    """Tickets that missed a standard (closed late or still open past the limit), longest first."""
    status = standard_status(tickets, as_of).filter(pl.col("status") == "missed")
    return (
        status.sort("elapsed_min", descending=True)
        .head(top)
        .select(
            "ticket_id",
            label=type_label(pl.col("ticket_type"), locale),
            problem="problem",
            created_at="created_at",
            elapsed_min="elapsed_min",
            still_open=pl.col("closed_at").is_null(),
            agent="agent",
            waybill="waybill",
        )
    )
