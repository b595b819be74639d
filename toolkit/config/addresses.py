"""Mail addresses as the config takes them: `ops@example.com` or `张三 <zhang@example.com>`."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Annotated

from pydantic import AfterValidator

DEFAULT_SENDER = "cs-toolkit <toolkit@localhost>"


def _address(value: str) -> str:
    _, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in address):
        raise ValueError(f"not an email address: {value!r} (e.g. ops@example.com or 张三 <zhang@example.com>)")
    return value


Address = Annotated[str, AfterValidator(_address)]
