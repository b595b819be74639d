"""Runs a batch: the jobs in order, each in its own folder of a dated run folder, a manifest, a
lock, and the exit code.

The run is built in a staging folder beside `out/<date>/<batch>/` and swapped into place at the
end (toolkit/run_folder.py), so a re-run of the same date replaces that run folder and nothing
else, and a crash leaves the previous run folder as it was. A full disk or a folder the run may
not write stops the run with one line and keeps nothing of it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import traceback
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from toolkit.config import LoadedConfig
from toolkit.errors import ConfigError, ExitCode, InputError, OutputError, ToolkitError
from toolkit.io import write_json
from toolkit.io.faults import disk_full, writable_folder, writing
from toolkit.job import InputRecord, JobContext, JobFileRef, JobOutputRef, JobResult, job_references
from toolkit.pipeline.failure import notify_failure
from toolkit.pipeline.lock import BatchLock
from toolkit.pipeline.portal import after_run
from toolkit.pipeline.record import BatchRun, JobRecord
from toolkit.pipeline.run_folder import MANIFEST, RunFolder
from toolkit.registry import JOB_KINDS, load_config
from toolkit.timezones import moment
from toolkit.version import __version__


class Reporter(Protocol):
    def job_started(self, name: str, kind: str) -> None: ...
    def job_finished(self, record: JobRecord) -> None: ...
    def log(self, message: str) -> None: ...


def _dependencies(job: Any) -> list[JobOutputRef | JobFileRef]:
    return [value for _, value in job_references(job)]


def _exit_code(records: list[JobRecord]) -> ExitCode:
    statuses = {r.status for r in records}
    if "error" in statuses:
        return ExitCode.BAD_INPUT
    if "failed" in statuses or "skipped" in statuses:
        return ExitCode.JOB_FAILED
    return ExitCode.DONE


class _PlainReporter:
    def job_started(self, name: str, kind: str) -> None:
        pass

    def job_finished(self, record: JobRecord) -> None:
        pass

    def log(self, message: str) -> None:
        pass


def run_batch(
    config: LoadedConfig | str | Path,
    *,
    run_date: date | None = None,
    only: list[str] | None = None,
    as_of: datetime | str | None = None,
    reporter: Reporter | None = None,
) -> BatchRun:
    """Run a batch (or the jobs `only` names) as of a moment: `as_of` without a time zone is in
    the batch's, and it defaults to now; the run date defaults to the as-of day."""
    loaded = config if isinstance(config, LoadedConfig) else load_config(config)
    reporter = reporter or _PlainReporter()
    as_of = moment(as_of, loaded.model.timezone)
    config = loaded.model
    run_date = run_date or as_of.date()
    selected = only if only else list(config.jobs)
    unknown = [name for name in selected if name not in config.jobs]
    if unknown:
        raise ConfigError(f"no job named {', '.join(unknown)} (jobs: {', '.join(config.jobs)})", path=loaded.display)
    folder = RunFolder(config.output / run_date.isoformat() / config.batch)
    with BatchLock(config.output / f".{config.batch}.lock", config.batch):
        folder.remove_leftovers(reporter.log)
        try:
            return _run_jobs(loaded, folder, selected, run_date, as_of, reporter, keep_others=bool(only))
        except BaseException:
            folder.discard_staging()
            raise


def _run_jobs(
    loaded: LoadedConfig,
    folder: RunFolder,
    selected: list[str],
    run_date: date,
    as_of: datetime,
    reporter: Reporter,
    *,
    keep_others: bool,
) -> BatchRun:
    """The selected jobs in the staging folder, the manifest, and the swap into place."""
    config = loaded.model
    staging = folder.staging
    with writing(staging, f"the staging folder {staging.name}"):
        records = _earlier_records(folder.path, staging, selected) if keep_others else {}
        staging.mkdir(parents=True, exist_ok=True)
    writable_folder(config.state, "state folder")
    started = time.perf_counter()
    for name, job in config.jobs.items():
        if name not in selected:
            continue
        records[name] = _run_job(name, job, records, loaded, run_date, as_of, folder, reporter)
    batch = BatchRun(config.batch, run_date, as_of, folder.path, records, _exit_code(list(records.values())))
    batch.failure_mail = notify_failure(batch, config, staging, reporter.log)
    batch.earlier_good_run = folder.earlier_good_run(failed=batch.exit_code != ExitCode.DONE)
    manifest = _manifest(batch, loaded, time.perf_counter() - started)
    write_json(manifest, staging / MANIFEST)
    folder.swap_in(keep_good=batch.earlier_good_run is not None, log=reporter.log)
    after_run(config, batch, manifest, reporter.log)  # history row, keep_days, out/index.html: never fails the run
    return batch


