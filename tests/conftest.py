"""Shared fixtures: a team folder (config/, samples/) laid out in a temporary directory, and the
session's headless Chromium for the browser checks of the pages.

Fixtures only: what a test imports lives in tests/support/ (see tests/support/__init__.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import Browser, open_browser
from tests.support.files import copy_team


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    """A copy of the repository's config/, templates/, samples/ and notebooks/, as a team would keep them."""
    copy_team(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session (`browser.view(page, width)`), or a skip naming the
    Debian packages it needs."""
    yield from open_browser()
