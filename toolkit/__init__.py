"""Batch jobs for logistics customer-service teams.

In a notebook or a script, the same API the batch uses:

    import toolkit as tk
    config = tk.load_config("config/daily.yaml")
    run = tk.run(config, as_of="2026-11-22 09:00")
    run["orders"]          # the ValidationResult, shown as HTML in Jupyter
"""

from toolkit.pipeline import run_batch as run
from toolkit.registry import load_config
from toolkit.version import __version__

__all__ = ["__version__", "load_config", "run"]
