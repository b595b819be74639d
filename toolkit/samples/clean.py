"""Clean orders: every row passes the intake rules, although many cells are messy (but valid) the way
people type them into Excel."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from toolkit.samples import thresholds as lim
from toolkit.samples import vocab
from toolkit.samples.draw import choice_index, decimal_text, pick, with_thousands, zipf_weights
from toolkit.samples.people import addresses, city_table, company_names, person_names
from toolkit.samples.phones import MOBILE_STYLE_WEIGHTS, format_mobile, landlines, mobile_digits
from toolkit.samples.times import TIME_STYLE_WEIGHTS, draw_order_times, format_order_times

FIRST_ORDER_NUMBER = 7551000000

# Hidden columns kept next to the canonical ones while defects are planted.
TIME = "_time"  # the true order time (Datetime)
SHIPPER_KEY = "_shipper_key"  # the phone as dialled, before messy formatting
CONSIGNEE_KEY = "_consignee_key"


def _padded(rng: np.random.Generator, text: pl.Series, share: float = 0.03) -> pl.Series:
    """Add a leading or trailing space to `share` of the cells."""
    u = rng.random(len(text))
    lead, trail = np.flatnonzero(u < share / 2), np.flatnonzero((u >= share / 2) & (u < share))
    out = text.clone()
    out.scatter(lead, " " + text.gather(lead))
    out.scatter(trail, text.gather(trail) + " ")
    return out


def _phones(
    rng: np.random.Generator, area_codes: pl.Series, local_digits: np.ndarray, landline_share: float
) -> tuple[pl.Series, pl.Series]:
    """(phone as dialled, phone as written): mobiles in messy styles, some landlines of the city."""
    n = len(area_codes)
    mobile = mobile_digits(rng, n)
    written_mobile = format_mobile(mobile, choice_index(rng, len(MOBILE_STYLE_WEIGHTS), n, MOBILE_STYLE_WEIGHTS))
    landline = landlines(rng, area_codes, local_digits)
    use_landline = pl.Series(rng.random(n) < landline_share)
    dialled = pl.select(pl.when(use_landline).then(landline).otherwise(mobile)).to_series()
    written = pl.select(pl.when(use_landline).then(landline).otherwise(written_mobile)).to_series()
    return dialled, written


def _quantities(rng: np.random.Generator, goods_idx: np.ndarray) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(pieces, weight, volume) as typed, within CLEAN_SHARE of every limit by construction."""
    n = len(goods_idx)
    goods = vocab.GOODS
    w_lo, w_hi = (np.array([g.piece_kg[i] for g in goods])[goods_idx] for i in (0, 1))
    v_lo, v_hi = (np.array([g.piece_m3[i] for g in goods])[goods_idx] for i in (0, 1))
    cap = np.array(
        [
            max(
                1,
                min(
                    g.max_pieces,
                    int(lim.CLEAN_SHARE * lim.MAX_ORDER_WEIGHT_KG // g.piece_kg[1]),
                    int(lim.CLEAN_SHARE * lim.MAX_ORDER_VOLUME_M3 // g.piece_m3[1]),
                ),
            )
            for g in goods
        ]
    )[goods_idx]
    pieces = np.minimum(rng.geometric(0.28, n), cap)
    weight = pieces * rng.uniform(w_lo, w_hi)
    weight = np.where(weight < 10, np.round(weight, 1), np.round(weight))
    volume = pieces * rng.uniform(v_lo, v_hi)
    volume = np.maximum(np.where(volume < 0.1, np.round(volume, 3), np.round(volume, 2)), 0.001)

    pieces_text = pl.Series(pieces).cast(pl.String)
    pieces_text = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.1)).then(pieces_text + "件").otherwise(pieces_text)
    ).to_series()
    weight_text = decimal_text(weight, 1)
    style = rng.random(n)
    weight_text = pl.select(
        pl.when(pl.Series(style < 0.1))
        .then(weight_text + "公斤")
        .when(pl.Series((style < 0.4) & (weight >= 1000)))
        .then(with_thousands(weight_text))
        .otherwise(weight_text)
    ).to_series()
    return pieces_text, weight_text, decimal_text(volume, 3)


def _declared_values(rng: np.random.Generator, used: np.ndarray) -> pl.Series:
    """Used goods are never insured (empty or 0); a third of the others declare a value."""
    n = len(used)
    value = pl.Series(rng.integers(5, 200, n) * 100).cast(pl.String)
    u = rng.random(n)
    return pl.select(
        pl.when(pl.Series(used & (u < 0.3)))
        .then(pl.lit("0"))
        .when(pl.Series(~used & (u < 0.35)))
        .then(value)
        .otherwise(pl.lit(""))
    ).to_series()


def _fees(rng: np.random.Generator, n: int, share: float) -> pl.Series:
    fee = pick(rng, ("0", "30", "50", "80", "100", "150", "200"), n)
    return pl.select(pl.when(pl.Series(rng.random(n) < share)).then(fee).otherwise(pl.lit(""))).to_series()


