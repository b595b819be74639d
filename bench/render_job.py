"""The whole dispatch-SMS job at scale: the toolkit's `render_messages` job against what a team
would otherwise script with pandas, a per-row `jinja2` loop and `DataFrame.to_excel`.

Run it from the repository root::

    python bench/render_job.py                       # 100,000 and 1,000,000 orders, best of 1
    python bench/render_job.py --rows 100000 --repeats 3

Data: the accepted orders that bench/render_messages.py prepares (bench/data/
accepted_orders_<rows>_seed<seed>.parquet, made there on first use), and config/branches.csv.

Both contenders do the same work, each in its own process (peak RSS = VmHWM of that process):
join the branch directory, render the shipped dispatch template for every order, count the
billed characters and parts (signature included), address the salesperson and the dispatcher
(valid mobiles only), and write outbox.csv and outbox.xlsx (sheets of at most 1,048,575 rows).
The toolkit job also writes messages/outbox/findings parquet, preview.html, the platform
variables (Tencent bulk files, Aliyun request bodies) and the manifest, and reserves serials:
it does more, not less. Timed: the whole job (toolkit: `tk.run(..., only=[job])` on a batch
that reads the parquet directly).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import Stopwatch, load_average, machine, markdown_table, measure, save_report, seconds
from bench.render_messages import prepare_data

RESULTS = BENCH / "results" / "render_job.md"
TEMPLATE = REPO / "templates" / "sms" / "dispatch.txt.j2"
BRANCHES = REPO / "config" / "branches.csv"
SIGNATURE = "【顺达物流】"


def batch_yaml(data: str) -> str:
    """The daily batch's dispatch_sms job, reading the accepted orders straight from parquet."""
    daily = (REPO / "config" / "daily.yaml").read_text(encoding="utf-8")
    job = daily[daily.index("  dispatch_sms:") :]
    job = job[: job.index("\n\n")] if "\n\n" in job else job
    job = job.replace("input: orders.valid", f"input: {data}")
    job = job.replace("../templates/", f"{REPO}/templates/").replace("path: branches.csv", f"path: {BRANCHES}")
    return f"batch: bench\noutput: out\nstate: data\njobs:\n{job}\n"


def toolkit_job(watch: Stopwatch, data: str, out: str) -> dict[str, Any]:
    import polars as pl

    import toolkit as tk

    folder = Path(out)
    source = folder / "orders.parquet"
    pl.read_parquet(data).drop("serial").write_parquet(source)  # the job numbers them itself
    config = folder / "bench.yaml"
    config.write_text(batch_yaml(str(source)), encoding="utf-8")
    with watch.phase("job"):
        run = tk.run(str(config), as_of="2026-11-22 09:00")
    job = run.jobs["dispatch_sms"]
    if run.exit_code != 0:
        raise RuntimeError(job.error)
    return {"orders": job.counts["rows_in"], "outbox": job.counts["outbox"]}


def pandas_loop(watch: Stopwatch, data: str, out: str) -> dict[str, Any]:
    """What a team scripts: pandas, the toolkit's filters in a plain jinja2 Environment, a loop."""
    import jinja2
    import pandas as pd

    from toolkit.templating.filters import filters_for

    with watch.phase("job"):
        orders = pd.read_parquet(data).drop(columns="serial")
        branches = pd.read_csv(BRANCHES, dtype=str)
        frame = orders.merge(
            branches.drop(columns=[c for c in branches if c in orders and c != "branch"]), on="branch", how="left"
        )
        frame["serial"] = [f"11{n:09d}" for n in range(1, len(frame) + 1)]
        env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, finalize=lambda v: "" if v is None else v)
        env.filters.update(filters_for("zh_CN"))
        template = env.from_string(TEMPLATE.read_text(encoding="utf-8"))
        frame["content"] = [template.render(**row).strip() for row in frame.to_dict("records")]
        frame["chars"] = frame["content"].str.len() + len(SIGNATURE)
        frame["parts"] = (frame["chars"] > 70) * ((frame["chars"] + 66) // 67 - 1) + 1
        frame = frame[frame["parts"] <= 2]
        mobile = r"^1[3-9]\d{9}$"
        lines = []
        for role, phone, name in (("业务员", "salesperson_phone", "salesperson"), ("调度", "dispatcher_phone", None)):
            to = frame[frame[phone].astype(str).str.match(mobile)]
            lines.append(
                pd.DataFrame(
                    {
                        "role": role,
                        "recipient": to[name] if name else role,
                        "phone": to[phone],
                        "content": to["content"],
                        "chars": to["chars"],
                        "parts": to["parts"],
                        "serial": to["serial"],
                    }
                )
            )
        outbox = pd.concat(lines).sort_values(["serial", "role"])
        outbox.to_csv(Path(out) / "outbox.csv", index=False, encoding="utf-8-sig")
        with pd.ExcelWriter(Path(out) / "outbox.xlsx", engine="xlsxwriter") as writer:
            size = 1_048_575
            for i, start in enumerate(range(0, len(outbox), size)):
                outbox.iloc[start : start + size].to_excel(writer, sheet_name=f"outbox{i + 1}", index=False)
    return {"orders": len(orders), "outbox": len(outbox)}


CONTENDERS = {"toolkit_job": toolkit_job, "pandas_loop": pandas_loop}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100000,1000000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    load_before = load_average()
    rows_out = []
    for rows in sizes:
        data = prepare_data(rows, args.seed, BENCH / "data", args.timeout)
        found: dict[str, Any] = {}
        for name, function in CONTENDERS.items():
            print(f"{name} {rows:,} ...", end=" ", file=sys.stderr, flush=True)
            with tempfile.TemporaryDirectory(prefix="bench-job-") as tmp:
                m = measure(
                    Path(__file__),
                    function.__name__,
                    {"data": str(data), "out": tmp},
                    repeats=args.repeats,
                    timeout=args.timeout,
                )
            print(m.error or f"{m.best.total:.2f} s", file=sys.stderr, flush=True)
            found[name] = m
        base = found["pandas_loop"]
        for name, m in found.items():
            if not m.ok:
                rows_out.append([f"{rows:,}", name, "—", "—", "—", "—", m.error or ""])
                continue
            ratio = base.best.total / m.best.total if base.ok else None
            rows_out.append(
                [
                    f"{m.best.result['orders']:,}",
                    name,
                    f"{m.best.result['outbox']:,}",
                    seconds(m.best.total),
                    f"{m.peak_rss_mb:,.0f}",
                    f"{ratio:.1f}x" if ratio else "—",
                    "",
                ]
            )
    text = "\n".join(
        [
            "# Dispatch SMS job, end to end",
            "",
            f"{machine()}; load before: {load_before}; best of {args.repeats}.",
            "",
            markdown_table(
                ["accepted orders", "contender", "outbox lines", "job s", "peak RSS MB", "pandas ÷ this", "notes"],
                rows_out,
            ),
            "",
        ]
    )
    save_report(text, RESULTS)


if __name__ == "__main__":
    main()
