"""Order intake KPIs from the `validate_orders` outputs (valid / rejected / findings tables)."""

from __future__ import annotations

import polars as pl


def order_counts(valid: pl.DataFrame, rejected: pl.DataFrame) -> dict[str, float]:
    """Orders received, accepted, refused, accepted but to be called, and the refusal rate."""
    received = valid.height + rejected.height
    calls = int(valid["needs_call"].sum()) if "needs_call" in valid.columns else 0
    return {
        "received": received,
        "accepted": valid.height,
        "refused": rejected.height,
        "call_needed": calls,
        "refused_rate": rejected.height / received if received else 0.0,
    }


def findings_by_rule(findings: pl.DataFrame, received: int | None = None) -> pl.DataFrame:
    """Per rule and column: severity, message, the orders it hit and their share of `received`,
    most first.

    A rule may check several columns (`not_a_number`: the volume, the weight, the pickup fee), so
    a row is one rule on one column. Its message is the one the findings carry: the check's
    declaration with that column's label and the rule file's values, the same for every finding
    of the rule on that column. It is a key of the grouping, not a pick among the group's
    messages, so a row can never be named by another column's message.
    Severity `error` refuses the order; `warning` accepts it with a call to the customer.
    """
    table = (
        findings.group_by("rule", "column", "severity", "message")
        .agg(orders=pl.col("row").n_unique(), findings=pl.len())
        .sort(["orders", "rule", "column", "message"], descending=[True, False, False, False])
    )
    share = pl.col("orders") / received if received else pl.lit(None, pl.Float64)
    return table.with_columns(share=share)


def refused_by_rule(findings: pl.DataFrame, received: int | None = None) -> pl.DataFrame:
    """Only the rules that refuse orders (severity `error`)."""
    return findings_by_rule(findings.filter(pl.col("severity") == "error"), received)


def orders_by_branch(valid: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """Per branch (营业所): received, accepted, refused and the refusal rate, most orders first."""
    both = pl.concat(
        [
            valid.select(pl.col("branch").cast(pl.String), refused=pl.lit(False)),
            rejected.select(pl.col("branch").cast(pl.String), refused=pl.lit(True)),
        ]
    ).with_columns(pl.col("branch").fill_null("—"))
    return (
        both.group_by("branch")
        .agg(received=pl.len(), refused=pl.col("refused").sum())
        .with_columns(
            accepted=pl.col("received") - pl.col("refused"), refused_rate=pl.col("refused") / pl.col("received")
        )
        .select("branch", "received", "accepted", "refused", "refused_rate")
        .sort(["received", "branch"], descending=[True, False])
    )
