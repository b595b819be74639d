"""The repository stands alone: what a user's clone ships (the code, the config, the notebooks,
the templates, the README) sends no reader to files beside the repository (`../shared`), and
every domain rule the code cites is in the repository's own docs/DOMAIN.md, in a section that
exists there.

The README may still name `../shared/realdata`: the optional real-data tests read it where it
exists and skip where it does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.files import REPO

SHIPPED = ("toolkit", "config", "notebooks", "templates")
DOMAIN = REPO / "docs" / "DOMAIN.md"
CITATION = re.compile(r"docs/DOMAIN\.md §(\d+(?:\.\d+)*)")
HEADING = re.compile(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", re.MULTILINE)  # `## 4. Tracking …`, `### 4.2 Pickup …`
OLD_STYLE = re.compile(r"(?<!docs/)DOMAIN\.md")  # a DOMAIN.md that is not this repository's


def text_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # xlsx, parquet, images: no prose to check
        return None


def lines_with(pattern: re.Pattern[str] | str, folders: tuple[str, ...]) -> list[str]:
    """`path:line: text` for every line of the folders' text files that matches."""
    found = []
    for path in text_files(*folders):
        text = read(path)
        for number, line in enumerate((text or "").splitlines(), start=1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    return found


def domain_sections() -> set[str]:
    return set(HEADING.findall(DOMAIN.read_text(encoding="utf-8")))


@pytest.mark.parametrize("folder", SHIPPED)
def test_nothing_shipped_points_beside_the_repository(folder: str) -> None:
    assert lines_with(re.escape("../shared"), (folder,)) == []


@pytest.mark.parametrize("folder", SHIPPED)
def test_domain_rules_are_cited_from_this_repositorys_docs(folder: str) -> None:
    """`DOMAIN.md section 3` named a file outside the repository; `docs/DOMAIN.md §4` is ours."""
    assert lines_with("DOMAIN.md section", (folder,)) == []
    assert lines_with(OLD_STYLE, (folder,)) == []


def test_the_readme_names_shared_files_only_for_the_optional_real_data_tests() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme.replace("../shared/realdata", "")


def test_the_domain_document_has_numbered_sections() -> None:
    assert {"1", "2", "3", "4", "5", "6", "7", "8"} <= domain_sections()


def test_every_citation_points_at_a_section_that_exists() -> None:
    sections = domain_sections()
    cited = [
        (f"{path.relative_to(REPO)}", number)
        for path in text_files(*SHIPPED, "tests", "docs")
        for number in CITATION.findall(read(path) or "")
    ]
    assert cited, "the code cites docs/DOMAIN.md somewhere"
    assert [(where, number) for where, number in cited if number not in sections] == []
