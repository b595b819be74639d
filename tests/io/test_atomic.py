"""atomic_path: a file is either the old one or the complete new one, never half of either."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.io import atomic_path


def test_the_file_appears_only_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.csv"
    with atomic_path(target) as temporary:
        assert temporary.parent == target.parent and temporary.name.startswith(".report.csv.tmp-")
        temporary.write_text("a,b\n", encoding="utf-8")
        assert not target.exists()
    assert target.read_text(encoding="utf-8") == "a,b\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.csv"]


def test_a_failing_writer_leaves_no_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_path(target) as temporary:
        temporary.write_text("half of it", encoding="utf-8")
        raise RuntimeError("disk on fire")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_writer_keeps_the_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("yesterday's report\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as temporary:
        temporary.write_text("today's, half", encoding="utf-8")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "yesterday's report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_a_writer_that_writes_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nothing was written"), atomic_path(tmp_path / "report.csv"):
        pass
    assert list(tmp_path.iterdir()) == []
