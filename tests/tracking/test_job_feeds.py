"""One overdue job over several tracking feeds: SF's route export, ZTO's scan export (.xlsx) and
Kuaidi100's push callbacks (.jsonl, YTO and J&T), each read with its own preset, as the daily
batch reads the samples."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.reporting import Lines
from tests.support.sample_runs import OVERDUE_JOB, SAMPLE_FEEDS, run_samples
from toolkit.pipeline import run_batch
from toolkit.preflight import check_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BATCH = (
    """\
batch: tracking
timezone: Asia/Shanghai
output: ../out
state: ../data
jobs:
"""
    + OVERDUE_JOB
)


def _batch(team_folder: Path, text: str = BATCH) -> Path:
    path = team_folder / "config" / "tracking.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _out(team_folder: Path) -> Path:
    return team_folder / "out" / "2026-11-22" / "tracking" / "overdue"


def test_each_feed_finds_its_carriers_planted_cases(team_folder: Path) -> None:
    log = Lines()
    run = run_batch(load_config(_batch(team_folder)), run_date=AS_OF.date(), as_of=AS_OF, reporter=log)
    assert run.exit_code == 0, run.jobs["overdue"].error
    worklist = pl.read_parquet(_out(team_folder) / "worklist.parquet")
    planted = pl.read_csv(team_folder / "samples" / "planted_overdue.csv", schema_overrides={"rule": pl.String})
    carriers = planted.filter(pl.col("case").str.starts_with("carrier_"))
    found = carriers.join(worklist, on="waybill", how="left", suffix="_found")
    assert found.select("case", "carrier", "rule_found").sort("case").rows() == [
        ("carrier_kuaidi100_delivery_late", "极兔速递", "delivery_overdue"),
        ("carrier_kuaidi100_difficult", "极兔速递", "exception"),
        ("carrier_kuaidi100_refused", "圆通速递", "exception"),
        ("carrier_kuaidi100_station_uncollected", "圆通速递", "uncollected"),
        ("carrier_kuaidi100_superseded_callback", None, None),  # delivered on time: its later callback counts
        ("carrier_zto_never_scanned", "中通快递", "pickup_overdue"),
        ("carrier_zto_problem_parcel", "中通快递", "exception"),
        ("carrier_zto_stalled_at_hub", "中通快递", "stalled"),
    ]
    assert found.filter(pl.col("case") == "carrier_kuaidi100_refused")["reason"].to_list() == ["拒收"]
    counts = run.jobs["overdue"].counts
    assert (counts["unknown_statuses"], counts["unmatched_waybills"], counts["unreadable_event_time"]) == (1, 0, 0)
    assert "overdue: warning: kuaidi100_push.jsonl: 1 earlier callbacks of a waybill superseded by its later one " in (
        "\n".join(log.lines)
    )
    read = [Path(record["path"]).name for record in run.jobs["overdue"].inputs]
    assert read[:4] == ["shipments.csv", "tracking_sf.csv", "tracking_zto.xlsx", "kuaidi100_push.jsonl"]


def test_a_waybill_in_two_feeds_gets_one_status_from_all_its_events(team_folder: Path) -> None:
    """A YTO parcel the team first tracked in Kuaidi100 and whose delivery came in SF's export
    (a carrier handing over): the status is the last event of both."""
    samples = team_folder / "samples"
    planted = pl.read_csv(samples / "planted_overdue.csv", schema_overrides={"rule": pl.String})
    late = planted.filter(pl.col("case") == "carrier_kuaidi100_delivery_late")["waybill"].item()
    with (samples / "tracking_sf.csv").open("a", encoding="utf-8") as export:
        export.write(f"{late},2026-11-22 08:30:00,成都,已签收\n")
    run = run_batch(load_config(_batch(team_folder)), run_date=AS_OF.date(), as_of=AS_OF)
    assert run.exit_code == 0, run.jobs["overdue"].error
    status = pl.read_parquet(_out(team_folder) / "shipment_status.parquet").filter(pl.col("waybill") == late)
    assert status.select("events", "stage").rows() == [(5, "delivered")]  # 4 in Kuaidi100, 1 in SF's export
    assert status["delivered_at"].item() == datetime(2026, 11, 22, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert run.jobs["overdue"].counts["unmatched_waybills"] == 0


def test_a_bad_line_in_one_feed_names_that_file_and_line(team_folder: Path) -> None:
    callbacks = team_folder / "samples" / "kuaidi100_push.jsonl"
    lines = callbacks.read_text(encoding="utf-8").splitlines()
    lines[2] = json.dumps({"lastResult": {"nu": "YT1", "data": "none"}})
    callbacks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_batch(load_config(_batch(team_folder)), run_date=AS_OF.date(), as_of=AS_OF)
    assert run.exit_code != 0
    error = run.jobs["overdue"].error
    assert error.endswith(
        "samples/kuaidi100_push.jsonl: line 3: lastResult.data is not a list; expected one Kuaidi100 "
        "callback per line: a JSON object with lastResult {nu, state, data: [...]}"
    )


def test_check_names_the_feed_whose_preset_or_columns_are_wrong(team_folder: Path) -> None:
    text = BATCH.replace("preset: zto}", "preset: zt0}").replace(
        "kuaidi100_push.jsonl, preset: kuaidi100", "shipments.csv, preset: sf"
    )
    report = check_batch(_batch(team_folder, text))
    assert not report.ok
    problems = "\n".join(report.problems)
    assert "jobs.overdue.events[1].preset" in problems and "zt0" in problems, problems
    assert "jobs.overdue.events[2]" in problems and "event_time" in problems, problems


def test_an_empty_list_of_feeds_is_a_config_error(team_folder: Path) -> None:
    with pytest.raises(Exception, match="at least one tracking export"):
        load_config(_batch(team_folder, BATCH.replace(SAMPLE_FEEDS, "    events: []\n")))


@pytest.mark.parametrize("batch", ["daily", "weekly", "branch_reports"])
def test_every_shipped_batch_reads_every_feed_and_flags_exactly_the_planted_cases(tmp_path: Path, batch: str) -> None:
    """A shipped batch whose overdue job missed a feed would chase that carrier's every parcel."""
    run = run_samples(tmp_path, batch, only=["overdue"])
    out = tmp_path / "out" / "2026-11-22" / run.batch / "overdue"
    worklist = pl.read_parquet(out / "worklist.parquet").select("waybill", "rule").sort("waybill")
    planted = pl.read_csv(tmp_path / "samples" / "planted_overdue.csv", schema_overrides={"rule": pl.String})
    assert worklist.equals(planted.filter(pl.col("rule").is_not_null()).select("waybill", "rule").sort("waybill"))
