"""One run of a batch at a time: an advisory file lock the OS releases if the process dies."""

from __future__ import annotations

import fcntl
import os
from datetime import datetime
from pathlib import Path
from types import TracebackType

from toolkit.errors import LockedError
from toolkit.io.faults import writing


class BatchLock:
    def __init__(self, path: Path, batch: str) -> None:
        self.path = path
        self.batch = batch
        self._handle: int | None = None

    def __enter__(self) -> BatchLock:
        with writing(self.path, f"the lock file {self.path.name}"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(handle, 200).decode(errors="replace").strip() or "another process"
            os.close(handle)
            raise LockedError(f"batch {self.batch!r} is already running ({holder})", path=self.path) from None
        self._handle = handle
        try:
            with writing(self.path):
                os.ftruncate(handle, 0)
                os.write(handle, f"pid {os.getpid()}, since {datetime.now():%Y-%m-%d %H:%M:%S}".encode())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._handle is not None:
            os.ftruncate(self._handle, 0)
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            os.close(self._handle)
            self._handle = None
