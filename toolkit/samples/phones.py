"""Chinese phone numbers: valid mobiles and landlines, the messy ways they reach Excel, invalid ones."""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import polars as pl

from toolkit.samples import vocab
from toolkit.samples.draw import digits_text, pick

_FULL_WIDTH = [chr(0xFF10 + d) for d in range(10)]


class MobileStyle(IntEnum):
    """How a valid mobile number is written in a cell."""

    PLAIN = 0  # 13812345678
    EXCEL_SCIENTIFIC = 1  # 1.3812345678E10 (a number cell shown in Excel's general format)
    EXCEL_FLOAT = 2  # 13812345678.0
    FULL_WIDTH = 3  # １３８１２３４５６７８
    INTERNATIONAL = 4  # +86 138 1234 5678
    DASHED = 5  # 138-1234-5678
    PADDED = 6  # " 13812345678 "


MOBILE_STYLE_WEIGHTS = (82, 3, 3, 3, 3, 3, 3)


def mobile_digits(rng: np.random.Generator, n: int) -> pl.Series:
    """`n` valid 11-digit mobile numbers."""
    return pick(rng, vocab.MOBILE_PREFIXES, n) + digits_text(rng.integers(0, 10**8, n), 8)


def landlines(rng: np.random.Generator, area_codes: pl.Series, local_digits: np.ndarray) -> pl.Series:
    """Valid landlines `0571-87654321`: the area code, a dash and a 7- or 8-digit local number that
    starts with 2-7."""
    width = np.asarray(local_digits, dtype=np.int64)
    rest = rng.integers(0, 10**7, len(width)) % (10 ** (width - 1))
    local = rng.integers(2, 8, len(width)) * 10 ** (width - 1) + rest
    return area_codes + "-" + pl.Series(local).cast(pl.String)


def format_mobile(digits: pl.Series, style: np.ndarray) -> pl.Series:
    """Write 11-digit mobiles in the given `MobileStyle`s."""
    d = pl.col("d")
    styles = pl.col("s")
    expr = (
        pl.when(styles == MobileStyle.EXCEL_SCIENTIFIC)
        .then(pl.concat_str(pl.lit("1."), d.str.slice(1).str.strip_chars_end("0"), pl.lit("E10")))
        .when(styles == MobileStyle.EXCEL_FLOAT)
        .then(d + ".0")
        .when(styles == MobileStyle.FULL_WIDTH)
        .then(d.str.replace_many([str(i) for i in range(10)], _FULL_WIDTH))
        .when(styles == MobileStyle.INTERNATIONAL)
        .then(
            pl.concat_str(
                pl.lit("+86 "), d.str.slice(0, 3), pl.lit(" "), d.str.slice(3, 4), pl.lit(" "), d.str.slice(7)
            )
        )
        .when(styles == MobileStyle.DASHED)
        .then(pl.concat_str(d.str.slice(0, 3), pl.lit("-"), d.str.slice(3, 4), pl.lit("-"), d.str.slice(7)))
        .when(styles == MobileStyle.PADDED)
        .then(pl.concat_str(pl.lit(" "), d, pl.lit(" ")))
        .otherwise(d)
    )
    frame = pl.DataFrame({"d": digits, "s": pl.Series(style, dtype=pl.Int8)})
    return frame.select(expr.alias(digits.name)).to_series()


def invalid_phones(rng: np.random.Generator, n: int) -> pl.Series:
    """Numbers no Chinese number plan accepts: 10 digits, 12x..., landline without area code,
    12 digits, letters."""
    kind = rng.integers(0, 5, n)
    mobile = mobile_digits(rng, n)
    no_area = pick(rng, vocab.LANDLINE_NO_AREA_PREFIXES, n) + digits_text(rng.integers(0, 10**6, n), 6)
    twelve_x = "12" + digits_text(rng.integers(0, 10**9, n), 9)
    frame = pl.DataFrame({"k": kind, "m": mobile, "a": no_area, "t": twelve_x})
    k = pl.col("k")
    expr = (
        pl.when(k == 0)
        .then(pl.col("m").str.slice(0, 10))
        .when(k == 1)
        .then(pl.col("t"))
        .when(k == 2)
        .then(pl.col("a"))
        .when(k == 3)
        .then(pl.col("m") + pl.col("m").str.slice(10))
        .otherwise(pl.lit("abc"))
    )
    return frame.select(expr.alias("phone")).to_series()
