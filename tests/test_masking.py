"""Masked phones, as a dispatch SMS shows them to drivers and dispatchers."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.masking import mask_phone, mask_phone_expr


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("13812343212", "138****3212"),
        ("1.3812343212E10", "138****3212"),
        ("+86 139-0000-0000", "139****0000"),
        ("010-62345678", "010-****5678"),
        ("0571-87654321", "0571-****4321"),
        ("(020)87654321", "020-****4321"),
        ("01062345678", "010-****5678"),  # already normalised by validation: the fast path
        ("057187654321", "0571-****4321"),
        ("12345", "****"),
        ("12345678901", "****"),  # eleven digits, but no mobile prefix
        ("0000000000", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(typed: str | None, shown: str) -> None:
    assert mask_phone(typed) == shown


def test_a_column_is_masked_at_once_and_nulls_stay_null() -> None:
    frame = pl.DataFrame({"phone": ["13812343212", None, "0571-87654321"]})
    assert frame.select(mask_phone_expr(pl.col("phone")))["phone"].to_list() == ["138****3212", None, "0571-****4321"]
