"""The settings of the intake rule file (config/rules/orders.yaml), with the defaults of
docs/DOMAIN.md §1: what the order checks read. A team may leave out anything; what it writes
must be well-formed.

The checks are built from these settings, and the rule file names the checks (`severity:`,
`fail_when.per_rule_*`); so the settings live here, below the checks, and
`toolkit.orders.ruleset.OrderRules` adds the check of those names above them.
"""

from __future__ import annotations

from pydantic import Field, PositiveFloat, PositiveInt, field_validator

from toolkit.config.models import Strict
from toolkit.orders.fields import FIELDS_BY_NAME
from toolkit.rules import Severity


class Limits(Strict):
    max_piece_weight_kg: PositiveFloat = 500
    max_order_weight_kg: PositiveFloat = 5000
    max_piece_volume_m3: PositiveFloat = 3
    max_order_volume_m3: PositiveFloat = 30


class WordList(Strict):
    """Words matched anywhere in a text, their synonyms, and names that only look like them."""

    words: list[str] = []
    synonyms: dict[str, list[str]] = {}
    allow: list[str] = []

    def all_words(self) -> list[str]:
        found = [*self.words, *(s for group in self.synonyms.values() for s in group)]
        return sorted({w.strip() for w in found if w.strip()})


class Embargo(Strict):
    goods: list[str] = ["活体动物", "象牙", "文物", "人民币"]
    destinations: list[str] = []


class ExactWords(Strict):
    """Values that mean something when a cell is exactly one of them (after trimming)."""

    words: list[str]


class Duplicates(Strict):
    window_minutes: PositiveInt = 30


class Review(Strict):
    day_minutes: PositiveInt = 30


class FailWhen(Strict):
    rejected_share: float = Field(0.5, ge=0, le=1)
    rejected_count: int | None = Field(None, ge=0)
    per_rule_share: dict[str, float] = {}
    per_rule_count: dict[str, int] = {}


DEFAULT_PROHIBITED = WordList(
    words=["锂电池", "打火机", "管制刀具", "易燃", "液体", "爆炸", "烟花", "鞭炮", "汽油", "酒精"],
    synonyms={"锂电池": ["锂电", "充电宝", "移动电源"], "打火机": ["火机"], "管制刀具": ["匕首", "砍刀"]},
)


class OrderSettings(Strict):
    """Every setting of the rule file; `OrderRules` is the rule file, with the rule ids it names checked."""

    required: list[str] = [
        "order_id", "order_time", "shipper_name", "shipper_phone", "pickup_address",
        "goods_name", "pieces", "weight_kg", "volume_m3", "destination", "consignee_name",
        "consignee_phone", "consignee_address", "payment_method",
    ]  # fmt: skip
    limits: Limits = Limits()
    prohibited_goods: WordList = DEFAULT_PROHIBITED
    embargoed: Embargo = Embargo()
    used_goods: ExactWords = ExactWords(words=["旧", "旧货", "二手", "used"])
    no_packaging: ExactWords = ExactWords(words=["裸装", "无包装"])
    payment_methods: dict[str, list[str]] = {
        "现付": ["现付", "现金", "寄付", "cash", "prepaid"],
        "到付": ["到付", "collect", "freight collect"],
        "月结": ["月结", "monthly", "monthly account"],
    }
    duplicates: Duplicates = Duplicates()
    served_cities: list[str] = []
    review: Review = Review()
    future_tolerance_minutes: int = Field(10, ge=0)
    fail_when: FailWhen = FailWhen()
    severity: dict[str, Severity] = {}

    @field_validator("required")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = [name for name in value if name not in FIELDS_BY_NAME]
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS_BY_NAME)}")
        return value
