"""The overdue job at scale: 2,000,000 shipments and 10,000,000 tracking events (bench/overdue_data.py),
from CSV and from Parquet, each contender in its own process (time and peak memory).

    python bench/overdue.py                         # 2,000,000 / 10,000,000, best of 2
    python bench/overdue.py --shipments 20000 --events 100000 --seed 3 --repeats 1

Contenders:
- floor: polars reads every event column (CSV as text) — no contender can be faster;
- plain query, the same in DuckDB SQL, pandas and polars: per waybill the last event and the
  first delivery (签收/妥投 in the text), joined to the shipments; overdue = not delivered and
  ordered more than 3 calendar days before as-of. No calendar, no vocabulary: the scale of the
  issue's reference numbers;
- same logic, in DuckDB SQL and in pandas (bench/_overdue_same.py): what the toolkit computes
  before its output files — each event's stage by the same vocabulary, per waybill reduce, pickup
  and delivery due in Chinese working time from the same calendar table, the worklist rules —
  with the count per rule, checked against the toolkit's (✓/✗);
- toolkit: its logic alone (read with checks, classify, reduce, calendar, rules), and the whole
  `flag_overdue` job through the pipeline (plus worklist, follow-up log, every output file).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench._measure import (
    Stopwatch,
    load_average,
    machine,
    markdown_table,
    measure,
    save_report,
    seconds,
)
from bench._overdue_same import (  # noqa: F401 (contenders)
    PRESET,
    RULE_ORDER,
    duckdb_same,
    duckdb_same_outputs,
    pandas_same,
    rule_counts,
)
from bench.overdue_data import AS_OF, ensure

RESULTS = BENCH / "results" / "overdue.md"
DELIVERED = ("签收", "妥投")
LATE_AFTER = timedelta(days=3)


def floor(watch: Stopwatch, events: str) -> dict:
    import polars as pl

    with watch.phase("read"):
        frame = pl.read_parquet(events) if events.endswith(".parquet") else pl.read_csv(events, infer_schema=False)
    return {"events": frame.height}


def polars_plain(watch: Stopwatch, shipments: str, events: str) -> dict:
    import polars as pl

    def scan(path: str) -> pl.LazyFrame:
        if path.endswith(".parquet"):
            return pl.scan_parquet(path)
        return pl.scan_csv(path, infer_schema=False)

    with watch.phase("query"):
        t = (
            pl.col("event_time").cast(pl.String).str.to_datetime(time_unit="us")
            if events.endswith(".csv")
            else pl.col("event_time")
        )
        ev = scan(events).select("waybill", "status", event_time=t)
        delivered = pl.col("status").str.contains("|".join(DELIVERED))
        last = ev.group_by("waybill").agg(
            last_time=pl.col("event_time").max(),
            last_status=pl.col("status").max_by("event_time"),
            delivered_at=pl.when(delivered).then(pl.col("event_time")).min(),
        )
        order = (
            pl.col("order_time").cast(pl.String).str.to_datetime(time_unit="us")
            if shipments.endswith(".csv")
            else pl.col("order_time")
        )
        ships = scan(shipments).select("waybill", order_time=order)
        out = (
            ships.join(last, on="waybill", how="left")
            .select(
                shipments=pl.len(),
                overdue=(pl.col("delivered_at").is_null() & (pl.col("order_time") + LATE_AFTER < AS_OF)).sum(),
            )
            .collect(engine="streaming")
        )
    return out.row(0, named=True)


def duckdb_plain(watch: Stopwatch, shipments: str, events: str) -> dict:
    import duckdb

    def source(path: str, columns: str) -> str:
        if path.endswith(".parquet"):
            return f"read_parquet('{path}')"
        return f"read_csv('{path}', header=true, columns={columns})"

    ev = source(events, "{'waybill': 'VARCHAR', 'event_time': 'TIMESTAMP', 'status': 'VARCHAR', 'location': 'VARCHAR'}")
    ships_cols = (
        "{'waybill': 'VARCHAR', 'order_id': 'VARCHAR', 'order_time': 'TIMESTAMP', 'carrier': 'VARCHAR', "
        "'service': 'VARCHAR', 'origin': 'VARCHAR', 'destination': 'VARCHAR', 'urgent': 'VARCHAR', "
        "'declared_value': 'VARCHAR', 'customer_name': 'VARCHAR', 'customer_phone': 'VARCHAR', "
        "'branch': 'VARCHAR', 'promised_at': 'VARCHAR'}"
    )
    delivered = " OR ".join(f"status LIKE '%{w}%'" for w in DELIVERED)
    sql = f"""
        WITH last AS (
            SELECT waybill, max(event_time) AS last_time, arg_max(status, event_time) AS last_status,
                   min(event_time) FILTER (WHERE {delivered}) AS delivered_at
            FROM {ev} GROUP BY waybill)
        SELECT count(*) AS shipments,
               count(*) FILTER (WHERE delivered_at IS NULL AND order_time + INTERVAL 3 DAY < TIMESTAMP '{AS_OF}') AS overdue
        FROM {source(shipments, ships_cols)} s LEFT JOIN last USING (waybill)"""
    with watch.phase("query"):
        shipments_n, overdue = duckdb.sql(sql).fetchall()[0]
    return {"shipments": shipments_n, "overdue": overdue}


def pandas_plain(watch: Stopwatch, shipments: str, events: str) -> dict:
    import pandas as pd

    def read(path: str, columns: list[str]) -> pd.DataFrame:
        if path.endswith(".parquet"):
            return pd.read_parquet(path, columns=columns)
        return pd.read_csv(path, usecols=columns, dtype=str, engine="pyarrow")

    with watch.phase("query"):
        ev = read(events, ["waybill", "event_time", "status"])
        ev["event_time"] = pd.to_datetime(ev["event_time"])
        ev["delivered_at"] = ev["event_time"].where(ev["status"].str.contains("|".join(DELIVERED), regex=True))
        ev = ev.sort_values("event_time")
        last = ev.groupby("waybill", sort=False).agg(
            last_time=("event_time", "max"), last_status=("status", "last"), delivered_at=("delivered_at", "min")
        )
        ships = read(shipments, ["waybill", "order_time"])
        ships["order_time"] = pd.to_datetime(ships["order_time"])
        joined = ships.merge(last, left_on="waybill", right_index=True, how="left")
        overdue = int((joined["delivered_at"].isna() & (joined["order_time"] + LATE_AFTER < AS_OF)).sum())
    return {"shipments": len(joined), "overdue": overdue}


def local_as_of(as_of: str | None) -> datetime:
    """`--as-of` (ISO, local time) or the data's AS_OF, in Asia/Shanghai."""
    from zoneinfo import ZoneInfo

    return (datetime.fromisoformat(as_of) if as_of else AS_OF).replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def toolkit(watch: Stopwatch, shipments: str, events: str, engine: str = "streaming", as_of: str | None = None) -> dict:

    from toolkit.pipeline import run_batch
    from toolkit.registry import load_config

    with tempfile.TemporaryDirectory(prefix="overdue-bench-") as tmp:
        config = Path(tmp) / "batch.yaml"
        config.write_text(
            f"batch: bench\ntimezone: Asia/Shanghai\noutput: out\nstate: data\njobs:\n  overdue:\n"
            f"    kind: flag_overdue\n    shipments: {shipments}\n    events: {{path: {events}, preset: {PRESET}}}\n"
            f"    sla: {REPO / 'config' / 'sla.yaml'}\n    engine: {engine}\n",
            encoding="utf-8",
        )
        now = local_as_of(as_of)
        with watch.phase("job"):
            run = run_batch(load_config(config), run_date=now.date(), as_of=now)
        record = run.jobs["overdue"]
        if record.status != "done":
            raise RuntimeError(record.error)
    return rule_counts(record.counts["shipments"], record.counts, record.counts["unknown_statuses"])


