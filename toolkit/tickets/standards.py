"""The call centre's time limits for service tickets (服务时效) as config, with the manual's as
defaults (the CS manual's 四(五) CALLCENTER工作标准 and 四(四) 保险理赔工作标准), and the
polars expression that gives every ticket the first standard that matches it.

The manual's table, and what the toolkit makes of it:

| 岗位 | 标准一 | 标准二 | here |
|---|---|---|---|
| 投诉 | 70%按时完成 | 500元以内4小时完成 | `complaint_4h`: complaints ≤ 500 yuan closed in 4 working hours, target 70% |
| 查询 | 80%按时完成 | 1小时内完成 | `query_1h`: 查询, 咨询, 催件 answered in 1 working hour, target 80% |
| 查询总调 | 100%在3分钟下达指令 | 98%按时取货率 | `order_3min`: an order ticket (下单) passed on in 3 minutes |
| 坐席 | 每天100个话务量 | 每次跟进3分以内 | `response.minutes: 3`: a ticket not yet answered 3 minutes after it came in |
| 坐席 | 100%开单正确 | 受理时间低于5分/次 | not a deadline of an open ticket (call length): not encoded |

The manual sets no limit for complaints over 500 yuan, for changes (改单) or for anything else;
the defaults there (`complaint_over_500`: 1 working day; `other`: 1 working day) are the
toolkit's, said so in their `source`. Claims (理赔) take the claims desk's 5 working days to a
proposal (四(四) 客服提出理赔方案报批不超5个工作日).
"""

from __future__ import annotations

from typing import Literal

import polars as pl
from pydantic import Field, NonNegativeFloat, PositiveFloat, model_validator

from toolkit.config.models import Strict

Clock = Literal["working", "calendar"]


class Standard(Strict):
    """One time limit: the tickets it is for (type, channel, amount band; empty: any), the limit
    in minutes or hours of the job's clock, the share meant to meet it and where it comes from.
    The first standard in the list that matches a ticket is its standard."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str | None = None  # what people read; default: the name
    types: list[str] = []  # type codes (query, complaint …) or the export's words (查询, 投诉 …)
    channels: list[str] = []  # 电话, 在线客服, 微信, 邮件 …
    amount_above: NonNegativeFloat | None = None  # only tickets about more than this many yuan
    amount_up_to: NonNegativeFloat | None = None  # only tickets about at most this many yuan (no amount: 0)
    minutes: PositiveFloat | None = None
    hours: PositiveFloat | None = None
    target: float | None = Field(None, ge=0, le=1)  # share of tickets on time the team aims for
    source: str = ""

    @model_validator(mode="after")
    def _one_limit(self) -> Standard:
        if (self.minutes is None) == (self.hours is None):
            raise ValueError("give the limit as either `minutes` or `hours`")
        if self.amount_above is not None and self.amount_up_to is not None and self.amount_up_to <= self.amount_above:
            raise ValueError("amount_up_to must be above amount_above")
        return self

    @property
    def limit_minutes(self) -> float:
        return self.minutes if self.minutes is not None else (self.hours or 0) * 60


DEFAULT_STANDARDS: tuple[Standard, ...] = (
    Standard(
        name="complaint_4h",
        label="投诉4小时结案（500元以内）",
        types=["complaint"],
        amount_up_to=500,
        hours=4,
        target=0.7,
        source="手册 四(五)：投诉 70%按时完成，500元以内4小时完成",
    ),
    Standard(
        name="complaint_over_500",
        label="投诉1个工作日结案（500元以上）",
        types=["complaint"],
        amount_above=500,
        hours=8.5,
        target=0.7,
        source="本工具默认：手册未定500元以上投诉的时限",
    ),
    Standard(
        name="query_1h",
        label="查询1小时答复",
        types=["query", "inquiry", "urge"],
        hours=1,
        target=0.8,
        source="手册 四(五)：查询 80%按时完成，1小时内完成",
    ),
    Standard(
        name="order_3min",
        label="下单3分钟下达指令",
        types=["order"],
        minutes=3,
        target=1.0,
        source="手册 四(五)：查询总调 100%在3分钟下达指令",
    ),
    Standard(
        name="claim_5d",
        label="理赔5个工作日出方案",
        types=["claim"],
        hours=42.5,
        source="手册 四(四)：客服提出理赔方案报批不超5个工作日",
    ),
    Standard(name="other", label="其他工单1个工作日", hours=8.5, source="本工具默认：手册未定的工单类型"),
)


class Response(Strict):
    """坐席每次跟进3分以内: a ticket with no first response this long after it came in is unanswered."""

    minutes: PositiveFloat = 3


def standard_table(standards: tuple[Standard, ...] | list[Standard]) -> pl.DataFrame:
    """The standards as a small table, in their order (the `rank` a ticket takes the first of)."""
    return pl.DataFrame(
        {
            "rank": list(range(len(standards))),
            "standard": [s.name for s in standards],
            "standard_label": [s.label or s.name for s in standards],
            "limit_minutes": [s.limit_minutes for s in standards],
            "target": [s.target for s in standards],
            "standard_source": [s.source for s in standards],
        },
        schema_overrides={"target": pl.Float64, "limit_minutes": pl.Float64},
    )


def matches(standard: Standard, types: dict[str, str]) -> pl.Expr:
    """Whether a ticket (columns `ticket_type` code, `channel`, `amount`) is one `standard` is for;
    `types` maps the export's words to codes, so a config may name a type either way."""
    condition = pl.lit(True)
    if standard.types:
        codes = [types.get(t.strip().lower(), types.get(t.strip(), t.strip())) for t in standard.types]
        condition &= pl.col("ticket_type").is_in(codes).fill_null(False)
    if standard.channels:
        condition &= pl.col("channel").str.strip_chars().is_in(standard.channels).fill_null(False)
    amount = pl.col("amount").fill_null(0)
    if standard.amount_above is not None:
        condition &= amount > standard.amount_above
    if standard.amount_up_to is not None:
        condition &= amount <= standard.amount_up_to
    return condition


def with_standard(
    tickets: pl.LazyFrame, standards: tuple[Standard, ...] | list[Standard], types: dict[str, str]
) -> pl.LazyFrame:
    """Each ticket with its standard's `standard`, `standard_label`, `limit_minutes`, `target` and
    `standard_source` (null where none matches: a list without a catch-all standard)."""
    rank: pl.Expr = pl.lit(None, pl.Int64)
    for index, standard in reversed(list(enumerate(standards))):
        rank = pl.when(matches(standard, types)).then(pl.lit(index, pl.Int64)).otherwise(rank)
    table = standard_table(standards).lazy()
    return tickets.with_columns(_standard_rank=rank).join(table, left_on="_standard_rank", right_on="rank", how="left")


__all__ = ["DEFAULT_STANDARDS", "Clock", "Response", "Standard", "matches", "standard_table", "with_standard"]
