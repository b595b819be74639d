"""Order validation at scale: the toolkit against the libraries and loops a team would otherwise use.

Run it from the repository root (the `bench` extra must be installed)::

    python bench/validate_orders.py                      # 1,000,000 orders, best of 3
    python bench/validate_orders.py --rows 100000 --repeats 1 --only toolkit_check,handwritten

It generates the orders once with `toolkit.samples` (cached in bench/data/, keyed by rows and
seed): the GBK csv the generator writes, plus the same file transcoded to UTF-8, which is the
input every contender reads. Each contender then runs in its own Python process, best of
`--repeats` for time, with its own peak RSS (VmHWM of that process). The rules are the team's
file config/rules/orders.yaml; every contender checks the same rules and is compared with the
toolkit's findings, rule by rule ("match" column).

The two floors:

- read floor: bare `polars.read_csv` of the UTF-8 csv, every column as text. No job that reads
  the file can be faster; the whole toolkit job (read + check + write) is compared with it.
- check floor: one hand-written polars plan that parses the same columns and computes the same
  rule flags, findings, accepted and rejected rows, without the generic rule engine. The
  toolkit's check (`validate_orders` on a frame already read) is compared with it.

Aims (from the issue): check within 1.3x of the hand-written plan and ahead of pandera,
dataframely and pointblank; the whole job within 3x of the bare read.

Results go to stdout and bench/results/validate_orders.md. Repeats go round-robin (run 1 of
every contender, then run 2, ...), so a burst of other work on the machine does not hit all the
runs of one contender; a contender whose run takes over 2 minutes is run once. One that does
not finish within --timeout (or is killed, e.g. out of memory) at the full size is re-run at
--fallback-rows and its time extrapolated linearly; the table says so.

GBK input: `polars.scan_csv` reads UTF-8 only and `read_csv(encoding="gbk")` decodes the whole
file in Python before parsing; the GBK rows compare that with the toolkit's streaming transcode.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import polars as pl

from bench._measure import (
    Measurement,
    Run,
    Stopwatch,
    load_average,
    machine,
    markdown_table,
    run_isolated,
    save_report,
    seconds,
)

RULES_FILE = REPO / "config" / "rules" / "orders.yaml"
TIMEZONE = "Asia/Shanghai"
AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo(TIMEZONE))  # the samples' "today"
LOCALE = "zh_CN"
RESULTS = BENCH / "results" / "validate_orders.md"
SINGLE_RUN_ABOVE = 120.0  # seconds: a contender this slow is run once, not --repeats times


# --- shared by the contenders ------------------------------------------------------------


def load_rules(path: str | Path = RULES_FILE):  # -> OrderRules (imported lazily: keep the parent light)
    import yaml

    from toolkit.orders.ruleset import OrderRules

    return OrderRules.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})


def canonical_names() -> dict[str, str]:
    """Chinese header → canonical field name."""
    from toolkit.orders.fields import ORDER_FIELDS

    return {f.label_zh: f.name for f in ORDER_FIELDS}


def read_utf8(path: str) -> pl.DataFrame:
    """The bare read plus the canonical names and the row number people see (header = row 1)."""
    frame = pl.read_csv(path, infer_schema=False)
    return (
        frame.rename(canonical_names(), strict=False)
        .with_row_index("_row", offset=2)
        .with_columns(pl.col("_row").cast(pl.Int64))
    )


def per_rule(findings: pl.DataFrame) -> dict[str, int]:
    """Findings per `rule/column`: the unit every contender is compared on."""
    counts = findings.group_by("rule", "column").len()
    return {f"{r}/{c}": n for r, c, n in counts.iter_rows()}


def raw(name: str) -> str:
    return f"{name}_raw"


def parse_orders(frame: pl.LazyFrame, rules) -> pl.LazyFrame:
    """`<name>_raw` (cleaned text, null if empty) and the typed `<name>` for every order field, with
    the toolkit's cell parsers; `payment_method` becomes the canonical method (null if unknown).
    The parse the library contenders start from: parsing is part of checking."""
    from toolkit.fields import Kind
    from toolkit.io import cells
    from toolkit.orders.fields import ORDER_FIELDS

    parsers: dict[Kind, Callable[[pl.Expr], pl.Expr]] = {
        Kind.TEXT: lambda e: e,
        Kind.PHONE: cells.parse_phone,
        Kind.DATETIME: lambda e: cells.parse_datetime(e, TIMEZONE),
        Kind.NUMBER: cells.parse_number,
        Kind.INTEGER: cells.parse_integer,
    }
    spellings = {s.strip().lower(): method for method, names in rules.payment_methods.items() for s in [method, *names]}
    present = set(frame.collect_schema().names())
    text = [
        (cells.clean_text(pl.col(f.name)) if f.name in present else pl.lit(None, pl.String)).alias(raw(f.name))
        for f in ORDER_FIELDS
    ]
    typed = [parsers[f.kind](pl.col(raw(f.name))).alias(f.name) for f in ORDER_FIELDS if f.name != "payment_method"]
    payment = (
        pl.col(raw("payment_method")).str.to_lowercase().replace_strict(spellings, default=None, return_dtype=pl.String)
    )
    return frame.with_columns(text).with_columns(*typed, payment.alias("payment_method"))


@dataclass(frozen=True)
class Limits:
    """What the multi-column rules need from the rule file, in the contenders' terms."""

    latest: datetime  # an order after this is in the future
    window: timedelta  # possible_duplicate window
    prohibited: list[str]
    allow: list[str]
    served: list[str]
    embargoed_cities: list[str]

    @classmethod
    def of(cls, rules) -> Limits:
        return cls(
            latest=AS_OF + timedelta(minutes=rules.future_tolerance_minutes),
            window=timedelta(minutes=rules.duplicates.window_minutes),
            prohibited=rules.prohibited_goods.all_words(),
            allow=rules.prohibited_goods.allow,
            served=[c.removesuffix("市") for c in rules.served_cities],
            embargoed_cities=[c.removesuffix("市") for c in rules.embargoed.destinations],
        )


