"""The writers: parquet, csv for people, text and json; all atomic, csv safe from formulas."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from toolkit.io import write_csv, write_json, write_parquet, write_text
from toolkit.io.write import formula_safe

FINDINGS = pl.DataFrame(
    {
        "row": [2, 3, 4, 5, 6, 7, 8],
        "value": ['=HYPERLINK("http://x","点我")', "+86 138 1234 5678", "-5", "-2+3", "@SUM(A1)", "\t=1", "张三"],
        "time": [dt.datetime(2026, 11, 22, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai"))] * 7,
    }
)


def test_write_csv_is_utf8_with_a_bom_for_excel(tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    write_csv(pl.DataFrame({"收货人": ["张三"]}), path)
    assert path.read_bytes() == "\ufeff收货人\n张三\n".encode("utf-8")
    write_csv(pl.DataFrame({"收货人": ["张三"]}), path, bom=False)
    assert path.read_bytes() == "收货人\n张三\n".encode()


def test_write_csv_makes_formula_looking_text_inert(tmp_path: Path) -> None:
    path = tmp_path / "findings.csv"
    write_csv(FINDINGS, path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["value"] for r in rows] == [
        '\'=HYPERLINK("http://x","点我")',
        "'+86 138 1234 5678",  # Excel would read this as the formula =86 138 1234 5678
        "-5",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "张三",
    ]
    assert {r["time"] for r in rows} == {"2026-11-22 09:05:00"}  # local wall time


def test_formula_safe_leaves_numbers_written_as_text_alone() -> None:
    values = ["-5", "+3.5", "-1e3", "=1", "+", "-", "normal", None]
    out = pl.DataFrame({"v": values}).select(formula_safe(pl.col("v")))["v"].to_list()
    assert out == ["-5", "+3.5", "-1e3", "'=1", "'+", "'-", "normal", None]


def test_write_parquet_round_trips_and_accepts_a_lazy_frame(tmp_path: Path) -> None:
    path = tmp_path / "valid.parquet"
    write_parquet(FINDINGS, path)
    assert pl.read_parquet(path).equals(FINDINGS)
    write_parquet(FINDINGS.lazy().filter(pl.col("row") > 5), path)
    assert pl.read_parquet(path)["row"].to_list() == [6, 7, 8]


def test_write_json_keeps_chinese_readable(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    write_json({"批次": "daily", "rows_in": 3, "run_at": dt.date(2026, 11, 22), "input": Path("orders.xlsx")}, path)
    assert path.read_text(encoding="utf-8") == (
        '{\n  "批次": "daily",\n  "rows_in": 3,\n  "run_at": "2026-11-22",\n  "input": "orders.xlsx"\n}\n'
    )
    assert json.loads(path.read_text(encoding="utf-8"))["批次"] == "daily"


def test_write_text(tmp_path: Path) -> None:
    path = tmp_path / "sms" / "dispatch.txt"
    write_text("【顺达物流】您的货物已发出", path)
    assert path.read_text(encoding="utf-8") == "【顺达物流】您的货物已发出"


def test_a_failing_write_keeps_the_previous_output(tmp_path: Path) -> None:
    path = tmp_path / "valid.parquet"
    write_parquet(FINDINGS, path)
    with pytest.raises(pl.exceptions.PolarsError):
        write_parquet(pl.LazyFrame({"a": [1]}).select(pl.col("missing")), path)
    assert pl.read_parquet(path).equals(FINDINGS)
    assert [p.name for p in tmp_path.iterdir()] == ["valid.parquet"]
