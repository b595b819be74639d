"""`generate_claims`: a deterministic claims ledger (理赔台账) as a CS team keeps it, for the
letters job and the weekly claim KPIs (投保率, 赔付率, 票均赔付金额, 通融赔付次数, 当月出险次数).

Incidents fall over the weeks before `as_of`; each claim is filed a few days after its incident,
gets a proposal after some working days (a few after the 5-day deadline) and is settled or
rejected later, so that claims still open, proposed, settled and late all appear on `as_of`.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.claims.fields import CLAIM_FIELDS, INCIDENT_TYPES, PAYERS, STATUSES
from toolkit.samples import vocab
from toolkit.samples.draw import choice_index, pick
from toolkit.samples.people import city_table, company_names, person_names
from toolkit.samples.phones import mobile_digits

AS_OF = date(2026, 11, 22)
CARRIERS: tuple[str, ...] = ("自营干线", "顺丰", "京东物流", "邮政EMS", "德邦")
CARRIER_WEIGHTS: tuple[float, ...] = (55, 15, 10, 8, 12)
INCIDENT_WEIGHTS = {"damaged": 45, "lost": 15, "short": 15, "delay": 18, "wet": 7}
LATE_PROPOSAL_SHARE = 0.08  # proposals made after the 5-working-day deadline
GOODWILL_SHARE = 0.08  # settled claims paid as a courtesy (通融赔付)
REJECTED_SHARE = 0.1


def _clock(rng: np.random.Generator, n: int) -> np.ndarray:
    """Minutes after midnight within office hours (08:30-17:00)."""
    return rng.integers(8 * 60 + 30, 17 * 60, n)


def _at(days: pl.Series, minutes: np.ndarray) -> pl.Series:
    return days.cast(pl.Datetime("us")) + pl.Series(minutes * 60_000_000).cast(pl.Duration("us"))


def _after(calendar: WorkCalendar, days: pl.Series, n: np.ndarray) -> pl.Series:
    """The `n`-th working day after each day (n per row)."""
    frame = pl.DataFrame({"d": days, "n": pl.Series(n, dtype=pl.Int64)})
    return frame.select(calendar.workday_after(pl.col("d"), pl.col("n"))).to_series()


def _prices(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Purchase prices (log-normal, ¥100 to ¥30,000, whole yuan) and selling prices 15-60% above."""
    purchase = np.clip(np.round(np.exp(rng.normal(7.3, 1.0, n))), 100, 30_000)
    return purchase, np.round(purchase * rng.uniform(1.15, 1.6, n))


def _claimed(rng: np.random.Generator, kind: pl.Series, selling: np.ndarray) -> np.ndarray:
    """Lost goods claimed at (or above) their selling price, damage and shortage at a part of it,
    delay at a small sum; a few customers add indirect losses and claim more than the goods."""
    n = len(selling)
    kinds = kind.to_numpy()
    share = np.select(
        [kinds == "lost", kinds == "delay", kinds == "short"],
        [rng.uniform(1.0, 1.3, n), rng.uniform(0.03, 0.15, n), rng.uniform(0.1, 0.5, n)],
        rng.uniform(0.2, 1.0, n),
    )
    return np.maximum(np.round(selling * share / 10) * 10, 50)


def _yes_no(values: np.ndarray) -> pl.Series:
    return pl.Series(np.where(values, "是", "否"), dtype=pl.String)


def _label(codes: pl.Series, words: dict) -> pl.Series:
    return codes.replace_strict({k: v.zh for k, v in words.items()}, return_dtype=pl.String)


def _text(values: pl.Series, fmt: str | None = None) -> pl.Series:
    if fmt is not None:
        values = values.dt.strftime(fmt)
    return values.cast(pl.String).fill_null("")