def toolkit_core(watch: Stopwatch, shipments: str, events: str, as_of: str | None = None) -> dict:
    """The job's logic without its output files: read (with the toolkit's checks), classify,
    reduce per waybill, due times in working time, rules."""

    from toolkit.calendar import WorkCalendar
    from toolkit.io import TableSource, read_table
    from toolkit.io.dates import TimeReading
    from toolkit.tracking.job import _events, _shipment_aliases
    from toolkit.tracking.overdue import (
        LAST_ROW,
        last_event_texts,
        reduce_event_times,
        shipment_status,
        typed_shipments,
        with_event_rows,
        with_last_event_texts,
    )
    from toolkit.tracking.presets import load_preset
    from toolkit.tracking.sla import load_sla
    from toolkit.tracking.vocabulary import classify_events
    from toolkit.tracking.worklist import flag_rules

    tz, calendar, preset = "Asia/Shanghai", WorkCalendar(), load_preset(PRESET)
    sla, now = load_sla(REPO / "config" / "sla.yaml"), local_as_of(as_of)
    with watch.phase("shipments"), read_table(TableSource(path=Path(shipments)), _shipment_aliases(preset)) as table:
        ships = typed_shipments(table.frame, tz, calendar).collect()
    with watch.phase("events"), read_table(TableSource(path=Path(events)), preset.event_aliases()) as table:
        # the job's two passes: classify and reduce, then the last events' texts by row
        read = _events(table.frame, TimeReading(timezone=tz))
        times = reduce_event_times(classify_events(with_event_rows(read), preset.vocabulary())).collect(
            engine="streaming"
        )
        texts = last_event_texts(read, times[LAST_ROW]).collect(engine="streaming")
        reduced = with_last_event_texts(times.lazy(), texts.lazy()).collect()
    with watch.phase("status"):
        status = shipment_status(ships.lazy(), reduced.lazy(), sla, calendar, now).collect()
    with watch.phase("rules"):
        flagged = flag_rules(status.lazy(), sla, calendar, now).collect()
    per_rule = dict(flagged.group_by("rule").len().iter_rows())
    return rule_counts(status.height, per_rule, int(reduced["unknown_events"].sum()))


