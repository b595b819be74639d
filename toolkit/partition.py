"""One value of a job's `foreach:` (one branch of a report per branch): its folder, and the rows
of an input table that belong to it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

_UNSAFE = re.compile(r'[/\\\x00-\x1f:*?"<>|]')


def partition_key(column: pl.Expr) -> pl.Expr:
    """A cell as a partition value: text, stripped (an xlsx code `0571` and a parquet 571 stay
    what they read as; a blank cell is null and in no partition)."""
    text = column.cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def folder_name(by: str, value: str) -> str:
    """`branch=杭州`: the partition's folder inside its job's folder (characters a file name cannot
    hold become `_`; a leading dot too, so no partition folder is hidden)."""
    safe = _UNSAFE.sub("_", value)
    return f"{by}={'_' + safe[1:] if safe.startswith('.') else safe}"


@dataclass(frozen=True)
class Partition:
    """One run of a `foreach` job: `by` is the column (and the notebook parameter), `value` this
    run's value, `values` every value of the job (a row with none of them is in no partition and
    is counted as such), `row` the foreach table's row for the value (a branch directory's
    manager and mail address), for templates."""

    by: str
    value: str
    values: tuple[str, ...]
    row: Mapping[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return folder_name(self.by, self.value)

    def __str__(self) -> str:
        return f"{self.by}={self.value}"

    def template_values(self) -> dict[str, Any]:
        """What a template of this partition's run may use: the row's columns and `by` itself."""
        return {**self.row, self.by: self.value}


__all__ = ["Partition", "folder_name", "partition_key"]
