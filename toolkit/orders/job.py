"""The `validate_orders` job: read the order export, validate it, write what people and later
jobs need, and fail when the export looks broken."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl

from toolkit.config.inputs import InputFile, TableInput
from toolkit.config.loader import load_model
from toolkit.config.paths import ExistingFile
from toolkit.fields import ROW, Kind, alias_table
from toolkit.io import Table, read_table
from toolkit.job import InputRecord, JobCheck, JobConfig, JobContext, JobKind, JobOutputRef, JobResult
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.orders.report import write_findings_xlsx, write_summary_html
from toolkit.orders.ruleset import OrderRules
from toolkit.orders.validate import FIELD_NAMES, ValidationResult, validate_orders
from toolkit.rules import FINDING_SCHEMA

TIME_FIELDS = tuple(f.name for f in ORDER_FIELDS if f.kind is Kind.DATETIME)


class ValidateOrdersConfig(JobConfig):
    """Check an order export against the intake rules."""

    kind: Literal["validate_orders"]
    input: TableInput
    rules: ExistingFile | None = None
    xlsx_max_rows: int = 50_000  # rows in findings.xlsx; all rows are always in the parquet files


def load_rules(path: Path | None) -> OrderRules:
    return load_model(path, OrderRules) if path is not None else OrderRules()


def read_orders(source: InputFile | JobOutputRef, context: JobContext, rules: OrderRules) -> Table:
    """The orders as text columns with canonical names (an earlier job's table, or a file)."""
    return read_table(context.source(source), alias_table(ORDER_FIELDS), required=rules.required)


def failure(result: ValidationResult, rules: OrderRules) -> str | None:
    """Why the batch should stop: a share of refused rows that means a broken export."""
    limits = rules.fail_when
    if result.rows_in and result.rejected.height / result.rows_in > limits.rejected_share:
        return (
            f"{result.rejected.height} of {result.rows_in} rows refused "
            f"(more than {limits.rejected_share:.0%}): wrong sheet or shifted columns?"
        )
    if limits.rejected_count is not None and result.rejected.height > limits.rejected_count:
        return f"{result.rejected.height} rows refused (more than {limits.rejected_count})"
    per_rule = result.findings.group_by("rule").agg(rows=pl.col("row").n_unique())
    for rule, rows in per_rule.iter_rows():
        share = limits.per_rule_share.get(rule)
        count = limits.per_rule_count.get(rule)
        if share is not None and rows / result.rows_in > share:
            return f"rule {rule}: {rows} of {result.rows_in} rows (more than {share:.0%})"
        if count is not None and rows > count:
            return f"rule {rule}: {rows} rows (more than {count})"
    return None


def run(config: ValidateOrdersConfig, context: JobContext) -> JobResult:
    rules = load_rules(config.rules)
    source = context.source(config.input)
    times = context.times(source, TIME_FIELDS)
    with read_orders(config.input, context, rules) as table:  # a GBK file is read from a UTF-8 copy
        result = validate_orders(
            table.frame, rules, as_of=context.as_of, calendar=context.calendar, locale=context.locale, times=times
        )
    for warning in result.warnings:
        context.log(f"warning: {warning}")

    job = JobResult(counts=result.counts(), result=result)
    job.counts["rows_in"] += table.blank_rows  # rows in = accepted + rejected + blank rows skipped
    context.note_read(job, table)
    context.note_unreadable(job, result.unreadable, table, times)
    job.inputs.append(InputRecord.of_table(table, rows=result.rows_in))
    if config.rules is not None:
        job.inputs.append(InputRecord.of(config.rules))
    job.publish(context, {"valid": result.valid, "rejected": result.rejected, "findings": result.findings})
    xlsx = context.output("findings.xlsx")
    write_findings_xlsx(result, table.headers, xlsx, max_rows=config.xlsx_max_rows)
    job.add_output(xlsx, min(result.problem_rows.height, config.xlsx_max_rows))
    html = context.output("summary.html")
    write_summary_html(
        result, html, title=context.job_name, max_rows=config.xlsx_max_rows, about=context.about(source.path)
    )
    job.add_output(html)
    job.failure = failure(result, rules)
    return job


def check(config: ValidateOrdersConfig, preflight: JobCheck) -> None:
    """`toolkit check`: the rule file loads, and the input has the columns its rules require."""
    rules = preflight.settings(("rules",), lambda: load_rules(config.rules))
    preflight.table(
        ("input",), config.input, alias_table(ORDER_FIELDS), rules.required if rules is not None else (), TIME_FIELDS
    )


PUBLISHES = {
    "valid": (ROW, *FIELD_NAMES, "review_by", "needs_call", "warnings"),  # typed
    "rejected": (ROW, *FIELD_NAMES, "errors", "warnings"),  # as typed in
    "findings": tuple(FINDING_SCHEMA),
}

VALIDATE_ORDERS = JobKind(
    "validate_orders",
    ValidateOrdersConfig,
    run,
    check,
    publishes=PUBLISHES,
    passes_through={"valid": "input", "rejected": "input"},
)
