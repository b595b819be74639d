"""Clean rows trip no rule, planted rows trip exactly their one rule: checked with the plain-Python
reading of the rules in samples_reference, not with the generator's own logic."""

from __future__ import annotations

from typing import Any

import polars as pl

from tests.support.samples_reference import Finding, findings, goods_hits, parse_number, parse_pieces, valid_phone
from toolkit.samples import GeneratedOrders


def _planted(generated: GeneratedOrders) -> set[Finding]:
    return {Finding(*r) for r in generated.planted.select("row", "rule", "column").iter_rows()}


def _clean(rows: list[dict[str, str]], generated: GeneratedOrders) -> list[dict[str, str]]:
    planted = set(generated.planted["row"])
    return [r for i, r in enumerate(rows) if i + 2 not in planted]


def test_findings_are_exactly_the_planted_defects(
    generated: GeneratedOrders, rows: list[dict[str, str]], rules: dict[str, Any]
) -> None:
    found = findings(rows, rules)
    assert found - _planted(generated) == set(), "clean rows or extra rules tripped"
    assert _planted(generated) - found == set(), "planted defects not found"


def test_clean_rows_within_limits(
    generated: GeneratedOrders, rows: list[dict[str, str]], rules: dict[str, Any]
) -> None:
    limits = rules["limits"]
    for row in _clean(rows, generated):
        pieces = parse_pieces(row["pieces"].strip())
        weight = parse_number(row["weight_kg"].strip())
        volume = parse_number(row["volume_m3"].strip())
        assert pieces is not None and weight is not None and volume is not None
        assert pieces > 0 and weight > 0 and volume > 0
        assert weight <= limits["max_order_weight_kg"] and weight / pieces <= limits["max_piece_weight_kg"]
        assert volume <= limits["max_order_volume_m3"] and volume / pieces <= limits["max_piece_volume_m3"]


def test_clean_goods_payment_and_phones(
    generated: GeneratedOrders, rows: list[dict[str, str]], rules: dict[str, Any]
) -> None:
    accepted = {s for spellings in rules["payment_methods"].values() for s in spellings}
    for row in _clean(rows, generated):
        assert goods_hits(row["goods_name"], rules) == (False, False), row["goods_name"]
        assert row["payment_method"] in accepted
        assert valid_phone(row["shipper_phone"]) and valid_phone(row["consignee_phone"])


def test_messy_but_valid_cells_are_present(generated: GeneratedOrders) -> None:
    frame = generated.frame
    phones = pl.concat([frame["发货人电话"], frame["收货人电话"]])
    for pattern in (
        r"^1\.\d+E10$",
        r"^1\d{10}\.0$",
        "^[０-９]{11}$",
        r"^\+86 1\d\d \d{4} \d{4}$",
        r"^1\d\d-\d{4}-\d{4}$",
        r"^0\d{2,3}-\d{7,8}$",
        r"^ |\s$",
    ):
        assert phones.str.contains(pattern).any(), pattern
    for pattern in (
        r"^\d{4}-\d\d-\d\d \d\d:\d\d$",
        r"^\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d\d$",
        r"^\d{4}年\d\d月\d\d日 \d\d:\d\d$",
        r"^4\d{4}\.\d+$",
    ):
        assert frame["下单时间"].str.contains(pattern).any(), pattern
    assert frame["重量"].str.contains("公斤$").any() and frame["重量"].str.contains(r"^\d,\d{3}").any()
    assert frame["件数"].str.contains("件$").any()
    assert frame["目的地"].str.contains("市$").any()
    assert frame["货物名称"].is_in(["液体硅胶", "枪式钉", "电池盒"]).any()


def test_clean_used_goods_have_no_declared_value(
    generated: GeneratedOrders, rows: list[dict[str, str]], rules: dict[str, Any]
) -> None:
    used = [r for r in _clean(rows, generated) if r["goods_condition"] in rules["used_goods"]["words"]]
    assert used, "clean rows should include used goods"
    assert all(r["declared_value"] in ("", "0") for r in used)
