"""The overdue job on a real export: olist orders (purchase, carrier hand-over, delivery and
estimated delivery times), no tracking events. Skipped where ../shared/realdata/olist is absent."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.config import load_config
from toolkit.pipeline import run_batch

OLIST = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "olist" / "olist_orders_sample.csv"
BATCH = """\
batch: olist
timezone: Asia/Shanghai
output: out
state: data
jobs:
  overdue:
    kind: flag_overdue
    shipments:
      path: {path}
      columns:            # olist header → canonical column
        order_id: waybill
        order_purchase_timestamp: order_time
        order_delivered_carrier_date: picked_up_at
        order_delivered_customer_date: delivered_at
        order_estimated_delivery_date: promised_at
    sla: sla.yaml
"""
SLA = "delivery:\n  promised: carrier\n  routes: [{days: 10, unit: calendar}]\n"


@pytest.mark.skipif(not OLIST.exists(), reason="real data folder absent")
def test_the_job_runs_on_olist_orders(tmp_path: Path) -> None:
    (tmp_path / "sla.yaml").write_text(SLA, encoding="utf-8")
    config = tmp_path / "olist.yaml"
    config.write_text(BATCH.format(path=OLIST), encoding="utf-8")
    as_of = datetime(2018, 9, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    run = run_batch(load_config(config), run_date=as_of.date(), as_of=as_of)
    record = run.jobs["overdue"]
    assert run.exit_code == 0, record.error
    counts = record.counts
    print("olist:", counts)
    status = pl.read_parquet(tmp_path / "out" / "2018-09-01" / "olist" / "overdue" / "shipment_status.parquet")
    source = pl.read_csv(OLIST, infer_schema=False)
    assert status.height == source.height == counts["shipments"]
    delivered = source.filter(pl.col("order_delivered_customer_date").is_not_null())
    late = delivered.filter(pl.col("order_delivered_customer_date").str.slice(0, 10) > pl.col("order_estimated_delivery_date").str.slice(0, 10))
    assert counts["delivered_late"] >= late.height  # open orders past their date count too
    assert status.filter(pl.col("stage") == "delivered").height == delivered.height
    assert 0 < counts["flagged"] < status.height
