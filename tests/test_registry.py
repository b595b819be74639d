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
    # the kinds the daily batch does not run are in their own sample batch (tickets: every 30 minutes)
    live = run_batch(load_config(team_folder / "config" / "tickets.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF)
    assert live.exit_code == ExitCode.DONE, {name: record.error for name, record in live.jobs.items()}
    # account care runs in the weekly batch
    weekly = run_batch(
        load_config(team_folder / "config" / "weekly.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=["care"]
    )
    assert weekly.exit_code == ExitCode.DONE, {name: record.error for name, record in weekly.jobs.items()}
    kinds = {record.kind for record in [*run.jobs.values(), *live.jobs.values(), *weekly.jobs.values()]}
    assert kinds == set(JOB_KINDS)  # the batches have every kind
    for table, path in weekly.jobs["care"].tables.items():
        assert (
            set(JOB_KINDS["account_care"].publishes[table]) - set(pl.read_parquet_schema(weekly.run_dir / path))
            == set()
        )
    assert set(weekly.jobs["care"].tables) == set(JOB_KINDS["account_care"].publishes)
    for name, record in [*run.jobs.items(), *((f"tickets/{n}", r) for n, r in live.jobs.items())]:
        folder = run.run_dir if not name.startswith("tickets/") else live.run_dir
        kind = JOB_KINDS[record.kind]
        assert set(record.tables) == set(kind.publishes), name
        for table, path in record.tables.items():
            columns = set(pl.read_parquet_schema(folder / path))
            assert set(kind.publishes[table]) - columns == set(), f"{name}.{table}"
            assert (EXTRA in columns) == (table in kind.passes_through), f"{name}.{table}"
