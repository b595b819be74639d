"""The team folder every hostile-input test starts from."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.hostile_files import Team


@pytest.fixture
def team(team_folder: Path) -> Team:
    return Team(team_folder)
