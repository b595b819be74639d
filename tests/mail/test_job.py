"""The `email` job in a batch: the outbox without SMTP, a real SMTP server on 127.0.0.1 with it."""

from __future__ import annotations

import json
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.files import replace_once, write
from tests.support.mail_files import CHART, LOGO, write_report
from tests.support.mail_server import MailServer, free_port
from tests.support.reporting import Lines
from toolkit.errors import ConfigError, ExitCode
from toolkit.mailing.html import GMAIL_CLIP_BYTES
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2026, 11, 22)
PASSWORD = "s3cret-pa55"  # smtplib sends credentials as ASCII
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback only


def smtp_yaml(port: int, **settings: object) -> str:
    """The batch's `smtp:` block as a team writes it (the password from the environment)."""
    lines = [
        f"  {key}: {value}"
        for key, value in {"host": "127.0.0.1", "port": port, "security": "none", **settings}.items()
    ]
    return "\n".join(["smtp:", *lines])


def mail_batch(team_folder: Path, smtp: str = "") -> Path:
    """Orders, then a mail with the report in the body and the orders' files attached."""
    write_report(team_folder / "reports")
    return write(
        team_folder / "config" / "mail.yaml",
        f"""\
batch: mail
output: ../out
state: ../data
{smtp}
jobs:
  orders:
    kind: validate_orders
    input: {{path: ../samples/orders.xlsx, sheet: 订单}}
    rules: rules/orders.yaml
  daily_mail:
    kind: email
    to: [主管 <supervisor@example.com>]
    cc: [lead@example.com]
    subject: "客服日报 {{{{ run_date }}}}"
    body: ../reports/report.html
    attach: [orders/findings.xlsx, orders/summary.html]
""",
    )


def run(config: Path, reporter: Lines | None = None) -> BatchRun:
    return run_batch(load_config(config), run_date=DAY, as_of=AS_OF, reporter=reporter)


def parts(message: EmailMessage) -> dict[str, list[EmailMessage]]:
    found: dict[str, list[EmailMessage]] = {}
    for part in message.walk():
        found.setdefault(part.get_content_type(), []).append(part)  # type: ignore[arg-type]
    return found


