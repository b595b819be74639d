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
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from toolkit.config import LoadedConfig
from toolkit.errors import ConfigError, ExitCode
from toolkit.io import write_json
from toolkit.io.faults import writable_folder, writing
from toolkit.io.raw_cache import discard_read_cache
from toolkit.job import InputRecord
from toolkit.partition import folder_name
from toolkit.pipeline.executors import open_executor
from toolkit.pipeline.failure import notify_failure
from toolkit.pipeline.lock import BatchLock
from toolkit.pipeline.portal import after_run
from toolkit.pipeline.record import BatchRun, JobRecord
from toolkit.pipeline.run_folder import MANIFEST, RunFolder
from toolkit.pipeline.schedule import Reporter, RunPlace, run_jobs
from toolkit.registry import load_config
from toolkit.timezones import moment
from toolkit.version import __version__


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
    partitions: list[str] | None = None,
) -> BatchRun:
    """Run a batch (or the jobs `only` names) as of a moment: `as_of` without a time zone is in
    the batch's, and it defaults to now; the run date defaults to the as-of day. `partitions`
    re-runs only those values of the one `foreach` job `only` names; its other runs are kept."""
    loaded = config if isinstance(config, LoadedConfig) else load_config(config)
    reporter = reporter or _PlainReporter()
    as_of = moment(as_of, loaded.model.timezone)
    config = loaded.model
    run_date = run_date or as_of.date()
    selected = only if only else list(config.jobs)
    unknown = [name for name in selected if name not in config.jobs]
    if unknown:
        raise ConfigError(f"no job named {', '.join(unknown)} (jobs: {', '.join(config.jobs)})", path=loaded.display)
    if partitions and (len(selected) != 1 or not only or config.jobs[selected[0]].foreach is None):
        raise ConfigError("--partition re-runs values of one foreach job: name it with --only", path=loaded.display)
    folder = RunFolder(config.output / run_date.isoformat() / config.batch)
    with BatchLock(config.output / f".{config.batch}.lock", config.batch):
        folder.remove_leftovers(reporter.log)
        try:
            return _run_jobs(
                loaded, folder, selected, run_date, as_of, reporter, keep_others=bool(only), partitions=partitions
            )
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
    partitions: list[str] | None = None,
) -> BatchRun:
    """The selected jobs in the staging folder, the manifest, and the swap into place."""
    config = loaded.model
    staging = folder.staging
    rerun: dict[str, tuple[JobRecord, list[str]]] = {}
    with writing(staging, f"the staging folder {staging.name}"):
        records = _earlier_records(folder.path, staging, selected, partitions) if keep_others else {}
        if partitions:
            earlier = records.pop(selected[0], None)
            rerun[selected[0]] = (earlier or JobRecord(selected[0], config.jobs[selected[0]].kind), partitions)
        staging.mkdir(parents=True, exist_ok=True)
    writable_folder(config.state, "state folder")
    started = time.perf_counter()
    plan = [name for name in config.jobs if name in selected]
    place = RunPlace(run_date, as_of, staging, folder.path)
    executor = open_executor(config.executor, reporter.log)
    try:
        run_jobs(loaded, plan, records, executor, place, reporter, rerun)
    finally:
        executor.close()
    discard_read_cache(staging)  # the partitions' file inputs, read once: not part of the run folder
    records = {
        name: records[name] for name in config.jobs if name in records
    }  # the batch's order, not the finishing one
    batch = BatchRun(config.batch, run_date, as_of, folder.path, records, _exit_code(list(records.values())))
    batch.failure_mail = notify_failure(batch, config, staging, reporter.log)
    batch.earlier_good_run = folder.earlier_good_run(failed=batch.exit_code != ExitCode.DONE)
    manifest = _manifest(batch, loaded, time.perf_counter() - started)
    write_json(manifest, staging / MANIFEST)
    folder.swap_in(keep_good=batch.earlier_good_run is not None, log=reporter.log)
    after_run(config, batch, manifest, reporter.log)  # history row, keep_days, out/index.html: never fails the run
    return batch


def _earlier_records(
    run_dir: Path, staging: Path, selected: list[str], partitions: list[str] | None
) -> dict[str, JobRecord]:
    """With `--only`, the other jobs' outputs of an earlier run of the same date are kept; with
    `--partition` too, the other runs of the job (its record is returned as it was)."""
    if not (run_dir / MANIFEST).is_file():
        return {}
    shutil.copytree(run_dir, staging, copy_function=_link_or_copy)
    earlier = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    records = {}
    for name, entry in earlier.get("jobs", {}).items():
        if name not in selected:
            records[name] = JobRecord.from_manifest(
                {**entry, "status": "kept" if entry["status"] == "done" else entry["status"]}
            )
        elif partitions:
            records[name] = JobRecord.from_manifest(entry)
    for name in selected:
        if not partitions:
            shutil.rmtree(staging / name, ignore_errors=True)
            continue
        earlier_runs = records[name].partitions.values() if name in records else ()
        by = next((run.partition_by for run in earlier_runs), None)
        for value in partitions if by is not None else ():
            shutil.rmtree(staging / name / folder_name(by, value), ignore_errors=True)
    return records


def _link_or_copy(source: str, target: str) -> None:
    """Kept outputs are hard links, not copies (a million-order day is gigabytes): outputs are
    never changed in place, only replaced by rename, so the two folders cannot disturb each other."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


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
