"""A reporter for `run_batch` that keeps the log lines, and when jobs started and finished."""

from __future__ import annotations


class Lines:
    """A reporter that keeps the log lines; `events` has `started <job>` and `finished <job>` in
    the order they came."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.events: list[str] = []

    def job_started(self, name: str, kind: str) -> None:
        self.events.append(f"started {name}")

    def job_finished(self, record: object) -> None:
        self.events.append(f"finished {getattr(record, 'name', '?')}")

    def log(self, message: str) -> None:
        self.lines.append(message)
