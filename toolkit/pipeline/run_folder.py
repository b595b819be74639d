"""The run folder `out/<date>/<batch>/` and the folders a run makes beside it.

A run is built in `.<batch>.staging-<pid>/` and swapped in with two renames, the folder it
replaces renamed to `.<batch>.old-<pid>/` and removed last. A run killed on the way (kill -9, a
power cut) cannot clean up after itself, so the next run of the batch, under the batch's lock,
removes the staging and old folders whose process is gone, in every date folder.

A run that fails does not take the place of a good one without a trace: the earlier good run
of that date moves to `<batch>.last-good/` beside it, named in the new manifest and the log,
and stays until a run of that date is good again.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit.io.faults import writing

MANIFEST = "manifest.json"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own leftover from an earlier run in this process: not running now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _contents(folder: Path) -> str:
    """`104 files, 3.9 MB`: what a leftover took."""
    files = size = 0
    for root, _, names in os.walk(folder):
        for name in names:
            files += 1
            with contextlib.suppress(OSError):
                size += os.lstat(os.path.join(root, name)).st_size
    return f"{files} file{'' if files == 1 else 's'}, {size / 1e6:.1f} MB"


@dataclass(frozen=True)
class RunFolder:
    """`out/<date>/<batch>/`, its staging folder (this process's) and its kept good run."""

    path: Path  # out/<date>/<batch>

    @property
    def batch(self) -> str:
        return self.path.name

    @property
    def staging(self) -> Path:
        return self.path.with_name(f".{self.batch}.staging-{os.getpid()}")

    @property
    def last_good(self) -> Path:
        return self.path.with_name(f"{self.batch}.last-good")

    def remove_leftovers(self, log: Callable[[str], None]) -> None:
        """Remove, and name in the log, the staging and old folders that runs of this batch left
        when they were killed (their process is gone). Call it under the batch's lock, so that no
        run of the batch makes such a folder meanwhile."""
        leftover = re.compile(rf"^\.{re.escape(self.batch)}\.(staging|old)-(\d+)$")
        output = self.path.parent.parent
        for folder in sorted(output.glob(f"*/.{self.batch}.*-*")):
            match = leftover.match(folder.name)
            if match is None or not folder.is_dir() or _alive(int(match.group(2))):
                continue
            contents = _contents(folder)
            try:
                shutil.rmtree(folder)
            except OSError as error:
                log(
                    f"could not remove {folder}, left by run {match.group(2)}, which did not finish: {error.strerror or error}"
                )
            else:
                log(
                    f"removed {folder} ({contents}): the {match.group(1)} folder of run {match.group(2)}, "
                    "which did not finish"
                )

    def discard_staging(self) -> None:
        """Remove the staging folder of a run that stopped, and the date folder if that leaves it empty."""
        shutil.rmtree(self.staging, ignore_errors=True)
        with contextlib.suppress(OSError):  # not empty (other runs of the date), or already gone
            self.path.parent.rmdir()

    def earlier_good_run(self, failed: bool) -> Path | None:
        """Where the earlier good run of this date is kept when this run `failed`: the run
        folder it replaces if that one was good, else one kept by an earlier failed run."""
        if not failed:
            return None
        if _good(self.path) or _good(self.last_good):
            return self.last_good
        return None

    def swap_in(self, *, keep_good: bool, log: Callable[[str], None]) -> None:
        """Put the staging folder in place of the run folder. With `keep_good` (this run failed)
        a good run folder moves to `last_good` instead of being removed; a good run removes a
        `last_good` kept earlier, since it takes its place."""
        old = self.path.with_name(f".{self.batch}.old-{os.getpid()}")
        with writing(self.path, f"the run folder {self.batch}"):
            if keep_good and _good(self.path):
                _discard(self.last_good, old)
                self.path.rename(self.last_good)
            elif self.path.exists():
                self.path.rename(old)
            self.staging.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)
        if keep_good:
            log(f"this run did not finish: the earlier good run of this date is kept as {self.last_good}")
        elif self.last_good.exists():
            _discard(self.last_good, old)
            log(f"removed {self.last_good}, the good run kept after a failed one: this run replaces it")


def _good(folder: Path) -> bool:
    """A run folder whose manifest says every job finished."""
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("status") == "done"
    except (OSError, ValueError, AttributeError):
        return False


def _discard(folder: Path, old: Path) -> None:
    """Remove `folder`, renamed out of the way first so that a crash leaves only a leftover."""
    if folder.exists():
        folder.rename(old)
        shutil.rmtree(old, ignore_errors=True)
