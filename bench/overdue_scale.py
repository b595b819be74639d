"""How the overdue job's cost grows with the size of the tracking export: the whole `flag_overdue`
job (bench/overdue.py's `toolkit` contender, streaming engine, Parquet inputs) at 10, 30 and 100
million events (5 events a shipment), each in its own process: seconds, CPU seconds, peak RSS,
and the machine's load average beside each run (this machine is shared).

    python bench/overdue_scale.py                          # 10M, 30M, 100M events
    python bench/overdue_scale.py --sizes 1000000,10000000 --engine in-memory

Data: bench/overdue_data.py's `ensure_parquet` (past 10,000,000 events in pieces of 10,000,000,
each with its own seed); `--delete-over GB` removes a size's data after its run when it is
bigger than that (the 100M files are about 2 GB of Parquet).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import load_average, machine, markdown_table, measure, save_report, seconds
from bench.overdue_data import ensure_parquet

RESULTS = BENCH / "results" / "overdue_scale.md"
EVENTS_PER_SHIPMENT = 5


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000000,30000000,100000000", help="events, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", default="streaming", choices=("streaming", "in-memory", "auto"))
    parser.add_argument("--delete-over", type=float, default=5.0, help="GB: remove a size's data after its run")
    args = parser.parse_args(argv)
    rows = []
    for events in (int(s) for s in args.sizes.split(",")):
        shipments = events // EVENTS_PER_SHIPMENT
        print(f"{events:,} events: data ...", end=" ", file=sys.stderr, flush=True)
        where = ensure_parquet(shipments, events, args.seed)
        size = sum(p.stat().st_size for p in where.folder.rglob("*") if p.is_file()) / 1e9
        before = load_average()
        params = {
            "shipments": str(where.shipments_parquet),
            "events": str(where.events_parquet),
            "engine": args.engine,
        }
        print("job ...", end=" ", file=sys.stderr, flush=True)
        result = measure(BENCH / "overdue.py", "toolkit", params, repeats=1, timeout=3600)
        after = load_average()
        if result.ok:
            best = result.best
            found = f"flagged {best.result['flagged']:,} of {best.result['shipments']:,}"
            rows.append(
                [
                    f"{events:,}",
                    f"{shipments:,}",
                    seconds(best.total),
                    seconds(best.cpu_seconds),
                    f"{result.peak_rss_mb:,.0f}",
                    f"{before} → {after}",
                    found,
                ]
            )
            print(f"{best.total:.1f} s, {result.peak_rss_mb:,.0f} MB", file=sys.stderr, flush=True)
        else:
            rows.append([f"{events:,}", f"{shipments:,}", "—", "—", "—", f"{before} → {after}", result.error or ""])
            print(result.error, file=sys.stderr, flush=True)
        if size > args.delete_over:
            shutil.rmtree(where.folder)
    table = markdown_table(
        ["events", "shipments", "seconds", "CPU s", "peak MB", "load before → after", "found"],
        rows,
        align="rrrrrll",
    )
    text = (
        f"# overdue job at scale ({args.engine} engine, Parquet inputs)\n\n"
        f"{machine()}; {datetime.now():%Y-%m-%d %H:%M}; one run per size, each in its own process\n\n{table}\n"
    )
    save_report(text, RESULTS)


if __name__ == "__main__":
    main()
