"""What a batch run did: a record per job and the run around them, as the manifest and
`tk.run` give them."""

from __future__ import annotations

import html
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.display import counts_line, table, word
from toolkit.errors import ExitCode
from toolkit.i18n import ZH
from toolkit.labels import RUN_LABELS, label


@dataclass
class JobRecord:
    name: str
    kind: str
    status: str = "pending"  # done | failed | error (input) | skipped | kept (from an earlier run)
    started_at: str | None = None
    duration_s: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    result: Any = field(default=None, repr=False)
    worker: str | None = None  # where it ran: host:pid (a local worker process, a Dask worker)
    partition_by: str | None = None  # one run of a `foreach` job: its column and value
    partition: str | None = None
    partitions: dict[str, JobRecord] = field(default_factory=dict)
    """A `foreach` job: the record of each run, by value (the job's own counts are their sums)."""

    def manifest(self) -> dict[str, Any]:
        # field by field, not `asdict`: that deep-copies `result` (a million-order job's frames) to drop it
        skipped = ("result", "partitions", "partition_by", "partition")
        entry = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skipped}
        if self.partition_by is not None:
            entry["partition"] = {self.partition_by: self.partition}
        if self.partitions:
            entry["partitions"] = {value: part.manifest() for value, part in self.partitions.items()}
        return entry

    @classmethod
    def from_manifest(cls, entry: dict[str, Any]) -> JobRecord:
        """A job's record as an earlier run's manifest.json holds it."""
        fields = {k: v for k, v in entry.items() if k not in ("partition", "partitions")}
        record = cls(**fields)
        for by, value in (entry.get("partition") or {}).items():
            record.partition_by, record.partition = by, value
        record.partitions = {value: cls.from_manifest(part) for value, part in (entry.get("partitions") or {}).items()}
        return record


@dataclass
class BatchRun:
    batch: str
    run_date: date
    as_of: datetime
    run_dir: Path
    jobs: dict[str, JobRecord]
    exit_code: ExitCode = ExitCode.DONE
    failure_mail: dict[str, Any] | None = None  # the `on_failure` notice: where it went, or why not
    earlier_good_run: Path | None = None  # where the good run this failed one replaced is kept

    @property
    def status(self) -> str:
        return {ExitCode.DONE: "done", ExitCode.JOB_FAILED: "failed"}.get(self.exit_code, "error")

    def __getitem__(self, job: str) -> Any:
        """The rich result of a job (e.g. a ValidationResult), for notebooks."""
        return self.jobs[job].result

    def _repr_html_(self, locale: str = ZH) -> str:
        """The jobs as a table (status, time, counts, error), failures highlighted, in Jupyter."""
        rows = [
            {
                "name": name,
                "kind": label(record.kind, locale, vocabulary=RUN_LABELS),
                "status": label(record.status, locale, vocabulary=RUN_LABELS),
                "duration_s": record.duration_s,
                "counts": counts_line(record.kind, record.counts, locale),
                "error": record.error or "",
                "failed": record.status in ("failed", "error", "skipped"),
            }
            for name, record in self.jobs.items()
        ]
        schema = {
            "name": pl.String,
            "kind": pl.String,
            "status": pl.String,
            "duration_s": pl.Float64,
            "counts": pl.String,
            "error": pl.String,
            "failed": pl.Boolean,
        }
        title = word(
            "batch",
            locale,
            batch=self.batch,
            date=self.run_date.isoformat(),
            status=label(self.status, locale, vocabulary=RUN_LABELS),
        )
        body = table(
            pl.DataFrame(rows, schema=schema), locale, breach="failed", formats={"duration_s": "num"}
        ).to_html()
        return f'<div><h3>{html.escape(title)}</h3><p class="meta">{html.escape(str(self.run_dir))}</p>{body}</div>'
