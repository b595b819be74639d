"""Where a batch's units run (`executor:` in the batch): in this process one after another (the
default), in local worker processes, or on a Dask distributed cluster. Each runs the same
`run_unit`; none decides what runs when (toolkit.pipeline.schedule does, the same for all).

Local workers are started with `spawn`, not `fork`: polars' thread pool and a forked child do
not mix (a fork copies the locks of threads that do not exist in the child), and a notebook's
kernel needs a process of its own anyway (papermill issues 239 and 511: kernels started
together from one process collide).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from toolkit.config import LoadedConfig
from toolkit.config.models import ExecutorConfig
from toolkit.errors import ConfigError
from toolkit.pipeline.units import UnitOutcome, WorkUnit, run_unit


class Executor(Protocol):
    """Runs units; `capacity` is how many it takes at once (more would only queue)."""

    capacity: int

    def submit(self, loaded: LoadedConfig, unit: WorkUnit) -> Any: ...
    def wait_any(self, running: Collection[Any]) -> list[Any]: ...
    def outcome(self, handle: Any) -> UnitOutcome: ...
    def close(self) -> None: ...


class InProcess:
    """`workers: 1`: each unit runs here as it is submitted, its log lines shown as they come."""

    capacity = 1

    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log

    def submit(self, loaded: LoadedConfig, unit: WorkUnit) -> UnitOutcome:
        return run_unit(loaded, unit, log=self._log)

    def wait_any(self, running: Collection[UnitOutcome]) -> list[UnitOutcome]:
        return list(running)

    def outcome(self, handle: UnitOutcome) -> UnitOutcome:
        return handle

    def close(self) -> None:
        pass


class LocalProcesses:
    """`workers: N`: N processes of this machine."""

    def __init__(self, workers: int) -> None:
        self.capacity = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, loaded: LoadedConfig, unit: WorkUnit) -> Future[UnitOutcome]:
        return self._pool.submit(run_unit, loaded, unit)

    def wait_any(self, running: Collection[Future[UnitOutcome]]) -> list[Future[UnitOutcome]]:
        return list(wait(running, return_when=FIRST_COMPLETED).done)

    def outcome(self, handle: Future[UnitOutcome]) -> UnitOutcome:
        return handle.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """`kind: dask`: the units as futures of a Dask distributed client (`client.submit`), on the
    cluster at `address`, or on a `LocalCluster` of `workers` processes started for the run."""

    def __init__(self, config: ExecutorConfig) -> None:
        try:
            import distributed
        except ImportError:
            raise ConfigError(
                "executor: kind dask needs Dask distributed: pip install 'cs-toolkit[dask]'", key="executor"
            ) from None
        self._distributed = distributed
        self._cluster = None
        if config.address is None:
            self._cluster = distributed.LocalCluster(
                n_workers=config.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            self._client = distributed.Client(config.address or self._cluster, timeout="30s")
        except OSError as error:  # no scheduler there
            if self._cluster is not None:
                self._cluster.close()
            raise ConfigError(f"executor: no Dask scheduler at {config.address}: {error}", key="executor") from None
        self.capacity = max(1, sum(self._client.nthreads().values()))

    def submit(self, loaded: LoadedConfig, unit: WorkUnit) -> Any:
        return self._client.submit(run_unit, loaded, unit, pure=False, key=f"{unit.name}-{id(unit)}")

    def wait_any(self, running: Collection[Any]) -> list[Any]:
        return list(self._distributed.wait(list(running), return_when="FIRST_COMPLETED").done)

    def outcome(self, handle: Any) -> UnitOutcome:
        return handle.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def open_executor(config: ExecutorConfig, log: Callable[[str], None]) -> Executor:
    if config.kind == "dask":
        return DaskCluster(config)
    return InProcess(log) if config.workers == 1 else LocalProcesses(config.workers)


__all__ = ["DaskCluster", "Executor", "InProcess", "LocalProcesses", "open_executor"]
