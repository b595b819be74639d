"""The `toolkit` command: thin on purpose. It parses arguments, calls the pipeline or a job,
and prints any error as one line with the right exit code."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from toolkit.console import RunReporter, describe
from toolkit.errors import ExitCode, ToolkitError
from toolkit.i18n import Text
from toolkit.labels import RUN_LABELS, label
from toolkit.pipeline import JobRecord, run_batch
from toolkit.pipeline.history import history_path, runs
from toolkit.preflight import check_batch
from toolkit.registry import BatchConfig, load_config
from toolkit.samples import write_samples

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Batch jobs for logistics customer service: order checks, SMS, overdue shipments, reports.",
)

ConfigArg = Annotated[Path, typer.Argument(help="The batch config, e.g. config/daily.yaml.", show_default=False)]


def _fail(message: str, code: ExitCode) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(int(code))


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--date: expected YYYY-MM-DD, got {value!r}", ExitCode.BAD_INPUT) from None


def _parse_as_of(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of: expected YYYY-MM-DD HH:MM, got {value!r}", ExitCode.BAD_INPUT) from None


@app.command()
def run(
    config: ConfigArg,
    run_date: Annotated[str | None, typer.Option("--date", help="Run date YYYY-MM-DD (default: today).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this job (repeatable).")] = None,
    partition: Annotated[
        list[str] | None,
        typer.Option("--partition", help="With --only and a foreach job: re-run this value only (repeatable)."),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Fix 'now', e.g. '2026-11-22 09:00'.")] = None,
    log_file: Annotated[Path | None, typer.Option("--log-file", help="Append plain log lines here.")] = None,
) -> None:
    """Run a batch: every job in order, outputs in out/<date>/<batch>/<job>/."""
    day, moment = _parse_date(run_date), _parse_as_of(as_of)
    reporter = RunReporter(log_file=log_file)
    try:
        loaded = load_config(config)
        reporter.secrets, reporter.locale = loaded.document.secrets, loaded.model.locale
        batch = run_batch(loaded, run_date=day, only=only, as_of=moment, reporter=reporter, partitions=partition)
    except ToolkitError as error:
        for line in error.one_line().splitlines():  # several config errors: `error: ` before each
            reporter.error(line)
        reporter.close()
        raise typer.Exit(int(error.exit_code)) from None
    reporter.batch_finished(batch)
    reporter.close()
    raise typer.Exit(int(batch.exit_code))


@app.command()
def check(config: ConfigArg) -> None:
    """Open what a run would open (inputs, earlier jobs' tables, templates, rules, SLA, presets)
    without running a job; every problem is one line, exit 2."""
    report = check_batch(config)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    if not report.ok:
        raise typer.Exit(int(ExitCode.BAD_INPUT))
    print(f"{config}: ok ({report.jobs} job{'s' if report.jobs != 1 else ''})")


_HISTORY_HEADINGS = (
    Text("运行日期", "Run date"),
    Text("截至", "As of"),
    Text("状态", "Status"),
    Text("用时", "Time"),
    Text("作业", "Jobs"),
    Text("运行目录 / 错误", "Run folder / error"),
)
_JOB_DETAIL = Text("计数 / 错误", "Counts / error")
_STATUS_STYLE = {"done": "green", "kept": "dim", "failed": "red", "error": "red", "skipped": "yellow"}


@app.command()
def history(
    config: ConfigArg,
    last: Annotated[int, typer.Option("--last", help="The last N runs (0: every run).", min=0)] = 20,
    job: Annotated[str | None, typer.Option("--job", help="One job's runs: status, time, counts, error.")] = None,
) -> None:
    """The batch's runs from the run history (history.sqlite in the state folder), oldest first:
    a table on a terminal, a line a run otherwise. out/index.html shows them too."""
    try:
        settings = load_config(config).model
    except ToolkitError as error:
        raise _fail(error.one_line(), error.exit_code) from None
    db = history_path(settings.state)
    try:
        frame = runs(db, batch=settings.batch, last=last or None, job=job)
    except sqlite3.Error as error:
        raise _fail(f"{db}: cannot read the run history: {error}", ExitCode.BAD_INPUT) from None
    if frame.height == 0:
        print(f"no runs of {settings.batch}{f' with job {job}' if job else ''} in {db}")
        return
    if not sys.stdout.isatty():
        for row in frame.iter_rows(named=True):
            print(_history_line(row, job))
        return
    locale = settings.locale
    table = Table(title=f"{settings.batch} · {db}", title_justify="left")
    for heading in (*_HISTORY_HEADINGS[:-1], _JOB_DETAIL if job else _HISTORY_HEADINGS[-1]):
        table.add_column(heading.get(locale), overflow="fold")
    for row in frame.iter_rows(named=True):
        if job:  # the job's status, time and counts
            status, seconds, jobs = row["job_status"], row["job_duration_s"], job
            where = ", ".join(f"{k} {v:,}" for k, v in json.loads(row["counts"]).items())
        else:  # the run's, the jobs that did not finish, the run folder
            status, seconds, where = row["status"], row["duration_s"], row["run_dir"]
            jobs = f"{row['jobs']}" + (f" ({', '.join(row['failed'])})" if row["failed"] else "")
        error = row["error"] or ""
        table.add_row(
            row["run_date"].isoformat(),
            f"{datetime.fromisoformat(row['as_of']):%H:%M}",
            f"[{_STATUS_STYLE.get(status, '')}]{label(status, locale, vocabulary=RUN_LABELS)}[/]",
            f"{seconds:.1f}s" if seconds is not None else "",
            jobs,
            "\n".join(part for part in (where + (" (pruned)" if row["pruned"] else ""), error) if part),
        )
    Console().print(table)


def _job_record(row: dict) -> JobRecord:
    return JobRecord(
        name=row["job"],
        kind=row["kind"],
        status=row["job_status"],
        duration_s=row["job_duration_s"],
        counts=json.loads(row["counts"]),
        error=row["error"],
    )


def _history_line(row: dict, job: str | None) -> str:
    """`2026-11-22 09:00 daily done (exit 0) in 7.3s, 8 jobs: <run folder>`, or with `job` the
    job's line as the run's log has it."""
    start = f"{row['run_date']} {datetime.fromisoformat(row['as_of']):%H:%M} {row['batch']}"
    if job:
        return f"{start} {row['job']}: {describe(_job_record(row))}"
    seconds = f" in {row['duration_s']:.1f}s" if row["duration_s"] is not None else ""
    failed = f" ({', '.join(row['failed'])} not done)" if row["failed"] else ""
    pruned = " (pruned)" if row["pruned"] else ""
    error = f" — {row['error']}" if row["error"] else ""
    return f"{start} {row['status']} (exit {row['exit_code']}){seconds}, {row['jobs']} jobs{failed}: {row['run_dir']}{pruned}{error}"


@app.command()
def schema() -> None:
    """Print the JSON Schema of the batch config, for editor completion."""
    print(json.dumps(BatchConfig.model_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def samples(
    out: Annotated[Path, typer.Option(help="Folder to write the samples to.")] = Path("samples"),
    orders: Annotated[int, typer.Option(help="How many orders.", min=1)] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 7,
    formats: Annotated[str, typer.Option("--format", help="Comma-separated: xlsx,csv,parquet.")] = "xlsx,csv",
    claims: Annotated[int, typer.Option(help="How many claims in claims.csv (0: none).", min=0)] = 120,
    ticket_days: Annotated[
        int, typer.Option(help="Days of service tickets in service_tickets.csv (0: none).", min=0)
    ] = 42,
    shipments: Annotated[
        int,
        typer.Option(
            help="Background SF shipments in shipments.csv + tracking_sf.csv, beside the ZTO, YTO and J&T ones"
            " (tracking_zto.xlsx, kuaidi100_push.jsonl) (0: none).",
            min=0,
        ),
    ] = 6000,
    accounts: Annotated[
        bool, typer.Option(help="Key accounts and their contact log in accounts.csv + contacts.csv.")
    ] = True,
) -> None:
    """Generate realistic Chinese sample orders with planted defects, and a claims ledger."""
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    for path in write_samples(
        out,
        orders=orders,
        seed=seed,
        formats=wanted,
        claims=claims,
        ticket_days=ticket_days,
        shipments=shipments,
        accounts=accounts,
    ):
        print(path)


def main() -> None:
    app()
