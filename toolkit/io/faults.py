"""Writing that fails because of the machine, not the data, as one line: the disk is full
(ENOSPC, EDQUOT), or the user the run is under may not write the folder (EACCES, EPERM, EROFS).

Libraries do not always say so with an errno: polars raises `OSError: No space left on device
(os error 28)` with no errno set, a `ComputeError` when parquet's writer hits the full disk
(`underlying IO error: ... (os error 28)`), or, when only the footer is cut off, `ComputeError:
... Invalid thrift: transport error`, which names no cause at all. So a write is a full disk when
the errno, or the OS's wording in the message, says so, or when it failed on a file system with
(almost) no space left.
"""

from __future__ import annotations

import errno
import os
import pwd
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.errors import DiskFull, OutputError, ToolkitError, WriteDenied

__all__ = ["disk_full", "writable_folder", "write_fault", "writing"]

_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_DENIED = {errno.EACCES: "permission denied", errno.EPERM: "not permitted", errno.EROFS: "read-only file system"}
_OS_ERROR = re.compile(r"\(os error (\d+)\)|\[Errno (\d+)\]")
_ALMOST_FULL = 1 << 20  # bytes: less than this left after a failed write is a full disk


def _errno(error: BaseException) -> int | None:
    """The OS error behind `error`: its errno, else the one its message quotes (polars, pyarrow)."""
    if isinstance(error, OSError) and error.errno:
        return error.errno
    match = _OS_ERROR.search(str(error))
    return int(match.group(1) or match.group(2)) if match else None


def _existing(path: Path) -> Path:
    """`path`, or its nearest folder that exists (where a failed `mkdir -p` was refused)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _nearly_full(path: Path) -> bool:
    """Whether the file system `path` is on has (almost) no space left for this user."""
    try:
        stats = os.statvfs(_existing(Path(path)))
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < _ALMOST_FULL


def _user() -> str:
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid {os.geteuid()}"


def disk_full(error: BaseException, path: Path) -> DiskFull | None:
    """`disk full writing <path>` when `error` is, or followed, a full disk; else None.

    Only the disk: where a job also reads (a notebook, a job's own code), a refused file may be
    an input, which is not for this line to name."""
    if isinstance(error, DiskFull):
        return error
    if isinstance(error, ToolkitError) or not isinstance(error, Exception):
        return None
    code = _errno(error)
    if code in _DISK_FULL or (code is None and _nearly_full(path)):
        return DiskFull(f"disk full writing {path}")
    return None


def write_fault(error: BaseException, path: Path, what: str | None = None) -> OutputError | None:
    """The one-line error for a failed write of `path` (`what` it is, e.g. "the lock file
    .daily.lock"): a full disk, or a refused write naming the folder that refused it; None when
    the failure is not the machine's."""
    if isinstance(error, OutputError):
        return error
    full = disk_full(error, path)
    if full is not None:
        return full
    code = _errno(error)
    if code in _DENIED and not isinstance(error, ToolkitError):
        folder = _existing(Path(path).parent)
        thing = what or Path(path).relative_to(folder).as_posix()
        return WriteDenied(f"cannot create {thing} ({_DENIED[code]}, running as {_user()})", path=folder)
    return None


@contextmanager
def writing(path: Path, what: str | None = None) -> Iterator[None]:
    """Translate a full disk or a refused write inside the block into `write_fault`'s line."""
    try:
        yield
    except Exception as error:
        fault = write_fault(error, path, what)
        if fault is None or fault is error:
            raise
        raise fault from None


def writable_folder(folder: Path, what: str) -> None:
    """Create `folder` if needed and make sure a file can be created in it (a folder that
    exists is no proof: permissions and read-only mounts show only on writing)."""
    with writing(folder, f"the {what} {folder.name}"):
        folder.mkdir(parents=True, exist_ok=True)
    with writing(folder / "probe", f"files in the {what}"), tempfile.TemporaryFile(dir=folder):
        pass
