"""Where the repository and the shared data are, writing a file, and editing a config or template
text so that an edit whose anchor has drifted fails the test instead of doing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"  # real exports and reference tables kept beside the repository, never in it
REALDATA = SHARED / "realdata"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def replace_once(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced by `new`.

    Raises AssertionError naming `old` when it occurs no time or more than once: an edit whose
    anchor is gone (the shipped config or template changed) would otherwise leave the text as it
    was, and the test would run, and compare, the unchanged file."""
    found = text.count(old)
    if found != 1:
        raise AssertionError(
            f"replace_once: the anchor {old!r} occurs {found} times in the text, expected exactly once"
        )
    return text.replace(old, new)


def replace_all(text: str, old: str, new: str, *, count: int) -> str:
    """`text` with every occurrence of `old` replaced by `new`, where `old` must occur exactly
    `count` times (a test that means to change several places says how many)."""
    found = text.count(old)
    if found != count:
        raise AssertionError(f"replace_all: the anchor {old!r} occurs {found} times in the text, expected {count}")
    return text.replace(old, new)


TEAM_FOLDERS = ("config", "templates", "samples", "notebooks")


def copy_team(folder: Path, parts: tuple[str, ...] = TEAM_FOLDERS) -> Path:
    """The repository's config/, templates/, samples/ and notebooks/ copied into `folder`, as a
    team keeps them (the `team_folder` fixture, and module-scoped fixtures that run a batch once)."""
    for part in parts:
        shutil.copytree(REPO / part, folder / part)
    return folder
