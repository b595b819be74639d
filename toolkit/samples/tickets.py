"""`generate_tickets`: a deterministic service-ticket export (客服工单) over the weeks before
`as_of`, for the daily and weekly reports.

Volumes follow the office day (peaks at 10:00 and 15:00, quiet nights, weekends at 40%); phone
tickets are answered at once, online ones in minutes, mail in hours; queries are mostly closed
within the hour and complaints within 4 hours, with a tail that misses the standards
of docs/DOMAIN.md §6 (about 80% and 70% on time); about 45% of closed tickets carry a 1-5 rating.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from toolkit.samples import vocab
from toolkit.samples.draw import choice_index, pick
from toolkit.servicedesk import TICKET_FIELDS, TICKET_TYPES

AS_OF = date(2026, 11, 22)
CHANNEL_WEIGHTS = {"电话": 58, "在线客服": 22, "微信": 15, "邮件": 5}
TYPE_WEIGHTS = {"query": 40, "inquiry": 14, "urge": 12, "change": 11, "complaint": 12, "claim": 5, "order": 6}
PROBLEMS = {
    "query": ("查件", "签收查询", "物流信息未更新"),
    "inquiry": ("运费咨询", "服务范围", "包装要求", "时效咨询"),
    "urge": ("催派送", "催提货"),
    "change": ("改地址", "改收货人", "改派送时间", "取消订单"),
    "complaint": ("延误", "破损", "服务态度", "乱收费", "未按约提货", "丢件"),
    "claim": ("破损", "丢件", "短少", "延误"),
    "order": ("电话下单", "预约提货"),
}
# Median minutes from creation to closing, and the spread (log-normal sigma), per type.
CLOSE_MINUTES = {
    "query": (28, 0.95),
    "inquiry": (12, 0.9),
    "urge": (45, 0.9),
    "change": (70, 0.8),
    "complaint": (150, 0.9),
    "claim": (60 * 24 * 4, 0.6),
    "order": (6, 0.5),
}
FIRST_RESPONSE = {"电话": (1.0, 0.6), "在线客服": (3.0, 0.8), "微信": (8.0, 0.9), "邮件": (180.0, 0.7)}
# Tickets still open at the sample moment, 2026-11-22 (a Sunday) 09:00, for the live ticket worklist
# (toolkit/tickets/): in working time (08:30-17:00) the clock stands at Friday 17:00 then. Appended
# after the generated rows, a value per TICKET_FIELDS field; the 14 claims the generator leaves open are open too.
PLANTED: tuple[tuple[str | None, ...], ...] = (
    # breached: a complaint about 300 yuan since Friday 10:05, due 14:05 (4 h), 175 working minutes over
    ("GD202611209001", "电话", "投诉", "延误", "2026-11-20 10:05:00", "2026-11-20 10:06:10", None, "8016", None, "7559000001", "杭州萧山营业所", "300"),
    # due soon: a complaint since Friday 13:20, 20 working minutes left (due Monday 08:50), never answered
    ("GD202611209002", "在线客服", "投诉", "破损", "2026-11-20 13:20:00", None, None, "8013", None, "7559000002", "义乌营业所", "150"),
    # a query within its hour: since Friday 16:50, 10 minutes used, due Monday 09:20
    ("GD202611209003", "电话", "查询", "查件", "2026-11-20 16:50:00", "2026-11-20 16:50:40", None, "8011", None, "7559000003", "上海浦东营业所", None),
    # over 500 yuan: 1,200 yuan since Friday 11:00 is under the 1-working-day standard, due Monday 11:00
    # (under the 4 h one it would have been due Friday 15:00)
    ("GD202611209004", "电话", "投诉", "丢件", "2026-11-20 11:00:00", "2026-11-20 11:01:30", None, "8022", None, "7559000004", "深圳宝安营业所", "1200"),
    # on a day off: a complaint on Saturday 14:00 waits for Monday 08:30, due Monday 12:30
    ("GD202611219001", "微信", "投诉", "服务态度", "2026-11-21 14:00:00", "2026-11-21 14:06:00", None, "8035", None, "7559000005", "苏州工业园营业所", "80"),
)  # fmt: skip
HOUR_WEIGHTS = np.array([1, 1, 0, 0, 0, 0, 1, 3, 10, 16, 18, 16, 9, 11, 15, 16, 13, 10, 6, 4, 3, 2, 1, 1], dtype=float)


def _minutes(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return np.exp(np.log(median) + sigma * rng.standard_normal(len(median)))


def _created(rng: np.random.Generator, as_of: date, days: int, per_weekday: int) -> np.ndarray:
    """Creation times (naive local datetimes as numpy datetime64[s]), sorted."""
    start = as_of - timedelta(days=days)
    stamps = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        volume = per_weekday if day.weekday() < 5 else int(per_weekday * 0.4)
        n = int(rng.poisson(volume))
        hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        seconds = hours * 3600 + rng.integers(0, 3600, n)
        stamps.append(np.datetime64(day.isoformat(), "s") + seconds.astype("timedelta64[s]"))
    return np.sort(np.concatenate(stamps))


def generate_tickets(*, seed: int = 5, as_of: date = AS_OF, days: int = 42, per_weekday: int = 95) -> pl.DataFrame:
    """Tickets created over the `days` days before `as_of` (midnight), with the Chinese headers
    (label_zh of TICKET_FIELDS) and every cell a string, as a CS system exports them to csv."""
    rng = np.random.default_rng(seed)
    created = _created(rng, as_of, days, per_weekday)
    n = len(created)
    codes = list(TYPE_WEIGHTS)
    kind = np.array(codes)[choice_index(rng, len(codes), n, list(TYPE_WEIGHTS.values()))]
    channels = list(CHANNEL_WEIGHTS)
    channel = np.array(channels)[choice_index(rng, len(channels), n, list(CHANNEL_WEIGHTS.values()))]
    first = _minutes(rng, *map(np.array, zip(*[FIRST_RESPONSE[c] for c in channel], strict=True)))
    close = _minutes(rng, *map(np.array, zip(*[CLOSE_MINUTES[k] for k in kind], strict=True)))
    close = np.maximum(close, first + 1)
    created_s = created.astype("datetime64[s]")
    responded = created_s + (first * 60).astype("timedelta64[s]")
    closed = created_s + (close * 60).astype("timedelta64[s]")
    cutoff = np.datetime64(as_of.isoformat(), "s") + np.timedelta64(9 * 3600, "s")  # the export is taken at 09:00
    open_ = closed > cutoff
    rated = ~open_ & (rng.random(n) < 0.45)
    # Slow tickets are rated lower: 5 and 4 mostly, 1-2 when a complaint ran late.
    late = close > np.where(np.isin(kind, ["complaint"]), 240, 60)
    score = np.clip(np.round(rng.normal(np.where(late, 3.3, 4.5), 0.8)), 1, 5).astype(np.int64)
    problem = np.array([PROBLEMS[k][i % len(PROBLEMS[k])] for k, i in zip(kind, rng.integers(0, 12, n), strict=True)])
    money = np.isin(kind, ["complaint", "claim"])
    amount = np.where(money, np.round(np.exp(rng.normal(5.6, 1.0, n)) / 10) * 10, np.nan)
    day = pl.Series(created.astype("datetime64[ms]")).dt.strftime("%Y%m%d")
    sequence = pl.DataFrame({"d": day}).select(pl.int_range(pl.len()).over("d") + 1).to_series()

    def when(values: np.ndarray, keep: np.ndarray) -> pl.Series:
        text = pl.Series(values.astype("datetime64[ms]")).dt.strftime("%Y-%m-%d %H:%M:%S")
        return pl.select(pl.when(pl.Series(keep)).then(text)).to_series()

    columns = {
        "ticket_id": "GD" + day + sequence.cast(pl.String).str.zfill(4),
        "channel": pl.Series(channel),
        "ticket_type": pl.Series([TICKET_TYPES[k].zh for k in kind]),
        "problem": pl.Series(problem),
        "created_at": when(created, np.ones(n, dtype=bool)),
        "first_response_at": when(responded, responded <= cutoff),
        "closed_at": when(closed, ~open_),
        "agent": pick(rng, vocab.AGENT_IDS, n),
        "satisfaction": pl.select(pl.when(pl.Series(rated)).then(pl.Series(score).cast(pl.String))).to_series(),
        "waybill": pl.select(
            pl.when(pl.Series(kind != "inquiry")).then(
                pl.Series(7551000000 + rng.integers(0, 9_000_000, n)).cast(pl.String)
            )
        ).to_series(),
        "branch": pl.Series([b.name for b in vocab.BRANCHES]).gather(choice_index(rng, len(vocab.BRANCHES), n)),
        "amount": pl.Series(amount).fill_nan(None).cast(pl.Int64).cast(pl.String),
    }
    frame = pl.DataFrame(columns)
    if as_of == AS_OF and days >= 2:  # the planted cases are for the sample moment (Sunday 09:00)
        frame = pl.concat([frame, pl.DataFrame(list(PLANTED), schema=dict.fromkeys(columns, pl.String), orient="row")])
    return frame.select(frame[f.name].alias(f.label_zh) for f in TICKET_FIELDS)


def tickets_as_of(as_of: date = AS_OF) -> datetime:
    """The moment the sample export was taken (09:00 on `as_of`)."""
    return datetime.combine(as_of, datetime.min.time()).replace(hour=9)


__all__ = ["AS_OF", "PLANTED", "generate_tickets", "tickets_as_of"]
