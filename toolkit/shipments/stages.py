"""The canonical stages of a shipment's life and the reasons of an exception.

Carrier status words (已揽收, 派送中, 快件已被【丰巢】代收, opCode 80, SIGN, …) are mapped onto
these by `toolkit.tracking.vocabulary`; everything downstream only knows these names.
"""

from __future__ import annotations

import polars as pl

from toolkit.i18n import Text

STAGES: tuple[str, ...] = (
    "created",
    "picked_up",
    "in_transit",
    "at_hub",
    "out_for_delivery",
    "awaiting_collection",
    "failed_attempt",
    "exception",
    "cancelled",
    "closed",
    "returned",
    "delivered",
)
"""In lifecycle order: an Enum of these sorts and compares in this order. `cancelled` and
`closed` (an order closed without shipping: out of stock, 交易关闭) come mostly from a shipments
table's own status column."""

REASONS: tuple[str, ...] = ("delay", "lost", "damaged", "address_problem", "refused")

STAGE_DTYPE = pl.Enum(STAGES)

FINAL_STAGES: tuple[str, ...] = ("delivered", "returned", "cancelled", "closed")
"""Stages after which a shipment needs no more chasing for delivery."""

CLOSED_STAGES: tuple[str, ...] = ("cancelled", "closed", "returned")
"""Final without a delivery: such a shipment is not chased and is neither on time nor late. A
shipments table's own status in one of these wins over its tracking events."""

STAGE_LABELS: dict[str, Text] = {
    "created": Text("已下单", "Created"),
    "picked_up": Text("已揽收", "Picked up"),
    "in_transit": Text("运输中", "In transit"),
    "at_hub": Text("到达中转", "At hub"),
    "out_for_delivery": Text("派送中", "Out for delivery"),
    "awaiting_collection": Text("待取件(快递柜/驿站)", "Awaiting collection (locker/station)"),
    "failed_attempt": Text("派送失败", "Failed delivery attempt"),
    "exception": Text("异常", "Exception"),
    "cancelled": Text("已取消", "Cancelled"),
    "closed": Text("已关闭", "Closed"),
    "returned": Text("退回", "Returned"),
    "delivered": Text("已签收", "Delivered"),
}

REASON_LABELS: dict[str, Text] = {
    "delay": Text("延误/滞留", "Delay"),
    "lost": Text("丢失", "Lost"),
    "damaged": Text("破损", "Damaged"),
    "address_problem": Text("地址问题", "Address problem"),
    "refused": Text("拒收", "Refused"),
}

assert tuple(STAGE_LABELS) == STAGES and tuple(REASON_LABELS) == REASONS


def stage_label(stage: str, locale: str) -> str:
    return STAGE_LABELS[stage].get(locale)


def reason_label(reason: str, locale: str) -> str:
    return REASON_LABELS[reason].get(locale)


def stage_label_expr(column: str | pl.Expr, locale: str) -> pl.Expr:
    """The stage (Enum or text) as words in `locale`, for every row at once; null stays null."""
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.cast(pl.String).replace_strict(
        {s: t.get(locale) for s, t in STAGE_LABELS.items()}, default=None, return_dtype=pl.String
    )


def reason_label_expr(column: str | pl.Expr, locale: str) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.cast(pl.String).replace_strict(
        {r: t.get(locale) for r, t in REASON_LABELS.items()}, default=None, return_dtype=pl.String
    )
