"""The order validation (`toolkit.orders.validate`) run by polars' streaming engine, for
exports larger than memory: the input is scanned, parsed, checked and the accepted and
rejected rows written to parquet batch by batch; only the rows with a finding (a few percent)
and a hash per order id and per duplicate key are held. Same findings, counts and rows as
`validate_orders` (tests/orders/test_stream.py runs both on the samples and compares every
output)."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.fields import ROW
from toolkit.i18n import ZH
from toolkit.io import atomic_path
from toolkit.io.dates import TimeReading
from toolkit.io.write import PARQUET_OPTIONS
from toolkit.orders.checks import duplicate_columns, duplicate_marks
from toolkit.orders.ruleset import OrderRules
from toolkit.orders.validate import FIELD_NAMES, TIME_NAMES, Plan, WrittenValidation, _unreadable_times
from toolkit.rules import raw

SCRATCH = {"compression": "lz4"}  # the checked rows, read back at once: the fastest to write and read


def validate_orders_streaming(
    orders: pl.LazyFrame,
    rules: OrderRules,
    *,
    as_of: datetime,
    calendar: WorkCalendar,
    valid: Path,
    rejected: Path,
    locale: str = ZH,
    times: TimeReading | None = None,
    engine: pl.EngineType = "streaming",
) -> WrittenValidation:
    """`validate_orders`, with the accepted rows written to `valid` and the rejected rows to
    `rejected` (parquet, atomically) as they are checked.

    Two passes over `orders`: the first parses the order id, time and duplicate keys and finds
    the duplicates (`duplicate_marks`); the second parses every field, flags every rule and
    feeds the two files, the rows with a finding and the counts, all from one scan.
    """
    plan = Plan.of(orders, rules, as_of=as_of, calendar=calendar, locale=locale, times=times)
    marks = duplicate_marks(plan.keys(batches=True), rules.duplicates.window_minutes, engine=engine)
    flagged = plan.flagged(plan.parsed(batches=True).with_columns(duplicate_columns(marks)))
    handle, name = tempfile.mkstemp(prefix=".checked-", suffix=".parquet", dir=valid.parent)
    os.close(handle)
    checked = Path(name)
    try:
        # The checked rows go to one file, and the outputs are read from it: four sinks fed by
        # the parse directly parsed the input more than once (polars 2.1 did not share the
        # parse between them: 64 s and 2.1 GB at 1,000,000 orders, against 14 s in memory).
        columns = [
            ROW,
            *FIELD_NAMES,
            *(raw(n) for n in FIELD_NAMES),
            *plan.extra,
            *plan.flag_names,
            "errors",
            "warnings",
        ]
        flagged.select(columns).sink_parquet(checked, engine=engine, **SCRATCH)
        scan = pl.scan_parquet(checked, glob=False)
        accepted, refused = scan.filter(~plan.refused), scan.filter(plan.refused)
        with atomic_path(valid) as valid_file:
            plan.valid(accepted).sink_parquet(valid_file, engine=engine, **PARQUET_OPTIONS)
        with atomic_path(rejected) as rejected_file:
            plan.rejected(refused).sink_parquet(rejected_file, engine=engine, **PARQUET_OPTIONS)
        problems, accepted_counts, refused_counts = pl.collect_all(
            [
                plan.problems(scan),
                accepted.select(
                    pl.len().alias("rows"),
                    pl.col("order_time").dt.year().drop_nulls().unique().implode().alias("years"),
                    *(pl.col(name).is_not_null().sum().alias(name) for name in TIME_NAMES),
                ),
                refused.select(
                    pl.len().alias("rows"), *(pl.col(raw(name)).is_not_null().sum().alias(name) for name in TIME_NAMES)
                ),
            ],
            engine=engine,
        )
    finally:
        checked.unlink(missing_ok=True)
    findings, problem_rows = plan.findings(problems)
    warned = problems.filter(~plan.refused & (pl.col("warnings").list.len() > 0)).height
    rejected_rows = problems.filter(plan.refused)[ROW]
    return WrittenValidation(
        valid=valid,
        rejected=rejected,
        accepted=int(accepted_counts["rows"].item()),
        refused=int(refused_counts["rows"].item()),
        accepted_with_warnings=warned,
        findings=findings,
        problem_rows=problem_rows,
        locale=locale,
        warnings=calendar.warn_uncovered(accepted_counts["years"].item().to_list()),
        unreadable=[
            _unreadable_times(
                name, findings, rejected_rows, int(accepted_counts[name].item()) + int(refused_counts[name].item())
            )
            for name in TIME_NAMES
        ],
    )
