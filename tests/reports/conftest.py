"""A team folder with the notebooks too, and small notebooks written for one test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


@pytest.fixture
def report_team(team_folder: Path) -> Path:
    """team_folder: config/, templates/, samples/ and notebooks/."""
    return team_folder


@pytest.fixture
def write_notebook() -> Callable[..., Path]:
    """Writes a small notebook for one test (see `notebook_file`)."""
    return notebook_file


def notebook_file(path: Path, *sources: str, parameters: str = "run_date = None", title: str = "# Test report") -> Path:
    """A notebook: a title, a `parameters` cell, then one code cell per source."""
    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    cells = [new_markdown_cell(title), cell, *[new_code_cell(s) for s in sources]]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernelspec}), path)
    return path
