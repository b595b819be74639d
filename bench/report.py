"""The daily report's wall time: the toolkit's `notebook` + `email` jobs against bare `papermill`
plus `jupyter nbconvert --no-input` on the same notebook with the same parameters (the floor).

Run it from the repository root::

    python bench/report.py                      # samples and a 1,000,000-order day, best of 2
    python bench/report.py --days samples --repeats 3

The days:
- samples: config/daily.yaml on samples/ as shipped;
- 1,000,000 orders: the same batch with the orders job reading bench/data/orders_1000000_seed7/
  orders_utf8.csv (made by bench/validate_orders.py), so the report reads a million-order day's
  outputs (valid/rejected/findings parquet, ~1.9M outbox lines); overdue and tickets as shipped.
The earlier jobs run once per day (not timed); each contender then runs in its own process:

- kernel start: start the python3 kernel and wait until it answers, then stop it;
- toolkit: `tk.run(config, only=["daily_report", "daily_mail"])`: execute (kernel start
  included), export (lean HTML), email (mail-safe HTML, .eml); execution without the kernel start
  is execute minus the kernel-start contender's time;
- floor: `papermill` (CLI) with the parameters the toolkit injected, then `jupyter nbconvert
  --to html --no-input` (the lab template): what a team would run by hand, with no email.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import Stopwatch, load_average, machine, markdown_table, measure, save_report, seconds

RESULTS = BENCH / "results" / "report.md"
AS_OF = "2026-11-22 09:00"
BIG_ORDERS = BENCH / "data" / "orders_1000000_seed7" / "orders_utf8.csv"
REPORT_JOBS = ["daily_report", "daily_mail"]


def team_folder(root: Path, orders: Path | None) -> Path:
    """A copy of config/, templates/, samples/ and notebooks/; the orders job reads `orders` if given."""
    for name in ("config", "templates", "samples", "notebooks"):
        shutil.copytree(REPO / name, root / name)
    config = root / "config" / "daily.yaml"
    if orders is not None:
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace("input: {path: ../samples/orders.xlsx, sheet: 订单}", f"input: {orders}"), encoding="utf-8"
        )
    return config


def earlier_jobs(config: Path) -> dict[str, Any]:
    """Run every job before the report once (not timed) and the report once for its parameters."""
    import toolkit as tk

    run = tk.run(str(config), as_of=AS_OF)
    if run.exit_code != 0:
        raise SystemExit(f"the batch failed: { {n: r.error for n, r in run.jobs.items() if r.error} }")
    report = run["daily_report"]
    return {"orders": run.jobs["orders"].counts["rows_in"], "parameters": report.parameters}


def kernel_start(watch: Stopwatch) -> dict[str, Any]:
    from jupyter_client.manager import start_new_kernel

    with watch.phase("kernel start"):
        manager, client = start_new_kernel(kernel_name="python3")
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return {}


def toolkit_report(watch: Stopwatch, config: str) -> dict[str, Any]:
    import toolkit as tk

    with watch.phase("jobs"):
        run = tk.run(config, only=REPORT_JOBS, as_of=AS_OF)
    if run.exit_code != 0:
        raise RuntimeError(str({n: r.error for n, r in run.jobs.items() if r.error}))
    report = run["daily_report"]
    watch.details.update({"execute": report.seconds["execute"], "export": report.seconds["export"]})
    watch.details["email"] = run.jobs["daily_mail"].duration_s
    html = Path(report.html)
    return {"html_bytes": html.stat().st_size, "mail_html_bytes": run.jobs["daily_mail"].counts["html_bytes"]}


def floor(watch: Stopwatch, notebook: str, parameters: str, out: str) -> dict[str, Any]:
    executed = Path(out) / "executed.ipynb"
    arguments = [a for name, value in json.loads(parameters).items() for a in ("-p", name, str(value))]
    with watch.phase("papermill"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "papermill",
                notebook,
                str(executed),
                *arguments,
                "--cwd",
                str(Path(notebook).parent),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
    with watch.phase("nbconvert"):
        subprocess.run(
            [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    return {"html_bytes": executed.with_suffix(".html").stat().st_size}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", default="samples,1000000", help="samples and/or 1000000")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    days = [d.strip() for d in args.days.split(",") if d.strip()]
    if "1000000" in days and not BIG_ORDERS.exists():
        raise SystemExit(
            f"{BIG_ORDERS} is missing: run `python bench/validate_orders.py --rows 1000000 --repeats 1` once"
        )
    load_before = load_average()
    rows = []
    script = Path(__file__)
    for day in days:
        with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
            config = team_folder(Path(tmp), None if day == "samples" else BIG_ORDERS)
            print(f"{day}: running the earlier jobs once ...", file=sys.stderr, flush=True)
            prepared = earlier_jobs(config)
            parameters = {k: str(v) for k, v in prepared["parameters"].items() if v is not None}
            notebook = str(Path(tmp) / "notebooks" / "daily_report.ipynb")
            start = measure(script, "kernel_start", {}, repeats=args.repeats, timeout=args.timeout)
            ours = measure(
                script, "toolkit_report", {"config": str(config)}, repeats=args.repeats, timeout=args.timeout
            )
            bare = measure(
                script,
                "floor",
                {"notebook": notebook, "parameters": json.dumps(parameters), "out": tmp},
                repeats=args.repeats,
                timeout=args.timeout,
            )
        label = "samples (2,000 orders)" if day == "samples" else f"{prepared['orders']:,} orders"
        for name, m in (
            ("kernel start", start),
            ("toolkit: notebook + email jobs", ours),
            ("papermill + nbconvert (floor)", bare),
        ):
            if not m.ok:
                rows.append([label, name, "—", "—", "—", m.error or ""])
                continue
            best = m.best
            split = {**best.phases, **best.details}
            parts = ", ".join(f"{k} {v:.2f}" for k, v in split.items() if k != "jobs")
            html = best.result.get("html_bytes")
            rows.append(
                [
                    label,
                    name,
                    seconds(best.total),
                    parts,
                    f"{html / 1000:,.0f} KB" if html else "",
                    f"{m.peak_rss_mb:,.0f}",
                ]
            )
    text = "\n".join(
        [
            "# Daily report: wall time",
            "",
            f"{machine()}; load before: {load_before}; best of {args.repeats}. Seconds; the toolkit's "
            "execute includes the kernel start.",
            "",
            markdown_table(["day", "contender", "total s", "split (s)", "HTML", "peak RSS MB"], rows),
            "",
        ]
    )
    save_report(text, RESULTS)


if __name__ == "__main__":
    main()
