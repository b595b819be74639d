"""The README's promises that can drift from the code: every canonical field is listed."""

from __future__ import annotations

import pytest

from tests.conftest import REPO
from toolkit.fields import Field
from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.tracking.presets import EVENT_FIELDS, SHIPMENT_FIELDS

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", [*ORDER_FIELDS, *SHIPMENT_FIELDS, *EVENT_FIELDS, *CLAIM_FIELDS], ids=lambda f: f.name)
def test_every_canonical_field_is_in_the_readme_with_its_labels(field: Field) -> None:
    assert f"| `{field.name}` | {field.kind.value} | {field.label_zh} | {field.label_en} |" in README
