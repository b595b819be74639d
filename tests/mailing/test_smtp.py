"""Sending through a real SMTP server on 127.0.0.1: STARTTLS, SSL, retries, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.mail_server import MailServer, certificate, free_port
from toolkit.config.models import SmtpConfig
from toolkit.mailing.html import MailBody
from toolkit.mailing.message import build_message
from toolkit.mailing.smtp import SendFailed, send

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def settings(port: int, **more: Any) -> SmtpConfig:
    return SmtpConfig.model_validate(
        {"host": "127.0.0.1", "port": port, "retry_delay": 0.01, "from": "bot@example.com", **more}
    )


MESSAGE = build_message(
    sender="客服机器人 <bot@example.com>",
    to=["主管 <boss@example.com>"],
    subject="测试 邮件",
    body=MailBody(text="你好\n"),
    when=datetime(2026, 11, 22, 1, 0, tzinfo=UTC),
)


def test_starttls_with_a_trusted_certificate_and_a_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the machine's trust store, as an admin would add a CA
    with MailServer(user="bot", password="pw", tls=(cert, key)) as server:
        send(MESSAGE, settings(server.port, security="starttls", user="bot", password="pw"))
    [received] = server.messages
    assert received.rcpt_tos == ["boss@example.com"] and received.message["Subject"] == "测试 邮件"
    assert server.logins == ["bot"]


def test_a_certificate_that_cannot_be_verified_fails_at_once(tmp_path: Path) -> None:
    with MailServer(tls=certificate(tmp_path), mode="ssl") as server, pytest.raises(SendFailed) as error:
        send(MESSAGE, settings(server.port, security="ssl", retries=3), log=pytest.fail)  # no retry
    assert str(error.value).startswith(f"SMTP 127.0.0.1:{server.port}: TLS failed: CERTIFICATE_VERIFY_FAILED")
    assert server.messages == []


def test_a_busy_server_is_asked_again_after_a_short_wait() -> None:
    lines: list[str] = []
    with MailServer() as server:
        server.inbox.busy.append("451 4.3.0 try again later")
        send(MESSAGE, settings(server.port, security="none", retries=1), log=lines.append)
    assert len(server.messages) == 1
    assert lines == [f"SMTP 127.0.0.1:{server.port}: 451 4.3.0 try again later; attempt 1 of 2, again in 0.01 s"]


def test_a_refused_recipient_is_final_and_named() -> None:
    with MailServer() as server:
        server.inbox.busy.append("554 5.7.1 message refused")
        with pytest.raises(SendFailed) as error:
            send(MESSAGE, settings(server.port, security="none", retries=3), log=pytest.fail)
    assert str(error.value) == f"SMTP 127.0.0.1:{server.port}: 554 5.7.1 message refused"


def test_ports_follow_the_security_unless_given() -> None:
    assert [SmtpConfig(host="h", security=s).port for s in ("starttls", "ssl", "none")] == [587, 465, 25]
    assert settings(2525).port == 2525 and settings(2525).sender == "bot@example.com"


def test_the_password_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    config = settings(free_port(), security="none", user="bot", password="hunter2", retries=0)
    assert "hunter2" not in repr(config) and "hunter2" not in str(config.model_dump())
    with pytest.raises(SendFailed) as error:
        send(MESSAGE, config)
    assert "hunter2" not in str(error.value) and "cannot connect" in str(error.value)
