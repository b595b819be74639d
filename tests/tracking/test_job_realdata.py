"""The overdue job on real exports whose times are not year-first, read through config alone
(`columns:` and `date_formats:`). Skipped where ../shared/realdata is absent."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REALDATA, write
from tests.support.reporting import Lines
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

SCMS = REALDATA / "scms" / "SCMS_Delivery_History_Dataset.csv"
LADE = REALDATA / "cn" / "lade_delivery_shanghai_sample5000.csv"

SCMS_JOB = """\
batch: scms
timezone: UTC
output: out
state: data
jobs:
  overdue:
    kind: flag_overdue
    shipments:
      path: {path}
      columns:
        ID: waybill
        PQ First Sent to Client Date: order_time
        Scheduled Delivery Date: promised_at
        Delivered to Client Date: delivered_at
        Shipment Mode: service
        Country: destination
      date_formats:
        order_time: "%m/%d/%y"
        promised_at: "%d-%b-%y"
        delivered_at: "%d-%b-%y"
    sla: sla.yaml
"""
LADE_JOB = """\
batch: lade
output: out
state: data
jobs:
  overdue:
    kind: flag_overdue
    shipments:
      path: {path}
      columns: {{order_id: waybill, accept_time: order_time, delivery_time: delivered_at}}
      date_formats: {{order_time: "%m-%d %H:%M:%S", delivered_at: "%m-%d %H:%M:%S"}}
"""
CARRIER_PROMISE = "delivery:\n  promised: carrier\n"


def _scms_frame() -> pl.DataFrame:
    text = SCMS.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def _run(folder: Path, config: str, as_of: datetime, sla: str | None = None) -> BatchRun:
    if sla is not None:
        write(folder / "sla.yaml", sla)
    run = run_batch(load_config(write(folder / "batch.yaml", config)), run_date=as_of.date(), as_of=as_of)
    assert run.exit_code == 0, run.jobs["overdue"].error
    return run


@pytest.mark.skipif(not SCMS.exists(), reason="shared/realdata is not beside the repository")
def test_scms_deliveries_after_their_scheduled_date_are_late(tmp_path: Path) -> None:
    run = _run(tmp_path, SCMS_JOB.format(path=SCMS), datetime(2016, 1, 1, tzinfo=ZoneInfo("UTC")), CARRIER_PROMISE)
    counts = run.jobs["overdue"].counts
    source = _scms_frame()
    placeholders = source.filter(
        ~pl.col("PQ First Sent to Client Date").str.contains(r"^\d")
    ).height  # Pre-PQ Process, Date Not Captured
    assert counts["shipments"] == source.height == 10_324
    assert counts["delivered_late"] == 1_186
    states = ("delivered_on_time", "delivered_late", "open_overdue", "open_not_due", "not_chased", "no_due_time")
    assert sum(counts[state] for state in states) == counts["shipments"]
    assert counts["unreadable_promised_at"] == counts["unreadable_delivered_at"] == 0
    assert counts["unreadable_order_time"] == placeholders == 2_681
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"]["overdue"]["counts"]["unreadable_order_time"] == 2_681


@pytest.mark.skipif(not SCMS.exists(), reason="shared/realdata is not beside the repository")
def test_scms_without_date_formats_fails_and_says_which_line_would_read_it(tmp_path: Path) -> None:
    config = SCMS_JOB.format(path=SCMS).split("      date_formats:")[0] + "    sla: sla.yaml\n"
    log = Lines()
    write(tmp_path / "sla.yaml", CARRIER_PROMISE)
    as_of = datetime(2016, 1, 1, tzinfo=ZoneInfo("UTC"))
    run = run_batch(
        load_config(write(tmp_path / "batch.yaml", config)), run_date=as_of.date(), as_of=as_of, reporter=log
    )
    assert run.jobs["overdue"].counts["unreadable_promised_at"] == 10_324
    assert run.exit_code == 1  # a run that read no promise and no delivery has nothing to say: failed, not 0
    assert run.jobs["overdue"].error == (
        'no value of order_time ("PQ First Sent to Client Date", 10,324 values), promised_at ("Scheduled Delivery Date", 10,324 values),'
        ' delivered_at ("Delivered to Client Date", 10,324 values) reads as a date or time: set date_formats for them (see the warnings above)'
    )
    promised = [line for line in log.lines if ": promised_at (column" in line]
    assert promised == [
        'overdue: warning: SCMS_Delivery_History_Dataset.csv: promised_at (column "Scheduled Delivery Date"): 10,324 of 10,324'
        ' values are not dates or times, e.g. "2-Jun-06", "14-Nov-06", "27-Aug-06";'
        ' date_formats: {promised_at: "%d-%b-%y"} would read them'
    ]


@pytest.mark.skipif(not LADE.exists(), reason="shared/realdata is not beside the repository")
def test_lade_year_less_times_all_read_in_the_as_of_year(tmp_path: Path) -> None:
    as_of = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    run = _run(tmp_path, LADE_JOB.format(path=LADE), as_of)
    counts = run.jobs["overdue"].counts
    assert counts["shipments"] == 5_000
    assert counts["unreadable_order_time"] == counts["unreadable_delivered_at"] == 0
    status = pl.read_parquet(run.run_dir / "overdue" / "shipment_status.parquet")
    source = pl.read_csv(LADE, infer_schema=False)
    expected = source.select(
        order_time=("2026-" + pl.col("accept_time"))
        .str.to_datetime("%Y-%m-%d %H:%M:%S")
        .dt.replace_time_zone("Asia/Shanghai"),
        delivered_at=("2026-" + pl.col("delivery_time"))
        .str.to_datetime("%Y-%m-%d %H:%M:%S")
        .dt.replace_time_zone("Asia/Shanghai"),
    )
    assert status.select("order_time", "delivered_at").equals(expected)
    assert status["delivered_at"].null_count() == 0