def city(column: str) -> pl.Expr:
    return pl.col(column).str.strip_chars().str.strip_suffix("市")


def prohibited(limits: Limits) -> pl.Expr:
    goods = pl.col("goods_name")
    checked = goods.str.replace_many(dict.fromkeys(limits.allow, "")) if limits.allow else goods
    return checked.str.contains_any(limits.prohibited)


def possible_duplicate_sorted(frame: pl.LazyFrame, limits: Limits) -> pl.LazyFrame:
    """The same flag as `possible_duplicate`, one column in the frame's order, computed by
    sorting once on (keys, time, row) and comparing each row with the one before it: several
    times faster than `shift().over(partition_by, order_by)`, which sorts within every group."""
    keys = ["shipper_phone", "consignee_phone", "goods_name"]
    same_keys = pl.all_horizontal(pl.col(k) == pl.col(k).shift(1) for k in keys)  # null keys never equal
    return (
        frame.select("_row", *keys, "order_time", "order_id")
        .sort(*keys, "order_time", "_row", nulls_last=False)
        .select(
            "_row",
            possible_duplicate=same_keys
            & (pl.col("order_time") - pl.col("order_time").shift(1) <= limits.window)
            & (pl.col("order_id").shift(1) != pl.col("order_id")),
        )
        .sort("_row")
        .select("possible_duplicate")
    )


def possible_duplicate(limits: Limits) -> pl.Expr:
    """Same shipper phone, consignee phone and goods as the previous order (by time, then row)."""
    keys = ["shipper_phone", "consignee_phone", "goods_name"]
    previous = {"partition_by": keys, "order_by": ["order_time", "_row"]}
    return (
        pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
        & (pl.col("order_time") - pl.col("order_time").shift(1).over(**previous) <= limits.window)
        & (pl.col("order_id").shift(1).over(**previous) != pl.col("order_id"))
    )


def parse_failed(name: str) -> pl.Expr:
    """Something was typed, but it does not parse."""
    return pl.col(raw(name)).is_not_null() & pl.col(name).is_null()


def phone_failed(name: str) -> pl.Expr:
    from toolkit.io import cells

    return pl.col(raw(name)).is_not_null() & cells.phone_kind(pl.col(name)).is_null()


def used_goods_insured(rules) -> pl.Expr:
    used = pl.col("goods_condition").str.to_lowercase().is_in([w.lower() for w in rules.used_goods.words])
    return used & (pl.col("declared_value") > 0)


def piece_over(total: str, limit: float) -> pl.Expr:
    return (pl.col("pieces") > 0) & (pl.col(total) / pl.col("pieces") > limit)


def duplicate_id() -> pl.Expr:
    return pl.col("order_id").is_not_null() & ~pl.col("order_id").is_first_distinct()


def parse_checks() -> list[tuple[str, str]]:
    """(rule, field) of the parse checks, in field order as the toolkit lists them."""
    from toolkit.fields import Kind
    from toolkit.orders.fields import ORDER_FIELDS

    ids = {
        Kind.DATETIME: "not_a_date",
        Kind.NUMBER: "not_a_number",
        Kind.INTEGER: "not_an_integer",
        Kind.PHONE: "invalid_phone",
    }
    return [(ids[f.kind], f.name) for f in ORDER_FIELDS if f.kind in ids]


# --- contenders: reading -----------------------------------------------------------------


