"""The sample batch config/tickets.yaml as of the samples' moment (Sunday 2026-11-22 09:00): the
planted tickets are found exactly, with their deadlines, owners and escalation, and the reminder
SMS goes to whom each ticket is chased to."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest

from tests.support.sample_runs import run_samples
from tests.support.zh_scan import english_words
from toolkit.pipeline import BatchRun
from toolkit.registry import JOB_KINDS
from toolkit.samples.tickets import PLANTED


@pytest.fixture(scope="module")
def tickets_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_samples(tmp_path_factory.mktemp("team"), batch="tickets")


@pytest.fixture(scope="module")
def worklist(tickets_run: BatchRun) -> pl.DataFrame:
    return pl.read_parquet(tickets_run.run_dir / "tickets" / "worklist.parquet")


def test_the_planted_tickets_are_found_exactly(worklist: pl.DataFrame) -> None:
    planted = worklist.filter(pl.col("ticket_id").is_in([row[0] for row in PLANTED]))
    found = {
        r["ticket_id"]: (r["urgency"], r["standard"], f"{r['due_at']:%Y-%m-%d %H:%M}", r["remaining_minutes"])
        for r in planted.iter_rows(named=True)
    }
    assert found == {
        "GD202611209001": ("breached", "complaint_4h", "2026-11-20 14:05", -175.0),  # the breached complaint
        "GD202611209002": ("due_soon", "complaint_4h", "2026-11-23 08:50", 20.0),  # breaches within 30 minutes
        "GD202611209003": ("on_track", "query_1h", "2026-11-23 09:20", 50.0),  # a query within its hour
        "GD202611209004": ("on_track", "complaint_over_500", "2026-11-23 11:00", 150.0),  # 1,200 yuan
        "GD202611219001": ("on_track", "complaint_4h", "2026-11-23 12:30", 240.0),  # Saturday: from Monday 08:30
    }
    unanswered = worklist.filter("unanswered")["ticket_id"].to_list()
    assert unanswered == ["GD202611209002"]


def test_every_open_ticket_and_only_those(worklist: pl.DataFrame) -> None:
    assert worklist.height == 19  # the 5 planted and the 14 claims the generator leaves open
    assert worklist.filter(pl.col("ticket_type") == "claim").height == 14
    assert worklist.filter(pl.col("urgency") == "breached")["ticket_id"].to_list() == [
        "GD202611130047",  # a claim 339 working minutes past its 5 working days
        "GD202611209001",
        "GD202611150021",  # a claim due Friday 17:00, the clock's position all weekend
    ]
    assert worklist.filter(pl.col("urgency") == "due_soon")["ticket_id"].to_list() == ["GD202611209002"]
    assert worklist["urgency_rank"].is_sorted()


def test_whose_and_who_is_chased(worklist: pl.DataFrame) -> None:
    rows = {r["ticket_id"]: r for r in worklist.iter_rows(named=True)}
    breached = rows["GD202611209001"]
    assert (breached["agent"], breached["agent_name"], breached["team"]) == ("8016", "陈晨", "一组")
    assert (breached["escalation"], breached["notify_name"], breached["notify_phone"]) == (
        "supervisor",
        "林芳",
        "13900000101",
    )
    assert rows["GD202611130047"]["escalation"] == "manager"  # over 240 working minutes past the limit
    soon = rows["GD202611209002"]
    assert (soon["escalation"], soon["notify_name"], soon["notify_phone"]) == ("agent", "李敏", "13900000013")


def test_the_counts_and_the_reminder_sms(tickets_run: BatchRun) -> None:
    record = tickets_run.jobs["tickets"]
    assert {k: record.counts[k] for k in ("open_tickets", "breached", "due_soon", "unanswered", "escalated")} == {
        "open_tickets": 19,
        "breached": 3,
        "due_soon": 1,
        "unanswered": 1,
        "escalated": 3,
    }
    outbox = pl.read_csv(tickets_run.run_dir / "ticket_sms" / "outbox.csv", infer_schema=False)
    assert outbox.select("收信人", "手机号").rows() == [
        ("客服经理 李娜", "13900000100"),
        ("林芳", "13900000101"),
        ("李敏", "13900000013"),
    ]
    assert outbox["短信内容"][1].endswith("您有2张工单已超时、0张即将超时，最急GD202611209001，请速处理。")
    assert outbox["短信内容"][2].endswith("您有0张工单已超时、1张即将超时，最急GD202611209002，请速处理。")


def test_the_published_tables_have_their_declared_columns(tickets_run: BatchRun) -> None:
    for table, columns in JOB_KINDS["tickets"].publishes.items():
        frame = pl.read_parquet(tickets_run.run_dir / "tickets" / f"{table}.parquet")
        assert tuple(frame.columns) == columns


def test_the_xlsx_worklist_is_chinese_and_marks_the_breached(tickets_run: BatchRun) -> None:
    book = openpyxl.load_workbook(tickets_run.run_dir / "tickets" / "worklist.xlsx")
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("工单号", "紧急程度", "服务时效", "应完成时间")
    assert [r[0] for r in rows[1:4]] == ["GD202611130047", "GD202611209001", "GD202611150021"]
    assert rows[2][1] == "已超时" and rows[2][4] == "2小时55分"
    text = " ".join(str(c) for row in rows for c in row if c is not None)
    assert english_words(text) == []
    red = sheet.cell(row=3, column=1).fill.fgColor.rgb
    assert red != sheet.cell(row=6, column=1).fill.fgColor.rgb  # breached vs on track
