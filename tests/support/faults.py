"""The machine misbehaving, for real, for the fault tests: `toolkit run` as a process of its own
(to kill it, stop it, or run it as another user), a small file system mounted for the test, the
user nobody, and an SMTP server that accepts a connection and never says a word."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest

NOBODY = 65534  # uid and gid of the user nobody
DAY = "2026-11-22"
ORDERS_ONLY = ["run", "config/daily.yaml", "--only", "orders", "--date", DAY, "--as-of", f"{DAY} 09:00"]


def run_folder(team: Path) -> Path:
    return team / "out" / DAY / "daily"


def toolkit(team: Path, *args: str, user: int | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`toolkit ARGS` in the team folder, as cron runs it (no terminal), as `user` when given.

    Another user goes through setpriv rather than subprocess's `user=`: this interpreter may live
    in a folder only root can enter (/root/.pyenv), and setpriv keeps root's capabilities up to the
    exec, which drops them; the toolkit itself then runs with none."""
    as_user = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"] if user is not None else []
    return subprocess.run(
        [*as_user, sys.executable, "-m", "toolkit", *args],
        check=False,
        cwd=team,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "HOME": str(team)},
    )


def start(team: Path, *args: str) -> subprocess.Popen[str]:
    """`toolkit ARGS` started, not waited for."""
    return subprocess.Popen(
        [sys.executable, "-m", "toolkit", *args], cwd=team, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def wait_for(process: subprocess.Popen[str], found: Callable[[], Path | None], what: str, timeout: float = 60) -> Path:
    """Poll (every 2 ms) until `found` returns a path while `process` still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        path = found()
        if path is not None:
            return path
        if process.poll() is not None:
            pytest.fail(
                f"the run ended (exit {process.returncode}) before {what}: {process.stderr.read() if process.stderr else ''}"
            )
        time.sleep(0.002)
    pytest.fail(f"no {what} within {timeout} s")


def existing(path: Path) -> Path | None:
    return path if path.exists() else None


def staging_folders(team: Path) -> list[Path]:
    return sorted(run_folder(team).parent.glob(".daily.staging-*"))


def gone_pid() -> int:
    """The pid of a process that has ended (and was reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _read(path: Path) -> Any:
    """A file read back as its reader would; raises on a truncated or half-written one."""
    if path.suffix == ".parquet":
        return pl.read_parquet(path).to_dict(as_series=False)
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}
    if path.name == "manifest.json":  # what the jobs did, not when
        jobs = json.loads(path.read_text(encoding="utf-8"))["jobs"]
        return {name: (job["status"], job["counts"], job["outputs"]) for name, job in jobs.items()}
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    if path.suffix == ".html":
        text = path.read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>"), f"{path} is cut off"
        return text
    return path.read_bytes()


def outputs(folder: Path) -> dict[str, Any]:
    """Every file under its final name in `folder` (temporaries `.name.tmp-…` left out), read back."""
    return {
        path.relative_to(folder).as_posix(): _read(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def error_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    """What the run printed that is not a timestamped progress line."""
    return [line for line in done.stderr.splitlines() if not line[:4].isdigit()]


@contextmanager
def mounted_tmpfs(at: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `at` (`options` e.g. "size=2m", "ro"); the test is skipped, saying why,
    where that cannot be done."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    at.mkdir(parents=True, exist_ok=True)
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(at)], check=False, capture_output=True, text=True
    )
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip() or mount.returncode}")
    try:
        yield at
    finally:
        subprocess.run(["umount", str(at)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """A file that takes all of `disk` but `leave` bytes."""
    stats = os.statvfs(disk)
    ballast = disk / "ballast"
    ballast.write_bytes(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return ballast


@contextmanager
def team_for_nobody(team: Path) -> Iterator[Path]:
    """A copy of `team` that user nobody can read, its out/ and data/ nobody's to write (pytest's
    own temporary folder is root's alone); skipped, saying why, when not root."""
    if os.geteuid() != 0:
        pytest.skip("running the toolkit as user nobody needs root (CI runs as root)")
    if shutil.which("setpriv") is None:
        pytest.skip("running the toolkit as user nobody needs setpriv (util-linux)")
    holder = Path(tempfile.mkdtemp(prefix="toolkit-nobody-"))
    try:
        holder.chmod(0o755)
        shared = holder / "team"
        shutil.copytree(team, shared)
        shared.chmod(0o755)  # a copy of pytest's folder, which only root may enter
        for name in ("out", "data"):
            (shared / name).mkdir()
            os.chown(shared / name, NOBODY, NOBODY)
        yield shared
    finally:
        shutil.rmtree(holder)


class SilentServer:
    """`with SilentServer() as server:` a socket on 127.0.0.1:`server.port` that accepts every
    connection and never sends a byte (a hung mail server, or a firewall that swallows SMTP)."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:  # closed: the test is over
                return
            self.connections.append(connection)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._socket.shutdown(socket.SHUT_RDWR)  # wakes the accept() (a close alone does not, on Linux)
        self._socket.close()
        for connection in self.connections:
            connection.close()
        self._thread.join(timeout=5)
