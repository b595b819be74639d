"""Which Jupyter kernel runs a report notebook, and a clear line when it is not installed.

The default `python3` is the toolkit's own interpreter: jupyter_client runs a kernelspec whose
command is `python` with `sys.executable`, and ipykernel provides the `python3` spec even where
no kernel.json was ever installed, so cron's bare PATH does not pick another Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.errors import JobFailed

if TYPE_CHECKING:
    from jupyter_client.kernelspec import KernelSpec

DEFAULT_KERNEL = "python3"


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
