"""Phone numbers shown to third parties are masked (docs/DOMAIN.md §3): 138****3212.

Works on any phone as people type it (`toolkit.io.cells.parse_phone` normalises it first):
a mobile keeps its first three and last four digits; a landline keeps its area code and last
four digits (0571-****4321). Text that is not a phone number is masked whole, never shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from toolkit.io import cells

_THREE_DIGIT_AREA = r"^0(?:10|2\d)"  # Beijing 010 and the 02x cities; other area codes have four digits


def mask_phone_expr(phone: pl.Expr) -> pl.Expr:
    """Mask a column of phones, vectorised.

    The digits and their kind are computed once, as struct fields, and the masks use fixed
    `head`/`tail` lengths: reusing the parsed digits in several branches, or cutting with a
    regex, made this several times slower.
    """
    parsed = pl.struct(digits=cells.parse_phone(phone)).struct.with_fields(kind=cells.phone_kind(pl.field("digits")))
    digits, kind = pl.field("digits"), pl.field("kind")
    three_digit_area = digits.str.starts_with("010") | digits.str.starts_with("02")  # Beijing and the 02x cities
    area = pl.when(three_digit_area).then(digits.str.head(3)).otherwise(digits.str.head(4))
    masked = (
        pl.when(kind == "mobile")
        .then(pl.concat_str(digits.str.head(3), pl.lit("****"), digits.str.tail(4)))
        .when(kind == "landline")
        .then(pl.concat_str(area, pl.lit("-****"), digits.str.tail(4)))
        .otherwise(pl.lit("****"))
    )
    return (
        pl.when(phone.is_null())
        .then(None)
        .otherwise(parsed.struct.with_fields(masked=masked).struct.field("masked"))
        .alias(phone.meta.output_name(raise_if_undetermined=False) or "phone")
    )


def mask_phone(phone: str | int | None) -> str:
    """One phone, for templates: `mask_phone("13812343212")` → `138****3212`.

    Phones that a validation job already normalised (plain digits) are masked right here;
    anything else goes through the same polars parser as a column would, once per value.
    """
    if phone is None or not str(phone).strip():
        return ""
    text = str(phone).strip()
    if _MOBILE.match(text):
        return f"{text[:3]}****{text[-4:]}"
    if _LANDLINE.match(text):
        area = 3 if re.match(_THREE_DIGIT_AREA, text) else 4
        return f"{text[:area]}-****{text[-4:]}"
    return _mask_one(text)


# Plain digits that already are a valid phone (as validation writes them) are masked in Python,
# with the same phonenumbers patterns the column parser uses.
_MOBILE = re.compile(cells.MOBILE_PATTERN)
_LANDLINE = re.compile(cells.LANDLINE_PATTERN)


@lru_cache(maxsize=4096)
def _mask_one(text: str) -> str:
    return pl.select(mask_phone_expr(pl.lit(text))).item()
