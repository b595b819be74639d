"""Contact names and street addresses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from toolkit.samples import vocab
from toolkit.samples.draw import pick, zipf_weights


def person_names(rng: np.random.Generator, n: int, honorific_share: float = 0.25) -> pl.Series:
    """Full names (王伟, 欧阳子涵) and, for `honorific_share` of them, a surname with 先生/女士."""
    surname = pick(rng, vocab.SURNAMES, n, zipf_weights(len(vocab.SURNAMES)))
    given = pick(rng, vocab.GIVEN_NAMES, n)
    honorific = pick(rng, vocab.HONORIFICS, n)
    use_honorific = pl.Series(rng.random(n) < honorific_share)
    return pl.select(pl.when(use_honorific).then(surname + honorific).otherwise(surname + given)).to_series()


def company_names(rng: np.random.Generator, cities: pl.Series) -> pl.Series:
    """Shipper companies such as 杭州鑫源贸易有限公司."""
    n = len(cities)
    return cities + pick(rng, vocab.COMPANY_BRANDS, n) + pick(rng, vocab.COMPANY_KINDS, n)


def city_table(cities: Sequence[vocab.City]) -> pl.DataFrame:
    """One row per city: name, province, area code, landline length."""
    return pl.DataFrame(
        {
            "city": [c.name for c in cities],
            "province": [c.province for c in cities],
            "area_code": [c.area_code for c in cities],
            "local_digits": [c.local_digits for c in cities],
        }
    )


def districts(rng: np.random.Generator, cities: Sequence[vocab.City], city_idx: np.ndarray) -> pl.Series:
    """A random district of each row's city."""
    names = [d for c in cities for d in c.districts]
    counts = np.array([len(c.districts) for c in cities])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    idx = offsets[city_idx] + (rng.random(len(city_idx)) * counts[city_idx]).astype(np.int64)
    return pl.Series(names, dtype=pl.String).gather(idx)


def addresses(
    rng: np.random.Generator,
    cities: Sequence[vocab.City],
    city_idx: np.ndarray,
    district: pl.Series | None = None,
) -> pl.Series:
    """Street addresses in each row's city: `浙江省杭州市萧山区人民路88号`, sometimes with a flat in a
    residential estate or a plot in an industrial park. The province is written in 30% of them.
    `district` (null = any district of the city) pins the district."""
    n = len(city_idx)
    table = city_table(cities)
    any_district = districts(rng, cities, city_idx)
    parts = pl.DataFrame(
        {
            "province": table["province"].gather(city_idx),
            "with_province": rng.random(n) < 0.3,
            "city": table["city"].gather(city_idx),
            "district": any_district if district is None else district.fill_null(any_district),
            "street": pick(rng, vocab.STREETS, n),
            "number": rng.integers(1, 999, n),
            "estate": pick(rng, vocab.ESTATES, n),
            "building": rng.integers(1, 30, n),
            "unit": rng.integers(1, 5, n),
            "room": rng.integers(1, 33, n) * 100 + rng.integers(1, 5, n),
            "park": pick(rng, vocab.PARKS, n),
            "zone": pick(rng, ("A", "B", "C", "D"), n),
            "plot": rng.integers(1, 60, n),
            "kind": rng.choice(3, size=n, p=[0.55, 0.25, 0.2]),
        }
    )
    c = pl.col
    head = pl.concat_str(
        pl.when(c("with_province")).then(c("province")).otherwise(pl.lit("")), c("city"), pl.lit("市"), c("district")
    )
    street = pl.concat_str(c("street"), c("number"), pl.lit("号"))
    flat = pl.concat_str(c("estate"), c("building"), pl.lit("栋"), c("unit"), pl.lit("单元"), c("room"), pl.lit("室"))
    park = pl.concat_str(c("park"), c("zone"), pl.lit("区"), c("plot"), pl.lit("号"))
    tail = pl.when(c("kind") == 0).then(street).when(c("kind") == 1).then(pl.concat_str(street, flat)).otherwise(park)
    return parts.select(pl.concat_str(head, tail).alias("address")).to_series()
