"""One daily report per branch (`foreach`), for 10, 100 and 300 branches: this process with one
worker, two local worker processes, and a Dask `LocalCluster` of two worker processes.

    python bench/scale.py                                   # 10, 100, 300 branches; every executor
    python bench/scale.py --branches 10 100 --executors local1 local2

The network: the samples' day (config/branch_reports.yaml on samples/), with the orders, the
shipments and the service tickets dealt round-robin over N branches (the first nine are the
directory's, the others made up), so every branch's report has its own rows. The earlier jobs
(orders, dispatch SMS, overdue) run once per N and are not timed; each contender then runs
`--only branch_report` (N notebooks, each executed and exported) in a process of its own.

- one report: `--only branch_report --partition <first branch>` in this process: the cost of one
  report, best of the repeats;
- goal: the N reports in ≤ 1.2 × (N × one report ÷ workers).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import Stopwatch, load_average, machine, markdown_table, measure, save_report, seconds

RESULTS = BENCH / "results" / "scale.md"
DATA = BENCH / "data"
AS_OF = "2026-11-22 09:00"
CONFIG = "config/branch_reports.yaml"
EXECUTORS = {
    "local1": ("this process, 1 worker", "{kind: local, workers: 1}", 1),
    "local2": ("local, 2 worker processes", "{kind: local, workers: 2}", 2),
    "dask2": ("Dask LocalCluster, 2 worker processes", "{kind: dask, workers: 2}", 2),
}
BRANCH_COLUMNS = {"samples/shipments.csv": "寄件网点", "samples/service_tickets.csv": "营业所"}


def branch_names(count: int) -> list[str]:
    """The directory's nine branches, then made-up ones (`分拨001营业所`, ...)."""
    import polars as pl

    real = pl.read_csv(REPO / "config" / "branches.csv")["branch"].to_list()
    return (real + [f"分拨{i:03d}营业所" for i in range(1, count + 1)])[:count]


def network(count: int) -> Path:
    """A team folder whose day is spread over `count` branches (made once, under bench/data)."""
    import polars as pl

    team = DATA / f"scale_{count}_branches"
    if (team / "config" / "branches.csv").is_file():
        return team
    shutil.rmtree(team, ignore_errors=True)
    for part in ("config", "templates", "samples", "notebooks"):
        shutil.copytree(REPO / part, team / part)
    names = branch_names(count)
    deal = pl.int_range(pl.len()).mod(count).map_elements(names.__getitem__, return_dtype=pl.String)
    orders = pl.read_excel(REPO / "samples" / "orders.xlsx", sheet_name="订单", infer_schema_length=0)
    orders.with_columns(deal.alias("营业所")).write_csv(team / "samples" / "orders.csv")
    for path, column in BRANCH_COLUMNS.items():
        frame = pl.read_csv(REPO / path, infer_schema=False)
        frame.with_columns(deal.alias(column)).write_csv(team / path)
    directory = pl.read_csv(REPO / "config" / "branches.csv", infer_schema=False)
    rows = [directory.row(i % directory.height, named=True) for i in range(count)]
    pl.DataFrame(
        [
            {**row, "branch": name, "manager_email": f"m{i:03d}@example.com"}
            for i, (row, name) in enumerate(zip(rows, names))
        ]
    ).write_csv(team / "config" / "branches.csv")
    config = team / CONFIG
    text = config.read_text(encoding="utf-8").replace(
        "input: {path: ../samples/orders.xlsx, sheet: 订单}", "input: ../samples/orders.csv"
    )
    config.write_text(text, encoding="utf-8")
    import toolkit

    toolkit.run(str(config), only=["orders", "dispatch_sms", "overdue"], as_of=AS_OF)  # the earlier jobs, once
    return team


def with_executor(team: Path, executor: str) -> Path:
    """The batch's config with its `executor:` line set."""
    config = team / CONFIG
    lines = config.read_text(encoding="utf-8").splitlines()
    lines = [f"executor: {executor}" if line.startswith("executor:") else line for line in lines]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def reports(watch: Stopwatch, team: str, executor: str, partition: str | None = None) -> dict:
    """Contender: the branch reports (or the one of `partition`) with `--only branch_report`."""
    import toolkit

    config = with_executor(Path(team), executor)
    with watch.phase("reports"):
        run = toolkit.run(
            str(config), only=["branch_report"], as_of=AS_OF, partitions=[partition] if partition else None
        )
    record = run.jobs["branch_report"]
    return {
        "status": record.status,
        "reports": len(record.partitions),
        "failed": record.counts.get("partitions_failed", 0),
    }


HEADERS = (
    "branches",
    "contender",
    "seconds",
    "per report s",
    "goal s (1.2 × N × one ÷ workers)",
    "met",
    "reports",
    "peak MB (parent)",
    "CPU s (parent)",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--branches", type=int, nargs="+", default=[10, 100, 300])
    parser.add_argument("--executors", nargs="+", choices=list(EXECUTORS), default=list(EXECUTORS))
    parser.add_argument("--repeats", type=int, default=3, help="runs of the one-report contender (best taken)")
    args = parser.parse_args()
    load_before = load_average()
    rows = []
    for count in args.branches:
        team = network(count)
        first = branch_names(count)[0]
        params = {"team": str(team), "executor": EXECUTORS["local1"][1], "partition": first}
        one = measure(Path(__file__), "reports", params, repeats=args.repeats)
        if not one.ok:
            raise SystemExit(f"one report: {one.error}")
        one_s = one.best.total
        rows.append(
            [
                count,
                f"one report ({first})",
                seconds(one_s),
                seconds(one_s),
                "",
                "",
                "1",
                f"{one.best.peak_rss_mb:,.0f}",
                "",
            ]
        )
        for key in args.executors:
            title, executor, workers = EXECUTORS[key]
            done = measure(
                Path(__file__), "reports", {"team": str(team), "executor": executor}, repeats=1, timeout=3600
            )
            if not done.ok:
                rows.append([count, title, "—", "", "", "✗", done.error or "", "", ""])
                continue
            run, goal = done.best, 1.2 * count * one_s / workers
            found = run.result
            rows.append(
                [
                    count,
                    title,
                    seconds(run.total),
                    seconds(run.total / count),
                    seconds(goal),
                    "✓" if run.total <= goal else "✗",
                    f"{found['reports']} ({found['failed']} failed)",
                    f"{run.peak_rss_mb:,.0f}",
                    seconds(run.cpu_seconds),
                ]
            )
            print(" | ".join(map(str, rows[-1])), flush=True)
    text = "\n".join(
        [
            "# One report per branch: fan-out on 1 and 2 workers and a Dask LocalCluster",
            "",
            f"{machine()}; load before {load_before}, after {load_average()}; {AS_OF} as-of.",
            "",
            markdown_table(HEADERS, rows),
            "",
            "seconds: wall time of `--only branch_report` (N notebooks executed and exported) in a fresh process, "
            "one run; one report: `--partition` of the first branch, best of the repeats. Peak MB and CPU s are "
            "the contender's own process (the worker processes' are not in them).",
            "",
        ]
    )
    save_report(text, RESULTS)


if __name__ == "__main__":
    main()
