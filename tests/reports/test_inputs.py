"""What a report notebook reads: the earlier jobs' tables from their folders, and the files beside
them read as every table input is read."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.reports.inputs import load_daily, load_weekly, salespeople

AS_OF = "2026-11-23 09:00"


def overdue_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "overdue"
    folder.mkdir()
    pl.DataFrame(
        {"waybill": ["SF1", "SF2", "SF3"], "branch": ["西湖营业所", "滨江营业所", "萧山营业所"]}
    ).write_parquet(folder / "shipment_status.parquet")
    return folder


def test_the_branch_directory_is_read_in_its_own_encoding_and_joined_to_the_shipments(tmp_path: Path) -> None:
    directory = tmp_path / "branches.csv"
    directory.write_bytes(
        "branch,salesperson,dispatcher_phone\n西湖营业所,张伟,13800000001\n滨江营业所,李娜,13800000002\n".encode("gbk")
    )

    weekly = load_weekly(overdue=overdue_folder(tmp_path), directory=directory, as_of=AS_OF)

    assert weekly.status is not None
    assert weekly.status.select("waybill", "salesperson").rows() == [("SF1", "张伟"), ("SF2", "李娜"), ("SF3", None)]
    assert weekly.week == date(2026, 11, 16)  # the Monday of the week before the run date
    assert weekly.as_of == datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_branch_named_twice_in_the_directory_keeps_its_first_salesperson(tmp_path: Path) -> None:
    directory = tmp_path / "branches.csv"
    directory.write_text("branch,salesperson\n西湖营业所,张伟\n西湖营业所,王芳\n", encoding="utf-8")
    assert salespeople(directory).rows() == [("西湖营业所", "张伟")]


def test_a_table_whose_job_is_not_in_the_batch_is_none(tmp_path: Path) -> None:
    daily = load_daily(orders=None, sms=None, overdue=overdue_folder(tmp_path), as_of=AS_OF)
    assert (daily.valid, daily.messages, daily.worklist) == (None, None, None)  # the folder has no worklist
    assert daily.day == date(2026, 11, 22)  # the tickets section covers the day before the run
