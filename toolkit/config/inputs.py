"""How a job names a table it reads: a file (with its reading options) or an earlier job's output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Tag, ValidationInfo

from toolkit.config.paths import ExistingFile, resolve
from toolkit.config.references import JobOutputRef, parse_reference
from toolkit.io.read import TABLE_SUFFIXES
from toolkit.io.source import TableSource
from toolkit.suggest import did_you_mean


class InputFile(TableSource):
    """A table read from a file; the path is relative to the config file and must exist."""

    path: ExistingFile


def parse_table_input(value: Any, info: ValidationInfo) -> Any:
    """`orders.valid` (an earlier job's table) stays a reference; any other string is a path,
    also `orders.csv` in a batch with a job named `orders` (no job publishes a table `csv`).
    `ordrs.valid`, neither a job's table nor a file, names the job it may have meant."""
    if isinstance(value, str):
        ref = parse_reference(value)
        jobs = (info.context or {}).get("job_names", ())
        if isinstance(ref, JobOutputRef) and f".{ref.table.lower()}" not in TABLE_SUFFIXES:
            if ref.job in jobs:
                return ref
            if not resolve(Path(value), info).exists():
                raise ValueError(
                    f"{value}: no job named {ref.job!r}{did_you_mean(ref.job, jobs)} and no such file next to the config"
                )
        return {"path": value}
    return value


def _input_tag(value: Any) -> str:
    return "job" if isinstance(value, JobOutputRef) else "file"


TableInput = Annotated[
    Annotated[InputFile, Tag("file")] | Annotated[JobOutputRef, Tag("job")],
    Discriminator(_input_tag),
    BeforeValidator(parse_table_input),
]
