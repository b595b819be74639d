"""The README's promises that can drift from the code: every canonical field is listed, and CI
runs the README's test command."""

from __future__ import annotations

import pytest

from tests.support.files import REPO
from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.fields import Field
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.tracking.presets import EVENT_FIELDS, SHIPMENT_FIELDS

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", [*ORDER_FIELDS, *SHIPMENT_FIELDS, *EVENT_FIELDS, *CLAIM_FIELDS], ids=lambda f: f.name)
def test_every_canonical_field_is_in_the_readme_with_its_labels(field: Field) -> None:
    assert f"| `{field.name}` | {field.kind.value} | {field.label_zh} | {field.label_en} |" in README


def test_ci_runs_the_readmes_test_command() -> None:
    """`.ci/run` installs the test extra, then runs what the README's second command runs after it."""
    command = README.split("```bash\n")[2].split("\n")[0]
    checks = command.split("pip install -e '.[test]' && ")[1]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").replace("\\\n", " ")
    assert " ".join(checks.split()) in " ".join(ci.split())
