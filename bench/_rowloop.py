"""The order checks as a plain Python loop over csv rows: what a team writes without a dataframe
library. Standard library only (csv, re, datetime), plus the phonenumbers metadata regexes.

The cell parsers port `toolkit.io.cells` one to one (same patterns, same null cases), so the loop
finds exactly what the toolkit finds; `check_rows` returns one finding per (row, rule, column).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from toolkit.orders.ruleset import OrderRules

# --- cells -------------------------------------------------------------------------------

_TEXT_MAP = {0xFF01 + i: chr(0x21 + i) for i in range(0x5E)} | {
    0x3000: " ", 0xA0: " ", 0x09: " ", 0x200B: "", 0xFEFF: "",
}  # fmt: skip


def text(cell: str | None) -> str | None:
    """Full-width ASCII folded, odd spaces made plain, stripped (empty stays "")."""
    return None if cell is None else cell.translate(_TEXT_MAP).strip()


def clean_text(cell: str | None) -> str | None:
    value = text(cell)
    return value or None


_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
assert _CN is not None and _CN.mobile is not None and _CN.fixed_line is not None
_MOBILE = re.compile(f"(?:{_CN.mobile.national_number_pattern})")
_LANDLINE = re.compile(f"0(?:{_CN.fixed_line.national_number_pattern})")
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机|[eE][xX][tT]\.?|[xX]|#)\s*\d{1,6}\Z")
_PHONE_CHARS = re.compile(r"\+?[\d\s\-.()]+")
_FLOAT_TEXT = re.compile(r"\d+(?:\.\d*)?(?:[eE]\+?\d+)?")
_LAST_GROUP = re.compile(r"[\s\-.]+(\d{1,5})\Z")
_NON_DIGIT = re.compile(r"\D")
_CC_MOBILE = re.compile(r"861[3-9]")


def _valid_phone(digits: str) -> bool:
    return bool(_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits))


def _normalise_digits(value: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif value.startswith("+") and digits.startswith("86") or len(digits) == 13 and _CC_MOBILE.match(digits):
        digits = digits[2:]
    if not digits.startswith("0") and not _MOBILE.fullmatch(digits) and _LANDLINE.fullmatch("0" + digits):
        digits = "0" + digits
    return digits


def parse_phone(cell: str | None) -> str | None:
    value = text(cell)
    if value is None:
        return None
    value = _EXTENSION_WORD.sub("", value, count=1)
    if ("." in value or "e" in value or "E" in value) and _FLOAT_TEXT.fullmatch(value):
        number = float(value)
        if not (number == math.floor(number) and number < 1e15):
            return None
        value = str(int(number))
    if not (_PHONE_CHARS.fullmatch(value) and any(c.isdigit() for c in value)):
        return None
    digits = _normalise_digits(value)
    last = _LAST_GROUP.search(value)
    if last and not _valid_phone(digits):
        head = _normalise_digits(value[: last.start()])
        if _valid_phone(head):
            digits = head
    return digits or None


def phone_kind(digits: str | None) -> str | None:
    if digits is None:
        return None
    if _MOBILE.fullmatch(digits):
        return "mobile"
    return "landline" if _LANDLINE.fullmatch(digits) else None


_DATETIME = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s*|T)(?P<h>\d{1,2})\s*[:时点]\s*(?P<mi>\d{1,2})"
    r"(?:\s*[:分]\s*(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?\s*分?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_datetime(cell: str | None, zone: ZoneInfo) -> datetime | None:
    value = text(cell)
    if value is None:
        return None
    if _SERIAL.fullmatch(value):
        serial = float(value)
        if 20000 <= serial <= 80000:
            return (_EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))).replace(tzinfo=zone)
    match = _DATETIME.fullmatch(value)
    if match is None:
        return None
    g = match.group
    fraction = (g("f") or "0").ljust(6, "0")[:6]
    wall = (
        f"{g('y')}-{g('mo').zfill(2)}-{g('d').zfill(2)} {(g('h') or '00').zfill(2)}:"
        f"{(g('mi') or '00').zfill(2)}:{(g('s') or '00').zfill(2)}.{fraction}"
    )
    try:
        if g("tz") is None:
            return datetime.strptime(wall, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=zone)
        offset = g("tz").replace("Z", "+00:00", 1).replace(":", "", 1)
        return datetime.strptime(wall + offset, "%Y-%m-%d %H:%M:%S.%f%z").astimezone(zone)
    except ValueError:
        return None


_CURRENCY = re.compile(r"^(?:¥|￥|RMB|CNY)")
_UNITS = re.compile(r"(?i)\s*(?:kg|公斤|千克|立方米|立方|方|m³|m3|件|元)\Z")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_number(cell: str | None) -> float | None:
    value = text(cell)
    if value is None:
        return None
    value = _CURRENCY.sub("", value, count=1).strip()
    value = _UNITS.sub("", value, count=1).strip()
    if _GROUPED_NUMBER.fullmatch(value):
        value = value.replace(",", "")
    if not _PLAIN_NUMBER.fullmatch(value):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def parse_integer(cell: str | None) -> int | None:
    value = parse_number(cell)
    if value is None or math.isinf(value) or value != math.floor(value) or abs(value) >= 2.0**53:
        return None
    return int(value)


# --- the rules ---------------------------------------------------------------------------

PHONES = ("shipper_phone", "consignee_phone")
NUMBERS = ("weight_kg", "volume_m3", "declared_value", "pickup_fee", "delivery_fee")


@dataclass
class LoopResult:
    findings: list[tuple[int, str, str]]  # (row, rule, column), in file order
    accepted: int
    rejected: int


def check_rows(rows: Iterable[dict[str, str | None]], rules: OrderRules, as_of: datetime, zone: ZoneInfo) -> LoopResult:
    """Every rule of `rules` on every row; `rows` are dicts keyed by canonical field name.
    Unknown fields must be present as None (the reader fills them in).
    """
    limits = rules.limits
    prohibited_words = rules.prohibited_goods.all_words()
    allowed = (
        re.compile("|".join(map(re.escape, rules.prohibited_goods.allow))) if rules.prohibited_goods.allow else None
    )
    embargoed_goods = rules.embargoed.goods
    embargoed_cities = {c.removesuffix("市") for c in rules.embargoed.destinations}
    served = {c.removesuffix("市") for c in rules.served_cities}
    no_packaging = set(rules.no_packaging.words)
    used_words = {w.lower() for w in rules.used_goods.words}
    payments = {s.strip().lower() for method, spellings in rules.payment_methods.items() for s in [method, *spellings]}
    latest = as_of + timedelta(minutes=rules.future_tolerance_minutes)
    window = timedelta(minutes=rules.duplicates.window_minutes)
    severity = {"used_goods_insured": "warning", "possible_duplicate": "warning"} | rules.severity
    warnings = {check for check, level in severity.items() if level == "warning"}

    found: list[tuple[int, str, str]] = []
    rows_in = 0
    seen_ids: set[str] = set()
    groups: dict[tuple[str, str, str], list[tuple[bool, datetime | None, int, str | None]]] = defaultdict(list)
    for cells in rows:
        rows_in += 1
        row = rows_in + 1  # as the user sees it: the header is row 1
        raw = {name: clean_text(value) for name, value in cells.items()}
        hits: list[tuple[str, str]] = []
        for name in rules.required:
            if raw.get(name) is None:
                hits.append(("required", name))
        when = parse_datetime(raw["order_time"], zone)
        if raw["order_time"] is not None and when is None:
            hits.append(("not_a_date", "order_time"))
        phones = {}
        for name in PHONES:
            phones[name] = parse_phone(raw[name])
            if raw[name] is not None and phone_kind(phones[name]) is None:
                hits.append(("invalid_phone", name))
        pieces = parse_integer(raw["pieces"])
        if raw["pieces"] is not None and pieces is None:
            hits.append(("not_an_integer", "pieces"))
        number = {}
        for name in NUMBERS:
            number[name] = parse_number(raw[name])
            if raw[name] is not None and number[name] is None:
                hits.append(("not_a_number", name))
        weight, volume = number["weight_kg"], number["volume_m3"]
        for name, value in (("pieces", pieces), ("weight_kg", weight), ("volume_m3", volume)):
            if value is not None and value <= 0:
                hits.append(("non_positive", name))
        countable = pieces is not None and pieces > 0
        if countable and weight is not None and weight / pieces > limits.max_piece_weight_kg:
            hits.append(("piece_overweight", "weight_kg"))
        if weight is not None and weight > limits.max_order_weight_kg:
            hits.append(("order_overweight", "weight_kg"))
        if countable and volume is not None and volume / pieces > limits.max_piece_volume_m3:
            hits.append(("piece_oversize", "volume_m3"))
        if volume is not None and volume > limits.max_order_volume_m3:
            hits.append(("order_oversize", "volume_m3"))
        goods = raw["goods_name"]
        if goods is not None and prohibited_words:
            checked = allowed.sub("", goods) if allowed else goods
            if any(word in checked for word in prohibited_words):
                hits.append(("prohibited_goods", "goods_name"))
        if goods is not None and any(word in goods for word in embargoed_goods):
            hits.append(("embargoed", "goods_name"))
        city = raw["destination"].removesuffix("市") if raw["destination"] is not None else None
        if city is not None and city in embargoed_cities:
            hits.append(("embargoed", "destination"))
        if raw["packaging"] in no_packaging:
            hits.append(("no_packaging", "packaging"))
        condition = raw["goods_condition"]
        declared = number["declared_value"]
        if condition is not None and condition.lower() in used_words and declared is not None and declared > 0:
            hits.append(("used_goods_insured", "declared_value"))
        payment = raw["payment_method"]
        if payment is not None and payment.lower() not in payments:
            hits.append(("bad_payment_method", "payment_method"))
        order_id = raw["order_id"]
        if order_id is not None:
            if order_id in seen_ids:
                hits.append(("duplicate_order_id", "order_id"))
            seen_ids.add(order_id)
        key = (phones["shipper_phone"], phones["consignee_phone"], goods)
        if None not in key:
            groups[key].append((when is not None, when, row, order_id))  # type: ignore[index]
        if city is not None and served and city not in served:
            hits.append(("destination_not_served", "destination"))
        if when is not None and when > latest:
            hits.append(("future_order_time", "order_time"))
        found.extend((row, rule, column) for rule, column in hits)

    # possible_duplicate: within each (shipper phone, consignee phone, goods) group, ordered by
    # time (unknown times first, as polars sorts nulls) then row, compare with the previous order.
    for orders in groups.values():
        if len(orders) < 2:
            continue
        orders.sort(key=lambda o: (o[0], o[1] or as_of, o[2]))
        for previous, current in zip(orders, orders[1:]):
            if (
                previous[1]
                and current[1]
                and current[1] - previous[1] <= window
                and None not in (previous[3], current[3])
                and previous[3] != current[3]
            ):
                found.append((current[2], "possible_duplicate", "order_id"))

    found.sort(key=lambda finding: finding[0])
    refused_rows = {row for row, rule, _ in found if rule not in warnings}
    return LoopResult(findings=found, accepted=rows_in - len(refused_rows), rejected=len(refused_rows))
