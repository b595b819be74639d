"""Files a job keeps in the batch's state folder across runs (the SMS serial counter, the SMS
outbox history, the ticket reminder log): changed under an exclusive lock, written durably.

The lock is on a sibling file because the state file itself is replaced by a rename on every
write: a lock on it would be on an inode that no longer has the name. The OS releases the lock
when the holder dies, so a crash never leaves it stuck.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.io.atomic import flush_to_disk
from toolkit.io.write import write_json, write_parquet

__all__ = ["exclusive", "write_json_durably", "write_parquet_durably"]


@contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Block until this process holds the lock on `lock_path` (created, with its folder, if need be)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the flock


def write_json_durably(obj: Any, path: Path) -> None:
    """`write_json` (a temporary file, fsynced, renamed into place), then the folder fsynced, so
    that the rename itself survives a power cut."""
    write_json(obj, path)
    flush_to_disk(path.parent)


def write_parquet_durably(frame: pl.DataFrame, path: Path) -> None:
    """`write_parquet` (atomic, as `write_json`), then the folder fsynced."""
    write_parquet(frame, path)
    flush_to_disk(path.parent)
