"""A notebook's kernel that fails to start or dies is replaced, a bounded number of times, with
each retry logged; a cell that raises is not retried (issue 14; nteract/papermill#239, #511).

Real kernels throughout: a kernelspec whose command is a small wrapper that exits instead of
starting ipykernel for its first N launches (counted in a file) and execs ipykernel after that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

import toolkit as tk
from toolkit.reports.kernel import KernelGaveUp, backoff, kernel_trouble
from toolkit.reports.notebook import NotebookConfig, execute, execution_error

AS_OF = "2026-11-22 09:00"
WRAPPER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path

    starts, failures, connection = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    count = int(starts.read_text()) if starts.exists() else 0
    starts.write_text(str(count + 1))
    if count < failures:
        sys.exit(3)  # as a kernel whose port was taken dies, before it ever answers
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection, *sys.argv[4:]])
    """
)


@pytest.fixture
def flaky_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], tuple[str, Path]]:
    """`flaky_kernel(n)`: the name of an installed kernel whose first n starts fail, and the file
    counting its starts."""
    jupyter = tmp_path / "jupyter"
    wrapper = tmp_path / "flaky_kernel.py"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))

    def install(failures: int) -> tuple[str, Path]:
        name = f"flaky{failures}"
        starts = tmp_path / f"{name}.starts"
        spec = {
            "argv": [sys.executable, str(wrapper), str(starts), str(failures), "{connection_file}"],
            "display_name": name,
            "language": "python",
        }
        folder = jupyter / "kernels" / name
        folder.mkdir(parents=True)
        (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        return name, starts

    return install


def starts_of(path: Path) -> int:
    return int(path.read_text()) if path.exists() else 0


def notebook_config(path: Path, kernel: str = "python3", **settings: object) -> NotebookConfig:
    return NotebookConfig(kind="notebook", notebook=path, kernel=kernel, kernel_retry_delay=0.05, **settings)


def outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_a_kernel_whose_first_start_fails_is_retried_and_the_notebook_runs(
    tmp_path: Path, write_notebook: Callable[..., Path], flaky_kernel: Callable[[int], tuple[str, Path]]
) -> None:
    kernel, starts = flaky_kernel(1)
    notebook = write_notebook(tmp_path / "nb" / "report.ipynb", "print('总数', 6 * 7)")
    lines: list[str] = []
    execute(notebook_config(notebook, kernel), {}, tmp_path / "executed.ipynb", lines.append)
    assert starts_of(starts) == 2
    assert outputs(tmp_path / "executed.ipynb") == ["总数 42\n"]
    assert len(lines) == 1, lines
    assert lines[0].startswith("report.ipynb: the kernel did not start: Kernel died before replying to kernel_info")
    assert "(attempt 1 of 3); retrying with a new kernel in" in lines[0]


@pytest.mark.slow
def test_a_kernel_that_never_starts_fails_with_one_line_after_the_attempts(
    team_folder: Path, write_notebook: Callable[..., Path], flaky_kernel: Callable[[int], tuple[str, Path]]
) -> None:
    kernel, starts = flaky_kernel(99)
    write_notebook(team_folder / "notebooks" / "flaky.ipynb", "print(1)")
    config = team_folder / "config" / "flaky.yaml"
    config.write_text(
        f"""
batch: daily
output: ../out
state: ../data
jobs:
  report:
    kind: notebook
    notebook: ../notebooks/flaky.ipynb
    kernel: {kernel}
    kernel_retries: 2
    kernel_retry_delay: 0.05
""",
        encoding="utf-8",
    )
    run = tk.run(str(config), as_of=AS_OF)
    assert run.exit_code != 0
    assert starts_of(starts) == 3
    error = run.jobs["report"].error
    assert error is not None and "\n" not in error
    assert error.startswith(
        "flaky.ipynb: the kernel did not start: Kernel died before replying to kernel_info, 3 attempts"
    ), error


def test_no_retries_when_kernel_retries_is_zero(
    tmp_path: Path, write_notebook: Callable[..., Path], flaky_kernel: Callable[[int], tuple[str, Path]]
) -> None:
    kernel, starts = flaky_kernel(1)
    notebook = write_notebook(tmp_path / "nb" / "report.ipynb", "print(1)")
    lines: list[str] = []
    with pytest.raises(KernelGaveUp) as raised:
        execute(notebook_config(notebook, kernel, kernel_retries=0), {}, tmp_path / "out.ipynb", lines.append)
    assert (starts_of(starts), raised.value.attempts, lines) == (1, 1, [])


def test_a_cell_that_raises_is_not_retried(team_folder: Path, write_notebook: Callable[..., Path]) -> None:
    counter = team_folder / "runs.txt"
    write_notebook(
        team_folder / "notebooks" / "broken.ipynb",
        f"open({str(counter)!r}, 'a').write('ran\\n')",
        "1 / 0",
    )
    config = team_folder / "config" / "broken.yaml"
    config.write_text(
        """
batch: daily
output: ../out
state: ../data
jobs:
  report:
    kind: notebook
    notebook: ../notebooks/broken.ipynb
    kernel_retry_delay: 0.05
""",
        encoding="utf-8",
    )
    run = tk.run(str(config), as_of=AS_OF)
    assert run.exit_code != 0
    assert counter.read_text().splitlines() == ["ran"]
    assert "raised ZeroDivisionError" in (run.jobs["report"].error or "")


@pytest.mark.slow
def test_a_kernel_that_dies_in_a_cell_is_replaced_and_the_notebook_runs_again(
    tmp_path: Path, write_notebook: Callable[..., Path]
) -> None:
    marker = tmp_path / "died-once"
    notebook = write_notebook(
        tmp_path / "nb" / "report.ipynb",
        "import os, pathlib\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    os._exit(1)  # as the out-of-memory killer would\n"
        "print('second kernel')",
    )
    lines: list[str] = []
    execute(notebook_config(notebook), {}, tmp_path / "executed.ipynb", lines.append)
    assert outputs(tmp_path / "executed.ipynb") == ["second kernel\n"]
    assert len(lines) == 1 and lines[0].startswith("report.ipynb: the kernel died"), lines


def test_the_kernel_talks_over_ipc_in_a_private_folder(tmp_path: Path, write_notebook: Callable[..., Path]) -> None:
    notebook = write_notebook(
        tmp_path / "nb" / "report.ipynb",
        "import json\nfrom ipykernel import get_connection_info\n"
        "info = json.loads(get_connection_info())\nprint(info['transport'], info['ip'])",
    )
    execute(notebook_config(notebook), {}, tmp_path / "executed.ipynb")
    transport, prefix = outputs(tmp_path / "executed.ipynb")[0].split()
    assert transport == "ipc"
    assert Path(prefix).name == "k" and Path(prefix).parent.name.startswith("tk-kernel-")
    assert not Path(prefix).parent.exists()  # removed with the kernel


PARALLEL = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from toolkit.reports.notebook import NotebookConfig, execute

    notebook, out = Path(sys.argv[1]), Path(sys.argv[2])
    execute(NotebookConfig(kind="notebook", notebook=notebook, kernel_retry_delay=0.2), {"n": int(sys.argv[3])}, out, print)
    """
)


@pytest.mark.slow
def test_notebooks_started_together_in_separate_processes_all_run(
    tmp_path: Path, write_notebook: Callable[..., Path]
) -> None:
    notebook = write_notebook(tmp_path / "nb" / "report.ipynb", "print(n * 2)", parameters="n = 0")
    script = tmp_path / "one.py"
    script.write_text(PARALLEL, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    runs = [
        subprocess.Popen(
            [sys.executable, str(script), str(notebook), str(tmp_path / f"out{n}.ipynb"), str(n)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    assert [outputs(tmp_path / f"out{n}.ipynb")[-1] for n in range(4)] == [f"{n * 2}\n" for n in range(4)]


def test_what_counts_as_a_kernel_failure() -> None:
    import zmq
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    assert kernel_trouble(RuntimeError("Kernel didn't respond in 60 seconds")) == (
        "the kernel did not start: Kernel didn't respond in 60 seconds (start_timeout)"
    )
    assert kernel_trouble(RuntimeError("Kernel died before replying to kernel_info")) is not None
    assert kernel_trouble(zmq.ZMQError(zmq.EADDRINUSE)) is not None
    assert kernel_trouble(DeadKernelError("Kernel died")) == "the kernel died (out of memory?)"
    for other in (CellTimeoutError("slow cell"), RuntimeError("something else"), ValueError("x")):
        assert kernel_trouble(other) is None
    assert execution_error(KernelGaveUp("the kernel died (out of memory?)", 3), "r.ipynb", Path("r.ipynb"), 60) == (
        "r.ipynb: the kernel died (out of memory?), 3 attempts; executed notebook: r.ipynb"
    )


def test_the_pauses_grow_exponentially_with_jitter() -> None:
    assert [backoff(n, 1.0, jitter=0.5) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(1, 1.0, jitter=0.0) == 0.5 and backoff(1, 1.0, jitter=1.0) == 1.5
    assert all(0.5 <= backoff(1, 1.0) <= 1.5 for _ in range(100))
