"""SMS KPIs from the `render_messages` outputs (messages / outbox / findings tables)."""

from __future__ import annotations

import polars as pl


def sms_counts(messages: pl.DataFrame, outbox: pl.DataFrame, findings: pl.DataFrame) -> dict[str, int]:
    """Messages rendered, SMS in the outbox (one per recipient), parts billed, shortened, not sent."""
    by_rule = dict(findings.group_by("rule").len().iter_rows()) if findings.height else {}
    return {
        "rendered": messages.height,
        "outbox": outbox.height,
        "parts": int(outbox["parts"].sum()) if outbox.height else 0,
        "shortened": int(outbox["shortened"].is_not_null().sum()) if "shortened" in outbox.columns else 0,
        "over_budget": int(by_rule.get("over_budget", 0)),
        "invalid_phone": int(by_rule.get("invalid_recipient_phone", 0)),
        "not_sent": findings.height,
    }


def sms_by_role(outbox: pl.DataFrame) -> pl.DataFrame:
    """SMS and billed parts per recipient role (业务员, 调度 …)."""
    return (
        outbox.group_by("role")
        .agg(sms=pl.len(), parts=pl.col("parts").sum(), recipients=pl.col("phone").n_unique())
        .sort(["sms", "role"], descending=[True, False])
    )
