"""English words where a Chinese reader should see none: what the zh scan of the pages, sheets,
outboxes and the terminal summary looks for.

A word is a run of two or more Latin letters. Not counted: codes and numbers with letters in
them (waybills SF1234567890, rule ids are not allowed: they are words), units and file types,
the names a team gave in its config (job and batch names, which it typed itself), and the few
words a Chinese page uses as they are (SMS, KPI, Excel …)."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"(?<![A-Za-z0-9_./-])[A-Za-z][A-Za-z_]+(?![A-Za-z0-9_]|\.[A-Za-z])")  # not a file name's stem
ALLOWED = frozenset(
    {
        # units, file types, encodings
        "kg", "KB", "MB", "GB", "km", "xlsx", "csv", "json", "parquet", "html", "eml", "pdf", "ipynb", "UTF", "GBK",
        "GSM", "UCS",  # SMS encodings: GSM-7, UCS-2
        # words Chinese CS pages use as they are
        "SMS", "KPI", "Excel", "SLA", "ID", "VIP", "Gmail", "Outlook", "SMTP", "cs", "toolkit",
        # carriers and platforms by their own names
        "SF", "EMS", "JD", "ZTO", "YTO", "STO", "Aliyun", "Tencent",
    }
)  # fmt: skip


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words in `text` (in order, each once) that are not in ALLOWED or `allowed`."""
    allow = ALLOWED | set(allowed)
    found: dict[str, None] = {}
    for word in _WORD.findall(text):
        if word not in allow and word.lower() not in {a.lower() for a in allow}:
            found.setdefault(word)
    return list(found)
