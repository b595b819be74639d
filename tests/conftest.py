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


class Lines:
    """A reporter that keeps the log lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def job_started(self, name: str, kind: str) -> None: ...

    def job_finished(self, record: object) -> None: ...

    def log(self, message: str) -> None:
        self.lines.append(message)
