"""The benchmark harness: run one contender per subprocess, time its phases, report peak memory.

A contender is a plain function in a benchmark script, `fn(watch: Stopwatch, **params) -> dict`.
It times its own phases (`with watch.phase("read"): ...`) and returns what it found (rows
checked, findings per rule, ...), all JSON-serialisable. `measure(script, "fn", params)` runs it
in a fresh interpreter — so its peak RSS (the child's own high-water mark) is its own and nothing
it imported or cached leaks into the next contender — once per repeat, and keeps every run.

A phase opened inside another phase is a detail: shown in notes, not added to the total.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Stopwatch:
    """Seconds per phase of one run; nested phases are recorded as details."""

    phases: dict[str, float] = field(default_factory=dict)
    details: dict[str, float] = field(default_factory=dict)
    _open: int = 0

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        into = self.details if self._open else self.phases
        self._open += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            into[name] = into.get(name, 0.0) + time.perf_counter() - start
            self._open -= 1

    @contextmanager
    def side(self, name: str) -> Iterator[None]:
        """A phase timed but not part of the total (e.g. outputs only people read)."""
        self._open += 1
        start = time.perf_counter()
        try:
            yield
        finally:
            self.details[name] = self.details.get(name, 0.0) + time.perf_counter() - start
            self._open -= 1


@dataclass
class Run:
    phases: dict[str, float]
    details: dict[str, float]
    peak_rss_mb: float
    result: dict[str, Any]
    cpu_seconds: float = 0.0
    """User + system time of all the contender's threads: steadier than wall time on a shared
    machine, and it shows how much of the machine a contender keeps busy."""

    @property
    def total(self) -> float:
        return sum(self.phases.values())


@dataclass
class Measurement:
    """Every run of one contender; `best` is the fastest (best-of-N timing)."""

    name: str
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.runs) and self.error is None

    @property
    def best(self) -> Run:
        return min(self.runs, key=lambda r: r.total)

    @property
    def peak_rss_mb(self) -> float:
        """The highest peak over the runs (runs are separate processes, so this is one run's)."""
        return max(r.peak_rss_mb for r in self.runs)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far.

    On Linux this is VmHWM, the high-water mark of this process image: `ru_maxrss` can include
    the parent's RSS at fork time (it survives exec), which would charge the harness to the
    contender. Elsewhere `ru_maxrss` (macOS reports bytes, others KiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def measure(
    script: Path,
    function: str,
    params: dict[str, Any],
    *,
    name: str | None = None,
    repeats: int = 3,
    timeout: float = 600.0,
    single_run_above: float = 120.0,
) -> Measurement:
    """Run `script:function(**params)` `repeats` times, each in its own process.

    A run longer than `timeout` seconds is killed and the measurement keeps the error; once a
    run takes more than `single_run_above` seconds the remaining repeats are skipped (best of
    one), so a slow contender does not triple the wall time of the whole benchmark.
    """
    measurement = Measurement(name or function)
    for _ in range(repeats):
        run = run_isolated(script, function, params, timeout)
        if isinstance(run, str):
            measurement.error = run
            break
        measurement.runs.append(run)
        if run.total > single_run_above:
            break
    return measurement


def run_isolated(script: Path, function: str, params: dict[str, Any], timeout: float) -> Run | str:
    """One run of `script:function(**params)` in a fresh interpreter; a string says why it failed."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "run.json"
        command = [sys.executable, str(Path(__file__).resolve()), str(script), function, json.dumps(params), str(out)]
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            _, stderr = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the child's own process group, nothing else
            child.communicate()
            return f"timeout after {timeout:.0f} s"
        if child.returncode < 0:
            return f"killed by signal {-child.returncode}" + (
                " (out of memory?)" if child.returncode == -signal.SIGKILL else ""
            )
        if child.returncode != 0 or not out.exists():
            last = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or [f"exit {child.returncode}"]
            return f"failed: {last[0][:200]}"
        data = json.loads(out.read_text(encoding="utf-8"))
    return Run(data["phases"], data["details"], data["peak_rss_mb"], data["result"], data["cpu_seconds"])


def _child(script: str, function: str, params_json: str, out: str) -> None:
    """Entry point of the child process: import the script by path and run one contender."""
    spec = importlib.util.spec_from_file_location("_bench_script", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and pickling look the module up by name
    spec.loader.exec_module(module)
    watch = Stopwatch()
    cpu = time.process_time()
    result = getattr(module, function)(watch, **json.loads(params_json))
    cpu = time.process_time() - cpu
    payload = {
        "phases": watch.phases,
        "details": watch.details,
        "peak_rss_mb": peak_rss_mb(),
        "result": result,
        "cpu_seconds": cpu,
    }
    Path(out).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


# --- reporting ---------------------------------------------------------------------------


def machine() -> str:
    """One line about where the numbers come from."""
    import polars as pl

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        memory = f", {kib / (1 << 20):.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, "
        f"polars {pl.__version__} ({pl.thread_pool_size()} threads), {platform.system()} {platform.release()}"
    )


def load_average() -> str:
    """The 1/5/15-minute load averages: other work on the machine makes every time longer."""
    try:
        return "/".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str | None = None) -> str:
    """A GitHub markdown table; `align` has one of l/r per column (default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else ":---" for a in align]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in lines)


if __name__ == "__main__":
    _child(*sys.argv[1:5])


def save_report(text: str, path: Path) -> None:
    """Print a benchmark's markdown table and keep it in bench/results/."""
    print(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
