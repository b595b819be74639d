"""A plain-Python reading of the intake rules, independent of the generator and of the real
validator: what every generated row should trip. Slow and simple on purpose."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
import yaml

from tests.support.files import REPO
from toolkit.orders.fields import ORDER_FIELDS

RULES_PATH = REPO / "config" / "rules" / "orders.yaml"
NOW = datetime(2026, 11, 1)
EXCEL_EPOCH = datetime(1899, 12, 30)
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M")
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def load_rules() -> dict[str, Any]:
    return yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))


def parse_time(text: str) -> datetime | None:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return EXCEL_EPOCH + timedelta(days=float(text))
    return None


def parse_number(text: str) -> float | None:
    text = text.removesuffix("公斤").replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def parse_pieces(text: str) -> int | None:
    text = text.removesuffix("件")
    return int(text) if re.fullmatch(r"-?\d+", text) else None


def normalize_phone(text: str) -> str:
    text = text.translate(FULL_WIDTH).strip()
    if re.fullmatch(r"\d\.\d+E10|\d{11}\.0", text):
        text = str(int(float(text)))
    return text


def phone_key(text: str) -> str:
    """The number in E.164 when valid, so that differently written numbers compare equal."""
    try:
        parsed = phonenumbers.parse(normalize_phone(text), "CN")
    except phonenumbers.NumberParseException:
        return text
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def valid_phone(text: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(normalize_phone(text), "CN"))
    except phonenumbers.NumberParseException:
        return False


def goods_hits(name: str, rules: dict[str, Any]) -> tuple[bool, bool]:
    """(prohibited, embargoed) for a goods name, after removing the allowed phrases."""
    prohibited = rules["prohibited_goods"]
    for phrase in prohibited["allow"]:
        name = name.replace(phrase, "")
    words = list(prohibited["words"]) + [w for syn in prohibited["synonyms"].values() for w in syn]
    return any(w in name for w in words), any(w in name for w in rules["embargoed"]["goods"])


@dataclass(frozen=True)
class Finding:
    row: int
    rule: str
    column: str


def findings(rows: list[dict[str, str]], rules: dict[str, Any]) -> set[Finding]:
    """Every finding for rows keyed by canonical field name (row 0 = spreadsheet row 2)."""
    limits = rules["limits"]
    accepted = {s.lower() for spellings in rules["payment_methods"].values() for s in spellings}
    served = set(rules["served_cities"])
    window = timedelta(minutes=rules["duplicates"]["window_minutes"])
    future = NOW + timedelta(minutes=rules["future_tolerance_minutes"])
    seen_ids: set[str] = set()
    seen_keys: dict[tuple[str, str, str], list[tuple[datetime, str]]] = {}
    out: set[Finding] = set()
    for i, raw in enumerate(rows):
        cell = {k: v.strip() for k, v in raw.items()}
        row = i + 2

        def flag(rule: str, column: str, row: int = row) -> None:
            out.add(Finding(row, rule, column))

        for name in rules["required"]:
            if not cell[name]:
                flag("required", name)
        when = parse_time(cell["order_time"]) if cell["order_time"] else None
        if cell["order_time"] and when is None:
            flag("not_a_date", "order_time")
        if when is not None and when > future:
            flag("future_order_time", "order_time")
        numbers: dict[str, float | None] = {}
        for name in ("weight_kg", "volume_m3", "declared_value", "pickup_fee", "delivery_fee"):
            numbers[name] = parse_number(cell[name]) if cell[name] else None
            if cell[name] and numbers[name] is None:
                flag("not_a_number", name)
        pieces = parse_pieces(cell["pieces"]) if cell["pieces"] else None
        if cell["pieces"] and pieces is None:
            flag("not_an_integer", "pieces")
        for name in ("shipper_phone", "consignee_phone"):
            if cell[name] and not valid_phone(cell[name]):
                flag("invalid_phone", name)
        for name, value in (
            ("pieces", pieces),
            ("weight_kg", numbers["weight_kg"]),
            ("volume_m3", numbers["volume_m3"]),
        ):
            if value is not None and value <= 0:
                flag("non_positive", name)
        if pieces is not None and pieces > 0:
            weight, volume = numbers["weight_kg"], numbers["volume_m3"]
            if weight is not None and weight > 0:
                if weight / pieces > limits["max_piece_weight_kg"]:
                    flag("piece_overweight", "weight_kg")
                if weight > limits["max_order_weight_kg"]:
                    flag("order_overweight", "weight_kg")
            if volume is not None and volume > 0:
                if volume / pieces > limits["max_piece_volume_m3"]:
                    flag("piece_oversize", "volume_m3")
                if volume > limits["max_order_volume_m3"]:
                    flag("order_oversize", "volume_m3")
        prohibited, embargoed = goods_hits(cell["goods_name"], rules)
        if prohibited:
            flag("prohibited_goods", "goods_name")
        if embargoed:
            flag("embargoed", "goods_name")
        if cell["packaging"] in rules["no_packaging"]["words"]:
            flag("no_packaging", "packaging")
        declared = numbers["declared_value"]
        if cell["goods_condition"] in rules["used_goods"]["words"] and declared is not None and declared > 0:
            flag("used_goods_insured", "declared_value")
        if cell["payment_method"] and cell["payment_method"].lower() not in accepted:
            flag("bad_payment_method", "payment_method")
        if cell["destination"] and cell["destination"].removesuffix("市") not in served:
            flag("destination_not_served", "destination")
        if cell["order_id"] in seen_ids:
            flag("duplicate_order_id", "order_id")
        seen_ids.add(cell["order_id"])
        if when is not None and cell["shipper_phone"] and cell["consignee_phone"]:
            key = (phone_key(cell["shipper_phone"]), phone_key(cell["consignee_phone"]), cell["goods_name"])
            earlier = seen_keys.setdefault(key, [])
            if any(t < when <= t + window and oid != cell["order_id"] for t, oid in earlier):
                flag("possible_duplicate", "order_id")
            earlier.append((when, cell["order_id"]))
    return out


def canonical_rows(frame: Any) -> list[dict[str, str]]:
    """The generated frame (Chinese headers) as dicts keyed by canonical field name."""
    names = {f.label_zh: f.name for f in ORDER_FIELDS}
    return [{names[k]: v for k, v in row.items()} for row in frame.iter_rows(named=True)]
