"""The validate_orders job on the bundled samples: it finds exactly the planted defects."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from tests.support.files import REPO, copy_team, replace_once, write
from tests.support.reporting import Lines
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_JOBS = ["orders"]  # the jobs these tests are about; the whole batch runs in test_cli


def run_on(team_folder: Path, input_line: str | None = None, reporter: Lines | None = None) -> BatchRun:
    config = team_folder / "config" / "daily.yaml"
    if input_line:
        text = config.read_text(encoding="utf-8")
        write(config, replace_once(text, "    input: {path: ../samples/orders.xlsx, sheet: 订单}", input_line))
    return run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=FIRST_JOBS, reporter=reporter)


def found(run: BatchRun) -> pl.DataFrame:
    return pl.read_parquet(run.run_dir / "orders" / "findings.parquet").select("row", "record_id", "rule", "column")


def planted() -> pl.DataFrame:
    return pl.read_csv(REPO / "samples" / "planted_defects.csv", schema_overrides={"order_id": pl.String}).select(
        "row", pl.col("order_id").alias("record_id"), "rule", "column"
    )


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:

    folder = tmp_path_factory.mktemp("team")
    copy_team(folder)
    return run_on(folder)


def test_the_findings_are_exactly_the_planted_defects_rule_by_rule(sample_run: BatchRun) -> None:
    expected, actual = planted(), found(sample_run)
    for rule in sorted(set(expected["rule"]) | set(actual["rule"])):
        want = expected.filter(pl.col("rule") == rule).sort("row")
        got = actual.filter(pl.col("rule") == rule).sort("row")
        assert got.to_dicts() == want.to_dicts(), rule


def test_every_rule_is_exercised_by_the_samples(sample_run: BatchRun) -> None:
    from toolkit.orders.checks import CHECKS

    assert set(found(sample_run)["rule"]) == set(CHECKS)


def test_rows_in_equal_accepted_plus_rejected(sample_run: BatchRun) -> None:
    valid = pl.read_parquet(sample_run.run_dir / "orders" / "valid.parquet")
    rejected = pl.read_parquet(sample_run.run_dir / "orders" / "rejected.parquet")
    assert valid.height + rejected.height == 2000
    assert set(valid["_row"]).isdisjoint(rejected["_row"])
    assert valid["review_by"].null_count() == 0 and valid["order_time"].null_count() == 0


def test_the_gbk_csv_gives_the_same_findings_as_the_xlsx(sample_run: BatchRun, team_folder: Path) -> None:
    log = Lines()
    run = run_on(team_folder, "    input: ../samples/orders_gbk.csv", log)
    assert found(run).sort("row", "rule").to_dicts() == found(sample_run).sort("row", "rule").to_dicts()
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    record = manifest["jobs"]["orders"]["inputs"][0]
    assert (record["encoding"], record["encoding_confidence"]) == ("gb18030", 1.0)
    assert "orders: orders_gbk.csv: encoding gb18030 (detected, confidence 1.00)" in log.lines


def test_a_given_encoding_is_recorded_without_a_confidence(team_folder: Path) -> None:
    run = run_on(team_folder, "    input: {path: ../samples/orders_gbk.csv, encoding: gbk}")
    record = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))["jobs"]["orders"]["inputs"][0]
    assert (record["encoding"], record["encoding_confidence"]) == ("gb18030", None)


def test_findings_xlsx_highlights_exactly_the_problem_cells(sample_run: BatchRun) -> None:
    from toolkit.orders.fields import FIELDS_BY_NAME

    book = openpyxl.load_workbook(sample_run.run_dir / "orders" / "findings.xlsx")
    assert book.sheetnames == ["问题订单", "问题清单", "按规则统计"]
    sheet = book["问题订单"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["行号", "订单号", "下单时间"] and headers[-1] == "问题说明"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    highlighted = {
        (row[0].value, headers[cell.column - 1], cell.fill.fgColor.rgb)
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if cell.fill.fill_type
    }
    findings = pl.read_parquet(sample_run.run_dir / "orders" / "findings.parquet")
    colour = {"error": "FFFFC7CE", "warning": "FFFFEB9C"}
    expected = {
        (r["row"], FIELDS_BY_NAME[r["column"]].label_zh, colour[r["severity"]]) for r in findings.iter_rows(named=True)
    }
    assert highlighted == expected
    assert sheet.max_row - 1 == findings["row"].n_unique()


def test_english_findings_with_locale_en(team_folder: Path) -> None:
    config = team_folder / "config" / "daily.yaml"
    write(config, replace_once(config.read_text(encoding="utf-8"), "locale: zh_CN", "locale: en"))
    run = run_on(team_folder)
    messages = pl.read_parquet(run.run_dir / "orders" / "findings.parquet")["message"]
    assert "prohibited goods: refused" in messages.to_list()
    assert "Order check" in (run.run_dir / "orders" / "summary.html").read_text(encoding="utf-8")


def _day_first_copy(folder: Path) -> tuple[Path, set[int]]:
    """samples/orders_gbk.csv with every `2026-11-22 09:05` order time written `22/11/2026 09:05`
    (the other spellings as they are); returns the copy and the rows changed (as the file counts)."""
    import csv
    import re

    rows = list(csv.reader((REPO / "samples" / "orders_gbk.csv").open(encoding="gb18030", newline="")))
    column = rows[0].index("下单时间")
    changed = set()
    for number, row in enumerate(rows[1:], start=2):
        if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2})", row[column]):
            year, month, day, clock = match.groups()
            row[column] = f"{day}/{month}/{year} {clock}"
            changed.add(number)
    path = folder / "samples" / "orders_day_first.csv"
    with path.open("w", encoding="gb18030", newline="") as out:
        csv.writer(out).writerows(rows)
    return path, changed


def test_day_first_order_times_read_through_date_formats(team_folder: Path) -> None:
    _, changed = _day_first_copy(team_folder)
    run = run_on(
        team_folder, '    input: {path: ../samples/orders_day_first.csv, date_formats: {order_time: "%d/%m/%Y %H:%M"}}'
    )
    assert run.exit_code == 0, run.jobs["orders"].error
    assert len(changed) > 1000
    expected, actual = planted(), found(run)
    assert actual.sort("row", "rule", "column").to_dicts() == expected.sort("row", "rule", "column").to_dicts()
    assert run.jobs["orders"].counts["unreadable_order_time"] == expected.filter(pl.col("rule") == "not_a_date").height


def test_day_first_order_times_without_date_formats_are_findings_and_one_line_of_advice(team_folder: Path) -> None:
    _, changed = _day_first_copy(team_folder)
    log = Lines()
    run = run_on(team_folder, "    input: {path: ../samples/orders_day_first.csv}", log)
    unreadable = changed | set(planted().filter(pl.col("rule") == "not_a_date")["row"])
    assert run.jobs["orders"].counts["unreadable_order_time"] == len(unreadable)
    not_a_date = found(run).filter(pl.col("rule") == "not_a_date")
    assert set(not_a_date["row"]) == unreadable and set(not_a_date["column"]) == {"order_time"}
    manifest = json.loads((run.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"]["orders"]["counts"]["unreadable_order_time"] == len(unreadable)
    advice = [line for line in log.lines if "orders_day_first.csv: order_time" in line]
    assert len(advice) == 1
    assert advice[0].endswith('date_formats: {order_time: "%d/%m/%Y %H:%M"} would read them')
    assert f'order_time (column "下单时间"): {len(unreadable):,} of 2,000 values are not dates or times' in advice[0]


def test_date_formats_for_a_field_that_is_not_a_time_says_which_fields_are(team_folder: Path) -> None:
    run = run_on(team_folder, '    input: {path: ../samples/orders_gbk.csv, date_formats: {ordr_time: "%d/%m/%Y"}}')
    assert run.exit_code == 2
    assert run.jobs["orders"].error.endswith(
        "date_formats: 'ordr_time' is not a time field of this input (did you mean 'order_time'?)"
    )
