"""The tier table shipped as the default: the manual's 客户支持工作项目 (../shared/reference/
003_905890f59785ea82.txt, 四(一)) read cell by cell from the source itself, and the 10–20万 gap
kept (an account there has no tier)."""

from __future__ import annotations

import re

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.care.tiers import assign_tiers, load_tiers

SOURCE = REPO.parent / "shared" / "reference" / "003_905890f59785ea82.txt"


def _source_table() -> str:
    if not SOURCE.is_file():
        pytest.skip(f"the reference manual is not at {SOURCE}")
    text = SOURCE.read_text(encoding="utf-8")
    start = text.index("(一)客户支持工作项目")
    return text[start : text.index("(二)法务工作标准", start)]


def test_the_source_says_what_the_default_tiers_encode() -> None:
    """The flattened table, row by row: the tiers' heads, then each item's cells in tier order."""
    table = _source_table()
    assert "1-5万元/月5—10万元/月20万以上" in table
    rows = {
        "电话沟通": "2次3次4次",
        "EMAIL/FAX": "2次3次4次",
        "普通面谈": "1次/2月1次/月2次/月",
        "服务事故致歉": "5次事故_1次3次事故1次1次事帮1次",
        "制度化见面会": "1次/季度1次/2月1次/月",
        "高层访问": "1次/半年1次/月",  # two cells for three tiers
        "节日赠礼": "适当重大节日全部节日",
    }
    for item, cells in rows.items():
        assert f"{item}{cells}" in table, item


def test_the_default_tiers_are_the_sources_cells() -> None:
    tiers = {t.name: t for t in load_tiers().tiers}
    assert list(tiers) == ["1-5万", "5-10万", "20万以上"]
    cadence = {
        item: [(c.times, c.months) if (c := t.cadence(item)) else None for t in tiers.values()]
        for item in ("call", "email_fax", "meeting", "regular_meeting", "visit")
    }
    assert cadence == {
        "call": [(2, 1), (3, 1), (4, 1)],
        "email_fax": [(2, 1), (3, 1), (4, 1)],
        "meeting": [(1, 2), (1, 1), (2, 1)],
        "regular_meeting": [(1, 3), (1, 2), (1, 1)],
        "visit": [None, (1, 6), (1, 1)],
    }
    assert [t.apology.per_incidents for t in tiers.values()] == [5, 3, 1]
    assert [t.gifts for t in tiers.values()] == ["discretionary", "major", "all"]
    assert [t.guidance["annual_meeting"] for t in tiers.values()] == ["适当", "适当", "重点邀请"]


def test_the_bounds_are_the_cells_words_and_the_gap_stays_a_gap() -> None:
    """1-5万: 1万 up to under 5万; 5—10万: 5万 to 10万; 20万以上: from 20万; between, no tier."""
    table = load_tiers()
    revenue = [9_999, 10_000, 49_999, 50_000, 100_000, 100_001, 150_000, 199_999, 200_000, 2_000_000, None]
    tiered = assign_tiers(pl.DataFrame({"revenue": revenue}, schema={"revenue": pl.Float64}), table)
    assert tiered["tier"].to_list() == [
        None, "1-5万", "1-5万", "5-10万", "5-10万", None, None, None, "20万以上", "20万以上", None
    ]  # fmt: skip
    assert tiered["untiered"].to_list() == [
        "below", None, None, None, None, "gap", "gap", "gap", None, None, "no_revenue"
    ]  # fmt: skip


def test_a_team_file_with_overlapping_tiers_is_refused_at_its_line(tmp_path) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text("tiers:\n  - {name: a, min: 0, below: 100}\n  - {name: b, min: 50}\n", encoding="utf-8")
    with pytest.raises(Exception, match=re.escape("overlap")):
        load_tiers(path)
