"""Helpers for trying jobs by hand in a notebook (notebooks/workbench.ipynb): a config whose runs go
to a scratch folder, one job pointed at another file, the batch's jobs as a table, and a run of
a config's data jobs on the samples for a report notebook opened without a batch."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.config import LoadedConfig
from toolkit.config.inputs import InputFile
from toolkit.errors import ConfigError
from toolkit.pipeline import run_batch
from toolkit.registry import load_config


def scratch(loaded: LoadedConfig, folder: str | Path | None = None) -> LoadedConfig:
    """The same config with its output and state folders in `folder` (default: a new temporary
    folder), so trying things leaves the team's out/ folder and SMS serial counter alone."""
    where = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="cs-toolkit-"))
    model = loaded.model.model_copy(update={"output": where / "out", "state": where / "data"})
    return dataclasses.replace(loaded, model=model)


def with_input(loaded: LoadedConfig, job: str, path: str | Path, **reading: Any) -> LoadedConfig:
    """The same config with `job` reading `path` (relative to the current folder) instead;
    `reading` takes the input options of the config (sheet, header_row, encoding, columns …)."""
    if job not in loaded.model.jobs:
        raise ConfigError(f"no job named {job!r} (jobs: {', '.join(loaded.model.jobs)})", path=loaded.display)
    current = loaded.model.jobs[job]
    if "input" not in type(current).model_fields:
        raise ConfigError(f"job {job!r} ({current.kind}) has no input to replace", path=loaded.display)
    source = InputFile.model_validate({"path": Path(path).resolve(), **reading}, context={"base_dir": Path.cwd()})
    jobs = {**loaded.model.jobs, job: current.model_copy(update={"input": source})}
    return dataclasses.replace(loaded, model=loaded.model.model_copy(update={"jobs": jobs}))


def jobs_table(loaded: LoadedConfig) -> pl.DataFrame:
    """name, kind and description of every job, in batch order."""
    rows = [
        (name, job.kind, job.description or (type(job).__doc__ or "").strip().splitlines()[0])
        for name, job in loaded.model.jobs.items()
    ]
    return pl.DataFrame(rows, schema=["name", "kind", "description"], orient="row")


def sample_run(config: str | Path, jobs: tuple[str, ...], as_of: datetime | str | None = None) -> Path:
    """Run `jobs` of `config` with output and state in a temporary folder; returns the run folder
    (a report notebook opened in JupyterLab gets the tables a batch would give it, and the
    team's out/ folder and SMS serial counter are left alone)."""
    loaded = scratch(load_config(config))
    run = run_batch(loaded, only=[name for name in jobs if name in loaded.model.jobs], as_of=as_of)
    return run.run_dir
