"""How a job names a table it reads: a file (with its reading options) or an earlier job's output."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Discriminator, Tag, ValidationInfo

from toolkit.config.paths import ExistingFile, resolve
from toolkit.io.read import TABLE_SUFFIXES
from toolkit.io.source import TableSource
from toolkit.job import JobOutputRef
from toolkit.suggest import did_you_mean

_JOB_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)$")


class InputFile(TableSource):
    """A table read from a file; the path is relative to the config file and must exist."""

    path: ExistingFile


def parse_table_input(value: Any, info: ValidationInfo) -> Any:
    """`orders.valid` (an earlier job's table) stays a reference; any other string is a path,
    also `orders.csv` in a batch with a job named `orders` (no job publishes a table `csv`).
    `ordrs.valid`, neither a job's table nor a file, names the job it may have meant."""
    if isinstance(value, str):
        match = _JOB_REF.match(value)
        jobs = (info.context or {}).get("job_names", ())
        if match and f".{match.group(2).lower()}" not in TABLE_SUFFIXES:
            if match.group(1) in jobs:
                return JobOutputRef(match.group(1), match.group(2))
            if not resolve(Path(value), info).exists():
                raise ValueError(
                    f"{value}: no job named {match.group(1)!r}{did_you_mean(match.group(1), jobs)} "
                    "and no such file next to the config"
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
