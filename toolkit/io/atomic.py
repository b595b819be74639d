"""`atomic_path`: write to a temporary name in the same folder, rename into place."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.io.faults import writing


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to `target` (`.name.tmp-<pid>-<random>`); on success it is
    renamed onto `target`, on error it is removed. Creates the folder if needed.

    A reader never sees a half-written file, a failed write leaves neither a file nor a
    temporary behind, and a previous version of `target` stays intact until the new one is
    complete (the rename is atomic within one file system). A full disk or a refused write is
    a `DiskFull` or `WriteDenied` naming `target` (told while the temporary still fills the disk).

    >>> with atomic_path(Path("out/report.csv")) as tmp:  # doctest: +SKIP
    ...     tmp.write_text("a,b\\n")
    """
    target = Path(target)
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with writing(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            yield temporary
            if not temporary.exists():
                raise FileNotFoundError(f"nothing was written to the temporary file for {target}")
            flush_to_disk(temporary)
            os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def flush_to_disk(path: Path) -> None:
    """fsync a file, so that a crash just after its rename cannot leave an empty file under the
    name; or a folder, so that a rename in it survives a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
