"""A mail as MIME: the text and HTML alternatives, the HTML's images as CID parts, attachments.

The layout is the one mail clients agree on:

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html            (<img src="cid:…">)
          image/png …          (Content-ID, inline)
      application/… …          (attachments)

The plain text sits beside the related group, not inside it, so a text-only reader never sees
the images as stray attachments. Headers are RFC 2047 encoded (Chinese subjects and names), and
the bytes use CRLF line ends (`policy.SMTP`), the same in the .eml file and on the wire.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from toolkit.io.atomic import atomic_path
from toolkit.mailing.html import MailBody


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject: str,
    body: MailBody,
    attachments: Sequence[Path] = (),
    when: datetime,
) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "localhost")
    message.set_content(body.text, cte=_cte(body.text))
    if body.html is not None:
        message.add_alternative(body.html, subtype="html", cte=_cte(body.html))
        html = message.get_payload()[1]
        for image in body.images:
            maintype, subtype = image.mime.split("/", 1)
            html.add_related(
                image.data, maintype, subtype, cid=f"<{image.cid}>", filename=image.filename, disposition="inline"
            )
    for path in attachments:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(path.read_bytes(), maintype, subtype, filename=path.name)
    return message


def _cte(text: str) -> str | None:
    """base64 for Chinese text (a third larger; quoted-printable triples it), else the default."""
    return None if text.isascii() else "base64"


def write_eml(message: EmailMessage, path: Path) -> Path:
    """The mail as a .eml file any mail client opens (and `toolkit` or a person can send later)."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(message.as_bytes(policy=policy.SMTP))
    return path
