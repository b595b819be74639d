"""Fixtures for the sample-data tests: one 2,000-order sample, generated once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.samples_reference import canonical_rows, load_rules
from toolkit.samples import GeneratedOrders, generate_orders

SAMPLE_ORDERS = 2000


@pytest.fixture(scope="session")
def generated() -> GeneratedOrders:
    return generate_orders(SAMPLE_ORDERS)


@pytest.fixture(scope="session")
def rules() -> dict[str, Any]:
    return load_rules()


@pytest.fixture(scope="session")
def rows(generated: GeneratedOrders) -> list[dict[str, str]]:
    return canonical_rows(generated.frame)
