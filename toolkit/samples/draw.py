"""Vectorised random draws from vocabularies and number-to-text formatting, as people type numbers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl


def choice_index(rng: np.random.Generator, size: int, n: int, weights: Sequence[float] | None = None) -> np.ndarray:
    """`n` indices into a vocabulary of `size` entries, optionally weighted."""
    if weights is None:
        return rng.integers(0, size, n)
    p = np.asarray(weights, dtype=float)
    return rng.choice(size, size=n, p=p / p.sum())


def pick(rng: np.random.Generator, options: Sequence[str], n: int, weights: Sequence[float] | None = None) -> pl.Series:
    """`n` strings drawn from `options`."""
    return pl.Series(list(options), dtype=pl.String).gather(choice_index(rng, len(options), n, weights))


def zipf_weights(size: int, exponent: float = 0.8) -> np.ndarray:
    """Falling weights for a list ordered from most to least common."""
    return 1.0 / np.arange(1, size + 1) ** exponent


def decimal_text(values: np.ndarray, decimals: int) -> pl.Series:
    """Numbers rounded to `decimals` places, written without trailing zeros: 20, 20.5, 0.25, -3."""
    scale = 10**decimals
    scaled = np.rint(np.asarray(values, dtype=float) * scale).astype(np.int64)
    sign = pl.Series(np.where(scaled < 0, "-", ""), dtype=pl.String)
    magnitude = np.abs(scaled)
    whole = pl.Series(magnitude // scale).cast(pl.String)
    if decimals == 0:
        return sign + whole
    fraction = pl.Series(magnitude % scale).cast(pl.String).str.zfill(decimals).str.strip_chars_end("0")
    return pl.select(
        pl.concat_str(sign, whole, pl.when(fraction != "").then("." + fraction).otherwise(pl.lit("")))
    ).to_series()


def with_thousands(text: pl.Series) -> pl.Series:
    """Digit strings of 1,000 to 999,999 (optionally with decimals) get a thousands comma: 1,200."""
    whole = text.str.extract(r"^(\d+)", 1)
    rest = text.str.slice(whole.str.len_chars().fill_null(0))
    grouped = whole.str.slice(0, whole.str.len_chars() - 3) + "," + whole.str.slice(-3) + rest
    use = whole.str.len_chars().is_between(4, 6).fill_null(False)
    return pl.select(pl.when(use).then(grouped).otherwise(text)).to_series()


def digits_text(values: np.ndarray, width: int) -> pl.Series:
    """Non-negative integers as zero-padded digit strings."""
    return pl.Series(np.asarray(values, dtype=np.int64)).cast(pl.String).str.zfill(width)
