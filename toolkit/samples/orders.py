"""`generate_orders`: a deterministic order export with planted defects and the list of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from toolkit.orders.fields import ORDER_FIELDS
from toolkit.samples.clean import clean_orders
from toolkit.samples.defects import NEEDS_CLEAN_PREDECESSOR, PLANTERS

FIRST_DATA_ROW = 2  # row numbers as the user sees them: the header is row 1

PLANTED_SCHEMA = {"row": pl.Int64, "order_id": pl.String, "rule": pl.String, "column": pl.String}


@dataclass(frozen=True)
class GeneratedOrders:
    frame: pl.DataFrame  # the Chinese headers (label_zh) of ORDER_FIELDS, every cell a string
    planted: pl.DataFrame  # row, order_id, rule, column (canonical field name), one row per defect


def assign_rules(rng: np.random.Generator, n: int, defect_share: float, rules: list[str]) -> dict[str, np.ndarray]:
    """Choose the defective rows (row index 0 stays clean) and give each exactly one rule, spread
    evenly over the rules. Duplicate rules only get rows whose previous row is clean."""
    k = min(int(round(n * defect_share)), max(n - 1, 0))
    if k == 0:
        return {}
    rows = np.sort(rng.choice(np.arange(1, n), size=k, replace=False))
    counts = np.full(len(rules), k // len(rules))
    counts[rng.choice(len(rules), size=k % len(rules), replace=False)] += 1
    count = dict(zip(rules, counts.tolist(), strict=True))

    assigned: dict[str, np.ndarray] = {}
    free = np.ones(k, dtype=bool)
    eligible = ~np.isin(rows - 1, rows)
    for rule in sorted(NEEDS_CLEAN_PREDECESSOR & set(rules)):
        pool = np.flatnonzero(free & eligible)
        take = rng.choice(pool, size=min(count[rule], len(pool)), replace=False)
        free[take] = False
        assigned[rule] = take
    rest = rng.permutation(np.flatnonzero(free))
    start = 0
    for rule in rules:
        if rule in NEEDS_CLEAN_PREDECESSOR:
            continue
        assigned[rule] = rest[start : start + count[rule]]
        start += count[rule]
    # Rows lost to duplicate rules without enough eligible rows go to the other rules in turn.
    others = [r for r in rules if r not in NEEDS_CLEAN_PREDECESSOR]
    for i, extra in enumerate(rest[start:]):
        rule = others[i % len(others)]
        assigned[rule] = np.append(assigned[rule], extra)
    return {rule: np.sort(rows[idx]) for rule, idx in assigned.items() if len(idx)}


def generate_orders(
    n: int,
    *,
    seed: int = 7,
    start: date = date(2026, 9, 24),
    days: int = 19,
    defect_share: float = 0.08,
) -> GeneratedOrders:
    """`n` orders placed over `days` days from `start`; about `defect_share` of them carry exactly
    one planted defect each, listed in `planted`. The same arguments always give the same data."""
    rng = np.random.default_rng(seed)
    clean = clean_orders(rng, n, start, days)
    columns = {name: clean[name].clone() for name in clean.columns}
    planted: list[pl.DataFrame] = []
    for rule, rows in assign_rules(rng, n, defect_share, list(PLANTERS)).items():
        planting = PLANTERS[rule](clean, rows, rng)
        for name, values in planting.updates.items():
            keep = values.is_not_null().to_numpy()
            columns[name].scatter(rows[keep], values.filter(pl.Series(keep)))
        planted.append(
            pl.DataFrame(
                {"row": rows + FIRST_DATA_ROW, "rule": [rule] * len(rows), "column": planting.columns},
                schema_overrides={"row": pl.Int64},
            )
        )
    frame = pl.DataFrame([columns[f.name] for f in ORDER_FIELDS])
    empty = pl.DataFrame(schema={"row": pl.Int64, "rule": pl.String, "column": pl.String})
    found = pl.concat(planted) if planted else empty
    found = (
        found.with_columns(order_id=frame["order_id"].gather(found["row"] - FIRST_DATA_ROW))
        .select(list(PLANTED_SCHEMA))
        .cast(PLANTED_SCHEMA)
        .sort("row")
    )
    return GeneratedOrders(frame.rename({f.name: f.label_zh for f in ORDER_FIELDS}), found)