CONTENDERS = (
    ("floor", "bare read of the events (polars)"),
    ("duckdb_plain", "plain query, DuckDB SQL"),
    ("polars_plain", "plain query, polars"),
    ("pandas_plain", "plain query, pandas"),
    ("toolkit_core", "toolkit logic: read, classify, reduce, calendar, rules (no outputs)"),
    ("duckdb_same", "same logic as the toolkit, DuckDB SQL"),
    ("pandas_same", "same logic as the toolkit, pandas"),
    ("duckdb_same_outputs", "same logic, DuckDB SQL, + writing status/worklist/batches parquet and worklist csv"),
    ("toolkit", "toolkit flag_overdue job (everything)"),
)
REFERENCE = ("toolkit_core", "toolkit")
SAME = ("duckdb_same", "pandas_same", "duckdb_same_outputs")
"""Whose per-rule counts the others are checked against (the first one measured)."""


def found(result: dict) -> str:
    """What a contender found, the rules in their precedence order."""
    if "flagged" not in result:
        return ", ".join(f"{k} {v:,}" for k, v in result.items())
    rules = ", ".join(f"{rule} {result[rule]:,}" for rule in RULE_ORDER)
    return f"shipments {result['shipments']:,}, flagged {result['flagged']:,} ({rules}), unknown statuses {result['unknown_statuses']:,}"


def match(result: dict, reference: dict | None) -> tuple[str, str]:
    """(✓/✗, what differs) for a contender's per-rule counts against the toolkit's."""
    if reference is None or "flagged" not in result:
        return "", ""
    keys = ("shipments", *RULE_ORDER, "unknown_statuses")
    differ = [f"{k}: {result[k]:,} vs {reference[k]:,}" for k in keys if result[k] != reference[k]]
    return ("✓", "") if not differ else ("✗", "differs from the toolkit (got vs toolkit): " + ", ".join(differ))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shipments", type=int, default=2_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--only", default=",".join(name for name, _ in CONTENDERS))
    parser.add_argument(
        "--as-of", help="local time for the rule contenders, e.g. 2025-10-09T08:00 (default: the data's)"
    )
    args = parser.parse_args(argv)
    where = ensure(args.shipments, args.events, args.seed)
    wanted = args.only.split(",")
    measured = []  # (format, name, label, measurement)
    for fmt in args.formats.split(","):
        files = {"shipments": str(getattr(where, f"shipments_{fmt}")), "events": str(getattr(where, f"events_{fmt}"))}
        for name, label in CONTENDERS:
            if name not in wanted:
                continue
            params = {"events": files["events"]} if name == "floor" else dict(files)
            if args.as_of and name in REFERENCE + SAME:
                params["as_of"] = args.as_of
            print(f"{fmt} {name} ...", end=" ", file=sys.stderr, flush=True)
            result = measure(Path(__file__), name, params, repeats=args.repeats, timeout=900)
            print(f"{result.best.total:.2f} s" if result.ok else result.error, file=sys.stderr, flush=True)
            measured.append((fmt, name, label, result))
    rows, notes = [], []
    for fmt, name, label, result in measured:
        if not result.ok:
            rows.append([fmt, label, "—", "—", "—", result.error or "", ""])
            continue
        best = result.best
        reference = next(
            (r.best.result for f, n, _, r in measured if f == fmt and n in REFERENCE and r.ok and n != name), None
        )
        mark, why = match(best.result, reference)
        if why:
            notes.append(f"- {fmt}, {label}: {why}")
        phases = " (" + ", ".join(f"{k} {v:.1f}" for k, v in best.phases.items()) + ")" if len(best.phases) > 1 else ""
        rows.append(
            [
                fmt,
                label + phases,
                seconds(best.total),
                seconds(best.cpu_seconds),
                f"{result.peak_rss_mb:,.0f}",
                found(best.result),
                mark,
            ]
        )
    intro = (
        f"# overdue: {args.shipments:,} shipments, {args.events:,} events (seed {args.seed})\n\n"
        f"{machine()}; load {load_average()}; {datetime.now():%Y-%m-%d %H:%M}; best of {args.repeats}; "
        f"as-of {local_as_of(args.as_of):%Y-%m-%d %H:%M} (rule contenders)\n\n"
    )
    table = markdown_table(
        ["format", "contender", "seconds", "CPU s", "peak MB", "found", "= toolkit"], rows, align="llrrrll"
    )
    legend = (
        "\n\n✓: the same count per rule (and shipments, unknown statuses) as the toolkit's logic on that format; "
        "the plain queries and the floor compute something else and are not checked.\n"
    )
    untested = sorted(
        {rule for _, n, _, r in measured if n in REFERENCE and r.ok for rule in RULE_ORDER if r.best.result[rule] == 0}
    )
    if untested:
        notes.append(
            f"- {', '.join(untested)}: no shipment at this as-of, so ✓ does not test this rule here; run with "
            "`--as-of` (e.g. 2025-10-09T08:00, the day after the National Day holiday) to test it."
        )
    text = intro + table + legend + ("\nNotes:\n" + "\n".join(notes) + "\n" if notes else "")
    save_report(text, RESULTS)


if __name__ == "__main__":
    main()
