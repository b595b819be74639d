"""Mail addresses as the config takes them: `ops@example.com` or `张三 <zhang@example.com>`."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Annotated

from pydantic import AfterValidator

DEFAULT_SENDER = "cs-toolkit <toolkit@localhost>"


def check_address(value: str) -> str:
    _, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in address):
        raise ValueError(f"not an email address: {value!r} (e.g. ops@example.com or 张三 <zhang@example.com>)")
    return value


Address = Annotated[str, AfterValidator(check_address)]


def _address_or_template(value: str) -> str:
    return value if "{{" in value else check_address(value)


AddressTemplate = Annotated[str, AfterValidator(_address_or_template)]
"""An address, or a template of one (`{{ manager_email }}`, `{{ manager }} <{{ manager_email }}>`)
that each run of a `foreach` job fills from its row of the foreach table."""
