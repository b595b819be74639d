"""The validate_orders job on polars' streaming engine gives every output the in-memory run gives:
the same parquet tables, counts, findings.xlsx and summary page, on the bundled samples (the
workbook, and the same orders as a UTF-8 CSV)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.files import copy_team, replace_once, write
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
XLSX_INPUT = "    input: {path: ../samples/orders.xlsx, sheet: 订单}"
INPUTS = {"xlsx": XLSX_INPUT, "csv": "    input: ../samples/orders_utf8.csv"}


def run_with(folder: Path, input_line: str, engine: str) -> BatchRun:
    config = folder / "config" / "daily.yaml"
    text = config.read_text(encoding="utf-8")
    write(config, replace_once(text, XLSX_INPUT, f"{input_line}\n    engine: {engine}"))
    return run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=["orders"])


@pytest.fixture(scope="module", params=sorted(INPUTS))
def runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, BatchRun]:
    """The orders job run both ways, each in its own team folder."""
    found = {}
    for engine in ("in-memory", "streaming"):
        folder = copy_team(tmp_path_factory.mktemp(f"{request.param}-{engine}"))
        gbk = (folder / "samples" / "orders_gbk.csv").read_text(encoding="gbk")
        (folder / "samples" / "orders_utf8.csv").write_text(gbk, encoding="utf-8")  # a real CSV, as UTF-8
        found[engine] = run_with(folder, INPUTS[request.param], engine)
    return found


def job_record(run: BatchRun) -> dict:
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    return manifest["jobs"]["orders"]


def test_every_parquet_table_is_the_same(runs: dict[str, BatchRun]) -> None:
    for name in ("valid", "rejected", "findings"):
        in_memory, streamed = (pl.read_parquet(runs[e].run_dir / "orders" / f"{name}.parquet") for e in runs)
        assert in_memory.height > 0, name
        assert_frame_equal(in_memory, streamed)


def test_the_counts_and_the_outputs_rows_are_the_same(runs: dict[str, BatchRun]) -> None:
    in_memory, streamed = (job_record(runs[e]) for e in runs)
    assert in_memory["counts"] == streamed["counts"]
    counts = in_memory["counts"]
    assert counts["rows_in"] == counts["accepted"] + counts["rejected"] + counts.get("blank_rows_skipped", 0)
    assert counts["rows_in"] == 2000

    def rows(record: dict) -> list[tuple[str, int | None]]:
        return [(Path(o["path"]).name, o.get("rows")) for o in record["outputs"]]

    assert rows(in_memory) == rows(streamed)


def test_findings_xlsx_is_the_same(runs: dict[str, BatchRun]) -> None:
    def cells(run: BatchRun) -> dict[str, list[tuple]]:
        book = openpyxl.load_workbook(run.run_dir / "orders" / "findings.xlsx")
        return {sheet.title: [tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in book}

    in_memory, streamed = (cells(runs[e]) for e in runs)
    assert in_memory == streamed
    assert len(in_memory["问题清单"]) > 1


def test_the_summary_page_is_the_same_but_for_the_moment_it_was_made(runs: dict[str, BatchRun]) -> None:
    def page(run: BatchRun) -> str:
        text = (run.run_dir / "orders" / "summary.html").read_text(encoding="utf-8")
        return re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?", "<time>", text)

    in_memory, streamed = (page(runs[e]) for e in runs)
    assert in_memory == streamed