def test_without_smtp_the_mail_is_written_to_the_outbox(team_folder: Path) -> None:
    batch = run(mail_batch(team_folder))
    assert batch.exit_code == ExitCode.DONE, batch.jobs
    eml = batch.run_dir / "outbox" / "daily_mail.eml"
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "客服日报 2026-11-22"
    assert message["To"] == "主管 <supervisor@example.com>" and message["Cc"] == "lead@example.com"
    assert [p.get_filename() for p in message.iter_attachments()] == ["findings.xlsx", "summary.html"]
    findings = batch.run_dir / "orders" / "findings.xlsx"
    attached = next(message.iter_attachments())
    assert attached.get_content() == findings.read_bytes()
    record = batch.jobs["daily_mail"]
    assert record.counts == {
        "recipients": 2,
        "html_bytes": record.counts["html_bytes"],
        "images": 2,
        "attachments": 2,
        "sent": 0,
    }
    assert record.outputs == [{"path": "outbox/daily_mail.eml", "rows": None}]
    manifest = json.loads((batch.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"]["daily_mail"]["status"] == "done" and "on_failure" not in manifest


def test_the_report_arrives_through_smtp_with_cid_images_and_a_text_part(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    with MailServer(user="cs-bot", password=PASSWORD) as server:
        smtp = smtp_yaml(
            server.port, user="cs-bot", password="${SMTP_PASSWORD}", **{"from": "客服机器人 <cs-bot@example.com>"}
        )
        reporter = Lines()
        batch = run(mail_batch(team_folder, smtp), reporter)
    assert batch.exit_code == ExitCode.DONE, batch.jobs
    assert batch.jobs["daily_mail"].counts["sent"] == 1
    [received] = server.messages
    assert received.mail_from == "cs-bot@example.com"
    assert sorted(received.rcpt_tos) == ["lead@example.com", "supervisor@example.com"]
    header = received.raw.split(b"\r\n\r\n", 1)[0]
    assert b"Subject: =?utf-8?b?" in header and header.isascii()  # RFC 2047, readable by every client
    message = received.message
    assert message["Subject"] == "客服日报 2026-11-22"
    assert message["From"] == "客服机器人 <cs-bot@example.com>"

    found = parts(message)
    assert message.get_content_type() == "multipart/mixed"
    assert "客服日报 2026-11-22" in found["text/plain"][0].get_content()
    [related] = found["multipart/related"]
    html_part, *images = related.iter_parts()
    html = html_part.get_content()
    assert html_part.get_content_type() == "text/html"
    assert [i.get_content() for i in images] == [CHART, LOGO]
    for image in images:
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert "<script" not in html.lower() and "var(--" not in html and "data:image" not in html
    assert len(html.encode("utf-8")) < GMAIL_CLIP_BYTES
    assert received.raw == (batch.run_dir / "outbox" / "daily_mail.eml").read_bytes().replace(b"\r\n", b"\n").replace(
        b"\n", b"\r\n"
    )
    assert server.logins == ["cs-bot"]
    kept = (batch.run_dir / "manifest.json").read_text(encoding="utf-8") + "\n".join(reporter.lines)
    assert PASSWORD not in kept


def test_a_down_server_is_retried_then_the_job_fails_in_one_line_and_keeps_the_eml(team_folder: Path) -> None:
    port = free_port()
    smtp = smtp_yaml(port, retries=2, retry_delay=0.01)
    reporter = Lines()
    batch = run(mail_batch(team_folder, smtp), reporter)
    assert batch.exit_code == ExitCode.JOB_FAILED
    record = batch.jobs["daily_mail"]
    assert record.status == "failed"
    assert record.error == (
        f"SMTP 127.0.0.1:{port}: cannot connect: Connection refused (after 3 attempts); "
        "邮件已保存在运行目录的 outbox/daily_mail.eml"
    )
    retries = [line for line in reporter.lines if "again in" in line]
    assert [line.split("; ")[1] for line in retries] == [
        "attempt 1 of 3, again in 0.01 s",
        "attempt 2 of 3, again in 0.02 s",
    ]
    assert (batch.run_dir / "outbox" / "daily_mail.eml").is_file()
    assert batch.jobs["orders"].status == "done"


def test_a_refused_login_fails_at_once_with_the_servers_answer(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "wrong")
    with MailServer(user="cs-bot", password=PASSWORD) as server:
        smtp = smtp_yaml(server.port, user="cs-bot", password="${SMTP_PASSWORD}", retries=3)
        batch = run(mail_batch(team_folder, smtp))
    record = batch.jobs["daily_mail"]
    assert record.status == "failed" and batch.exit_code == ExitCode.JOB_FAILED
    assert record.error.startswith(f"SMTP 127.0.0.1:{server.port}: login refused: 535 ")
    assert "\n" not in record.error and "wrong" not in record.error
    assert set(server.logins) == {"cs-bot"} and server.messages == []
    assert len(server.login_connections) == 1  # a refusal is not retried (smtplib tries PLAIN, then LOGIN)
    assert (batch.run_dir / "outbox" / "daily_mail.eml").is_file()


def test_a_file_of_a_later_or_unknown_job_is_refused_when_the_config_loads(team_folder: Path) -> None:
    config = mail_batch(team_folder)
    text = config.read_text(encoding="utf-8")
    write(config, replace_once(text, "orders/summary.html", "ordres/summary.html"))
    with pytest.raises(ConfigError) as unknown:
        load_config(config)
    assert "jobs.daily_mail.attach[1]: ordres/summary.html: no job named 'ordres' (jobs: orders, daily_mail)" in str(
        unknown.value
    )

    placeholder = (
        "  zz_placeholder:\n    kind: email\n    to: [a@example.com]\n    subject: x\n    body: daily_mail/x.html\n"
    )
    later = replace_once(text, "  orders:\n", placeholder + "  orders:\n")
    write(config, later)
    with pytest.raises(ConfigError) as order:
        load_config(config)
    assert "jobs.zz_placeholder.body: daily_mail/x.html refers to job 'daily_mail', which must come earlier" in str(
        order.value
    )


def test_bad_addresses_and_subjects_are_config_errors_with_their_line(team_folder: Path) -> None:
    config = mail_batch(team_folder)
    text = replace_once(config.read_text(encoding="utf-8"), "lead@example.com", "lead.example.com")
    write(config, replace_once(text, "{{ run_date }}", "{{ run_date "))
    with pytest.raises(ConfigError) as error:
        load_config(config)
    lines = str(error.value).splitlines()
    assert any(":13:10: jobs.daily_mail.cc[0]: not an email address: 'lead.example.com'" in line for line in lines), (
        lines
    )
    assert any(":14:5: jobs.daily_mail.subject: template syntax error" in line for line in lines), lines


def test_a_missing_file_of_an_earlier_job_is_one_line(team_folder: Path) -> None:
    config = mail_batch(team_folder)
    write(config, replace_once(config.read_text(encoding="utf-8"), "orders/summary.html", "orders/summary.htm"))
    record = run(config).jobs["daily_mail"]
    assert record.status == "error"
    assert record.error.startswith(
        "job 'orders' wrote no file 'summary.htm' (it wrote: findings.parquet, findings.xlsx, "
    )


def test_a_template_body_is_rendered_and_made_mail_safe(team_folder: Path) -> None:
    config = mail_batch(team_folder)
    write(
        config,
        replace_once(config.read_text(encoding="utf-8"), "../reports/report.html", "../templates/email/report.html.j2"),
    )
    batch = run(config)
    message = message_from_bytes((batch.run_dir / "outbox" / "daily_mail.eml").read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    assert '<h1 style="font-size: 18px;color: #1f4e79;margin: 0 0 12px;">客服报表 2026-11-22</h1>' in html
    assert "<style" not in html and "<li>findings.xlsx</li>" in html
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "见附件：\n\n- findings.xlsx\n- summary.html\n\n此邮件由客服工具批处理（daily_mail）自动发送" in text


def test_rerunning_only_the_mail_uses_the_files_of_the_earlier_run(team_folder: Path) -> None:
    config = mail_batch(team_folder)
    first = run(config)
    findings = (first.run_dir / "orders" / "findings.xlsx").read_bytes()
    again = run_batch(load_config(config), run_date=DAY, as_of=AS_OF, only=["daily_mail"])
    assert again.jobs["orders"].status == "kept" and again.jobs["daily_mail"].status == "done"
    message = message_from_bytes((again.run_dir / "outbox" / "daily_mail.eml").read_bytes(), policy=policy.default)
    assert next(message.iter_attachments()).get_content() == findings
