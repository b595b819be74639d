"""The `toolkit` command as cron runs it: no TTY, one-line errors, documented exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.files import replace_once, write

AS_OF = ["--date", "2026-11-22", "--as-of", "2026-11-22 09:00"]


def toolkit(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_run_prints_plain_timestamped_lines_under_cron_and_exits_0(team_folder: Path) -> None:
    log = team_folder / "run.log"
    done = toolkit("run", "config/daily.yaml", *AS_OF, "--log-file", log, cwd=team_folder)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0].endswith("orders: started (validate_orders)")
    assert lines[1].endswith(
        'orders: warning: orders.xlsx: order_time (column "下单时间"): 8 of 2,000 values are not dates'
        ' or times, e.g. "待定", "2026-09-31 14:20", "2026-13-45 25:00"'
    )
    assert "orders: done in" in lines[2] and "rows_in 2,000" in lines[2]
    assert lines[-1].endswith(f"batch daily done (exit 0): {(team_folder / 'out' / '2026-11-22' / 'daily').resolve()}")
    assert log.read_text(encoding="utf-8").splitlines()[-1] == lines[-1]


def test_a_config_error_is_one_line_and_exit_2(team_folder: Path) -> None:
    config = team_folder / "config" / "daily.yaml"
    write(config, replace_once(config.read_text(encoding="utf-8"), "orders.xlsx", "ordres.xlsx"))
    done = toolkit("run", "config/daily.yaml", cwd=team_folder)
    assert done.returncode == 2
    assert done.stderr == (
        "error: config/daily.yaml:17:13: jobs.orders.input.path: file not found: ../samples/ordres.xlsx "
        "(did you mean ../samples/orders.xlsx?)\n"
    )
    assert not (team_folder / "out").exists()


def test_an_unreadable_input_is_one_line_and_exit_2(team_folder: Path) -> None:
    (team_folder / "samples" / "orders.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    done = toolkit("run", "config/daily.yaml", *AS_OF, cwd=team_folder)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "orders.xlsx" in done.stderr.splitlines()[1]
    manifest = json.loads((team_folder / "out" / "2026-11-22" / "daily" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"]["orders"]["status"] == "error"
    assert not (team_folder / "out" / "2026-11-22" / "daily" / "orders").exists()  # nothing half-written


def test_a_broken_export_fails_the_job_with_exit_1(team_folder: Path) -> None:
    rules = team_folder / "config" / "rules" / "orders.yaml"
    write(
        rules,
        replace_once(rules.read_text(encoding="utf-8"), "per_rule_share: {}", "per_rule_share: {invalid_phone: 0.001}"),
    )
    done = toolkit("run", "config/daily.yaml", *AS_OF, cwd=team_folder)
    assert done.returncode == 1
    assert "rule invalid_phone:" in done.stderr


def test_bad_arguments_are_one_line(team_folder: Path) -> None:
    done = toolkit("run", "config/daily.yaml", "--date", "22/11/2026", cwd=team_folder)
    assert (done.returncode, done.stderr) == (2, "error: --date: expected YYYY-MM-DD, got '22/11/2026'\n")
    done = toolkit("run", "config/daily.yaml", "--only", "ordres", *AS_OF, cwd=team_folder)
    assert done.returncode == 2 and "no job named ordres (jobs: orders, dispatch_sms, overdue, " in done.stderr


def test_check_validates_without_running(team_folder: Path) -> None:
    done = toolkit("check", "config/daily.yaml", cwd=team_folder)
    assert (done.returncode, done.stdout) == (0, "config/daily.yaml: ok (8 jobs)\n")
    assert not (team_folder / "out").exists()
    rules = team_folder / "config" / "rules" / "orders.yaml"
    write(rules, replace_once(rules.read_text(encoding="utf-8"), "max_piece_weight_kg: 500", "max_piece_weight_kg: -5"))
    done = toolkit("check", "config/daily.yaml", cwd=team_folder)
    assert done.returncode == 2
    assert (
        done.stderr
        == "error: config/rules/orders.yaml:10:3: limits.max_piece_weight_kg: Input should be greater than 0 (got -5)\n"
    )


def test_schema_is_json_schema_with_the_job_kinds(tmp_path: Path) -> None:
    done = toolkit("schema", cwd=tmp_path)
    schema = json.loads(done.stdout)
    assert schema["title"] == "BatchConfig" and "jobs" in schema["properties"]
    assert "validate_orders" in done.stdout
