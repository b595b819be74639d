"""The dispatch SMS job in the daily batch: an outbox for every accepted order."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl

from tests.support.files import replace_once
from toolkit.errors import ExitCode
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_JOBS = ["orders", "dispatch_sms"]  # the jobs these tests are about; the whole batch runs in test_cli


def test_every_accepted_order_reaches_the_salesperson_and_the_dispatcher(team_folder: Path) -> None:
    run = run_batch(
        load_config(team_folder / "config" / "daily.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=FIRST_JOBS
    )
    assert run.exit_code == ExitCode.DONE, run.jobs
    folder = run.run_dir / "dispatch_sms"
    accepted = run.jobs["orders"].counts["accepted"]
    outbox = pl.read_csv(folder / "outbox.csv", infer_schema=False)
    assert outbox.columns == [
        "角色",
        "收信人",
        "手机号",
        "短信内容",
        "字数",
        "计数方式",
        "条数",
        "流水号",
        "来源行",
        "已缩短",
    ]
    assert outbox.height == 2 * accepted  # the sample branches all have valid phones
    assert outbox["流水号"].n_unique() == accepted
    first = outbox.row(0, named=True)
    assert first["短信内容"].startswith(f"[{first['流水号']}]客")
    assert "****" not in first["短信内容"]  # the team's own salesperson and dispatcher (mask: false) call the shipper
    assert first["短信内容"].endswith("]") and int(first["字数"]) == len(first["短信内容"]) + len("【顺达物流】")
    sheet = openpyxl.load_workbook(folder / "outbox.xlsx").active
    assert sheet.max_row == outbox.height + 1 and sheet.cell(2, 3).data_type == "s"
    preview = (folder / "preview.html").read_text(encoding="utf-8")
    assert "【顺达物流】" in preview and first["短信内容"] in preview
    # 来源行 is the order's row in the export, also after refused rows (not its place in valid.parquet)
    valid = pl.read_parquet(run.run_dir / "orders" / "valid.parquet")
    messages = pl.read_parquet(folder / "messages.parquet")
    assert messages["_row"].to_list() == valid["_row"].to_list() != list(range(2, valid.height + 2))
    assert set(outbox["来源行"].cast(pl.Int64)) == set(valid["_row"])


def test_serials_are_never_reused_across_runs(team_folder: Path) -> None:
    loaded = load_config(team_folder / "config" / "daily.yaml")
    serials = []
    for _ in range(2):
        run = run_batch(loaded, run_date=date(2026, 11, 22), as_of=AS_OF, only=["dispatch_sms"] if serials else None)
        serials.append(set(pl.read_parquet(run.run_dir / "dispatch_sms" / "messages.parquet")["serial"]))
    assert serials[0] and serials[1] and serials[0].isdisjoint(serials[1])


def test_a_misspelt_template_variable_stops_the_job_before_any_serial_is_used(team_folder: Path) -> None:
    template = team_folder / "templates" / "sms" / "dispatch.txt.j2"
    template.write_text(
        replace_once(template.read_text(encoding="utf-8"), "{{ goods_name }}", "{{ goods_nmae }}"), encoding="utf-8"
    )
    run = run_batch(
        load_config(team_folder / "config" / "daily.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=FIRST_JOBS
    )
    assert run.exit_code == ExitCode.BAD_INPUT
    assert "undefined variable 'goods_nmae'" in run.jobs["dispatch_sms"].error
    assert "dispatch.txt.j2:4:" in run.jobs["dispatch_sms"].error
    assert not (team_folder / "data" / "sms_serial.json").exists()


def test_a_day_with_nothing_to_chase_renders_no_follow_up_and_the_batch_goes_on(team_folder: Path) -> None:
    """An earlier job's empty table (no overdue shipment before the samples' day) is a day with
    nothing to send, not a bad file."""
    loaded = load_config(team_folder / "config" / "daily.yaml")
    early = datetime(2026, 11, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    run = run_batch(loaded, as_of=early, only=["overdue", "follow_up_sms", "delay_notice"])
    assert run.exit_code == ExitCode.DONE, {name: record.error for name, record in run.jobs.items()}
    assert run.jobs["overdue"].counts["flagged"] == 0
    for name in ("follow_up_sms", "delay_notice"):
        assert run.jobs[name].counts["rows_in"] == run.jobs[name].counts["outbox"] == 0
        assert pl.read_parquet(run.run_dir / name / "outbox.parquet").height == 0
