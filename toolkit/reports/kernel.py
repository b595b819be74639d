"""Which Jupyter kernel runs a report notebook, and a clear line when it is not installed; how a
notebook's kernel is started so that many notebooks can run at once.

The default `python3` is the toolkit's own interpreter: jupyter_client runs a kernelspec whose
command is `python` with `sys.executable`, and ipykernel provides the `python3` spec even where
no kernel.json was ever installed, so cron's bare PATH does not pick another Python.

Notebooks run in parallel (a `foreach` job's partitions, workers in other processes) meet
papermill's known troubles (nteract/papermill#239, #511): jupyter_client picks free TCP ports,
lets them go and hands them to the kernel, which binds them a moment later, so two kernels
started together can be given the same port (the loser dies: "Kernel died before replying to
kernel_info", `ZMQError: Address already in use`), and kernels started together on a busy
machine can miss the start timeout. So each notebook gets its own kernel, one at a time per
process, talking over IPC sockets in a private folder (no ports to collide on); a kernel that
still fails to start or dies is replaced, a bounded number of times, after a growing, jittered
pause (`toolkit.reports.notebook.execute`).
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from toolkit.errors import JobFailed

if TYPE_CHECKING:
    from jupyter_client.kernelspec import KernelSpec
    from traitlets.config import Config

DEFAULT_KERNEL = "python3"
_SOCKET_PATH_MAX = 100  # a Unix socket's path is at most 107 bytes (Linux) or 103 (macOS); ports add "-N"
_ONE_KERNEL = threading.Lock()


def install_hint(name: str) -> str:
    return f"python -m ipykernel install --user --name {name}"


def kernel_spec(name: str = DEFAULT_KERNEL) -> KernelSpec:
    """The installed kernelspec `name`, or JobFailed naming the kernels there are and the fix."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        return manager.get_kernel_spec(name)
    except NoSuchKernel:
        known = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise JobFailed(
            f"Jupyter kernel {name!r} is not installed (installed: {known}); install it with: {install_hint(name)}"
        ) from None


class KernelGaveUp(Exception):
    """The notebook's kernel failed to start or died on every attempt."""

    def __init__(self, what: str, attempts: int) -> None:
        super().__init__(f"{what} ({attempts} attempts)")
        self.what, self.attempts = what, attempts


def kernel_trouble(error: BaseException) -> str | None:
    """What went wrong, when `error` is a kernel that did not start or died (another kernel may
    do better); None for anything else: a cell that raised or ran out of time, a missing kernel,
    a notebook that does not read."""
    import zmq
    from nbclient.exceptions import DeadKernelError

    if isinstance(error, DeadKernelError):
        return "the kernel died (out of memory?)"
    if isinstance(error, zmq.ZMQError) and error.errno == zmq.EADDRINUSE:
        return "the kernel's address was in use (ZMQError: Address already in use)"
    if isinstance(error, RuntimeError):
        text = str(error).strip()
        if text.startswith("Kernel didn't respond"):  # jupyter_client's wait_for_ready timing out
            return f"the kernel did not start: {text} (start_timeout)"
        if text.startswith("Kernel died before replying to kernel_info"):
            return f"the kernel did not start: {text}"
    return None


def backoff(attempt: int, first: float, jitter: float | None = None) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2, …): `first`, twice that, four
    times …, each times 0.5 to 1.5 at random, so that kernels that failed together do not all
    start together again."""
    return first * 2 ** (attempt - 1) * (0.5 + (random.random() if jitter is None else jitter))


@contextmanager
def one_kernel() -> Iterator[None]:
    """One notebook kernel at a time in this process (threads wait their turn): papermill and
    nbclient share the process's asyncio loop and ZMQ context; processes each have their own."""
    with _ONE_KERNEL:
        yield


@contextmanager
def kernel_config() -> Iterator[Config]:
    """The kernel manager's settings for one kernel: IPC sockets in a fresh private folder,
    removed afterwards; TCP on 127.0.0.1 (jupyter_client's default) where Unix sockets are not
    available or the temporary folder's path is too long for one."""
    from traitlets.config import Config

    config = Config()
    if os.name != "posix":
        yield config
        return
    folder = tempfile.mkdtemp(prefix="tk-kernel-")
    try:
        prefix = os.path.join(folder, "k")
        if len(os.fsencode(prefix)) <= _SOCKET_PATH_MAX:
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = prefix
        yield config
    finally:
        shutil.rmtree(folder, ignore_errors=True)
