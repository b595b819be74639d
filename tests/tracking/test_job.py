"""The flag_overdue job in a batch: the samples, their planted cases, the follow-up SMS fed from
the worklist, the follow-up log across runs, and the outputs people open."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from tests.support.reporting import Lines
from tests.support.sample_runs import OVERDUE_JOB
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BATCH = (
    """\
batch: tracking
timezone: Asia/Shanghai
locale: zh_CN
output: ../out
state: ../data
jobs:
"""
    + OVERDUE_JOB
    + """\
  follow_up_sms:
    kind: render_messages
    input: overdue.worklist
    template: ../templates/sms/follow_up.txt.j2
    directory: {path: branches.csv, key: branch}
    recipients:
      - {role: 调度, phone: dispatcher_phone}
    sms: {counting: cn, signature: 【顺达物流】, max_parts: 1}
    serial: {prefix: "12", width: 9}
"""
)


@pytest.fixture
def batch(team_folder: Path) -> Path:
    path = team_folder / "config" / "tracking.yaml"
    path.write_text(BATCH, encoding="utf-8")
    return path


def _run(batch: Path, as_of: datetime = AS_OF):
    return run_batch(load_config(batch), run_date=as_of.date(), as_of=as_of)


def test_the_worklist_finds_exactly_the_planted_cases(batch: Path, team_folder: Path) -> None:
    run = _run(batch)
    assert run.exit_code == 0, [r.error for r in run.jobs.values()]
    out = team_folder / "out" / "2026-11-22" / "tracking" / "overdue"
    worklist = pl.read_parquet(out / "worklist.parquet")
    planted = pl.read_csv(team_folder / "samples" / "planted_overdue.csv", schema_overrides={"rule": pl.String})
    expected = planted.filter(pl.col("rule").is_not_null()).select("waybill", "rule").sort("waybill")
    assert worklist.select("waybill", "rule").sort("waybill").equals(expected)

    status = pl.read_parquet(out / "shipment_status.parquet")
    holiday = planted.filter(pl.col("delivered_on_time").is_not_null()).join(status, on="waybill", suffix="_found")
    assert holiday.height == 2 and holiday["delivered_on_time"].equals(holiday["delivered_on_time_found"])
    unknown = pl.read_csv(out / "unknown_statuses.csv")
    assert unknown["status"].to_list() == ["【系统】路由节点9527同步"]


def test_the_worklist_is_sorted_for_the_agent_and_reads_like_the_manual(batch: Path, team_folder: Path) -> None:
    _run(batch)
    out = team_folder / "out" / "2026-11-22" / "tracking"
    worklist = pl.read_parquet(out / "overdue" / "worklist.parquet")
    assert worklist["severity_rank"].is_sorted(descending=True)
    top = worklist.row(0, named=True)
    assert top["severity"] == "critical" and top["escalate_to"] == "分拨中心经理"  # urgent or 8,000 yuan insured, late
    assert (
        top["overdue_by"] == 8.5 and top["overdue_by_text"] == "8小时30分"
    )  # Friday 08:30-17:00; a weekend adds nothing
    assert top["next_follow_up"] == datetime(
        2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")
    )  # Monday morning round
    sms = pl.read_csv(out / "follow_up_sms" / "outbox.csv")
    assert sms.height == worklist.height
    assert f"单号{top['waybill']},货物已超过配送时效8小时30分,请速处理。" in sms["短信内容"][0]

    batches = openpyxl.load_workbook(out / "overdue" / "batches.xlsx").active
    assert [c.value for c in batches[2]][:3] == ["顺丰速运", "上海→成都", "上海"]
    book = openpyxl.load_workbook(out / "overdue" / "worklist.xlsx")
    assert book.sheetnames == ["全部", "中通快递", "圆通速递", "极兔速递", "顺丰速运"]  # one sheet a carrier
    assert book["全部"].max_row == worklist.height + 1
    assert "超时件跟进" in (out / "overdue" / "summary.html").read_text(encoding="utf-8")


def test_follow_up_rounds_count_across_runs_and_a_rerun_does_not_duplicate(batch: Path, team_folder: Path) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    morning, afternoon = datetime(2026, 11, 23, 9, 40, tzinfo=tz), datetime(2026, 11, 23, 14, 40, tzinfo=tz)
    for moment in (AS_OF, AS_OF, morning, afternoon, afternoon):
        run = _run(batch, moment)
    assert run.exit_code == 0
    log = pl.read_parquet(team_folder / "data" / "follow_up_log.parquet")
    assert log.select("run_date", "round").unique().sort("run_date", "round").rows() == [
        (date(2026, 11, 22), "上午"),
        (date(2026, 11, 23), "上午"),
        (date(2026, 11, 23), "下午"),
    ]
    assert log.group_by("run_date", "round", "waybill").len()["len"].max() == 1
    worklist = pl.read_parquet(team_folder / "out" / "2026-11-23" / "tracking" / "overdue" / "worklist.parquet")
    planted = pl.read_csv(team_folder / "samples" / "planted_overdue.csv").filter(pl.col("case") == "stalled_at_hub")
    chased = worklist.join(planted, on="waybill")
    assert chased["rounds"].to_list() == [3, 3, 3]  # Sunday, Monday morning, Monday afternoon
    assert set(chased["escalate_to"]) == {"分拨中心经理"}  # two rounds per level
    newly_late = worklist.filter(pl.col("rounds") == 1)  # frozen sample data: more goes quiet by Monday
    assert newly_late.height > 0 and set(newly_late["escalate_to"]) <= {"调度", "分拨中心经理"}


def test_events_of_a_waybill_without_a_shipment_are_counted_and_listed(batch: Path, team_folder: Path) -> None:
    events = team_folder / "samples" / "tracking_sf.csv"
    with events.open("a", encoding="utf-8") as export:
        export.write("SF9999999999999,2026-11-20 10:00:00,杭州,快件在【杭州转运中心】已揽收\n")
    run = _run(batch)
    assert run.exit_code == 0
    assert run.jobs["overdue"].counts["unmatched_waybills"] == 1
    unmatched = pl.read_csv(team_folder / "out" / "2026-11-22" / "tracking" / "overdue" / "unmatched_waybills.csv")
    assert unmatched["waybill"].to_list() == ["SF9999999999999"] and unmatched["events"].to_list() == [1]


def test_a_status_column_in_the_shipments_closes_orders_and_lists_unknown_words(batch: Path, team_folder: Path) -> None:
    path = team_folder / "samples" / "shipments.csv"
    shipments = pl.read_csv(path, infer_schema=False)
    planted = pl.read_csv(team_folder / "samples" / "planted_overdue.csv", infer_schema=False).filter(
        pl.col("rule").is_not_null()
    )
    cancelled, closed = planted["waybill"].sort().head(2).to_list()
    calm = shipments.filter(~pl.col("运单号").is_in(planted["waybill"].to_list()))["运单号"][0]
    words = {cancelled: "已取消", closed: "交易关闭", calm: "被外星人带走"}
    shipments.with_columns(订单状态=pl.col("运单号").replace_strict(words, default=None)).write_csv(path)
    before = planted.height

    run = _run(batch)
    assert run.exit_code == 0, run.jobs["overdue"].error
    counts = run.jobs["overdue"].counts
    assert (counts["flagged"], counts["not_chased"], counts["status_cancelled"], counts["status_closed"]) == (
        before - 2,
        2,
        1,
        1,
    )
    assert (
        counts["unknown_shipment_statuses"] == 1 and counts["unknown_statuses"] == 1
    )  # the events' own unknown stays apart
    out = team_folder / "out" / "2026-11-22" / "tracking" / "overdue"
    assert not {cancelled, closed} & set(pl.read_parquet(out / "worklist.parquet")["waybill"])
    unknown = pl.read_csv(out / "unknown_statuses.csv")
    assert unknown.select("status", "source", "example_waybill").rows() == [
        ("【系统】路由节点9527同步", "events", unknown["example_waybill"][0]),
        ("被外星人带走", "shipments", calm),
    ]
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "<td>已取消</td><td>1</td>" in summary and "<td>被外星人带走</td><td>1</td><td>运单表</td>" in summary


def test_due_times_in_a_year_the_holiday_calendar_does_not_cover_are_a_warning(batch: Path, team_folder: Path) -> None:
    path = team_folder / "samples" / "shipments.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(
        f"{header}\nSF1461099999999,DD2026999999,2026-12-31 16:30,顺丰速运,顺丰标快,上海,杭州,,,张伟,13900000000,上海嘉定营业所,8011\n",
        encoding="utf-8",
    )
    as_of = datetime(2026, 12, 31, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    log = Lines()
    with pytest.warns(UserWarning, match="does not cover"):
        run = run_batch(
            load_config(batch), run_date=as_of.date(), as_of=as_of, only=["overdue"], reporter=log
        )  # nothing to chase yet
    assert run.exit_code == 0, run.jobs["overdue"].error
    warnings = [line for line in log.lines if "holiday calendar" in line]
    assert warnings == [
        "overdue: warning: 1 pickup/delivery due times fall in 2027, which the holiday calendar does not cover: only weekends and "
        "1 January are days off there, not Spring Festival or National Day unless calendar: closures lists them (update chinesecalendar)"
    ]
    status = pl.read_parquet(team_folder / "out" / "2026-12-31" / "tracking" / "overdue" / "shipment_status.parquet")
    assert status["pickup_due"].to_list() == [
        datetime(2027, 1, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    ]  # not on 1 January


def test_event_times_that_do_not_read_are_counted_and_said_once(batch: Path, team_folder: Path) -> None:
    events = team_folder / "samples" / "tracking_sf.csv"
    with events.open("a", encoding="utf-8") as export:
        export.write("SF1461000000000,待定,上海,快件在【上海营业点】已揽收\nSF1461000000000,,上海,已签收\n")
    log = Lines()
    run = run_batch(load_config(batch), run_date=AS_OF.date(), as_of=AS_OF, reporter=log)
    assert run.exit_code == 0, run.jobs["overdue"].error
    assert run.jobs["overdue"].counts["unreadable_event_time"] == 1  # the empty one is no time, not an unreadable one
    said = [line for line in log.lines if "event_time" in line]
    assert said == [
        'overdue: warning: tracking_sf.csv: event_time (column "路由时间"): 1 of 32,503 values are not dates'
        ' or times, e.g. "待定"'
    ]


def test_without_unreadable_event_times_the_count_is_zero(batch: Path) -> None:
    assert _run(batch).jobs["overdue"].counts["unreadable_event_time"] == 0
