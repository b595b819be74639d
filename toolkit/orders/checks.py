"""The order checks (核单) of DOMAIN.md section 1: each registered with its id, default severity
and message, and turned into polars rules from the team's rule file."""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.fields import Kind
from toolkit.i18n import Text
from toolkit.io import cells
from toolkit.orders.fields import FIELDS_BY_NAME, ORDER_FIELDS
from toolkit.orders.ruleset import OrderRules
from toolkit.fields import ROW
from toolkit.rules import Check, Rule, raw

CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check("required", "error", Text("{label}为空", "{label} is empty")),
        Check("not_a_date", "error", Text("{label}不是有效的日期时间", "{label} is not a valid date and time")),
        Check("not_a_number", "error", Text("{label}不是有效的数字", "{label} is not a valid number")),
        Check("not_an_integer", "error", Text("{label}不是整数", "{label} is not a whole number")),
        Check("invalid_phone", "error", Text("{label}不是有效的手机号或带区号的座机号", "{label} is not a valid mobile or landline with area code")),
        Check("non_positive", "error", Text("{label}必须大于0", "{label} must be greater than 0")),
        Check("piece_overweight", "error", Text("单件重量超过{limit}公斤（超重）", "a piece weighs more than {limit} kg (overweight)")),
        Check("order_overweight", "error", Text("订单总重量超过{limit}公斤（超重）", "the order weighs more than {limit} kg (overweight)")),
        Check("piece_oversize", "error", Text("单件体积超过{limit}方（超长超大）", "a piece is larger than {limit} m³ (oversize)")),
        Check("order_oversize", "error", Text("订单总体积超过{limit}方（超长超大）", "the order is larger than {limit} m³ (oversize)")),
        Check("prohibited_goods", "error", Text("违禁品，不予承运", "prohibited goods: refused")),
        Check("embargoed", "error", Text("禁运，不予承运", "embargoed: refused")),
        Check("no_packaging", "error", Text("裸装货物，不予承运", "goods without packaging: refused")),
        Check("used_goods_insured", "warning", Text("旧货不予保价，请联系客户取消保价", "used goods cannot be insured: call the customer")),
        Check("bad_payment_method", "error", Text("付款方式只能是{allowed}", "payment method must be one of {allowed}")),
        Check("duplicate_order_id", "error", Text("订单号重复，前面已有同号订单", "duplicate order id: an earlier row has the same id")),
        Check("possible_duplicate", "warning", Text("疑似重复下单：{minutes}分钟内同一发货人、收货人和货物", "possible duplicate: same shipper, consignee and goods within {minutes} minutes")),
        Check("destination_not_served", "error", Text("目的地不在服务范围内", "destination is not served")),
        Check("future_order_time", "error", Text("下单时间晚于当前时间", "order time is in the future")),
    )
}

_NOT_PARSED = {Kind.DATETIME: "not_a_date", Kind.NUMBER: "not_a_number", Kind.INTEGER: "not_an_integer"}


def _city(expr: pl.Expr) -> pl.Expr:
    """`杭州市` and `杭州` name the same city."""
    return expr.str.strip_chars().str.strip_suffix("市")


def _allowed_spellings(rules: OrderRules) -> dict[str, str]:
    """Lower-cased accepted spelling → canonical payment method."""
    return {s.strip().lower(): method for method, spellings in rules.payment_methods.items() for s in [method, *spellings]}


def canonical_payment(rules: OrderRules) -> pl.Expr:
    spelling = pl.col(raw("payment_method")).str.to_lowercase()
    table = _allowed_spellings(rules)
    return spelling.replace_strict(list(table), list(table.values()), default=None, return_dtype=pl.String)


def review_by(calendar: WorkCalendar, day_minutes: int) -> pl.Expr:
    """When the order must be checked: within `day_minutes` of working time for orders in working
    hours; first thing the next working morning for night and holiday orders."""
    moment = pl.col("order_time")
    return (
        pl.when(calendar.is_working_time(moment))
        .then(calendar.add_working_minutes(moment, day_minutes))
        .otherwise(calendar.next_work_start(moment))
    )