def _earlier_records(run_dir: Path, staging: Path, selected: list[str]) -> dict[str, JobRecord]:
    """With `--only`, the other jobs' outputs of an earlier run of the same date are kept."""
    if not (run_dir / MANIFEST).is_file():
        return {}
    shutil.copytree(run_dir, staging, copy_function=_link_or_copy)
    for name in selected:
        shutil.rmtree(staging / name, ignore_errors=True)
    earlier = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    records = {}
    for name, entry in earlier.get("jobs", {}).items():
        if name not in selected:
            records[name] = JobRecord(**{**entry, "status": "kept" if entry["status"] == "done" else entry["status"]})
    return records


def _link_or_copy(source: str, target: str) -> None:
    """Kept outputs are hard links, not copies (a million-order day is gigabytes): outputs are
    never changed in place, only replaced by rename, so the two folders cannot disturb each other."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _run_job(
    name: str,
    job: Any,
    records: dict[str, JobRecord],
    loaded: LoadedConfig,
    run_date: date,
    as_of: datetime,
    folder: RunFolder,
    reporter: Reporter,
) -> JobRecord:
    config, staging = loaded.model, folder.staging
    record = JobRecord(name=name, kind=job.kind, started_at=datetime.now(as_of.tzinfo).isoformat(timespec="seconds"))
    blocked = [
        ref.job
        for ref in _dependencies(job)
        if records.get(ref.job) is None or records[ref.job].status not in ("done", "kept")
    ]
    if blocked:
        record.status = "skipped"
        record.error = f"needs the output of {', '.join(blocked)}, which did not finish"
        reporter.job_finished(record)
        return record

    def table_of(ref: JobOutputRef) -> Path:
        path = records[ref.job].tables.get(ref.table)
        if path is None:
            known = ", ".join(records[ref.job].tables) or "none"
            raise InputError(f"job {ref.job!r} has no table {ref.table!r} (it has: {known})", path=loaded.display)
        return staging / path

    out_dir = staging / name
    with writing(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    context = JobContext(
        batch=config.batch,
        job_name=name,
        run_date=run_date,
        as_of=as_of,
        out_dir=out_dir,
        state_dir=config.state,
        locale=config.locale,
        timezone=config.timezone,
        calendar=config.work_calendar(),
        table_of=table_of,
        log=lambda message: reporter.log(f"{name}: {message}"),
        smtp=config.smtp,
        final_run_dir=folder.path,
    )
    reporter.job_started(name, job.kind)
    started = time.perf_counter()
    try:
        result: JobResult = JOB_KINDS[job.kind].run(job, context)
    except OutputError:
        raise
    except ToolkitError as error:
        record.status = "error" if error.exit_code == ExitCode.BAD_INPUT else "failed"
        record.error = error.one_line()
        shutil.rmtree(out_dir, ignore_errors=True)
    except Exception as error:  # a bug or an unexpected library error: one line, details in the log
        full = disk_full(error, out_dir)
        if full is not None:
            raise full from None
        record.status = "failed"
        record.error = f"{type(error).__name__}: {error}"
        reporter.log("".join(traceback.format_exception(error)))
    else:
        record.status = "done" if result.ok else "failed"
        record.error = result.failure
        record.counts = result.counts
        record.inputs = [asdict(i) for i in result.inputs]
        record.outputs = [{"path": _relative(o.path, staging), "rows": o.rows} for o in result.outputs]
        record.tables = {k: _relative(str(v), staging) for k, v in result.tables.items()}
        record.result = result.result
    record.duration_s = round(time.perf_counter() - started, 3)
    if record.error is not None:  # it goes into manifest.json and the failure mail: no `${VAR}` value in it
        record.error = loaded.document.secrets.hide(record.error)
    reporter.job_finished(record)
    return record


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).relative_to(root))
    except ValueError:
        return path


def _manifest(batch: BatchRun, loaded: LoadedConfig, seconds: float) -> dict[str, Any]:
    return {
        "toolkit_version": __version__,
        "batch": batch.batch,
        "run_date": batch.run_date.isoformat(),
        "as_of": batch.as_of.isoformat(timespec="seconds"),
        "finished_at": datetime.now(batch.as_of.tzinfo).isoformat(timespec="seconds"),
        "duration_s": round(seconds, 3),
        "config": asdict(InputRecord.of(loaded.path)),
        "status": batch.status,
        "exit_code": int(batch.exit_code),
        "jobs": {name: record.manifest() for name, record in batch.jobs.items()},
        **({"on_failure": batch.failure_mail} if batch.failure_mail is not None else {}),
        **({"earlier_good_run": str(batch.earlier_good_run)} if batch.earlier_good_run is not None else {}),
    }
