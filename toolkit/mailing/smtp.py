"""Sending a mail through the batch's SMTP server, with retries for what may pass on a second try.

A server that is down, slow or answers 4xx is retried with a short backoff; a refusal (5xx: bad
credentials, an unknown recipient) is final at once, since asking again only risks locking the
account. Either way the caller gets one line: host:port and what the server said. The password
is never part of any message.

Every step (connect, each answer) waits at most `timeout` seconds. smtplib reports a server that
accepts the connection and then says nothing as `SMTPServerDisconnected("Connection unexpectedly
closed: timed out")`; it is told as what it is, a timeout.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from email.message import EmailMessage

from toolkit.config.models import SmtpConfig
from toolkit.errors import JobFailed


class SendFailed(JobFailed):
    """The mail could not be handed to the SMTP server."""


def send(
    message: EmailMessage,
    settings: SmtpConfig,
    *,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    where = f"SMTP {settings.host}:{settings.port}"
    attempts = settings.retries + 1
    for attempt in range(1, attempts + 1):
        try:
            _send_once(message, settings)
            return
        except (OSError, smtplib.SMTPException) as error:
            what = describe(error, settings.timeout)
            if _final(error):
                raise SendFailed(f"{where}: {what}") from None
            if attempt == attempts:
                tries = f" (after {attempts} attempts)" if attempts > 1 else ""
                raise SendFailed(f"{where}: {what}{tries}") from None
            delay = settings.retry_delay * 2 ** (attempt - 1)
            log(f"{where}: {what}; attempt {attempt} of {attempts}, again in {delay:g} s")
            sleep(delay)


def _send_once(message: EmailMessage, settings: SmtpConfig) -> None:
    context = ssl.create_default_context()
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with server:
        if settings.security == "starttls":
            server.starttls(context=context)
        if settings.user:
            password = settings.password.get_secret_value() if settings.password is not None else ""
            server.login(settings.user, password)
        server.send_message(message)


def _final(error: BaseException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError))


def _said(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}"


def _timed_out(error: BaseException) -> bool:
    """A timeout, also when smtplib turned it into "server closed the connection"."""
    return isinstance(error, TimeoutError) or (
        isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(error.__context__, TimeoutError)
    )


def describe(error: BaseException, timeout: float | None = None) -> str:
    """What went wrong, in one line, without anything the user configured as secret."""
    if _timed_out(error):
        return f"no answer within {timeout:g} s (timed out)" if timeout is not None else "no answer (timed out)"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"login refused: {_said(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipients refused: " + "; ".join(
            f"{rcpt}: {_said(*reply)}" for rcpt, reply in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"sender {error.sender} refused: {_said(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return _said(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"server closed the connection ({error})" if str(error) else "server closed the connection"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed: {error.reason or error}"
    if isinstance(error, OSError):
        return f"cannot connect: {error.strerror or error}"
    return f"{type(error).__name__}: {error}"