def build_rules(rules: OrderRules, *, as_of: datetime, locale: str) -> list[Rule]:
    """Every rule of the rule file as a polars expression over the parsed order frame."""
    severity = rules.severity

    def rule(check_id: str, column: str, failed: pl.Expr, **values: object) -> Rule:
        return CHECKS[check_id].rule(column, failed, locale, severity.get(check_id), **values)

    def label(name: str) -> str:
        return FIELDS_BY_NAME[name].label(locale)

    built: list[Rule] = []
    for name in rules.required:
        built.append(rule("required", name, pl.col(raw(name)).is_null(), label=label(name)))
    for field in ORDER_FIELDS:
        if field.kind in _NOT_PARSED:
            failed = pl.col(raw(field.name)).is_not_null() & pl.col(field.name).is_null()
            built.append(rule(_NOT_PARSED[field.kind], field.name, failed, label=label(field.name)))
        if field.kind is Kind.PHONE:
            phone = pl.col(raw(field.name))
            failed = phone.is_not_null() & cells.phone_kind(pl.col(field.name)).is_null()
            built.append(rule("invalid_phone", field.name, failed, label=label(field.name)))
    for name in ("pieces", "weight_kg", "volume_m3"):
        built.append(rule("non_positive", name, pl.col(name) <= 0, label=label(name)))

    limits = rules.limits
    pieces, weight, volume = pl.col("pieces"), pl.col("weight_kg"), pl.col("volume_m3")
    countable = pieces > 0
    built += [
        rule("piece_overweight", "weight_kg", countable & (weight / pieces > limits.max_piece_weight_kg), limit=f"{limits.max_piece_weight_kg:g}"),
        rule("order_overweight", "weight_kg", weight > limits.max_order_weight_kg, limit=f"{limits.max_order_weight_kg:g}"),
        rule("piece_oversize", "volume_m3", countable & (volume / pieces > limits.max_piece_volume_m3), limit=f"{limits.max_piece_volume_m3:g}"),
        rule("order_oversize", "volume_m3", volume > limits.max_order_volume_m3, limit=f"{limits.max_order_volume_m3:g}"),
    ]

    goods = pl.col("goods_name")
    prohibited = rules.prohibited_goods
    if words := prohibited.all_words():
        checked = goods.str.replace_many(prohibited.allow, [""] * len(prohibited.allow)) if prohibited.allow else goods
        built.append(rule("prohibited_goods", "goods_name", checked.str.contains_any(words)))
    if rules.embargoed.goods:
        built.append(rule("embargoed", "goods_name", goods.str.contains_any(rules.embargoed.goods)))
    if rules.embargoed.destinations:
        embargoed_cities = [c.removesuffix("市") for c in rules.embargoed.destinations]
        built.append(rule("embargoed", "destination", _city(pl.col("destination")).is_in(embargoed_cities)))
    built.append(rule("no_packaging", "packaging", pl.col("packaging").is_in(rules.no_packaging.words)))
    used = pl.col("goods_condition").str.to_lowercase().is_in([w.lower() for w in rules.used_goods.words])
    built.append(rule("used_goods_insured", "declared_value", used & (pl.col("declared_value") > 0)))

    payment_given = pl.col(raw("payment_method")).is_not_null()
    built.append(rule("bad_payment_method", "payment_method", payment_given & pl.col("payment_method").is_null(), allowed="/".join(rules.payment_methods)))

    order_id = pl.col("order_id")
    built.append(rule("duplicate_order_id", "order_id", order_id.is_not_null() & ~order_id.is_first_distinct()))
    built.append(rule("possible_duplicate", "order_id", pl.col(POSSIBLE_DUPLICATE), minutes=rules.duplicates.window_minutes))

    if rules.served_cities:
        served = [c.removesuffix("市") for c in rules.served_cities]
        destination = pl.col("destination")
        built.append(rule("destination_not_served", "destination", destination.is_not_null() & ~_city(destination).is_in(served)))

    latest = as_of + timedelta(minutes=rules.future_tolerance_minutes)
    built.append(rule("future_order_time", "order_time", pl.col("order_time") > pl.lit(latest)))
    return built


DUPLICATE_KEYS = ("shipper_phone", "consignee_phone", "goods_name")
POSSIBLE_DUPLICATE = "_possible_duplicate"


def mark_possible_duplicates(orders: pl.LazyFrame, window_minutes: int) -> pl.LazyFrame:
    """Add `_possible_duplicate`: same shipper phone, consignee phone and goods as the order
    just before it (by time, then row), within the window, under another order id.

    One sort by (keys, time, row) and a comparison with the previous row, then back to file
    order: about four times faster than `shift().over(keys)`, which sorts within every group.
    `orders` must be in file order (`_row` ascending), as `read_table` gives it.
    """
    keys = list(DUPLICATE_KEYS)
    time, order_id = pl.col("order_time"), pl.col("order_id")
    flags = (
        orders.select(ROW, "order_time", "order_id", *keys)
        .sort(*keys, "order_time", ROW)
        .select(
            ROW,
            pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in keys)  # null keys never match
            .and_(time - time.shift(1) <= timedelta(minutes=window_minutes))
            .and_(order_id.shift(1) != order_id)
            .alias(POSSIBLE_DUPLICATE),
        )
        .sort(ROW)
        .select(POSSIBLE_DUPLICATE)
    )
    return pl.concat([orders, flags], how="horizontal")
