"""Canonical fields: the English snake_case names jobs work with, their kinds and the headers
people write for them (Chinese or English). Jobs declare their own field sets with `Field`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ROW = "_row"
"""The column every table read carries: the row's number in its file (the spreadsheet's row, a
CSV's record counted from its header), kept through every job so a finding names the row the
team opens."""


class Kind(StrEnum):
    TEXT = "text"
    PHONE = "phone"
    DATETIME = "datetime"
    NUMBER = "number"
    INTEGER = "integer"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    label_zh: str
    label_en: str
    aliases: tuple[str, ...] = ()

    def label(self, locale: str) -> str:
        return self.label_en if locale.startswith("en") else self.label_zh

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that maps to this field: its name, both labels and the aliases."""
        return (self.name, self.label_zh, self.label_en, *self.aliases)


def alias_table(fields: tuple[Field, ...]) -> dict[str, tuple[str, ...]]:
    """`{canonical name: headers}` for `toolkit.io.read_table`."""
    return {f.name: f.headers for f in fields}
