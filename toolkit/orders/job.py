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
from toolkit.orders.stream import validate_orders_streaming
from toolkit.orders.validate import FIELD_NAMES, Validation, WrittenValidation, validate_orders
from toolkit.rules import FINDING_SCHEMA

TIME_FIELDS = tuple(f.name for f in ORDER_FIELDS if f.kind is Kind.DATETIME)


class ValidateOrdersConfig(JobConfig):
    """Check an order export against the intake rules."""

    kind: Literal["validate_orders"]
    input: TableInput
    rules: ExistingFile | None = None
    xlsx_max_rows: int = 50_000  # rows in findings.xlsx; all rows are always in the parquet files
    # polars engine: `streaming` holds only the rows with a finding (an export larger than
    # memory), `in-memory` is faster, `auto` streams a csv/tsv/parquet of STREAM_FROM rows or more
    engine: Literal["streaming", "in-memory", "auto"] = "auto"


# At 1,000,000 orders (bench/validate_orders.py, 2 cores, load 2.4-4.7) the in-memory check
# peaked at 1,273 MB and took 7.1 s, the streaming one 621 MB and 20-28 s (it parses in batches
# through a Python callback and reads the checked rows back from a scratch file); the in-memory
# peak grows by about 1.2 GB per million orders. From 3,000,000 orders on, `auto` streams.
STREAM_FROM = 3_000_000


def load_rules(path: Path | None) -> OrderRules:
    return load_model(path, OrderRules) if path is not None else OrderRules()


def read_orders(source: InputFile | JobOutputRef, context: JobContext, rules: OrderRules) -> Table:
    """The orders as text columns with canonical names (an earlier job's table, or a file)."""
    return read_table(context.source(source), alias_table(ORDER_FIELDS), required=rules.required)


def failure(result: Validation, rules: OrderRules) -> str | None:
    """Why the batch should stop: a share of refused rows that means a broken export."""
    limits, rejected = rules.fail_when, result.counts()["rejected"]
    if result.rows_in and rejected / result.rows_in > limits.rejected_share:
        return (
            f"{rejected} of {result.rows_in} rows refused "
            f"(more than {limits.rejected_share:.0%}): wrong sheet or shifted columns?"
        )
    if limits.rejected_count is not None and rejected > limits.rejected_count:
        return f"{rejected} rows refused (more than {limits.rejected_count})"
    per_rule = result.findings.group_by("rule").agg(rows=pl.col("row").n_unique())
    for rule, rows in per_rule.iter_rows():
        share = limits.per_rule_share.get(rule)
        count = limits.per_rule_count.get(rule)
        if share is not None and rows / result.rows_in > share:
            return f"rule {rule}: {rows} of {result.rows_in} rows (more than {share:.0%})"
        if count is not None and rows > count:
            return f"rule {rule}: {rows} rows (more than {count})"
    return None


def streams(config: ValidateOrdersConfig, table: Table) -> bool:
    """Whether the check runs on polars' streaming engine (`engine:`); a workbook is read into
    memory whole anyway, so `auto` streams only a csv/tsv/parquet input."""
    if config.engine == "auto":
        return table.format in ("csv", "tsv", "parquet") and table.rows >= STREAM_FROM
    return config.engine == "streaming"


def run(config: ValidateOrdersConfig, context: JobContext) -> JobResult:
    rules = load_rules(config.rules)
    source = context.source(config.input)
    times = context.times(source, TIME_FIELDS)
    settings = {"as_of": context.as_of, "calendar": context.calendar, "locale": context.locale, "times": times}
    with read_orders(config.input, context, rules) as table:  # a GBK file is read from a UTF-8 copy
        result: Validation
        if streams(config, table):
            valid, rejected = context.output("valid.parquet"), context.output("rejected.parquet")
            result = validate_orders_streaming(table.frame, rules, valid=valid, rejected=rejected, **settings)
        else:
            result = validate_orders(table.frame, rules, **settings)
    for warning in result.warnings:
        context.log(f"warning: {warning}")

    job = JobResult(counts=result.counts(), result=result)
    job.counts["rows_in"] += table.blank_rows  # rows in = accepted + rejected + blank rows skipped
    context.note_read(job, table)
    context.note_unreadable(job, result.unreadable, table, times)
    job.inputs.append(InputRecord.of_table(table, rows=result.rows_in))
    if config.rules is not None:
        job.inputs.append(InputRecord.of(config.rules))
    if isinstance(result, WrittenValidation):  # the streaming engine wrote valid and rejected as it went
        counts = result.counts()
        job.add_table("valid", valid, counts["accepted"])
        job.add_table("rejected", rejected, counts["rejected"])
        job.publish(context, {"findings": result.findings})
    else:
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
