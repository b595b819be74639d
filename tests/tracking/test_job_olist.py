"""The overdue job on a real export: olist orders (purchase, carrier hand-over, delivery and
estimated delivery times, order status), no tracking events. Skipped where
../shared/realdata/olist is absent."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REALDATA
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

OLIST = REALDATA / "olist" / "olist_orders_sample.csv"
BATCH = """\
batch: olist
timezone: {timezone}
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
{more}    sla: sla.yaml
"""
STATUS = "        order_status: status\n"
SLA = "delivery:\n  promised: carrier\n  routes: [{{days: 10, unit: calendar}}]\n  promise_time: {promise_time}\n"
AS_OF = datetime(2018, 9, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
needs_olist = pytest.mark.skipif(not OLIST.exists(), reason="real data folder absent")


def _run(
    folder: Path, *, status: bool, promise_time: str = "end_of_day", timezone: str = "Asia/Shanghai"
) -> tuple[dict[str, int], Path]:
    (folder / "sla.yaml").write_text(SLA.format(promise_time=promise_time), encoding="utf-8")
    config = folder / "olist.yaml"
    config.write_text(BATCH.format(path=OLIST, more=STATUS if status else "", timezone=timezone), encoding="utf-8")
    as_of = AS_OF.replace(tzinfo=ZoneInfo(timezone))
    run = run_batch(load_config(config), run_date=as_of.date(), as_of=as_of)
    record = run.jobs["overdue"]
    assert run.exit_code == 0, record.error
    return record.counts, folder / "out" / "2018-09-01" / "olist" / "overdue"


def _late_by_plain_polars(exact: bool) -> int:
    """Orders with status delivered whose delivery is after the estimated date (its end, or 00:00)."""
    times = (
        pl.read_csv(OLIST, infer_schema=False)
        .filter(pl.col("order_status") == "delivered")
        .select(
            delivered=pl.col("order_delivered_customer_date").str.to_datetime(),
            promised=pl.col("order_estimated_delivery_date").str.to_datetime(),
        )
    )
    late = (
        pl.col("delivered") > pl.col("promised")
        if exact
        else pl.col("delivered").dt.date() > pl.col("promised").dt.date()
    )
    return times.filter(late).height


@needs_olist
def test_the_job_runs_on_olist_orders(tmp_path: Path) -> None:
    counts, out = _run(tmp_path, status=False)
    status = pl.read_parquet(out / "shipment_status.parquet")
    source = pl.read_csv(OLIST, infer_schema=False)
    assert status.height == source.height == counts["shipments"]
    delivered = source.filter(pl.col("order_delivered_customer_date").is_not_null())
    late = delivered.filter(
        pl.col("order_delivered_customer_date").str.slice(0, 10)
        > pl.col("order_estimated_delivery_date").str.slice(0, 10)
    )
    # without the status column the 6 cancelled orders with a delivery time count as delivered
    assert counts["delivered_late"] == late.height == 1_959
    assert counts["delivered_late"] + counts["delivered_on_time"] == delivered.height
    assert (
        counts["open_overdue"] + counts["open_not_due"] == source.height - delivered.height
        and counts["not_chased"] == 0
    )
    assert counts["no_events"] == source.height  # no tracking export at all
    assert status.filter(pl.col("stage") == "delivered").height == delivered.height
    assert 0 < counts["flagged"] < status.height


@needs_olist
@pytest.mark.parametrize(("promise_time", "late"), [("end_of_day", 1_958), ("exact", 2_336)])
def test_olist_delivered_late_by_the_promise_time(tmp_path: Path, promise_time: str, late: int) -> None:
    counts, out = _run(tmp_path, status=True, promise_time=promise_time)
    assert counts["delivered_late"] == late == _late_by_plain_polars(exact=promise_time == "exact")
    assert (counts["status_cancelled"], counts["status_closed"], counts["not_chased"]) == (625, 609, 1_234)
    assert counts["unknown_shipment_statuses"] == 0
    assert counts["status_delivered"] == 29_307 and counts["status_in_transit"] == 1_107  # shipped
    assert counts["status_created"] == 2 + 314 + 301 + 5  # approved, invoiced, processing, created
    worklist = pl.read_parquet(out / "worklist.parquet").select("waybill")
    closed = pl.read_csv(OLIST, infer_schema=False).filter(pl.col("order_status").is_in(["canceled", "unavailable"]))
    assert closed.height == 1_234 and worklist.join(closed, left_on="waybill", right_on="order_id").height == 0


@needs_olist
def test_olist_in_its_own_time_zone_with_daylight_saving(tmp_path: Path) -> None:
    """America/Sao_Paulo repeats an hour each February and skips one each November: due times
    on those nights follow toolkit.timezones' rule instead of ending the run in a traceback."""
    counts, out = _run(tmp_path, status=True, timezone="America/Sao_Paulo")
    status = pl.read_parquet(out / "shipment_status.parquet")
    source = pl.read_csv(OLIST, infer_schema=False)
    assert status.height == source.height == counts["shipments"]
    assert status["delivered_at"].null_count() == source["order_delivered_customer_date"].null_count()
    assert status["order_time"].null_count() == 0 and status["delivery_due"].null_count() == 0
