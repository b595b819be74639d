"""The vocabulary and thresholds agree with config/rules/orders.yaml and fit in GBK."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import polars as pl

from tests.support.samples_reference import goods_hits
from toolkit.samples import GeneratedOrders, thresholds, vocab


def test_thresholds_mirror_the_rules_file(rules: dict[str, Any]) -> None:
    limits = rules["limits"]
    assert limits["max_piece_weight_kg"] == thresholds.MAX_PIECE_WEIGHT_KG
    assert limits["max_order_weight_kg"] == thresholds.MAX_ORDER_WEIGHT_KG
    assert limits["max_piece_volume_m3"] == thresholds.MAX_PIECE_VOLUME_M3
    assert limits["max_order_volume_m3"] == thresholds.MAX_ORDER_VOLUME_M3
    assert rules["duplicates"]["window_minutes"] == thresholds.DUPLICATE_WINDOW_MINUTES


def test_served_cities_are_the_clean_destinations(generated: GeneratedOrders, rules: dict[str, Any]) -> None:
    served = [c.name for c in vocab.SERVED_CITIES]
    assert rules["served_cities"] == served
    planted = generated.planted.filter(pl.col("rule") == "destination_not_served")["row"] - 2
    clean = generated.frame.with_row_index("i").filter(~pl.col("i").is_in(planted.implode()))
    assert set(clean["目的地"].str.strip_suffix("市")) <= set(served)
    assert not {c.name for c in vocab.UNSERVED_CITIES} & set(served)


def test_clean_goods_names_pass_the_goods_rules(rules: dict[str, Any]) -> None:
    for goods in vocab.GOODS:
        assert goods_hits(goods.name, rules) == (False, False), goods.name
    for condition in vocab.GOODS_CONDITIONS_NEW:
        assert condition not in rules["used_goods"]["words"]
    for packaging in vocab.PACKAGING:
        assert packaging not in rules["no_packaging"]["words"]


def test_defect_words_trip_their_rule(rules: dict[str, Any]) -> None:
    for name in vocab.PROHIBITED_GOODS:
        assert goods_hits(name, rules) == (True, False), name
    for name in vocab.EMBARGOED_GOODS:
        assert goods_hits(name, rules) == (False, True), name
    accepted = {s for spellings in rules["payment_methods"].values() for s in spellings}
    assert set(vocab.PAYMENT_SPELLINGS) <= accepted
    assert not set(vocab.BAD_PAYMENTS) & accepted
    assert set(vocab.NO_PACKAGING) <= set(rules["no_packaging"]["words"])
    assert set(vocab.GOODS_CONDITIONS_USED) <= set(rules["used_goods"]["words"])


def test_all_generated_text_is_gbk(generated: GeneratedOrders) -> None:
    for column in generated.frame.columns:
        column.encode("gbk")
        "\n".join(generated.frame[column].to_list()).encode("gbk")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name))


def test_all_vocabulary_is_gbk() -> None:
    texts = [text for value in vars(vocab).values() for text in _strings(value)]
    assert len(texts) > 300
    "".join(texts).encode("gbk")
