"""Fixtures the io tests share."""

from __future__ import annotations

import pytest

from toolkit.fields import alias_table
from toolkit.orders.fields import ORDER_FIELDS


@pytest.fixture
def order_aliases() -> dict[str, tuple[str, ...]]:
    return alias_table(ORDER_FIELDS)
