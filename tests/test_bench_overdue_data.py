"""The benchmark data generator (bench/overdue_data.py), at a small size."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import classify_events, unknown_statuses

SCRIPT = REPO / "bench" / "overdue_data.py"


@pytest.fixture(scope="module")
def overdue_data():
    spec = importlib.util.spec_from_file_location("overdue_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["overdue_data"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("overdue_data", None)


@pytest.fixture(scope="module")
def data(overdue_data):
    return overdue_data.generate(shipments=4_000, events=20_000, seed=5)


def test_sizes_and_columns(data) -> None:
    ships, events = data
    assert ships.height == 4_000 and events.height == 20_000
    assert events.columns == ["waybill", "event_time", "status", "location"]
    assert ships["waybill"].n_unique() == 4_000
    assert set(events["waybill"]) <= set(ships["waybill"])
    assert 0 < ships.height - events["waybill"].n_unique() < 120  # about 1% have no events


def test_the_same_seed_gives_the_same_data(overdue_data, data) -> None:
    ships, events = overdue_data.generate(shipments=4_000, events=20_000, seed=5)
    assert ships.equals(data[0]) and events.equals(data[1])
    assert not overdue_data.generate(shipments=4_000, events=20_000, seed=6)[1].equals(events)


def test_disorder_duplicates_and_late_scans(overdue_data, data) -> None:
    _, events = data
    assert events.is_duplicated().sum() == 2 * 200  # 1% duplicated, each next to its original
    backwards = events.with_columns(back=pl.col("event_time").diff().over("waybill") < 0)["back"].sum()
    assert backwards > 100  # events out of time order inside their waybill
    assert events["event_time"].max() < overdue_data.AS_OF


def test_every_stage_is_there_and_only_the_planted_statuses_are_unknown(overdue_data, data) -> None:
    _, events = data
    classified = classify_events(events.lazy(), load_preset("generic").vocabulary()).collect()
    stages = set(classified["stage"].drop_nulls())
    assert stages == {"created", "picked_up", "in_transit", "at_hub", "out_for_delivery", "awaiting_collection",
                      "failed_attempt", "exception", "returned", "delivered"}  # fmt: skip
    assert set(classified["reason"].drop_nulls()) == {"delay", "lost", "damaged", "address_problem", "refused"}
    unknown = unknown_statuses(classified)
    assert 0 < unknown["count"].sum() < 40
    planted = ("物流信息同步中", "【系统】路由节点", "订单信息已推送至仓储系统")
    assert all(text.startswith(planted) for text in unknown["status"])


def test_files_are_written_as_csv_and_parquet(overdue_data, data, tmp_path: Path) -> None:
    where = overdue_data.paths(4_000, 20_000, 5, root=tmp_path)
    overdue_data.write(*data, where)
    events = pl.read_csv(where.events_csv, try_parse_dates=True)
    assert events.equals(pl.read_parquet(where.events_parquet))
    assert pl.read_parquet(where.shipments_parquet).equals(data[0])