def read_polars(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """The read floor: `pl.read_csv`, every column as text."""
    with watch.phase("read"):
        frame = pl.read_csv(csv_path, infer_schema=False)
    return {"rows": frame.height}


def read_polars_gbk(watch: Stopwatch, gbk_path: str, **_: Any) -> dict[str, Any]:
    """`pl.read_csv(encoding="gbk")`: polars decodes the whole file in Python first."""
    with watch.phase("read"):
        frame = pl.read_csv(gbk_path, encoding="gbk", infer_schema=False)
    return {"rows": frame.height}


def toolkit_read(path: str, rules):  # -> toolkit.io.Table; use it in a `with` block
    """What the job's `read_orders` does for a file: sniff the encoding (GBK is transcoded to a
    temporary UTF-8 copy in chunks), count the records, map the headers; the frame is a lazy scan."""
    from toolkit.fields import alias_table
    from toolkit.io import TableSource, read_table
    from toolkit.orders.fields import ORDER_FIELDS

    return read_table(TableSource(path=Path(path)), alias_table(ORDER_FIELDS), required=rules.required)


def read_toolkit(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """`toolkit.io.read_table` + collect: the toolkit's read, all columns as text."""
    rules = load_rules()
    with watch.phase("read"), toolkit_read(csv_path, rules) as table:
        frame = table.frame.collect()
    return {"rows": frame.height}


# --- contenders: the toolkit -------------------------------------------------------------


def toolkit_check(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """`validate_orders` on a frame already read: the check alone."""
    from toolkit.calendar import WorkCalendar
    from toolkit.orders.validate import validate_orders

    rules = load_rules()
    calendar = WorkCalendar()
    with watch.phase("read"), toolkit_read(csv_path, rules) as table:
        frame = table.frame.collect()
    with watch.phase("check"):
        result = validate_orders(frame.lazy(), rules, as_of=AS_OF, calendar=calendar, locale=LOCALE)
    return {
        "rows": result.rows_in,
        "accepted": result.valid.height,
        "rejected": result.rejected.height,
        "findings": result.findings.height,
        "per_rule": per_rule(result.findings),
    }


def toolkit_job(watch: Stopwatch, csv_path: str, out_dir: str, **_: Any) -> dict[str, Any]:
    """The whole job as `toolkit.orders.job.run` does it: read (lazy, fused into the check),
    validate, write valid/rejected/findings parquet; then findings.xlsx + summary.html, timed
    apart (people outputs, capped at `xlsx_max_rows` problem rows)."""
    from toolkit.calendar import WorkCalendar
    from toolkit.io import write_parquet
    from toolkit.orders.job import ValidateOrdersConfig
    from toolkit.orders.report import write_findings_xlsx, write_summary_html
    from toolkit.orders.validate import validate_orders

    rules = load_rules()
    calendar = WorkCalendar()
    out = Path(out_dir)
    max_rows = ValidateOrdersConfig.model_fields["xlsx_max_rows"].default
    with watch.phase("read"):  # sniff, transcode GBK, count records, map headers
        table = toolkit_read(csv_path, rules)
    with table, watch.phase("check"):  # the csv scan itself runs here, fused into the check's plan
        result = validate_orders(table.frame, rules, as_of=AS_OF, calendar=calendar, locale=LOCALE)
    with watch.phase("write"):
        for name, frame in (("valid", result.valid), ("rejected", result.rejected), ("findings", result.findings)):
            write_parquet(frame, out / f"{name}.parquet")
    with watch.side("people"):
        write_findings_xlsx(result, table.headers, out / "findings.xlsx", max_rows=max_rows)
        write_summary_html(result, out / "summary.html", title="bench", max_rows=max_rows)
    return {"rows": result.rows_in, "findings": result.findings.height, "per_rule": per_rule(result.findings)}


def toolkit_job_stream(watch: Stopwatch, csv_path: str, out_dir: str, **_: Any) -> dict[str, Any]:
    """The job with `engine: streaming` (`toolkit.orders.stream`): valid and rejected are
    written by the streaming engine as the rows are checked; findings.parquet after."""
    from toolkit.calendar import WorkCalendar
    from toolkit.io import write_parquet
    from toolkit.orders.stream import validate_orders_streaming

    rules = load_rules()
    calendar = WorkCalendar()
    out = Path(out_dir)
    with watch.phase("read"):
        table = toolkit_read(csv_path, rules)
    with table, watch.phase("check"):  # includes writing valid.parquet and rejected.parquet
        result = validate_orders_streaming(
            table.frame,
            rules,
            as_of=AS_OF,
            calendar=calendar,
            locale=LOCALE,
            valid=out / "valid.parquet",
            rejected=out / "rejected.parquet",
        )
    with watch.phase("write"):
        write_parquet(result.findings, out / "findings.parquet")
    return {"rows": result.rows_in, "findings": result.findings.height, "per_rule": per_rule(result.findings)}


# --- contender: the hand-written plan (the check floor) ----------------------------------


def handwritten(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """Polars written by hand for these rules: parse every column and flag every rule in one
    `with_columns` pass, then split accepted/rejected and list the findings from that frame."""
    from toolkit.calendar import WorkCalendar
    from toolkit.orders.checks import CHECKS, review_by
    from toolkit.orders.fields import FIELDS_BY_NAME, ORDER_FIELDS

    rules = load_rules()
    limits = Limits.of(rules)
    calendar = WorkCalendar()
    with watch.phase("read"):
        frame = read_utf8(csv_path)

    with watch.phase("check"):
        lim = rules.limits
        pieces, weight, volume = pl.col("pieces"), pl.col("weight_kg"), pl.col("volume_m3")
        # (rule, column, failed), in the toolkit's order so findings sort the same way
        checks: list[tuple[str, str, pl.Expr]] = [("required", n, pl.col(raw(n)).is_null()) for n in rules.required]
        checks += [
            (rule, name, phone_failed(name) if rule == "invalid_phone" else parse_failed(name))
            for rule, name in parse_checks()
        ]
        checks += [
            ("non_positive", "pieces", pieces <= 0),
            ("non_positive", "weight_kg", weight <= 0),
            ("non_positive", "volume_m3", volume <= 0),
            ("piece_overweight", "weight_kg", piece_over("weight_kg", lim.max_piece_weight_kg)),
            ("order_overweight", "weight_kg", weight > lim.max_order_weight_kg),
            ("piece_oversize", "volume_m3", piece_over("volume_m3", lim.max_piece_volume_m3)),
            ("order_oversize", "volume_m3", volume > lim.max_order_volume_m3),
        ]
        if limits.prohibited:
            checks.append(("prohibited_goods", "goods_name", prohibited(limits)))
        if rules.embargoed.goods:
            checks.append(("embargoed", "goods_name", pl.col("goods_name").str.contains_any(rules.embargoed.goods)))
        if limits.embargoed_cities:
            checks.append(("embargoed", "destination", city("destination").is_in(limits.embargoed_cities)))
        checks += [
            ("no_packaging", "packaging", pl.col("packaging").is_in(rules.no_packaging.words)),
            ("used_goods_insured", "declared_value", used_goods_insured(rules)),
            (
                "bad_payment_method",
                "payment_method",
                pl.col(raw("payment_method")).is_not_null() & pl.col("payment_method").is_null(),
            ),
            ("duplicate_order_id", "order_id", duplicate_id()),
            ("possible_duplicate", "order_id", pl.col("possible_duplicate")),  # joined in below
        ]
        if limits.served:
            checks.append(
                (
                    "destination_not_served",
                    "destination",
                    pl.col("destination").is_not_null() & ~city("destination").is_in(limits.served),
                )
            )
        checks.append(("future_order_time", "order_time", pl.col("order_time") > limits.latest))

        severity = {rule: rules.severity.get(rule, CHECKS[rule].severity) for rule, _, _ in checks}
        flag = [f"__{i}" for i in range(len(checks))]
        is_error = [severity[rule] == "error" for rule, _, _ in checks]

        def rule_ids(level: str) -> pl.Expr:
            """One entry per rule id (not per column): any of its flags set."""
            ids = dict.fromkeys(rule for rule, _, _ in checks if severity[rule] == level)
            hits = [
                pl.when(pl.any_horizontal(pl.col(f) for f, (r, _, _) in zip(flag, checks) if r == rule)).then(
                    pl.lit(rule)
                )
                for rule in ids
            ]
            return pl.concat_list(hits).list.drop_nulls() if hits else pl.lit([], pl.List(pl.String))

        def message(rule: str, column: str) -> str:
            values = {"label": FIELDS_BY_NAME[column].label(LOCALE), "minutes": rules.duplicates.window_minutes,
                      "allowed": "/".join(rules.payment_methods)}  # fmt: skip
            values["limit"] = {("piece_overweight", "weight_kg"): lim.max_piece_weight_kg, ("order_overweight", "weight_kg"): lim.max_order_weight_kg,
                               ("piece_oversize", "volume_m3"): lim.max_piece_volume_m3, ("order_oversize", "volume_m3"): lim.max_order_volume_m3}.get((rule, column))  # fmt: skip
            return CHECKS[rule].message.format(LOCALE, **values)

        # Parsed once and materialised: every output below reads it (polars' common-subplan
        # elimination does not share the parse across the outputs and the duplicate sort).
        with watch.phase("parse"):
            parsed = parse_orders(frame.lazy(), rules).collect()
        parsed = parsed.hstack(possible_duplicate_sorted(parsed.lazy(), limits).collect())
        flagged = (
            parsed.lazy()
            .with_columns(failed.fill_null(False).alias(f) for f, (_, _, failed) in zip(flag, checks))
            .with_columns(
                refused=pl.any_horizontal(f for f, e in zip(flag, is_error) if e),
                warned=pl.any_horizontal([pl.lit(False), *(pl.col(f) for f, e in zip(flag, is_error) if not e)]),
            )
            .collect()
            .lazy()
        )
        fields = [f.name for f in ORDER_FIELDS]
        as_typed = [pl.col(raw(n)).alias(n) for n in fields]
        review = review_by(calendar, rules.review.day_minutes)  # part of the accepted output
        valid = flagged.filter(~pl.col("refused")).select(
            "_row", *fields, review_by=review, needs_call=pl.col("warned"), warnings=rule_ids("warning")
        )
        rejected = flagged.filter(pl.col("refused")).select(
            "_row", *as_typed, errors=rule_ids("error"), warnings=rule_ids("warning")
        )
        problems = flagged.filter(pl.col("refused") | pl.col("warned")).select(
            "_row", *as_typed
        )  # already in file order
        findings = (
            pl.concat(
                flagged.filter(f).select(
                    row="_row",
                    record_id=raw("order_id"),
                    column=pl.lit(column),
                    value=pl.col(raw(column)).fill_null(""),
                    rule=pl.lit(rule),
                    severity=pl.lit(severity[rule]),
                    message=pl.lit(message(rule, column)),
                    _order=pl.lit(i, pl.Int32),
                )  # fmt: skip
                for i, (f, (rule, column, _)) in enumerate(zip(flag, checks))
            )
            .sort("row", "_order")
            .drop("_order")
        )
        valid_df, rejected_df, findings_df, _ = pl.collect_all([valid, rejected, findings, problems])
    return {
        "rows": valid_df.height + rejected_df.height,
        "accepted": valid_df.height,
        "rejected": rejected_df.height,
        "findings": findings_df.height,
        "per_rule": per_rule(findings_df),
    }


# --- contender: pandera ------------------------------------------------------------------


def pandera_check(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """pandera's polars backend: a DataFrameSchema with built-in and custom vectorised checks,
    data checks on, lazy=True to collect every failure case."""
    import os

    os.environ["PANDERA_VALIDATION_DEPTH"] = "SCHEMA_AND_DATA"  # data checks on, also for LazyFrames
    import pandera.polars as pa

    rules = load_rules()
    limits = Limits.of(rules)
    lim = rules.limits
    with watch.phase("read"):
        frame = read_utf8(csv_path)

    keys: dict[tuple[str, str], str] = {}  # (column, check as pandera reports it) → rule/column

    def custom(rule: str, column: str, failed: pl.Expr) -> pa.Check:
        """A vectorised custom check: True where the row passes. It sees the whole frame."""
        keys[(column, f"{rule}/{column}")] = f"{rule}/{column}"
        return pa.Check(
            lambda data: data.lazyframe.select(~failed.fill_null(False)), name=f"{rule}/{column}", ignore_na=False
        )

    def builtin(rule: str, column: str, check: pa.Check) -> pa.Check:
        keys[(column, check.error or check.name)] = f"{rule}/{column}"
        return check

    checks: dict[str, list[pa.Check]] = {
        name: [] for name in ["order_id", "goods_name", "destination", "packaging", "declared_value", "payment_method"]
    }
    for rule, name in parse_checks():
        failed = phone_failed(name) if rule == "invalid_phone" else parse_failed(name)
        checks.setdefault(name, []).append(custom(rule, name, failed))
    for name in ("pieces", "weight_kg", "volume_m3"):
        checks[name].append(builtin("non_positive", name, pa.Check.gt(0)))
    checks["weight_kg"] += [custom("piece_overweight", "weight_kg", piece_over("weight_kg", lim.max_piece_weight_kg)),
                            builtin("order_overweight", "weight_kg", pa.Check.le(lim.max_order_weight_kg))]  # fmt: skip
    checks["volume_m3"] += [custom("piece_oversize", "volume_m3", piece_over("volume_m3", lim.max_piece_volume_m3)),
                            builtin("order_oversize", "volume_m3", pa.Check.le(lim.max_order_volume_m3))]  # fmt: skip
    if limits.prohibited:
        checks["goods_name"].append(custom("prohibited_goods", "goods_name", prohibited(limits)))
    if rules.embargoed.goods:
        checks["goods_name"].append(
            custom("embargoed", "goods_name", pl.col("goods_name").str.contains_any(rules.embargoed.goods))
        )
    if limits.embargoed_cities:
        checks["destination"].append(
            custom("embargoed", "destination", city("destination").is_in(limits.embargoed_cities))
        )
    if limits.served:
        checks["destination"].append(
            custom("destination_not_served", "destination", ~city("destination").is_in(limits.served))
        )
    checks["packaging"].append(builtin("no_packaging", "packaging", pa.Check.notin(rules.no_packaging.words)))
    checks["declared_value"].append(custom("used_goods_insured", "declared_value", used_goods_insured(rules)))
    checks["payment_method"].append(custom("bad_payment_method", "payment_method", parse_failed("payment_method")))
    # Neither uniqueness rule is pandera's `unique=True`: that reports the first row too
    # (report_duplicates="exclude_first" is pandas-only), and the window rule needs the frame.
    checks["order_id"] += [custom("duplicate_order_id", "order_id", duplicate_id()),
                           custom("possible_duplicate", "order_id", possible_duplicate(limits))]  # fmt: skip
    checks["order_time"].append(builtin("future_order_time", "order_time", pa.Check.le(limits.latest)))

    dtypes = {"pieces": pl.Int64, "order_time": pl.Datetime("us", TIMEZONE), "weight_kg": pl.Float64,
              "volume_m3": pl.Float64, "declared_value": pl.Float64}  # fmt: skip
    columns = {name: pa.Column(dtypes.get(name), nullable=True, checks=found) for name, found in checks.items()}
    for name in rules.required:  # required = the cleaned text is not null
        columns[raw(name)] = pa.Column(pl.String, nullable=False)
        keys[(raw(name), "not_nullable")] = f"required/{name}"
    schema = pa.DataFrameSchema(columns)

    with watch.phase("check"):
        with watch.phase("parse"):
            parsed = parse_orders(frame.lazy(), rules).collect()
        try:
            schema.validate(parsed, lazy=True)
            failures = pl.DataFrame(schema={"column": pl.String, "check": pl.String})
        except pa.errors.SchemaErrors as errors:
            failures = errors.failure_cases
    counts = failures.group_by("column", "check").len()
    found = Counter[str]()
    unknown = []
    for column, check, n in counts.iter_rows():
        key = keys.get((column, check))
        if key is None:
            unknown.append(f"{column}:{check}")
        else:
            found[key] += n
    return {"rows": parsed.height, "findings": sum(found.values()), "per_rule": dict(found), "note": "; ".join(unknown)}


# --- contender: dataframely --------------------------------------------------------------


def dataframely_check(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """A dataframely Schema: column constraints where a rule is about one column, `@dy.rule()`
    for the rest (window rules as `over` expressions, as its docs say); `filter` keeps the valid
    rows and counts the failing rows per rule."""
    import dataframely as dy

    from toolkit.fields import Kind
    from toolkit.orders.fields import ORDER_FIELDS

    rules = load_rules()
    limits = Limits.of(rules)
    lim = rules.limits
    with watch.phase("read"):
        frame = read_utf8(csv_path)

    keys: dict[str, str] = {}  # dataframely's rule name → rule/column

    def rule(key: str, failed: pl.Expr) -> Any:
        name = key.replace("/", "__")
        keys[name] = key
        return dy.rule()(lambda cls: ~failed)  # null → the row is valid, as the toolkit's fill_null(False)

    def text(**checks: Callable[[pl.Expr], pl.Expr]) -> dy.Column:
        return dy.String(nullable=True, check=checks or None)

    namespace: dict[str, Any] = {"_row": dy.Int64()}
    for f in ORDER_FIELDS:
        namespace[raw(f.name)] = dy.String(nullable=f.name not in rules.required)
        if f.name in rules.required:
            keys[f"{raw(f.name)}|nullability"] = f"required/{f.name}"
    for f in ORDER_FIELDS:
        if f.kind in (Kind.TEXT, Kind.PHONE):
            namespace[f.name] = text()
    namespace["order_time"] = dy.Datetime(nullable=True, time_zone=TIMEZONE, max=limits.latest)
    keys["order_time|max"] = "future_order_time/order_time"
    namespace["pieces"] = dy.Int64(nullable=True, min_exclusive=0)
    keys["pieces|min_exclusive"] = "non_positive/pieces"
    for name, top, rule_id in (
        ("weight_kg", lim.max_order_weight_kg, "order_overweight"),
        ("volume_m3", lim.max_order_volume_m3, "order_oversize"),
    ):
        namespace[name] = dy.Float64(nullable=True, min_exclusive=0, max=top, allow_inf=True, allow_nan=True)
        keys[f"{name}|min_exclusive"] = f"non_positive/{name}"
        keys[f"{name}|max"] = f"{rule_id}/{name}"
    for name in ("declared_value", "pickup_fee", "delivery_fee"):
        namespace[name] = dy.Float64(nullable=True, allow_inf=True, allow_nan=True)
    namespace["packaging"] = text(no_packaging=lambda c: ~c.is_in(rules.no_packaging.words))
    keys["packaging|check__no_packaging"] = "no_packaging/packaging"

    for rule_id, name in parse_checks():
        namespace[f"{rule_id}__{name}"] = rule(
            f"{rule_id}/{name}", phone_failed(name) if rule_id == "invalid_phone" else parse_failed(name)
        )
    multi = {
        "piece_overweight/weight_kg": piece_over("weight_kg", lim.max_piece_weight_kg),
        "piece_oversize/volume_m3": piece_over("volume_m3", lim.max_piece_volume_m3),
        "used_goods_insured/declared_value": used_goods_insured(rules),
        "bad_payment_method/payment_method": parse_failed("payment_method"),
        "duplicate_order_id/order_id": duplicate_id(),
        "possible_duplicate/order_id": possible_duplicate(limits),
    }
    if limits.prohibited:
        multi["prohibited_goods/goods_name"] = prohibited(limits)
    if rules.embargoed.goods:
        multi["embargoed/goods_name"] = pl.col("goods_name").str.contains_any(rules.embargoed.goods)
    if limits.embargoed_cities:
        multi["embargoed/destination"] = city("destination").is_in(limits.embargoed_cities)
    if limits.served:
        multi["destination_not_served/destination"] = pl.col("destination").is_not_null() & ~city("destination").is_in(
            limits.served
        )
    for key, failed in multi.items():
        namespace[key.replace("/", "__")] = rule(key, failed)
    Orders = type("Orders", (dy.Schema,), namespace)

    with watch.phase("check"):
        with watch.phase("parse"):
            parsed = parse_orders(frame.lazy(), rules).collect()
        valid, failure = Orders.filter(parsed)
        counts = failure.counts()
    found = {keys.get(name, name): n for name, n in counts.items() if n}
    unknown = [name for name in counts if name not in keys]
    return {"rows": parsed.height, "accepted_all_rules": valid.height, "findings": sum(found.values()),
            "per_rule": found, "note": "; ".join(unknown)}  # fmt: skip


# --- contender: pointblank ---------------------------------------------------------------


def pointblank_check(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """A pointblank Validate with one step per rule and column: col_vals_* where one exists,
    col_vals_expr for the multi-column and window rules; interrogate, failing units per step."""
    import pointblank as pb

    rules = load_rules()
    limits = Limits.of(rules)
    lim = rules.limits
    with watch.phase("read"):
        frame = read_utf8(csv_path)

    steps: list[str] = []  # rule/column of each step, in order

    def expr(validation: pb.Validate, key: str, failed: pl.Expr) -> pb.Validate:
        steps.append(key)
        return validation.col_vals_expr(expr=~failed.fill_null(False))

    def step(key: str) -> None:
        steps.append(key)

    with watch.phase("check"):
        with watch.phase("parse"):
            parsed = parse_orders(frame.lazy(), rules).collect()
        v = pb.Validate(data=parsed, tbl_name="orders")
        for name in rules.required:
            v = v.col_vals_not_null(columns=raw(name))
            step(f"required/{name}")
        for rule_id, name in parse_checks():
            v = expr(v, f"{rule_id}/{name}", phone_failed(name) if rule_id == "invalid_phone" else parse_failed(name))
        for name in ("pieces", "weight_kg", "volume_m3"):
            v = v.col_vals_gt(columns=name, value=0, na_pass=True)
            step(f"non_positive/{name}")
        v = expr(v, "piece_overweight/weight_kg", piece_over("weight_kg", lim.max_piece_weight_kg))
        v = v.col_vals_le(columns="weight_kg", value=lim.max_order_weight_kg, na_pass=True)
        step("order_overweight/weight_kg")
        v = expr(v, "piece_oversize/volume_m3", piece_over("volume_m3", lim.max_piece_volume_m3))
        v = v.col_vals_le(columns="volume_m3", value=lim.max_order_volume_m3, na_pass=True)
        step("order_oversize/volume_m3")
        if limits.prohibited:
            v = expr(v, "prohibited_goods/goods_name", prohibited(limits))
        if rules.embargoed.goods:
            v = expr(v, "embargoed/goods_name", pl.col("goods_name").str.contains_any(rules.embargoed.goods))
        if limits.embargoed_cities:
            v = expr(v, "embargoed/destination", city("destination").is_in(limits.embargoed_cities))
        # col_vals_not_in_set fails nulls and has no na_pass: a MissingSpec lets them pass
        v = v.col_vals_not_in_set(
            columns="packaging", set=rules.no_packaging.words, missing=pb.MissingSpec(reasons={}, null_is_missing=True)
        )
        step("no_packaging/packaging")
        v = expr(v, "used_goods_insured/declared_value", used_goods_insured(rules))
        v = expr(v, "bad_payment_method/payment_method", parse_failed("payment_method"))
        v = expr(v, "duplicate_order_id/order_id", duplicate_id())
        v = expr(v, "possible_duplicate/order_id", possible_duplicate(limits))
        if limits.served:
            v = expr(
                v,
                "destination_not_served/destination",
                pl.col("destination").is_not_null() & ~city("destination").is_in(limits.served),
            )
        v = v.col_vals_le(columns="order_time", value=limits.latest, na_pass=True)
        step("future_order_time/order_time")
        # collect_tbl_checked=False: by default pointblank keeps a checked copy of the table for
        # every step (2.6 GB peak at 100,000 rows here; killed for lack of memory at 1,000,000 on
        # 24 GB). Failing-unit counts and the default extracts (first 500 per step) are unchanged.
        v = v.interrogate(collect_tbl_checked=False)
        failed = v.n_failed()
    found = Counter[str]()
    for i, key in enumerate(steps, start=1):
        found[key] += failed[i]
    found = Counter({k: n for k, n in found.items() if n})
    return {"rows": parsed.height, "findings": sum(found.values()), "per_rule": dict(found)}


# --- contender: a plain Python loop ------------------------------------------------------


def csv_loop(watch: Stopwatch, csv_path: str, **_: Any) -> dict[str, Any]:
    """csv.reader, re, datetime.strptime, phonenumbers metadata: no dataframe at all."""
    from bench._rowloop import check_rows

    rules = load_rules()
    names = canonical_names()
    with watch.phase("read"):
        with open(csv_path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = [names.get(h, h) for h in next(reader)]
            rows = [dict(zip(header, row)) for row in reader]
        missing = set(names.values()) - set(header)
        if missing:
            for row in rows:
                row.update(dict.fromkeys(missing))
    with watch.phase("check"):
        result = check_rows(rows, rules, AS_OF, ZoneInfo(TIMEZONE))
    counts = Counter(f"{rule}/{column}" for _, rule, column in result.findings)
    return {"rows": len(rows), "accepted": result.accepted, "rejected": result.rejected,
            "findings": len(result.findings), "per_rule": dict(counts)}  # fmt: skip


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    name: str  # --only key
    label: str  # shown in the table
    function: str
    input: str  # "utf8" or "gbk"
    role: str  # "read" (compared with the bare read), "check" (with the hand-written plan), "job"


CONTENDERS = [
    Contender("read_polars", "polars.read_csv (UTF-8) — read floor", "read_polars", "utf8", "read"),
    Contender("read_toolkit", "toolkit.io.read_table (UTF-8)", "read_toolkit", "utf8", "read"),
    Contender("read_toolkit_gbk", "toolkit.io.read_table (GBK, streaming transcode)", "read_toolkit", "gbk", "read"),
    Contender("read_polars_gbk", 'polars.read_csv(encoding="gbk")', "read_polars_gbk", "gbk", "read"),
    Contender("handwritten", "hand-written polars plan — check floor", "handwritten", "utf8", "check"),
    Contender("toolkit_check", "toolkit validate_orders (check only)", "toolkit_check", "utf8", "check"),
    Contender("toolkit_job", "toolkit job: read + check + write parquet (UTF-8)", "toolkit_job", "utf8", "job"),
    Contender("toolkit_job_gbk", "toolkit job: read + check + write parquet (GBK)", "toolkit_job", "gbk", "job"),
    Contender(
        "toolkit_job_stream",
        "toolkit job, engine: streaming (check includes writing valid/rejected)",
        "toolkit_job_stream",
        "utf8",
        "job",
    ),
    Contender("pandera", "pandera (polars backend)", "pandera_check", "utf8", "check"),
    Contender("dataframely", "dataframely", "dataframely_check", "utf8", "check"),
    Contender("pointblank", "pointblank (interrogate: collect_tbl_checked=False)", "pointblank_check", "utf8", "check"),
    Contender("csv_loop", "plain Python csv loop", "csv_loop", "utf8", "check"),
]


@dataclass(frozen=True)
class DataFiles:
    rows: int
    utf8: Path
    gbk: Path


def prepare_data(rows: int, seed: int, data_dir: Path) -> DataFiles:
    """The generator's GBK csv and the same file as UTF-8, made once per (rows, seed).

    Generated in a child process so the parent stays small: a child's peak memory can include
    its parent's at the moment it was started."""
    folder = data_dir / f"orders_{rows}_seed{seed}"
    files = DataFiles(rows, folder / "orders_utf8.csv", folder / "orders_gbk.csv")
    if files.utf8.exists() and files.gbk.exists():
        return files
    print(f"generating {rows:,} orders (seed {seed}) in {folder} ...", file=sys.stderr, flush=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=data_dir))
    script = (
        "import shutil, sys; from pathlib import Path; from toolkit.samples import write_samples; "
        f"out = Path({str(work)!r}); write_samples(out, orders={rows}, seed={seed}, formats=['csv']); "
        "src = open(out / 'orders_gbk.csv', encoding='gbk', newline=''); "
        "dst = open(out / 'orders_utf8.csv', 'w', encoding='utf-8', newline=''); "
        "shutil.copyfileobj(src, dst, 1 << 20); dst.close(); src.close()"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO)
    if folder.exists():
        shutil.rmtree(folder)
    work.rename(folder)
    return files


def run_once(contender: Contender, data: DataFiles, timeout: float) -> Run | str:
    """One run of a contender in its own process (a string says why it failed)."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out_dir:
        params = {
            "csv_path": str(data.gbk if contender.input == "gbk" else data.utf8),
            "gbk_path": str(data.gbk),
            "out_dir": out_dir,
        }
        return run_isolated(Path(__file__), contender.function, params, timeout)


@dataclass
class Outcome:
    contender: Contender
    measurement: Measurement
    rows: int  # the size it actually ran at
    full_rows: int  # the size asked for
    reference: dict[str, int] | None  # the toolkit's per_rule findings at the size it ran at
    full_error: str = ""  # why it did not run at the full size

    @property
    def scale(self) -> float:
        """Factor from the size it ran at to the full size (1 unless extrapolated)."""
        return self.full_rows / self.rows


def match(result: dict[str, Any], reference: dict[str, int] | None) -> tuple[str, str]:
    """(✓/✗, what differs) for a contender's per-rule findings against the toolkit's."""
    if "per_rule" not in result or reference is None:
        return "", ""
    got: dict[str, int] = result["per_rule"]
    differ = [
        f"{k}: {got.get(k, 0)} vs {reference.get(k, 0)}"
        for k in sorted(set(got) | set(reference))
        if got.get(k, 0) != reference.get(k, 0)
    ]
    return (
        ("✓", "")
        if not differ
        else (
            "✗",
            "differs from toolkit (got vs toolkit): " + ", ".join(differ[:6]) + (" ..." if len(differ) > 6 else ""),
        )
    )


def report(outcomes: list[Outcome], full_rows: int, seed: int, load_before: str) -> str:
    by_name = {o.contender.name: o for o in outcomes}

    def best(name: str, phase: str | None = None) -> float | None:
        o = by_name.get(name)
        if o is None or not o.measurement.ok:
            return None
        run = o.measurement.best
        value = run.total if phase is None else run.phases.get(phase)
        return None if value is None else value * o.scale

    floor_read, floor_check = best("read_polars"), best("handwritten", "check")
    headers = [
        "contender",
        "read s",
        "check s",
        "write s",
        "total s",
        "peak RSS MB",
        "check ÷ plan",
        "total ÷ bare read",
        "rows",
        "findings",
        "match",
        "notes",
    ]
    rows = []
    for o in outcomes:
        c, m = o.contender, o.measurement
        if not m.ok:
            rows.append([c.label, "—", "—", "—", "—", "—", "", "", "", "", "", m.error or "no run"])
            continue
        run, k = m.best, o.scale
        phase = {p: run.phases.get(p) for p in ("read", "check", "write")}
        ratio_check = (
            f"{phase['check'] * k / floor_check:.2f}x" if c.role == "check" and phase["check"] and floor_check else ""
        )
        ratio_read = f"{run.total * k / floor_read:.2f}x" if c.role in ("read", "job") and floor_read else ""
        mark, differ = match(run.result, o.reference)
        notes = [f"best of {len(m.runs)}"] if len(m.runs) > 1 else ["1 run"]
        if k != 1:
            notes.insert(
                0,
                f"**time extrapolated ×{k:g} from {o.rows:,} rows** ({o.full_error} at full size; RSS measured at {o.rows:,})",
            )
        if "parse" in run.details:
            notes.append(f"parse {seconds(run.details['parse'] * k)} s of check")
        if "people" in run.details:
            notes.append(f"+ findings.xlsx & summary.html {seconds(run.details['people'] * k)} s")
        if c.role == "job":
            notes.append("read = sniff/transcode/count; the csv scan runs inside check")
        if run.result.get("note"):
            notes.append(f"unmapped: {run.result['note']}")
        if differ:
            notes.append(differ)
        findings = run.result.get("findings")
        rows.append([
            c.label,
            *(seconds(v * k) if v is not None else "—" for v in phase.values()),
            seconds(run.total * k),
            f"{m.peak_rss_mb:,.0f}",
            ratio_check,
            ratio_read,
            f"{run.result['rows']:,}" if "rows" in run.result else "",
            f"{findings:,}" if findings is not None else "",
            mark,
            "; ".join(notes),
        ])  # fmt: skip
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    intro = (
        f"# validate_orders benchmark — {full_rows:,} orders (seed {seed}), {stamp}\n\n"
        f"Machine: {machine()}; load average before/after: {load_before} → {load_average()}\n\n"
        "Seconds are the best run; peak RSS is the highest VmHWM of the contender's own process "
        "(interpreter and imports included). check ÷ plan: check time over the hand-written "
        "plan's (aim ≤ 1.3x); total ÷ bare read: read + check + write over `polars.read_csv` "
        "(aim ≤ 3x for the job). findings: failing (row, rule, column) triples — for the "
        "libraries, failing rows summed over their checks, one check per rule and column; "
        "match: equal to the toolkit's rule by rule.\n"
    )
    return intro + "\n" + markdown_table(headers, rows, align="lrrrrrrrrrcl") + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only", default="", help="comma-separated contenders: " + ",".join(c.name for c in CONTENDERS)
    )
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--repeats", type=int, default=3, help="runs per contender, best time kept (default 3)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds per run before falling back to --fallback-rows"
    )
    parser.add_argument("--fallback-rows", type=int, default=100_000)
    args = parser.parse_args(argv)

    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = wanted - {c.name for c in CONTENDERS}
    if unknown:
        parser.error(f"unknown contender(s) {', '.join(sorted(unknown))}")
    chosen = [c for c in CONTENDERS if not wanted or c.name in wanted]

    data = prepare_data(args.rows, args.seed, args.data)
    load_before = load_average()
    reference_contender = next(c for c in CONTENDERS if c.name == "toolkit_check")
    references: dict[int, dict[str, int] | None] = {}

    def reference(files: DataFiles) -> dict[str, int] | None:
        """The toolkit's findings per rule at this size: what every contender must match."""
        if files.rows not in references:
            run = run_once(reference_contender, files, args.timeout)
            references[files.rows] = None if isinstance(run, str) else run.result["per_rule"]
        return references[files.rows]

    # Round-robin: repeat r of every contender before repeat r + 1 of any, so a burst of other
    # work on the machine does not land on all the runs of one contender.
    by_name = {c.name: Outcome(c, Measurement(c.name), args.rows, args.rows, None) for c in chosen}
    files_of = dict.fromkeys(by_name, data)
    for repeat in range(args.repeats):
        for contender in chosen:
            outcome = by_name[contender.name]
            m = outcome.measurement
            if m.error or (m.runs and m.runs[-1].total > SINGLE_RUN_ABOVE):
                continue  # failed, or too slow to repeat: best of what it has
            print(f"[{repeat + 1}/{args.repeats}] {contender.name} ...", end=" ", file=sys.stderr, flush=True)
            run = run_once(contender, files_of[contender.name], args.timeout)
            if (
                isinstance(run, str)
                and not m.runs
                and run.startswith(("timeout", "killed"))
                and args.fallback_rows < args.rows
            ):
                print(f"{run}; again at {args.fallback_rows:,} rows ...", end=" ", file=sys.stderr, flush=True)
                files_of[contender.name] = prepare_data(args.fallback_rows, args.seed, args.data)
                outcome.rows, outcome.full_error = args.fallback_rows, run
                run = run_once(contender, files_of[contender.name], args.timeout)
            if isinstance(run, str):
                m.error = run
            else:
                m.runs.append(run)
            print(run if isinstance(run, str) else f"{run.total:.2f} s", file=sys.stderr, flush=True)
    for name, outcome in by_name.items():
        known = outcome.measurement
        if name == "toolkit_check" and outcome.rows == args.rows and known.ok:
            references[args.rows] = known.best.result["per_rule"]
    for name, outcome in by_name.items():
        outcome.reference = reference(files_of[name])

    text = report(list(by_name.values()), args.rows, args.seed, load_before)
    save_report(text, RESULTS)
    print(f"saved {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
