"""Planted defects: one function per rule id, each turning clean rows into rows that trip exactly
that rule and no other.

A planter gets the clean frame and the (sorted) row indices it must spoil, and returns the column
flagged in each row and the new cell values. Values are aligned with the rows; a null value keeps
the clean cell. Rules that compare with an earlier row (duplicates) use the row just before, which
the caller guarantees to be clean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from toolkit.samples import vocab
from toolkit.samples.clean import TIME
from toolkit.samples.draw import decimal_text, pick
from toolkit.samples.people import addresses
from toolkit.samples.phones import invalid_phones
from toolkit.samples.thresholds import DUPLICATE_WINDOW_MINUTES
from toolkit.samples.times import iso_minutes

# Required fields that no other rule reads: leaving one empty trips `required` only. (An empty
# order time, phone, goods name, pieces, weight, volume, destination or payment method might also
# make a date, phone, limit, goods, destination or payment rule fire in a less careful validator.)
BLANKABLE = ("shipper_name", "pickup_address", "consignee_name", "consignee_address")


@dataclass
class Planting:
    columns: pl.Series  # the canonical column flagged in each row
    updates: dict[str, pl.Series] = field(default_factory=dict)  # column -> new values (null = keep)


Planter = Callable[[pl.DataFrame, np.ndarray, np.random.Generator], Planting]


def _one_column(name: str, n: int) -> pl.Series:
    return pl.Series([name] * n, dtype=pl.String)


def _only_where(values: pl.Series, mask: pl.Series) -> pl.Series:
    """`values` where `mask`, null (keep the clean cell) elsewhere."""
    return pl.select(pl.when(mask).then(values).otherwise(pl.lit(None, dtype=pl.String))).to_series()


def _spread(columns: pl.Series, values: dict[str, pl.Series]) -> dict[str, pl.Series]:
    """Per-column updates for rows whose flagged column varies: each column gets its values only in
    the rows that flag it."""
    return {name: _only_where(v, columns == name) for name, v in values.items()}


def required(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    columns = pick(rng, BLANKABLE, len(rows))
    return Planting(columns, _spread(columns, {c: pl.Series([""] * len(rows)) for c in BLANKABLE}))


def not_a_date(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    return Planting(_one_column("order_time", len(rows)), {"order_time": pick(rng, vocab.BAD_DATES, len(rows))})


def not_a_number(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    columns = pick(
        rng, ("weight_kg", "volume_m3", "declared_value", "pickup_fee", "delivery_fee"), n, (35, 35, 10, 10, 10)
    )
    updates = _spread(
        columns,
        {
            "weight_kg": pick(rng, vocab.BAD_WEIGHTS, n),
            "volume_m3": pick(rng, vocab.BAD_VOLUMES, n),
            "declared_value": pick(rng, vocab.BAD_MONEY, n),
            "pickup_fee": pick(rng, vocab.BAD_MONEY, n),
            "delivery_fee": pick(rng, vocab.BAD_MONEY, n),
        },
    )
    # A declared value on used goods is its own rule: declare on new goods only.
    updates["goods_condition"] = _only_where(pl.Series([""] * n), columns == "declared_value")
    return Planting(columns, updates)


def not_an_integer(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    # Small weight and volume, so even a validator that divides by 1.5 pieces stays within limits.
    n = len(rows)
    return Planting(
        _one_column("pieces", n),
        {
            "pieces": pick(rng, vocab.BAD_PIECES, n),
            "weight_kg": pl.Series(rng.integers(5, 60, n)).cast(pl.String),
            "volume_m3": decimal_text(rng.uniform(0.05, 0.8, n), 2),
        },
    )


def invalid_phone(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    columns = pick(rng, ("shipper_phone", "consignee_phone"), n)
    bad = invalid_phones(rng, n)
    return Planting(columns, _spread(columns, {"shipper_phone": bad, "consignee_phone": bad}))


def non_positive(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    # Pieces are made negative, never 0: weight / 0 pieces would be infinite and trip a piece limit.
    n = len(rows)
    columns = pick(rng, ("pieces", "weight_kg", "volume_m3"), n, (30, 35, 35))
    return Planting(
        columns,
        _spread(
            columns,
            {
                "pieces": pick(rng, ("-1", "-2", "-3"), n),
                "weight_kg": pick(rng, ("0", "-5", "0.0", "-20"), n),
                "volume_m3": pick(rng, ("0", "-0.5", "0.00"), n),
            },
        ),
    )


def _goods(rng: np.random.Generator, n: int, *, heavy: bool) -> pl.Series:
    names = [g.name for g in vocab.GOODS if (g.heavy if heavy else g.bulky)]
    return pick(rng, names, n)


def _limit_planting(
    rng: np.random.Generator, column: str, pieces: np.ndarray, weight: np.ndarray, volume: np.ndarray, heavy: bool
) -> Planting:
    n = len(pieces)
    return Planting(
        _one_column(column, n),
        {
            "goods_name": _goods(rng, n, heavy=heavy),
            "pieces": pl.Series(pieces).cast(pl.String),
            "weight_kg": decimal_text(weight, 0),
            "volume_m3": decimal_text(volume, 2),
        },
    )


def piece_overweight(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """560-1200 kg a piece (limit 500), at most 4,500 kg in all (limit 5,000), small volume."""
    n = len(rows)
    pieces = rng.integers(1, 5, n)
    per_piece = rng.uniform(560, np.minimum(1200, 4500 / pieces))
    volume = pieces * rng.uniform(0.1, 0.8, n)
    return _limit_planting(rng, "weight_kg", pieces, np.round(pieces * per_piece), volume, heavy=True)


def order_overweight(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """5,300-9,000 kg in all (limit 5,000), at most 420 kg a piece (limit 500)."""
    n = len(rows)
    weight = np.round(rng.uniform(5300, 9000, n))
    pieces = np.ceil(weight / 420).astype(np.int64) + rng.integers(0, 4, n)
    volume = pieces * rng.uniform(0.05, np.minimum(0.5, 25 / pieces))
    return _limit_planting(rng, "weight_kg", pieces, weight, volume, heavy=True)


def piece_oversize(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """3.6-8 m3 a piece (limit 3), at most 24 m3 in all (limit 30), light."""
    n = len(rows)
    pieces = rng.integers(1, 4, n)
    volume = pieces * rng.uniform(3.6, np.minimum(8, 27 / pieces))
    weight = pieces * rng.uniform(20, 200, n)
    return _limit_planting(rng, "volume_m3", pieces, weight, volume, heavy=False)


def order_oversize(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """33-60 m3 in all (limit 30), at most 2.6 m3 a piece (limit 3), light."""
    n = len(rows)
    volume = rng.uniform(33, 60, n)
    pieces = np.ceil(volume / 2.6).astype(np.int64) + rng.integers(0, 4, n)
    weight = pieces * rng.uniform(5, 60, n)
    return _limit_planting(rng, "volume_m3", pieces, weight, volume, heavy=False)


def prohibited_goods(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    return Planting(_one_column("goods_name", n), {"goods_name": pick(rng, vocab.PROHIBITED_GOODS, n)})


def embargoed(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    return Planting(_one_column("goods_name", n), {"goods_name": pick(rng, vocab.EMBARGOED_GOODS, n)})


def no_packaging(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    return Planting(_one_column("packaging", n), {"packaging": pick(rng, vocab.NO_PACKAGING, n)})


def used_goods_insured(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    return Planting(
        _one_column("declared_value", n),
        {
            "goods_condition": pick(rng, vocab.GOODS_CONDITIONS_USED, n),
            "declared_value": pl.Series(rng.integers(5, 200, n) * 100).cast(pl.String),
        },
    )


def bad_payment_method(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    return Planting(_one_column("payment_method", n), {"payment_method": pick(rng, vocab.BAD_PAYMENTS, n)})


def duplicate_order_id(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """The row before, exported a second time: every cell equal, the order id included."""
    source = frame.select(pl.exclude(TIME)).gather(rows - 1)
    return Planting(_one_column("order_id", len(rows)), {c: source[c] for c in source.columns if not c.startswith("_")})


def possible_duplicate(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """The order before, entered again 1-29 minutes later under a new order id."""
    source = frame.gather(rows - 1)
    minutes = rng.integers(1, DUPLICATE_WINDOW_MINUTES, len(rows))  # 1-29: inside the window
    later = source[TIME] + pl.Series(minutes * 60_000_000).cast(pl.Duration("us"))
    updates = {c: source[c] for c in source.columns if not c.startswith("_") and c != "order_id"}
    updates["order_time"] = iso_minutes(later)
    updates[TIME] = later
    return Planting(_one_column("order_id", len(rows)), updates)


def destination_not_served(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    n = len(rows)
    city_idx = rng.integers(0, len(vocab.UNSERVED_CITIES), n)
    return Planting(
        _one_column("destination", n),
        {
            "destination": pl.Series([c.name for c in vocab.UNSERVED_CITIES]).gather(city_idx),
            "consignee_address": addresses(rng, vocab.UNSERVED_CITIES, city_idx),
        },
    )


def future_order_time(frame: pl.DataFrame, rows: np.ndarray, rng: np.random.Generator) -> Planting:
    """The year typed as 2099."""
    times = frame[TIME].gather(rows)
    return Planting(_one_column("order_time", len(rows)), {"order_time": times.dt.strftime("2099-%m-%d %H:%M")})


PLANTERS: dict[str, Planter] = {
    "required": required,
    "not_a_date": not_a_date,
    "not_a_number": not_a_number,
    "not_an_integer": not_an_integer,
    "invalid_phone": invalid_phone,
    "non_positive": non_positive,
    "piece_overweight": piece_overweight,
    "order_overweight": order_overweight,
    "piece_oversize": piece_oversize,
    "order_oversize": order_oversize,
    "prohibited_goods": prohibited_goods,
    "embargoed": embargoed,
    "no_packaging": no_packaging,
    "used_goods_insured": used_goods_insured,
    "bad_payment_method": bad_payment_method,
    "duplicate_order_id": duplicate_order_id,
    "possible_duplicate": possible_duplicate,
    "destination_not_served": destination_not_served,
    "future_order_time": future_order_time,
}

# Rules whose planted row copies the row just before it.
NEEDS_CLEAN_PREDECESSOR = frozenset({"duplicate_order_id", "possible_duplicate"})
