"""`on_failure`: when a job of the batch fails, a short mail names it and its error."""

from __future__ import annotations

import json
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.support.files import replace_once, write
from tests.support.mail_server import MailServer, free_port
from toolkit.errors import ExitCode
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2026, 11, 22)


def failing_batch(team_folder: Path, smtp: str = "", locale: str = "zh_CN") -> Path:
    """Orders whose rules refuse the day as soon as one row is refused, then a mail needing them."""
    write(team_folder / "config" / "rules" / "strict.yaml", "fail_when:\n  rejected_count: 0\n")
    return write(
        team_folder / "config" / "failing.yaml",
        f"""\
batch: nightly
locale: {locale}
output: ../out
state: ../data
on_failure:
  email: [ops@example.com, 值班 <duty@example.com>]
{smtp}
jobs:
  orders:
    kind: validate_orders
    input: {{path: ../samples/orders.xlsx, sheet: 订单}}
    rules: rules/strict.yaml
  daily_mail:
    kind: email
    to: [supervisor@example.com]
    subject: 日报
    body: orders/summary.html
""",
    )


def run(config: Path) -> BatchRun:
    return run_batch(load_config(config), run_date=DAY, as_of=AS_OF)


def test_the_on_failure_people_get_the_failed_job_and_its_error(team_folder: Path) -> None:
    with MailServer() as server:
        batch = run(failing_batch(team_folder, f"smtp: {{host: 127.0.0.1, port: {server.port}, security: none}}"))
    assert batch.exit_code == ExitCode.JOB_FAILED
    failed, skipped = batch.jobs["orders"], batch.jobs["daily_mail"]
    assert failed.status == "failed" and failed.error.endswith("rows refused (more than 0)")
    assert skipped.status == "skipped"

    [received] = server.messages  # the daily mail itself never ran: only the notice
    assert sorted(received.rcpt_tos) == ["duty@example.com", "ops@example.com"]
    message = received.message
    assert message["Subject"] == "【批处理失败】nightly 2026-11-22：orders"
    assert message.get_content_type() == "text/plain"
    assert message.get_content().splitlines() == [
        "批处理 nightly（2026-11-22）有作业没有完成：",
        "",
        f"- orders (validate_orders): {failed.error}",
        f"- daily_mail (跳过): {skipped.error}",
        "",
        f"运行目录：{batch.run_dir}",
    ]
    manifest = json.loads((batch.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["on_failure"] == {
        "to": ["ops@example.com", "值班 <duty@example.com>"],
        "eml": "outbox/on_failure.eml",
        "sent": True,
        "error": None,
    }
    assert (batch.run_dir / "outbox" / "on_failure.eml").is_file()


def test_without_smtp_the_notice_waits_in_the_outbox(team_folder: Path) -> None:
    batch = run(failing_batch(team_folder, locale="en"))
    message = message_from_bytes((batch.run_dir / "outbox" / "on_failure.eml").read_bytes(), policy=policy.default)
    assert message["Subject"] == "[batch failed] nightly 2026-11-22: orders"
    assert message["To"] == "ops@example.com, 值班 <duty@example.com>"
    assert "- orders (validate_orders): " in message.get_content()
    assert batch.failure_mail == {
        "to": ["ops@example.com", "值班 <duty@example.com>"],
        "eml": "outbox/on_failure.eml",
        "sent": False,
        "error": None,
    }


def test_a_notice_that_cannot_be_sent_does_not_hide_the_jobs_error(team_folder: Path) -> None:
    port = free_port()
    batch = run(failing_batch(team_folder, f"smtp: {{host: 127.0.0.1, port: {port}, security: none, retries: 0}}"))
    assert batch.exit_code == ExitCode.JOB_FAILED and batch.jobs["orders"].status == "failed"
    assert batch.failure_mail is not None and batch.failure_mail["sent"] is False
    assert batch.failure_mail["error"] == f"SMTP 127.0.0.1:{port}: cannot connect: Connection refused"
    assert (batch.run_dir / "outbox" / "on_failure.eml").is_file()


def test_a_batch_that_finishes_sends_no_notice(team_folder: Path) -> None:
    config = failing_batch(team_folder)
    write(config, replace_once(config.read_text(encoding="utf-8"), "rules/strict.yaml", "rules/orders.yaml"))
    batch = run(config)
    assert batch.exit_code == ExitCode.DONE and batch.failure_mail is None
    assert [p.name for p in (batch.run_dir / "outbox").iterdir()] == ["daily_mail.eml"]
