"""`toolkit check`: open what a run will open, without running a job.

Every input file is read as its job reads it (sheet, header row, aliases, `columns:`, required
fields); every `job.table` reference is checked against the tables the earlier job's kind
publishes; every template is compiled and the names it uses checked against the columns its
rows will have; every rules, SLA and preset file is loaded. Each job kind's `check` says what
its run opens (`toolkit.job.JobCheck`); this module opens it and keeps the problems.

Each problem is one line at the key of the batch config it concerns, `file:line:col: key:
message`, followed by what the file it names says; a mistake inside a rules, SLA or preset file
is reported at its own `file:line:col`. All problems are listed, not only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from toolkit.config import ConfigErrors, LoadedConfig
from toolkit.config.loader import shown
from toolkit.errors import ConfigError, ToolkitError
from toolkit.io import Table, TableSource, read_table
from toolkit.io.date_detect import unreadable_line
from toolkit.io.dates import sample_unreadable
from toolkit.job import JobKind, JobOutputRef, Key, TemplateFiles, located_references
from toolkit.pipeline.partitions import foreach_aliases
from toolkit.registry import JOB_KINDS, load_config
from toolkit.suggest import did_you_mean

TIME_SAMPLE = 5000  # rows of each time field read by check: enough to tell a wrong date_formats, 0.1 s

T = TypeVar("T")
Columns = tuple[str, ...]


@dataclass(frozen=True)
class CheckReport:
    """What `toolkit check` found: how many jobs the config has, and every problem as one line."""

    jobs: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_batch(path: Path) -> CheckReport:
    """Load the config at `path` and open everything its jobs will open."""
    try:
        loaded = load_config(path)
    except ConfigError as error:
        return CheckReport(jobs=0, problems=error.one_line().splitlines())
    batch = BatchCheck(loaded)
    for name, job in loaded.model.jobs.items():
        batch.check_job(name, job)
    return CheckReport(jobs=len(loaded.model.jobs), problems=list(dict.fromkeys(batch.problems)))


def shown_line(error: ToolkitError) -> str:
    """The error's one line, its file as the user would type it (relative to the working folder)."""
    if error.path is not None:
        error.path = shown(Path(error.path))
    return error.one_line()


def _hint(name: str, columns: Iterable[str]) -> str:
    names = sorted(set(columns))
    return did_you_mean(name, names) or f" (columns: {', '.join(names)})"


@dataclass
class BatchCheck:
    """The problems found so far, and the columns of the tables the checked jobs publish."""

    loaded: LoadedConfig
    problems: list[str] = field(default_factory=list)
    tables: dict[str, dict[str, Columns | None]] = field(default_factory=dict)

    def problem(self, key: Key, message: str) -> None:
        """A problem at `key` of the batch config (`("jobs", "orders", "input")`)."""
        self.problems.append(self.loaded.document.error(key, message).one_line())

    def problem_in(self, error: ToolkitError) -> None:
        """A problem inside a file the config names (rules, SLA, preset), at its own line; the
        config's `${VAR}` values hidden, as in the config's own problems."""
        self.problems.append(self.loaded.document.secrets.hide(shown_line(error)))

    def kind_of(self, job: str) -> JobKind:
        return JOB_KINDS[self.loaded.model.jobs[job].kind]

    def check_job(self, name: str, job: Any) -> None:
        kind = self.kind_of(name)
        checked = JobChecked(self, name, kind, self.loaded.model.locale)
        for key, ref in located_references(job):
            if isinstance(ref, JobOutputRef):
                checked.reference(key, ref)
        if job.foreach is not None:
            by, table = job.foreach.by, job.foreach.table
            aliases = foreach_aliases(by)
            columns = () if table is None else checked.table(("foreach", "table"), table, aliases, required=[by])
            checked.foreach = None if columns is None else (*columns, by)
        if kind.check is not None:
            try:
                kind.check(job, checked)
            except Exception as error:  # a check that breaks: one line, and the other jobs still checked
                checked.problem((), f"{type(error).__name__}: {error}")
        self.tables[name] = {table: checked.published(table) for table in kind.publishes}


