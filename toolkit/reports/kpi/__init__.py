"""KPIs for the reports: pure functions over the frames the jobs write (no files here).

The notebooks call these; they compute nothing themselves.
"""

from toolkit.reports.kpi.claims import claim_kpis, claims_by_week, claims_past_deadline
from toolkit.reports.kpi.orders import findings_by_rule, order_counts, orders_by_branch, refused_by_rule
from toolkit.reports.kpi.sms import sms_by_role, sms_counts
from toolkit.reports.kpi.tickets import (
    STANDARDS,
    ServiceStandard,
    by_agent,
    by_channel,
    by_type,
    daily_volume,
    late_tickets,
    problem_types,
    satisfaction,
    service_standards,
    standard_status,
    standards_by_day,
    ticket_summary,
    tickets_between,
    tickets_by_week,
    tickets_on,
)
from toolkit.reports.kpi.tracking import (
    PICKUP_TARGET,
    delivery_summary,
    late_delivery,
    origin_analysis,
    overdue_counts,
    overdue_summary,
    timely_pickup,
    top_overdue,
    weekly_rates,
)
from toolkit.reports.kpi.weeks import in_week, monday, week_over_week

__all__ = [
    "PICKUP_TARGET",
    "claim_kpis",
    "claims_by_week",
    "claims_past_deadline",
    "delivery_summary",
    "in_week",
    "late_delivery",
    "monday",
    "origin_analysis",
    "overdue_counts",
    "overdue_summary",
    "timely_pickup",
    "tickets_by_week",
    "top_overdue",
    "week_over_week",
    "weekly_rates",
    "STANDARDS",
    "ServiceStandard",
    "by_agent",
    "by_channel",
    "by_type",
    "daily_volume",
    "findings_by_rule",
    "late_tickets",
    "order_counts",
    "orders_by_branch",
    "problem_types",
    "refused_by_rule",
    "satisfaction",
    "service_standards",
    "sms_by_role",
    "sms_counts",
    "standard_status",
    "standards_by_day",
    "ticket_summary",
    "tickets_between",
    "tickets_on",
]
