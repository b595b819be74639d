"""Each intake rule, shown on a small table of orders as a team would type them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.calendar import WorkCalendar
from toolkit.orders.ruleset import OrderRules
from toolkit.orders.validate import ValidationResult, validate_orders

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=TZ)
CLEAN = {
    "order_id": "A001",
    "order_time": "2026-11-20 10:05",
    "shipper_name": "王先生",
    "shipper_phone": "13812343212",
    "pickup_address": "杭州市西湖区文三路100号",
    "goods_name": "配件",
    "pieces": "5",
    "weight_kg": "20",
    "volume_m3": "0.2",
    "goods_condition": "新",
    "packaging": "纸箱",
    "declared_value": "",
    "destination": "杭州",
    "consignee_name": "马先生",
    "consignee_phone": "13900000000",
    "consignee_address": "杭州市滨江区江南大道1号",
    "payment_method": "现付",
    "pickup_fee": "100",
    "delivery_fee": "",
    "branch": "杭州西湖营业所",
    "agent_id": "8011",
}


def check(*changes: dict[str, str], rules: OrderRules | None = None, locale: str = "zh_CN") -> ValidationResult:
    """Validate one clean order per `changes`, each with those cells changed (ids A001, A002…)."""
    rows = [
        {**CLEAN, "order_id": f"A{i + 1:03d}", "shipper_phone": f"1381234{i:04d}", **change}
        for i, change in enumerate(changes)
    ]
    frame = pl.LazyFrame(rows).with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    return validate_orders(frame, rules or OrderRules(), as_of=AS_OF, calendar=WorkCalendar(), locale=locale)


def rules_found(result: ValidationResult) -> list[tuple[int, str, str]]:
    return [(r["row"], r["rule"], r["column"]) for r in result.findings.iter_rows(named=True)]


def test_a_clean_order_is_accepted_with_typed_columns() -> None:
    result = check({})
    assert result.findings.is_empty() and result.rejected.is_empty()
    order = result.valid.row(0, named=True)
    assert order["order_time"] == datetime(2026, 11, 20, 10, 5, tzinfo=TZ)
    assert (order["pieces"], order["weight_kg"], order["payment_method"]) == (5, 20.0, "现付")
    assert order["review_by"] == datetime(2026, 11, 20, 10, 35, tzinfo=TZ)
    assert order["needs_call"] is False


@pytest.mark.parametrize(
    ("change", "rule", "column"),
    [
        ({"consignee_name": "  "}, "required", "consignee_name"),
        ({"order_time": "2026-02-30 10:00"}, "not_a_date", "order_time"),
        ({"weight_kg": "二十"}, "not_a_number", "weight_kg"),
        ({"pieces": "2.5"}, "not_an_integer", "pieces"),
        ({"shipper_phone": "1381234567"}, "invalid_phone", "shipper_phone"),
        ({"consignee_phone": "62345678"}, "invalid_phone", "consignee_phone"),
        ({"volume_m3": "0"}, "non_positive", "volume_m3"),
        ({"pieces": "1", "weight_kg": "600"}, "piece_overweight", "weight_kg"),
        ({"pieces": "20", "weight_kg": "6000"}, "order_overweight", "weight_kg"),
        ({"pieces": "1", "volume_m3": "4"}, "piece_oversize", "volume_m3"),
        ({"pieces": "20", "volume_m3": "40"}, "order_oversize", "volume_m3"),
        ({"goods_name": "充电宝 20000mAh"}, "prohibited_goods", "goods_name"),
        ({"goods_name": "活体动物"}, "embargoed", "goods_name"),
        ({"packaging": "裸装"}, "no_packaging", "packaging"),
        ({"payment_method": "支付宝"}, "bad_payment_method", "payment_method"),
        ({"order_time": "2099-01-01 10:00"}, "future_order_time", "order_time"),
    ],
)
def test_each_refusing_rule_names_row_column_and_value(change: dict[str, str], rule: str, column: str) -> None:
    result = check({}, change)
    assert rules_found(result) == [(3, rule, column)]
    assert result.rejected["_row"].to_list() == [3]
    finding = result.findings.row(0, named=True)
    assert finding["record_id"] == "A002"
    assert finding["value"] == (change.get(column) or "").strip()
    assert finding["severity"] == "error"


def test_messages_are_chinese_by_default_and_english_on_request() -> None:
    change = {"pieces": "1", "weight_kg": "600"}
    assert check(change).findings["message"][0] == "单件重量超过500公斤（超重）"
    assert check(change, locale="en").findings["message"][0] == "a piece weighs more than 500 kg (overweight)"


def test_used_goods_with_a_declared_value_is_accepted_but_needs_a_call() -> None:
    result = check({"goods_condition": "旧货", "declared_value": "800"}, {"goods_condition": "旧货"})
    assert rules_found(result) == [(2, "used_goods_insured", "declared_value")]
    assert result.valid["needs_call"].to_list() == [True, False]
    assert result.valid["warnings"].to_list() == [["used_goods_insured"], []]


def test_the_allow_list_clears_names_that_only_look_prohibited() -> None:
    result = check(
        {"goods_name": "液体硅胶"},
        {"goods_name": "液体硅胶 + 锂电池"},
        rules=OrderRules(prohibited_goods={"words": ["液体", "锂电池"], "allow": ["液体硅胶"]}),
    )
    assert rules_found(result) == [(3, "prohibited_goods", "goods_name")]


def test_payment_methods_accept_english_aliases_and_become_canonical() -> None:
    result = check({"payment_method": "Cash"}, {"payment_method": "collect"}, {"payment_method": "monthly"})
    assert result.valid["payment_method"].to_list() == ["现付", "到付", "月结"]


def test_a_repeated_order_id_refuses_the_later_row_only() -> None:
    result = check({"order_id": "X1"}, {}, {"order_id": "X1"})
    assert rules_found(result) == [(4, "duplicate_order_id", "order_id")]


def test_same_shipper_consignee_and_goods_within_the_window_is_a_possible_duplicate() -> None:
    same = {"shipper_phone": "13812349999"}
    result = check(
        {**same, "order_time": "2026-11-20 10:05"},
        {**same, "order_time": "2026-11-20 10:25"},  # 20 minutes later: flagged
        {**same, "order_time": "2026-11-20 11:30"},  # 65 minutes after the previous: not flagged
    )
    assert rules_found(result) == [(3, "possible_duplicate", "order_id")]
    assert result.rejected.is_empty()


def test_destinations_outside_the_served_cities_are_refused() -> None:
    rules = OrderRules(served_cities=["杭州", "上海市"])
    result = check({"destination": "杭州市"}, {"destination": "上海"}, {"destination": "拉萨"}, rules=rules)
    assert rules_found(result) == [(4, "destination_not_served", "destination")]


def test_messy_excel_cells_are_accepted() -> None:
    result = check(
        {"shipper_phone": "1.3812345678E10", "order_time": "2026/11/20 9:05"},
        {"shipper_phone": "１３８１２３４５６７９", "order_time": "2026年11月20日 09:05", "weight_kg": "20公斤"},
        {"consignee_phone": "010-62345678", "order_time": "46346.378472", "pieces": "5件"},
    )
    assert result.findings.is_empty(), result.findings
    assert result.valid["shipper_phone"].to_list()[:2] == ["13812345678", "13812345679"]


def test_review_deadline_follows_the_working_calendar() -> None:
    result = check(
        {"order_time": "2026-11-20 10:05"},  # Friday, working hours: +30 minutes
        {"order_time": "2026-11-20 16:50"},  # 20 minutes spill into Monday morning
        {"order_time": "2026-11-20 22:00"},  # Friday night: Monday 08:30
        {"order_time": "2026-09-30 18:00"},  # eve of National Day: Oct 8, the first working day
    )
    assert result.valid["review_by"].to_list() == [
        datetime(2026, 11, 20, 10, 35, tzinfo=TZ),
        datetime(2026, 11, 23, 8, 50, tzinfo=TZ),
        datetime(2026, 11, 23, 8, 30, tzinfo=TZ),
        datetime(2026, 10, 8, 8, 30, tzinfo=TZ),
    ]


def test_every_row_is_either_accepted_or_rejected() -> None:
    result = check({}, {"pieces": "0"}, {"goods_condition": "旧", "declared_value": "10"}, {"shipper_name": ""})
    assert result.rows_in == 4
    assert sorted(result.valid["_row"].to_list() + result.rejected["_row"].to_list()) == [2, 3, 4, 5]
    assert result.counts() == {"rows_in": 4, "accepted": 2, "rejected": 2, "accepted_with_warnings": 1, "findings": 3}


def test_a_rule_file_naming_an_unknown_rule_is_a_config_error(tmp_path) -> None:
    from toolkit.config import load_model
    from toolkit.errors import ConfigError

    path = tmp_path / "orders.yaml"
    path.write_text("severity:\n  posible_duplicate: error\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_model(path, OrderRules)
    assert "severity: unknown rule(s) posible_duplicate" in caught.value.one_line()
    assert caught.value.one_line().startswith(f"{path}:1:1: ")


def test_unreadable_order_times_are_counted_whether_their_rows_are_refused_or_only_warned() -> None:
    changes = ({"order_time": "Date Not Captured"}, {"order_time": "22/11/2026 09:05"}, {"order_time": ""}, {})
    for rules in (OrderRules(), OrderRules.model_validate({"severity": {"not_a_date": "warning"}})):
        (order_time,) = check(*changes, rules=rules).unreadable
        assert (order_time.field, order_time.count, order_time.filled) == ("order_time", 2, 3)
        assert order_time.samples == ("Date Not Captured", "22/11/2026 09:05")
