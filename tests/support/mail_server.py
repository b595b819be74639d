"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the mail tests: it keeps what it receives."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Inbox:
    messages: list[Received] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)  # answers to give to DATA before accepting, e.g. "451 …"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.busy:
            return self.busy.pop(0)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    """A port nothing listens on (as long as nobody takes it in the meantime)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (cert.pem, key.pem): trusted only where told."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class MailServer:
    """`with MailServer(user=..., password=...) as server:` — accepts only that login when given.

    `tls=(cert, key)` with `mode="starttls"` offers STARTTLS and requires it; `mode="ssl"` speaks
    TLS from the first byte (port 465 style)."""

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        tls: tuple[Path, Path] | None = None,
        mode: str = "starttls",
    ) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.logins: list[str] = []
        self.login_connections: set[object] = set()  # the client connections that tried to log in
        options: dict[str, object] = {}
        if user is not None:
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": tls is not None}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            options |= (
                {"tls_context": context, "require_starttls": True} if mode == "starttls" else {"ssl_context": context}
            )
        self._credentials = (user, password)
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def _authenticate(
        self, server: object, session: object, envelope: object, mechanism: str, data: object
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append(data.login.decode())
        self.login_connections.add(getattr(session, "peer", None))
        return AuthResult(success=(data.login.decode(), data.password.decode()) == self._credentials, handled=False)

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.inbox.messages
