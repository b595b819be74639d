"""The tier table (客户支持工作项目): how often an account is contacted by its monthly revenue.

The default is the manual's table, shipped as tiers.yaml beside this module (its comments say how
each cell was read); a team's own file replaces it whole. Tiers are ranges of monthly revenue in
yuan; a revenue in no range (the source's 10–20万 gap, or below the first tier) gets no tier and
is reported, never rounded into a neighbour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl
from pydantic import Field, PositiveInt, model_validator

from toolkit.config.loader import load_model
from toolkit.config.models import Strict

DEFAULT_TIERS = Path(__file__).with_name("tiers.yaml")
CADENCED = ("call", "email_fax", "meeting", "regular_meeting", "visit")
"""The items counted per period: each tier gives `times` per block of `months` calendar months."""
ITEMS = (*CADENCED, "apology", "gift")
Months = Literal[1, 2, 3, 6, 12]


class Cadence(Strict):
    """`times` contacts per block of `months` calendar months (1次/2月: times 1, months 2)."""

    times: PositiveInt
    months: Months = 1


class Apology(Strict):
    """服务事故致歉: one apology contact for every `per_incidents` incidents of the period."""

    per_incidents: PositiveInt
    months: Months = 3  # ours: incidents counted per quarter, so a tier's 5 need not fall in one month


class Tier(Strict):
    name: str
    min: float = Field(ge=0)  # monthly revenue, yuan, inclusive
    max: float | None = None  # inclusive
    below: float | None = None  # exclusive
    call: Cadence | None = None
    email_fax: Cadence | None = None
    meeting: Cadence | None = None
    regular_meeting: Cadence | None = None
    visit: Cadence | None = None
    apology: Apology | None = None
    gifts: Literal["none", "discretionary", "major", "all"] = "none"
    guidance: dict[str, str] = {}  # the source's judgements (适当, 重大 …), shown, not tracked

    @model_validator(mode="after")
    def _one_upper_bound(self) -> Tier:
        if self.max is not None and self.below is not None:
            raise ValueError("give `max` (inclusive) or `below` (exclusive), not both")
        upper = self.max if self.max is not None else self.below
        if upper is not None and upper <= self.min:
            raise ValueError(f"the upper bound {upper} is not above min {self.min}")
        return self

    def contains(self, revenue: pl.Expr) -> pl.Expr:
        inside = revenue >= self.min
        if self.max is not None:
            inside &= revenue <= self.max
        if self.below is not None:
            inside &= revenue < self.below
        return inside

    def cadence(self, item: str) -> Cadence | None:
        return getattr(self, item)


class TierTable(Strict):
    major_holidays: list[str] = ["春节", "中秋"]
    all_holidays: list[str] = ["元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆"]
    tiers: list[Tier] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> TierTable:
        ordered = sorted(self.tiers, key=lambda t: t.min)
        for lower, upper in zip(ordered, ordered[1:], strict=False):
            top = lower.max if lower.max is not None else lower.below
            if top is None or top > upper.min or (lower.max is not None and lower.max == upper.min):
                raise ValueError(f"tiers {lower.name!r} and {upper.name!r} overlap")
        if len({t.name for t in self.tiers}) != len(self.tiers):
            raise ValueError("two tiers have the same name")
        return self

    def holidays(self, tier: Tier) -> list[str]:
        """The holidays a tier's gifts are due for (适当 and none: no holiday tracked)."""
        return {"major": self.major_holidays, "all": self.all_holidays}.get(tier.gifts, [])

    def cadence_table(self) -> pl.DataFrame:
        """One row per tier and counted item: `tier`, `item`, `times`, `months`."""
        rows = [
            {"tier": t.name, "item": item, "times": c.times, "months": c.months}
            for t in self.tiers
            for item in CADENCED
            if (c := t.cadence(item)) is not None
        ]
        return pl.DataFrame(rows, schema={"tier": pl.String, "item": pl.String, "times": pl.Int64, "months": pl.Int64})


def load_tiers(path: Path | None = None) -> TierTable:
    """A tier file (the manual's table when `path` is None), every mistake at its line."""
    return load_model(path or DEFAULT_TIERS, TierTable)


def assign_tiers(accounts: pl.DataFrame, table: TierTable) -> pl.DataFrame:
    """`tier` (null when none) and `untiered` (`gap`: between two tiers, `below`: under the first,
    `no_revenue`: not read) for each account's `revenue`."""
    revenue = pl.col("revenue")
    tier = pl.lit(None, pl.String)
    for t in reversed(table.tiers):
        tier = pl.when(t.contains(revenue)).then(pl.lit(t.name)).otherwise(tier)
    lowest = min(t.min for t in table.tiers)
    return accounts.with_columns(tier=tier).with_columns(
        untiered=pl.when(pl.col("tier").is_not_null())
        .then(None)
        .when(revenue.is_null())
        .then(pl.lit("no_revenue"))
        .when(revenue < lowest)
        .then(pl.lit("below"))
        .otherwise(pl.lit("gap"))
    )
