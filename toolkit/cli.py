"""The `toolkit` command: thin on purpose. It parses arguments, calls the pipeline or a job,
and prints any error as one line with the right exit code."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from toolkit.console import RunReporter
from toolkit.errors import ExitCode, ToolkitError
from toolkit.pipeline import run_batch
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
    as_of: Annotated[str | None, typer.Option("--as-of", help="Fix 'now', e.g. '2026-11-22 09:00'.")] = None,
    log_file: Annotated[Path | None, typer.Option("--log-file", help="Append plain log lines here.")] = None,
) -> None:
    """Run a batch: every job in order, outputs in out/<date>/<batch>/<job>/."""
    day, moment = _parse_date(run_date), _parse_as_of(as_of)
    reporter = RunReporter(log_file=log_file)
    try:
        loaded = load_config(config)
        reporter.secrets = loaded.document.secrets
        batch = run_batch(loaded, run_date=day, only=only, as_of=moment, reporter=reporter)
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
        int, typer.Option(help="Background shipments in shipments.csv + tracking_sf.csv (0: none).", min=0)
    ] = 6000,
) -> None:
    """Generate realistic Chinese sample orders with planted defects, and a claims ledger."""
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    for path in write_samples(
        out, orders=orders, seed=seed, formats=wanted, claims=claims, ticket_days=ticket_days, shipments=shipments
    ):
        print(path)


def main() -> None:
    app()
