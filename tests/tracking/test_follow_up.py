"""The follow-up log: rounds counted across runs, a re-run of the same round replaces itself."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from toolkit.tracking.follow_up import append_run, read_log, rounds_chased, write_log

TZ = ZoneInfo("Asia/Shanghai")


def _worklist(*waybills: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"waybill": list(waybills), "rule": "stalled", "severity": "low", "escalate_to": "调度", "overdue_by": 1.5}
    )


def test_rounds_count_earlier_runs_and_a_rerun_replaces_its_own_entries(tmp_path: Path) -> None:
    log = read_log(tmp_path)
    assert log.height == 0
    runs = [
        (date(2026, 11, 23), "上午", _worklist("A", "B")),
        (date(2026, 11, 23), "下午", _worklist("A")),
        (date(2026, 11, 23), "下午", _worklist("A", "C")),
    ]  # the afternoon run again, C found this time
    for day, round_name, worklist in runs:
        log = append_run(log, worklist, day, round_name, datetime(2026, 11, 23, 15, tzinfo=TZ))
    write_log(log, tmp_path)
    log = read_log(tmp_path)
    assert log.select("round", "waybill").rows() == [("上午", "A"), ("上午", "B"), ("下午", "A"), ("下午", "C")]
    next_morning = rounds_chased(log, date(2026, 11, 24), "上午").sort("waybill")
    assert next_morning.rows() == [("A", 3), ("B", 2), ("C", 2)]
    rerun_afternoon = rounds_chased(log, date(2026, 11, 23), "下午").sort("waybill")
    assert rerun_afternoon.rows() == [("A", 2), ("B", 2)]  # its own earlier entries do not count