def _unique_keys(rng: np.random.Generator, frame: pl.DataFrame) -> pl.DataFrame:
    """Re-draw consignee mobiles until no two rows share shipper phone, consignee phone and goods:
    clean rows must never look like a possible duplicate."""
    key = [SHIPPER_KEY, CONSIGNEE_KEY, "goods_name"]
    for _ in range(100):
        clash = frame.select(pl.struct(key).is_duplicated()).to_series()
        if not clash.any():
            return frame
        idx = np.flatnonzero(clash.to_numpy())
        fresh = mobile_digits(rng, len(idx))
        frame = frame.with_columns(
            frame[CONSIGNEE_KEY].scatter(idx, fresh), frame["consignee_phone"].scatter(idx, fresh)
        )
    raise RuntimeError("could not draw unique phone pairs")


def clean_orders(rng: np.random.Generator, n: int, start: date, days: int) -> pl.DataFrame:
    """`n` clean orders in time order: the canonical columns (as strings) plus the hidden ones."""
    times = draw_order_times(rng, n, start, days)
    order_id = pl.Series(FIRST_ORDER_NUMBER + np.cumsum(rng.integers(1, 4, n))).cast(pl.String)

    served = vocab.SERVED_CITIES
    cities = city_table(served)
    city_index = {c.name: i for i, c in enumerate(served)}
    branch_idx = choice_index(rng, len(vocab.BRANCHES), n)
    origin_idx = np.array([city_index[b.city] for b in vocab.BRANCHES])[branch_idx]
    branch_district = pl.Series([b.district for b in vocab.BRANCHES]).gather(branch_idx)
    origin = cities["city"].gather(origin_idx)

    shipper = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.12))
        .then(company_names(rng, origin))
        .otherwise(person_names(rng, n, honorific_share=0.3))
    ).to_series()
    shipper_key, shipper_phone = _phones(
        rng, cities["area_code"].gather(origin_idx), cities["local_digits"].to_numpy()[origin_idx], 0.15
    )
    near_branch = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.7)).then(branch_district).otherwise(pl.lit(None, dtype=pl.String))
    ).to_series()
    pickup = addresses(rng, served, origin_idx, near_branch)

    goods_idx = choice_index(rng, len(vocab.GOODS), n, [g.weight for g in vocab.GOODS])
    goods_name = pl.Series([g.name for g in vocab.GOODS]).gather(goods_idx)
    pieces, weight, volume = _quantities(rng, goods_idx)

    condition_kind = rng.choice(3, size=n, p=[0.6, 0.25, 0.15])
    used = condition_kind == 2
    condition = pl.select(
        pl.when(pl.Series(condition_kind == 1))
        .then(pick(rng, vocab.GOODS_CONDITIONS_NEW, n))
        .when(pl.Series(used))
        .then(pick(rng, vocab.GOODS_CONDITIONS_USED, n))
        .otherwise(pl.lit(""))
    ).to_series()
    packaging = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.04))
        .then(pl.lit(""))
        .otherwise(pick(rng, vocab.PACKAGING, n, vocab.PACKAGING_WEIGHTS))
    ).to_series()

    dest_idx = choice_index(rng, len(served), n, zipf_weights(len(served), 0.6))
    destination = cities["city"].gather(dest_idx)
    destination = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.06)).then(destination + "市").otherwise(destination)
    ).to_series()
    consignee_key, consignee_phone = _phones(
        rng, cities["area_code"].gather(dest_idx), cities["local_digits"].to_numpy()[dest_idx], 0.08
    )

    frame = pl.DataFrame(
        {
            "order_id": order_id,
            "order_time": format_order_times(times, choice_index(rng, 4, n, TIME_STYLE_WEIGHTS)),
            "shipper_name": _padded(rng, shipper),
            "shipper_phone": shipper_phone,
            "pickup_address": _padded(rng, pickup),
            "goods_name": goods_name,
            "pieces": pieces,
            "weight_kg": weight,
            "volume_m3": volume,
            "goods_condition": condition,
            "packaging": packaging,
            "declared_value": _declared_values(rng, used),
            "destination": destination,
            "consignee_name": _padded(rng, person_names(rng, n, honorific_share=0.3)),
            "consignee_phone": consignee_phone,
            "consignee_address": _padded(rng, addresses(rng, served, dest_idx)),
            "payment_method": pick(rng, vocab.PAYMENT_SPELLINGS, n, vocab.PAYMENT_WEIGHTS),
            "pickup_fee": _fees(rng, n, 0.35),
            "delivery_fee": _fees(rng, n, 0.25),
            "branch": pl.Series([b.name for b in vocab.BRANCHES]).gather(branch_idx),
            "agent_id": pl.select(
                pl.when(pl.Series(rng.random(n) < 0.02)).then(pl.lit("")).otherwise(pick(rng, vocab.AGENT_IDS, n))
            ).to_series(),
            TIME: times,
            SHIPPER_KEY: shipper_key,
            CONSIGNEE_KEY: consignee_key,
        }
    )
    return _unique_keys(rng, frame)
