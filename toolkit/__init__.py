"""Batch jobs for logistics customer-service teams.

In a notebook or a script, the same API the batch uses:

    import toolkit as tk
    config = tk.load_config("config/daily.yaml")
    run = tk.run(config, as_of="2026-11-22 09:00")
    run["orders"]          # the ValidationResult, shown as HTML in Jupyter
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime

    from toolkit.config import LoadedConfig
    from toolkit.pipeline import BatchRun


def load_config(path: str) -> LoadedConfig:
    from toolkit.config import load_config as load

    return load(path)


def run(
    config: LoadedConfig | str,
    *,
    run_date: date | None = None,
    only: list[str] | None = None,
    as_of: datetime | str | None = None,
) -> BatchRun:
    """Run a batch (or some of its jobs) exactly as `toolkit run` does."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from toolkit.pipeline import run_batch

    loaded = load_config(config) if isinstance(config, str) else config
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=ZoneInfo(loaded.model.timezone))
    return run_batch(loaded, run_date=run_date, only=only, as_of=as_of)


__all__ = ["__version__", "load_config", "run"]