class JobChecked:
    """`toolkit.job.JobCheck` for one job: what its check opens, problems at its keys."""

    def __init__(self, batch: BatchCheck, name: str, kind: JobKind, locale: str) -> None:
        self.locale = locale
        self._batch = batch
        self._name = name
        self._kind = kind
        self._opened: dict[Key, Columns | None] = {}
        self.foreach: Columns | None = None

    def problem(self, key: Key, message: str) -> None:
        self._batch.problem(("jobs", self._name, *key), message)

    def reference(self, key: Key, ref: JobOutputRef) -> None:
        """`orders.valid` names a table the earlier job's kind publishes."""
        tables = [f"{ref.job}.{table}" for table in self._batch.kind_of(ref.job).publishes]
        if str(ref) not in tables:
            hint = did_you_mean(str(ref), tables) or (
                f" (it publishes: {', '.join(tables)})" if tables else " (it publishes no tables)"
            )
            self.problem(key, f"job {ref.job!r} publishes no table {ref.table!r}{hint}")

    def table(
        self,
        key: Key,
        source: TableSource | JobOutputRef,
        aliases: Mapping[str, Sequence[str]],
        required: Iterable[str] = (),
        time_fields: Iterable[str] = (),
    ) -> Columns | None:
        if isinstance(source, JobOutputRef):
            columns = self._batch.tables.get(source.job, {}).get(source.table)  # None: a problem said already
            missing = [name for name in required if columns is not None and name not in columns]
            if missing:
                self.problem(key, f"{source} has no column for {', '.join(map(repr, missing))}")
        else:
            try:
                with read_table(source, aliases, required) as table:
                    columns = self._opened_file(key, table, source, tuple(time_fields))
            except ToolkitError as error:
                self.problem(key, shown_line(error))
                columns = None
        self._opened[key] = columns
        return columns

    def _opened_file(self, key: Key, table: Table, source: TableSource, time_fields: Columns) -> Columns:
        """What check takes from an input file it could open: the columns the job will see; and
        about TIME_SAMPLE rows of each time field, spread over the file, read as the run will
        read them: a column that mostly does not read is a problem (a few bad cells are findings)."""
        columns = tuple(table.frame.collect_schema().names())
        batch = self._batch.loaded.model
        try:
            times = source.times(time_fields, batch.timezone, datetime.now(ZoneInfo(batch.timezone)))
        except ToolkitError as error:
            self.problem(key, shown_line(error))
            return columns
        present = [name for name in time_fields if name in columns]
        sample = table.frame.select(present).gather_every(max(1, table.rows // TIME_SAMPLE)).collect()
        for found in sample_unreadable(sample, times):
            if found.mostly:
                line = unreadable_line(
                    found, table.headers.get(found.field), times.formats.get(found.field, ()), sampled=True
                )
                self.problem(key, f"{shown(table.path)}: {line}")
        return columns

    def published(self, table: str) -> Columns | None:
        declared = self._kind.publishes[table]
        source = self._kind.passes_through.get(table)
        if source is None:
            return declared
        carried = self._opened.get((source,))
        return None if carried is None else tuple(dict.fromkeys((*declared, *carried)))

    def settings(self, key: Key, load: Callable[[], T]) -> T | None:
        try:
            return load()
        except ConfigError as error:
            for each in error.errors if isinstance(error, ConfigErrors) else [error]:
                if each.line is not None:
                    self._batch.problem_in(each)
                else:
                    self.problem(key, shown_line(each))
        except ToolkitError as error:
            self.problem(key, shown_line(error))
        return None

    def opens(self, key: Key, load: Callable[[], T]) -> T | None:
        try:
            return load()
        except ToolkitError as error:
            self.problem(key, shown_line(error))
        return None

    def variables(self, key: Key, template: TemplateFiles | None, columns: Iterable[str] | None) -> None:
        if template is None or columns is None:
            return
        try:
            scopes = template.scopes(columns)
        except ToolkitError as error:  # a layout the template extends is missing
            self.problem(key, shown_line(error))
            return
        for part, values in scopes:
            for name in part.missing(values):
                self.problem(key, shown_line(part.undefined(name, _hint(name, values))))

    def column(self, key: Key, name: str, columns: Iterable[str] | None) -> None:
        if columns is not None and name not in set(columns):
            self.problem(key, f"no column {name!r}{_hint(name, columns)}")
