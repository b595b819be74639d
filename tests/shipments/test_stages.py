from __future__ import annotations

import polars as pl
import pytest

from toolkit.i18n import EN, ZH
from toolkit.shipments.stages import (
    CLOSED_STAGES,
    FINAL_STAGES,
    REASON_LABELS,
    REASONS,
    STAGE_DTYPE,
    STAGE_LABELS,
    STAGES,
    reason_label,
    reason_label_expr,
    stage_label,
    stage_label_expr,
)


def test_stages_in_lifecycle_order() -> None:
    assert STAGES == (
        "created", "picked_up", "in_transit", "at_hub", "out_for_delivery", "awaiting_collection",
        "failed_attempt", "exception", "cancelled", "closed", "returned", "delivered",
    )  # fmt: skip
    assert REASONS == ("delay", "lost", "damaged", "address_problem", "refused")
    assert set(FINAL_STAGES) == {"delivered", "returned", "cancelled", "closed"}
    assert set(CLOSED_STAGES) == {"cancelled", "closed", "returned"}  # final without a delivery: not chased


def test_enum_sorts_and_compares_by_lifecycle_not_alphabet() -> None:
    frame = pl.DataFrame({"stage": ["delivered", "created", "at_hub", "picked_up"]}, schema={"stage": STAGE_DTYPE})
    assert frame.sort("stage")["stage"].to_list() == ["created", "picked_up", "at_hub", "delivered"]
    assert frame.select(pl.col("stage").max()).item() == "delivered"
    assert frame.filter(pl.col("stage") >= "at_hub")["stage"].to_list() == ["delivered", "at_hub"]


def test_a_stage_outside_the_list_is_refused_by_the_dtype() -> None:
    with pytest.raises(pl.exceptions.InvalidOperationError):
        pl.Series(["shipped"]).cast(STAGE_DTYPE)


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_chinese_and_english_words(stage: str) -> None:
    assert stage_label(stage, ZH) == STAGE_LABELS[stage].zh
    assert stage_label(stage, EN) == STAGE_LABELS[stage].en
    assert STAGE_LABELS[stage].zh != STAGE_LABELS[stage].en


def test_labels_of_every_reason() -> None:
    assert [reason_label(r, ZH) for r in REASONS] == ["延误/滞留", "丢失", "破损", "地址问题", "拒收"]
    assert reason_label("address_problem", EN) == "Address problem"
    assert set(REASON_LABELS) == set(REASONS)


def test_label_expressions_for_a_whole_column() -> None:
    frame = pl.DataFrame(
        {"stage": ["awaiting_collection", None, "delivered"], "reason": [None, "refused", None]},
        schema={"stage": STAGE_DTYPE, "reason": pl.String},
    )
    out = frame.select(stage=stage_label_expr("stage", ZH), reason=reason_label_expr("reason", EN))
    assert out.to_dicts() == [
        {"stage": "待取件(快递柜/驿站)", "reason": None},
        {"stage": None, "reason": "Refused"},
        {"stage": "已签收", "reason": None},
    ]
