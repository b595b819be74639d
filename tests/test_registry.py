"""What each job kind declares it publishes holds for a real run of the daily batch on the samples."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from tests.support.files import replace_once, write
from toolkit.errors import ExitCode
from toolkit.fields import ROW
from toolkit.io import TableSource, read_table
from toolkit.pipeline import run_batch
from toolkit.registry import JOB_KINDS, load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
EXTRA = "remark"  # a column no job knows, which the tables that pass their input through keep


def with_extra_column(source: TableSource, target: Path) -> None:
    """`source`, cell for cell as read, written as a csv with one more column: EXTRA."""
    with read_table(source, {}) as table:
        table.frame.drop(ROW).with_columns(pl.lit("备注").alias(EXTRA)).collect().write_csv(target)


def test_every_job_publishes_exactly_the_declared_tables_with_at_least_their_columns(team_folder: Path) -> None:
    samples, config = team_folder / "samples", team_folder / "config" / "daily.yaml"
    with_extra_column(TableSource(path=samples / "orders.xlsx", sheet="订单"), samples / "orders_extra.csv")
    with_extra_column(TableSource(path=samples / "claims.csv"), samples / "claims_extra.csv")
    text = config.read_text(encoding="utf-8")
    text = replace_once(text, "{path: ../samples/orders.xlsx, sheet: 订单}", "../samples/orders_extra.csv")
    write(config, replace_once(text, "../samples/claims.csv", "../samples/claims_extra.csv"))

    run = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF)
    assert run.exit_code == ExitCode.DONE, {name: record.error for name, record in run.jobs.items()}
    assert {record.kind for record in run.jobs.values()} == set(JOB_KINDS)  # the batch has every kind
    for name, record in run.jobs.items():
        kind = JOB_KINDS[record.kind]
        assert set(record.tables) == set(kind.publishes), name
        for table, path in record.tables.items():
            columns = set(pl.read_parquet_schema(run.run_dir / path))
            assert set(kind.publishes[table]) - columns == set(), f"{name}.{table}"
            assert (EXTRA in columns) == (table in kind.passes_through), f"{name}.{table}"