def generate_claims(n: int = 120, *, seed: int = 11, as_of: date = AS_OF, weeks: int = 7) -> pl.DataFrame:
    """`n` claims, incidents over `weeks` weeks before `as_of`, with the Chinese headers
    (label_zh of CLAIM_FIELDS) and every cell a string, as a ledger exported to csv."""
    rng = np.random.default_rng(seed)
    calendar = WorkCalendar()
    first = as_of - timedelta(weeks=weeks)
    span = (as_of - first).days - 1
    incident = pl.Series([first + timedelta(days=int(d)) for d in np.sort(rng.integers(0, span, n))], dtype=pl.Date)
    delay = pl.Series(rng.choice(5, size=n, p=[0.3, 0.3, 0.2, 0.12, 0.08]) * 86_400_000).cast(pl.Duration("ms"))
    last = next(as_of - timedelta(days=d) for d in range(1, 30) if calendar.is_workday(as_of - timedelta(days=d)))
    filed_day = _after(
        calendar, (incident + delay).clip(upper_bound=last), np.zeros(n, dtype=np.int64)
    )  # 受理: a working day
    filed_at = _at(filed_day, _clock(rng, n))

    lag = np.where(rng.random(n) < LATE_PROPOSAL_SHARE, rng.integers(6, 10, n), rng.integers(1, 6, n))
    proposal_day = _after(calendar, filed_day, lag)
    proposal_at = _at(proposal_day, _clock(rng, n))
    settle_day = _after(calendar, proposal_day, rng.integers(2, 16, n))
    settled_at = _at(settle_day, _clock(rng, n))
    proposed = (proposal_day < as_of).to_numpy()
    closed = proposed & (settle_day < as_of).to_numpy()
    rejected = closed & (rng.random(n) < REJECTED_SHARE)
    goodwill = closed & ~rejected & (rng.random(n) < GOODWILL_SHARE)
    status = np.select([rejected, closed, proposed], ["rejected", "settled", "proposed"], "open")

    kind = pl.Series(list(INCIDENT_WEIGHTS)).gather(
        choice_index(rng, len(INCIDENT_WEIGHTS), n, list(INCIDENT_WEIGHTS.values()))
    )
    payer = pl.Series(list(PAYERS)).gather((rng.random(n) < 0.45).astype(np.int64))
    purchase, selling = _prices(rng, n)
    claimed = _claimed(rng, kind, selling)
    insured = rng.random(n) < 0.4
    declared = np.where(insured, np.round(selling * rng.uniform(0.6, 1.2, n) / 100) * 100, np.nan)
    value = np.where(payer.to_numpy() == "shipper", purchase, selling)
    entitled = np.minimum(claimed, value)
    entitled = np.where(insured, np.minimum(entitled, declared), entitled)
    courtesy = np.round(claimed * rng.uniform(0.2, 0.5, n) / 10) * 10
    paid = np.select([goodwill, closed & ~rejected, rejected], [courtesy, entitled, 0.0], np.nan)

    branch_idx = choice_index(rng, len(vocab.BRANCHES), n)
    cities = city_table(vocab.SERVED_CITIES)["city"]
    origin = cities.gather(choice_index(rng, len(cities), n))
    customer = pl.select(
        pl.when(pl.Series(rng.random(n) < 0.3)).then(company_names(rng, origin)).otherwise(person_names(rng, n, 0.3))
    ).to_series()
    goods = pl.Series([g.name for g in vocab.GOODS]).gather(
        choice_index(rng, len(vocab.GOODS), n, [g.weight for g in vocab.GOODS])
    )
    sequence = pl.DataFrame({"d": filed_day}).select(pl.int_range(pl.len()).over("d") + 1).to_series()

    columns = {
        "claim_id": "LP" + filed_day.dt.strftime("%Y%m%d") + sequence.cast(pl.String).str.zfill(3),
        "customer": customer,
        "customer_phone": mobile_digits(rng, n),
        "waybill": pl.Series(7551000000 + rng.integers(0, 9_000_000, n)).cast(pl.String),
        "branch": pl.Series([b.name for b in vocab.BRANCHES]).gather(branch_idx),
        "carrier": pick(rng, CARRIERS, n, CARRIER_WEIGHTS),
        "incident_date": _text(incident, "%Y-%m-%d"),
        "incident_type": _label(kind, INCIDENT_TYPES),
        "goods_name": goods,
        "declared_value": _text(pl.Series(declared).fill_nan(None).cast(pl.Int64)),
        "insured": _yes_no(insured),
        "freight_paid_by": _label(payer, PAYERS),
        "purchase_price": _text(pl.Series(purchase).cast(pl.Int64)),
        "selling_price": _text(pl.Series(selling).cast(pl.Int64)),
        "amount_claimed": _text(pl.Series(claimed).cast(pl.Int64)),
        "status": _label(pl.Series(status), STATUSES),
        "filed_at": _text(filed_at, "%Y-%m-%d %H:%M"),
        "proposal_at": _text(pl.select(pl.when(pl.Series(proposed)).then(proposal_at)).to_series(), "%Y-%m-%d %H:%M"),
        "settled_at": _text(pl.select(pl.when(pl.Series(closed)).then(settled_at)).to_series(), "%Y-%m-%d %H:%M"),
        "amount_paid": _text(pl.Series(paid).fill_nan(None).round(2)).str.replace(r"\.0$", ""),
        "goodwill": _yes_no(goodwill),
    }
    frame = pl.DataFrame(columns).sort("claim_id")
    return frame.select(frame[f.name].alias(f.label_zh) for f in CLAIM_FIELDS)


__all__ = ["AS_OF", "generate_claims"]
