"""How long an SMS is, as the gateway bills it.

Two ways of counting, chosen in config:

- `cn` (Chinese platforms such as Aliyun and Tencent Cloud): every character counts 1, Chinese
  or Latin, full- or half-width, and the signature 【公司名】 with its brackets counts too. Up to
  70 characters is one message; a longer one is billed in parts of 67; 500 at most.
- `gsm` (international gateways, 3GPP TS 23.038): a text of GSM-7 characters only counts
  septets, 160 in one message or 153 per part; the extension characters (| ^ € { } [ ] ~ \\ and
  form feed) take two septets, an escape pair that is never split across parts. Anything else
  is sent as UCS-2: 70 units in one message or 67 per part, a character outside the BMP (most
  emoji) takes two units, a surrogate pair that is never split either.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Literal

import polars as pl

Counting = Literal["cn", "gsm"]

CN_SINGLE, CN_PART, CN_MAX = 70, 67, 500
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("|^€{}[]~\\\f")


@dataclass(frozen=True)
class SmsLength:
    """The billed length of one message."""

    characters: int  # characters (cn), septets (GSM-7) or UTF-16 units (UCS-2), signature included
    encoding: Literal["cn", "GSM-7", "UCS-2"]
    parts: int
    counting: Counting

    @property
    def too_long(self) -> bool:
        """Longer than the platform sends at all (cn: 500 characters)."""
        return self.counting == "cn" and self.characters > CN_MAX


def sms_length(text: str, counting: Counting = "cn", signature: str = "") -> SmsLength:
    """The length of `signature + text` as the chosen gateway bills it."""
    message = signature + text
    if counting == "cn":
        return count_cn(message)
    if counting == "gsm":
        return count_gsm(message)
    raise ValueError(f"unknown SMS counting {counting!r} (expected cn or gsm)")


def count_cn(message: str) -> SmsLength:
    characters = len(message)
    parts = 1 if characters <= CN_SINGLE else ceil(characters / CN_PART)
    return SmsLength(characters, "cn", parts, "cn")


def cn_length_expr(content: pl.Expr, signature: str = "") -> tuple[pl.Expr, pl.Expr]:
    """`count_cn` for a whole column at once: (characters, parts)."""
    characters = content.str.len_chars() + len(signature)
    parts = pl.when(characters <= CN_SINGLE).then(1).otherwise((characters / CN_PART).ceil()).cast(pl.Int64)
    return characters.cast(pl.Int64), parts


def count_gsm(message: str) -> SmsLength:
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in message):
        costs = [2 if c in GSM7_EXTENSION else 1 for c in message]
        return SmsLength(sum(costs), "GSM-7", _parts(costs, GSM_SINGLE, GSM_PART), "gsm")
    costs = [2 if ord(c) > 0xFFFF else 1 for c in message]
    return SmsLength(sum(costs), "UCS-2", _parts(costs, UCS2_SINGLE, UCS2_PART), "gsm")


def _parts(costs: list[int], single: int, part: int) -> int:
    """Parts needed when a character's units (an escape or surrogate pair) stay in one part."""
    if sum(costs) <= single:
        return 1
    parts, used = 1, 0
    for cost in costs:
        if used + cost > part:
            parts, used = parts + 1, 0
        used += cost
    return parts
