"""A reporter for `run_batch` that keeps the log lines."""

from __future__ import annotations


class Lines:
    """A reporter that keeps the log lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def job_started(self, name: str, kind: str) -> None: ...

    def job_finished(self, record: object) -> None: ...

    def log(self, message: str) -> None:
        self.lines.append(message)
