"""What a run shows: rich progress and a summary table on a terminal, plain timestamped lines
for cron (no TTY), and the same plain lines appended to `--log-file`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.table import Table

from toolkit.config.secrets import Secrets
from toolkit.display import counts_line
from toolkit.i18n import DEFAULT_LOCALE, Text
from toolkit.labels import RUN_LABELS, label
from toolkit.pipeline import BatchRun, JobRecord

_STYLE = {"done": "green", "kept": "dim", "failed": "red", "error": "red", "skipped": "yellow"}
_HEADINGS = (
    Text("作业", "Job"),
    Text("类型", "Kind"),
    Text("状态", "Status"),
    Text("用时", "Time"),
    Text("计数", "Counts"),
)
_TITLE = Text("批次 {batch} · {date}", "Batch {batch} · {date}")
_FOLDER = Text("运行目录：{path}", "Run folder: {path}")


def summary_table(run: BatchRun, locale: str, secrets: Secrets | None = None) -> Table:
    """The run as one compact table: a row per job, its counts on one wrapped line."""
    hide = (secrets or Secrets()).hide
    table = Table(title=hide(_TITLE.format(locale, batch=run.batch, date=run.run_date)), title_justify="left")
    for heading in _HEADINGS:
        table.add_column(heading.get(locale), overflow="fold", no_wrap=heading is not _HEADINGS[-1])
    for record in run.jobs.values():
        seconds = f"{record.duration_s:.1f}s" if record.duration_s is not None else ""
        status = f"[{_STYLE.get(record.status, '')}]{label(record.status, locale, vocabulary=RUN_LABELS)}[/]"
        detail = " — ".join(
            part for part in (counts_line(record.kind, record.counts, locale), hide(record.error or "")) if part
        )
        table.add_row(record.name, label(record.kind, locale, vocabulary=RUN_LABELS), status, seconds, detail)
    return table


def describe(record: JobRecord) -> str:
    """`done in 0.8s: rows_in 2000, accepted 1840, ...` or the error."""
    text = record.status
    if record.duration_s is not None:
        text += f" in {record.duration_s:.1f}s"
    if record.counts:
        text += ": " + ", ".join(f"{k} {v:,}" for k, v in record.counts.items())
    if record.error:
        text += f" — {record.error}"
    return text


class RunReporter:
    def __init__(
        self, *, log_file: Path | None = None, stream: TextIO | None = None, interactive: bool | None = None
    ) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.console = Console(file=self.stream, force_terminal=self.interactive)
        self.log_file = log_file.open("a", encoding="utf-8") if log_file else None
        self._status = None
        self._running: dict[str, str] = {}  # job → kind, of the jobs started and not finished
        self.secrets = Secrets()  # the config's `${VAR}` values, once it is loaded: hidden in every line
        self.locale = DEFAULT_LOCALE  # the batch's, once its config is loaded

    def _plain(self, message: str, *, to_stream: bool) -> None:
        line = self.secrets.hide(f"{datetime.now():%Y-%m-%d %H:%M:%S} {message}")
        if to_stream:
            print(line, file=self.stream, flush=True)
        if self.log_file:
            print(line, file=self.log_file, flush=True)

    def log(self, message: str) -> None:
        if self.interactive:
            self.console.log(self.secrets.hide(message))
            self._plain(message, to_stream=False)
        else:
            self._plain(message, to_stream=True)

    def job_started(self, name: str, kind: str) -> None:
        self._plain(f"{name}: started ({kind})", to_stream=not self.interactive)
        self._running[name] = kind
        self._show_running()

    def _show_running(self) -> None:
        """One status line for the jobs running now (more than one with `workers:` above 1)."""
        if not self.interactive:
            return
        if not self._running:
            if self._status is not None:
                self._status.stop()
                self._status = None
            return
        text = " · ".join(f"[bold]{name}[/] ({kind})" for name, kind in self._running.items()) + " …"
        if self._status is None:
            self._status = self.console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def job_finished(self, record: JobRecord) -> None:
        self._running.pop(record.name, None)
        self._show_running()
        self._plain(f"{record.name}: {describe(record)}", to_stream=not self.interactive)
        if self.interactive:
            style = _STYLE.get(record.status, "")
            self.console.print(f"[{style}]●[/] [bold]{record.name}[/] {self.secrets.hide(describe(record))}")

    def batch_finished(self, run: BatchRun) -> None:
        self._plain(
            f"batch {run.batch} {run.status} (exit {int(run.exit_code)}): {run.run_dir}", to_stream=not self.interactive
        )
        if self.interactive:
            self.console.print(summary_table(run, self.locale, self.secrets))
            self.console.print(self.secrets.hide(_FOLDER.format(self.locale, path=run.run_dir)))

    def error(self, message: str) -> None:
        """An error that stops the command: one line on stderr, and in the log file."""
        print(self.secrets.hide(f"error: {message}"), file=sys.stderr, flush=True)
        if self.log_file:
            self._plain(f"error: {message}", to_stream=False)

    def close(self) -> None:
        if self.log_file:
            self.log_file.close()
