"""Shared fixtures: a team folder (config/, samples/) laid out in a temporary directory.

Fixtures only: what a test imports lives in tests/support/ (see tests/support/__init__.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.files import REPO


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    """A copy of the repository's config/, templates/, samples/ and notebooks/, as a team would keep them."""
    for folder in ("config", "templates", "samples", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path
