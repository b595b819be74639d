"""generate_orders: determinism, shape, and the planted defects."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from tests.support.samples_reference import parse_time
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.samples import GeneratedOrders, generate_orders
from toolkit.samples.defects import PLANTERS

ALL_RULES = set(PLANTERS)


def test_rule_ids_are_the_validators() -> None:
    assert {
        "required",
        "not_a_date",
        "not_a_number",
        "not_an_integer",
        "invalid_phone",
        "non_positive",
        "piece_overweight",
        "order_overweight",
        "piece_oversize",
        "order_oversize",
        "prohibited_goods",
        "embargoed",
        "no_packaging",
        "used_goods_insured",
        "bad_payment_method",
        "duplicate_order_id",
        "possible_duplicate",
        "destination_not_served",
        "future_order_time",
    } == ALL_RULES


def test_same_seed_same_data(generated: GeneratedOrders) -> None:
    again = generate_orders(len(generated.frame))
    assert again.frame.equals(generated.frame)
    assert again.planted.equals(generated.planted)


def test_other_seed_other_data(generated: GeneratedOrders) -> None:
    assert not generate_orders(len(generated.frame), seed=8).frame.equals(generated.frame)


def test_columns_are_the_chinese_headers_and_all_text(generated: GeneratedOrders) -> None:
    assert generated.frame.columns == [f.label_zh for f in ORDER_FIELDS]
    assert set(generated.frame.dtypes) == {pl.String}
    assert generated.frame.null_count().sum_horizontal().item() == 0


def test_planted_schema(generated: GeneratedOrders) -> None:
    assert generated.planted.schema == pl.Schema(
        {"row": pl.Int64, "order_id": pl.String, "rule": pl.String, "column": pl.String}
    )
    canonical = {f.name for f in ORDER_FIELDS}
    assert set(generated.planted["column"]) <= canonical
    assert generated.planted["row"].is_sorted()


def test_planted_rows_point_at_their_order(generated: GeneratedOrders) -> None:
    ids = generated.frame["订单号"]
    for row, order_id in generated.planted.select("row", "order_id").iter_rows():
        assert ids[row - 2] == order_id


def test_every_rule_planted_at_least_three_times(generated: GeneratedOrders) -> None:
    counts = dict(generated.planted["rule"].value_counts().iter_rows())
    assert set(counts) == ALL_RULES
    assert min(counts.values()) >= 3


def test_one_defect_per_defective_row(generated: GeneratedOrders) -> None:
    assert generated.planted["row"].is_unique().all()


def test_defect_share(generated: GeneratedOrders) -> None:
    share = len(generated.planted) / len(generated.frame)
    assert 0.06 <= share <= 0.10
    assert len(generate_orders(1000, seed=3, defect_share=0.02).planted) == 20


def test_duplicate_order_id_repeats_the_whole_earlier_row(generated: GeneratedOrders) -> None:
    frame = generated.frame
    dups = generated.planted.filter(pl.col("rule") == "duplicate_order_id")
    planted_rows = set(generated.planted["row"])
    for row in dups["row"]:
        later = frame.row(row - 2)
        earlier = [i for i in range(row - 2) if frame["订单号"][i] == later[0]]
        assert len(earlier) == 1
        assert frame.row(earlier[0]) == later
        assert earlier[0] + 2 not in planted_rows  # the earlier row is clean


def test_possible_duplicate_repeats_the_earlier_order_minutes_later(generated: GeneratedOrders) -> None:
    frame = generated.frame
    planted_rows = set(generated.planted["row"])
    dups = generated.planted.filter(pl.col("rule") == "possible_duplicate")
    for row in dups["row"]:
        later = frame.row(row - 2, named=True)
        earlier = frame.row(row - 3, named=True)
        assert row - 1 not in planted_rows
        assert later["订单号"] != earlier["订单号"]
        for header in ("发货人电话", "收货人电话", "货物名称"):
            assert later[header] == earlier[header]
        gap = parse_time(later["下单时间"]) - parse_time(earlier["下单时间"])
        assert 0 < gap.total_seconds() / 60 < 30


def test_order_times_span_day_night_weekend_holiday(rows: list[dict[str, str]]) -> None:
    times = [t for t in (parse_time(r["order_time"]) for r in rows) if t is not None and t.year == 2026]
    assert min(times) >= datetime(2026, 9, 24) and max(times) < datetime(2026, 10, 13)
    days = {t.date() for t in times}
    assert datetime(2026, 10, 10).date() in days  # swapped working Saturday
    assert any(t.month == 10 and 1 <= t.day <= 7 for t in times)  # National Day holiday
    assert any(t.weekday() == 6 for t in times)
    assert any(t.hour >= 17 for t in times) and any(t.hour < 8 for t in times)


def test_small_and_empty_samples() -> None:
    assert generate_orders(0).frame.height == 0
    assert generate_orders(0).planted.height == 0
    one = generate_orders(1)
    assert one.frame.height == 1 and one.planted.height == 0
