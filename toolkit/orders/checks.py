"""The order checks (核单) of docs/DOMAIN.md §1, each declared once: its id, default severity,
message, and the failures it finds in the parsed order frame under the team's rule file. The
order of the declarations is the order of a row's findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.fields import ROW, Kind
from toolkit.i18n import Text
from toolkit.io import cells
from toolkit.orders.check_registry import CheckRegistry, Failure
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.orders.settings import OrderSettings
from toolkit.rules import Rule, raw

CHECKS = CheckRegistry()
"""Every order check by id, as declared below."""
order_check = CHECKS.declare


def _city(expr: pl.Expr) -> pl.Expr:
    """`杭州市` and `杭州` name the same city."""
    return expr.str.strip_chars().str.strip_suffix("市")


def _allowed_spellings(rules: OrderSettings) -> dict[str, str]:
    """Lower-cased accepted spelling → canonical payment method."""
    return {
        s.strip().lower(): method for method, spellings in rules.payment_methods.items() for s in [method, *spellings]
    }


def canonical_payment(rules: OrderSettings) -> pl.Expr:
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


def _unread(kind: Kind, read: Callable[[pl.Expr], pl.Expr] = lambda parsed: parsed) -> Iterator[Failure]:
    """A value typed into a field of `kind` that does not `read` as one (the parsed cell is null)."""
    for field in ORDER_FIELDS:
        if field.kind is kind:
            yield Failure(field.name, pl.col(raw(field.name)).is_not_null() & read(pl.col(field.name)).is_null())


def _per_piece(column: str, limit: float) -> Failure:
    """More than `limit` a piece, where the pieces can be counted."""
    pieces = pl.col("pieces")
    return Failure(column, (pieces > 0) & (pl.col(column) / pieces > limit), {"limit": f"{limit:g}"})


def _over(column: str, limit: float) -> Failure:
    return Failure(column, pl.col(column) > limit, {"limit": f"{limit:g}"})


@order_check("required", "error", Text("{label}为空", "{label} is empty"))
def required(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    for name in rules.required:
        yield Failure(name, pl.col(raw(name)).is_null())


@order_check(
    "not_a_date", "error", Text("{label}不是有效的日期时间", "{label} is not a valid date and time"), by_field=True
)
def not_a_date(rules: OrderSettings, as_of: datetime) -> Iterable[Failure]:
    return _unread(Kind.DATETIME)


@order_check("not_a_number", "error", Text("{label}不是有效的数字", "{label} is not a valid number"), by_field=True)
def not_a_number(rules: OrderSettings, as_of: datetime) -> Iterable[Failure]:
    return _unread(Kind.NUMBER)


@order_check("not_an_integer", "error", Text("{label}不是整数", "{label} is not a whole number"), by_field=True)
def not_an_integer(rules: OrderSettings, as_of: datetime) -> Iterable[Failure]:
    return _unread(Kind.INTEGER)


@order_check(
    "invalid_phone",
    "error",
    Text("{label}不是有效的手机号或带区号的座机号", "{label} is not a valid mobile or landline with area code"),
    by_field=True,
)
def invalid_phone(rules: OrderSettings, as_of: datetime) -> Iterable[Failure]:
    return _unread(Kind.PHONE, cells.phone_kind)


@order_check("non_positive", "error", Text("{label}必须大于0", "{label} must be greater than 0"))
def non_positive(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    for name in ("pieces", "weight_kg", "volume_m3"):
        yield Failure(name, pl.col(name) <= 0)


@order_check(
    "piece_overweight",
    "error",
    Text("单件重量超过{limit}公斤（超重）", "a piece weighs more than {limit} kg (overweight)"),
)
def piece_overweight(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    yield _per_piece("weight_kg", rules.limits.max_piece_weight_kg)


@order_check(
    "order_overweight",
    "error",
    Text("订单总重量超过{limit}公斤（超重）", "the order weighs more than {limit} kg (overweight)"),
)
def order_overweight(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    yield _over("weight_kg", rules.limits.max_order_weight_kg)


@order_check(
    "piece_oversize", "error", Text("单件体积超过{limit}方（超长超大）", "a piece is larger than {limit} m³ (oversize)")
)
def piece_oversize(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    yield _per_piece("volume_m3", rules.limits.max_piece_volume_m3)


@order_check(
    "order_oversize",
    "error",
    Text("订单总体积超过{limit}方（超长超大）", "the order is larger than {limit} m³ (oversize)"),
)
def order_oversize(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    yield _over("volume_m3", rules.limits.max_order_volume_m3)


@order_check("prohibited_goods", "error", Text("违禁品，不予承运", "prohibited goods: refused"))
def prohibited_goods(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    """A prohibited word (or a synonym) in the goods name, once the allowed look-alikes are taken out."""
    prohibited, goods = rules.prohibited_goods, pl.col("goods_name")
    if words := prohibited.all_words():
        checked = goods.str.replace_many(prohibited.allow, [""] * len(prohibited.allow)) if prohibited.allow else goods
        yield Failure("goods_name", checked.str.contains_any(words))


@order_check("embargoed", "error", Text("禁运，不予承运", "embargoed: refused"))
def embargoed(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    if rules.embargoed.goods:
        yield Failure("goods_name", pl.col("goods_name").str.contains_any(rules.embargoed.goods))
    if rules.embargoed.destinations:
        embargoed_cities = [c.removesuffix("市") for c in rules.embargoed.destinations]
        yield Failure("destination", _city(pl.col("destination")).is_in(embargoed_cities))


@order_check("no_packaging", "error", Text("裸装货物，不予承运", "goods without packaging: refused"))
def no_packaging(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    yield Failure("packaging", pl.col("packaging").is_in(rules.no_packaging.words))


@order_check(
    "used_goods_insured",
    "warning",
    Text("旧货不予保价，请联系客户取消保价", "used goods cannot be insured: call the customer"),
)
def used_goods_insured(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    used = pl.col("goods_condition").str.to_lowercase().is_in([w.lower() for w in rules.used_goods.words])
    yield Failure("declared_value", used & (pl.col("declared_value") > 0))


@order_check("bad_payment_method", "error", Text("付款方式只能是{allowed}", "payment method must be one of {allowed}"))
def bad_payment_method(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    """Given, but not a spelling of an accepted method (`canonical_payment` made it null)."""
    failed = pl.col(raw("payment_method")).is_not_null() & pl.col("payment_method").is_null()
    yield Failure("payment_method", failed, {"allowed": "/".join(rules.payment_methods)})


@order_check(
    "duplicate_order_id",
    "error",
    Text("订单号重复，前面已有同号订单", "duplicate order id: an earlier row has the same id"),
)
def duplicate_order_id(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    """Flagged beforehand by `duplicate_marks`, which looks at the rows whose id is not unique."""
    yield Failure("order_id", pl.col(DUPLICATE_ORDER_ID))


@order_check(
    "possible_duplicate",
    "warning",
    Text(
        "疑似重复下单：{minutes}分钟内同一发货人、收货人和货物",
        "possible duplicate: same shipper, consignee and goods within {minutes} minutes",
    ),
)
def possible_duplicate(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    """Flagged beforehand by `duplicate_marks`, which compares each order with the one before it."""
    yield Failure("order_id", pl.col(POSSIBLE_DUPLICATE), {"minutes": rules.duplicates.window_minutes})


@order_check("destination_not_served", "error", Text("目的地不在服务范围内", "destination is not served"))
def destination_not_served(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    if rules.served_cities:
        served = [c.removesuffix("市") for c in rules.served_cities]
        destination = pl.col("destination")
        yield Failure("destination", destination.is_not_null() & ~_city(destination).is_in(served))


@order_check("future_order_time", "error", Text("下单时间晚于当前时间", "order time is in the future"))
def future_order_time(rules: OrderSettings, as_of: datetime) -> Iterator[Failure]:
    latest = as_of + timedelta(minutes=rules.future_tolerance_minutes)
    yield Failure("order_time", pl.col("order_time") > pl.lit(latest))


def build_rules(rules: OrderSettings, *, as_of: datetime, locale: str) -> list[Rule]:
    """Every rule of the rule file as a polars expression over the parsed order frame."""
    return CHECKS.rules(rules, as_of=as_of, locale=locale)


DUPLICATE_KEYS = ("shipper_phone", "consignee_phone", "goods_name")
POSSIBLE_DUPLICATE = "_possible_duplicate"
DUPLICATE_ORDER_ID = "_duplicate_order_id"


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


def duplicate_marks(
    parsed: pl.LazyFrame, window_minutes: int, *, engine: pl.EngineType = "auto"
) -> tuple[pl.Series, pl.Series]:
    """The rows (`_row`) that are a `duplicate_order_id` and those that are a
    `possible_duplicate`, from a frame with `_row`, the parsed order id, order time and
    `DUPLICATE_KEYS`, in file order (`_row` ascending, as `read_table` gives it).

    Both checks compare a row with the other rows of the same id or keys, so only rows whose id
    or keys are not unique can break them: those rows are found by a hash of the id and of the
    keys (a count per hash: small state, and it streams), and only they are sorted and compared
    exactly (`is_first_distinct`, `mark_possible_duplicates`). A hash shared by different
    values only adds rows to compare, and a row whose values are unique, or null, is alone in
    its group of the sort, so leaving it out changes no other row's flag: the result is that of
    comparing every row. On the 1,000,000-order bench 1-2% of the rows are compared; sorting all
    the rows held the five columns of every row at once (about 1.1 GB at 10,000,000 orders),
    and `is_first_distinct` over the whole frame does not stream.
    """
    keys = list(DUPLICATE_KEYS)
    key_hash, id_hash = pl.struct(keys).hash(), pl.col("order_id").hash()

    def repeated(rows: pl.Expr, hashed: pl.Expr) -> pl.LazyFrame:
        return parsed.filter(rows).group_by(hashed.alias("hash")).agg(pl.len()).filter(pl.col("len") > 1).select("hash")

    by_keys, by_id = pl.collect_all(
        [
            repeated(pl.all_horizontal(pl.col(k).is_not_null() for k in keys), key_hash),
            repeated(pl.col("order_id").is_not_null(), id_hash),
        ],
        engine=engine,
    )
    compared = (
        parsed.select(ROW, "order_time", "order_id", *keys)
        .filter(key_hash.is_in(by_keys["hash"].implode()) | id_hash.is_in(by_id["hash"].implode()))
        .collect(engine=engine)
    )
    order_id = pl.col("order_id")
    marked = mark_possible_duplicates(compared.lazy(), window_minutes).select(
        ROW,
        (order_id.is_not_null() & ~order_id.is_first_distinct()).alias(DUPLICATE_ORDER_ID),
        pl.col(POSSIBLE_DUPLICATE).fill_null(False),
    )
    marked = marked.collect()
    return (
        marked.filter(DUPLICATE_ORDER_ID)[ROW],
        marked.filter(POSSIBLE_DUPLICATE)[ROW],
    )


def duplicate_columns(rows: tuple[pl.Series, pl.Series]) -> list[pl.Expr]:
    """`DUPLICATE_ORDER_ID` and `POSSIBLE_DUPLICATE` as columns, from `duplicate_marks`: per row
    (a look-up of the row's `_row`), so that they stream."""
    duplicate_id, possible = rows
    return [
        pl.col(ROW).is_in(duplicate_id.implode()).alias(DUPLICATE_ORDER_ID),
        pl.col(ROW).is_in(possible.implode()).alias(POSSIBLE_DUPLICATE),
    ]
