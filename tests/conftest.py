"""Shared fixtures: a team folder (config/, samples/) laid out in a temporary directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    """A copy of the repository's config/, templates/, samples/ and notebooks/, as a team would keep them."""
    for folder in ("config", "templates", "samples", "notebooks"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
