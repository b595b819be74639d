"""Errors a user sees as one line, and the exit codes the command returns.

A *finding* (a bad row) is not an error: it is data. An error is something that stops a job or
the whole batch: an unreadable config or input. Each error renders as one line that names the
file and, where known, the line or row and the column.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    DONE = 0
    JOB_FAILED = 1
    BAD_INPUT = 2
    LOCKED = 3


class ToolkitError(Exception):
    """Base of every error the command prints as one line."""

    exit_code: ExitCode = ExitCode.JOB_FAILED

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | str | None = None,
        key: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.key = key

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        """`file:line:col: key: message`, leaving out the parts that are unknown."""
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if isinstance(self.column, int):
                    where += f":{self.column}"
            where += ": "
        if isinstance(self.column, str):
            where += f"column {self.column!r}: "
        if self.key:
            where += f"{self.key}: "
        return where + self.message


class ConfigError(ToolkitError):
    """The YAML config (or a file it names) is wrong; `line`/`column` point into the YAML."""

    exit_code = ExitCode.BAD_INPUT


class InputError(ToolkitError):
    """An input table cannot be read at all (empty, undecodable, corrupt, missing column).

    `line` is the row as the user sees it in the file (header = row 1) where known, and
    `column` the header of the offending column.
    """

    exit_code = ExitCode.BAD_INPUT

    def one_line(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where += f": row {self.line}"
        if self.column is not None:
            where += f": column {self.column!r}"
        return f"{where}: {self.message}" if where else self.message


class LockedError(ToolkitError):
    """Another run of the same batch holds the lock."""

    exit_code = ExitCode.LOCKED


class JobFailed(ToolkitError):
    """A job ran but its result is not acceptable (e.g. too many refused rows)."""

    exit_code = ExitCode.JOB_FAILED


class OutputError(ToolkitError):
    """An output or state folder cannot be written: the run stops at once (no later job could
    write either) and keeps nothing of itself; the earlier run folder stays as it was."""


class DiskFull(OutputError):
    """No space left (ENOSPC) or over the quota (EDQUOT) while writing."""

    exit_code = ExitCode.JOB_FAILED


class WriteDenied(OutputError):
    """The user the run is under may not write a folder (permissions, a read-only file system):
    a setup error, like a config error."""

    exit_code = ExitCode.BAD_INPUT
