"""SMS serial numbers (流水号): unique across runs and never reused, even after a crash.

The next free number lives in `<state>/sms_serial.json` (`{"next": 1234}`). A reservation
takes an exclusive `fcntl.flock` on a sibling lock file, reads the counter, writes the advanced
counter durably (temporary file, fsync, rename, fsync of the folder) and only then returns the
numbers. A process killed after reserving therefore leaves a gap, never a reuse; one killed
before the rename leaves the old counter and used none of its numbers.

The lock is on a separate file because the counter file is replaced by a rename on every
reservation: a lock on the counter itself would be on an inode that no longer has the name.
The OS releases the lock when the holder dies, so a crash never leaves it stuck.
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.errors import InputError, JobFailed
from toolkit.io.state import exclusive, write_json_durably

__all__ = ["COUNTER_FILE", "format_serial", "reserve_serials"]

COUNTER_FILE = "sms_serial.json"
_LOCK_FILE = ".sms_serial.lock"


def reserve_serials(state_dir: Path, count: int, *, prefix: str = "", width: int = 9, start: int = 1) -> list[str]:
    """Reserve `count` serials, durably, and return them as text (`prefix` + zero-padded number).

    `start` is the first number handed out when there is no counter yet; a counter below it is
    raised to it (a new numbering range), a counter above it is never lowered.

    >>> reserve_serials(Path("data"), 2, prefix="1", width=8)  # doctest: +SKIP
    ['100000001', '100000002']
    """
    if count < 0:
        raise ValueError(f"count must be 0 or more, not {count}")
    if start < 0:
        raise ValueError(f"start must be 0 or more, not {start}")
    path = Path(state_dir) / COUNTER_FILE
    with exclusive(Path(state_dir) / _LOCK_FILE):
        first = max(_read_next(path), start)
        last = first + count - 1
        if count and len(str(last)) > width:
            raise JobFailed(
                f"serial {last} does not fit in {width} digits; widen the serial or start a new prefix",
                path=path,
            )
        if count:
            write_json_durably({"next": last + 1}, path)
    return [format_serial(number, prefix=prefix, width=width) for number in range(first, first + count)]


def format_serial(number: int, *, prefix: str = "", width: int = 9) -> str:
    """`format_serial(310221, prefix="110", width=6)` → `110310221`, the manual's form."""
    return f"{prefix}{number:0{width}d}"


def _read_next(path: Path) -> int:
    """The next free number; 0 when there is no counter file yet. Anything unreadable is an
    error, never a silent reset: a reset would hand out numbers again."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return 0
    try:
        value = json.loads(text)["next"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise _corrupt(path, f"{type(error).__name__}: {error}") from None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _corrupt(path, f'"next" is {value!r}, not a whole number')
    return value


def _corrupt(path: Path, detail: str) -> InputError:
    return InputError(
        f"SMS serial counter is corrupt ({detail}); fix it by hand to a number above the last serial sent, "
        'e.g. {"next": 123456}',
        path=path,
    )
