"""Dispatch SMS rendering at scale: the toolkit against a plain per-row `jinja2` loop.

Run it from the repository root::

    python bench/render_messages.py                          # 100,000 and 1,000,000 messages, best of 3
    python bench/render_messages.py --rows 100000 --repeats 1 --only baseline_shipped,toolkit_plain

The data: orders generated with `toolkit.samples.generate_orders` (seed --seed) and validated
once with `toolkit.orders.validate_orders` (the team's rules, config/rules/orders.yaml); the
accepted rows, typed, plus a `serial` column (`000000001`, ...), are cached as parquet in
bench/data/ (keyed by rows and seed). That is what the render_messages job gets from the
validate_orders job.

The templates: the shipped dispatch SMS (templates/sms/dispatch.txt.j2; its `{% if pickup_fee %}`
makes the toolkit render it row by row in the sandbox) and a logic-free variant, the same text
without the `{% if %}...{% endif %}` part, written to bench/data/dispatch_plain.txt.j2 — the one
`toolkit.templating.compile` can turn into a single polars expression.

The contenders, each in its own Python process (best of --repeats for time, peak RSS = VmHWM of
that process, the frame and the texts included):

- baseline: what a user would write — a plain (non-sandboxed) `jinja2.Environment` with the
  toolkit's filters registered, `env.from_string(source)` (i.e. `jinja2.Template(source)` with
  those filters), and `template.render(**row).strip()` for every row of `frame.iter_rows(named=True)`.
  It renders both templates; each toolkit contender is compared with the baseline of its
  template: speed (baseline time ÷ its time; aim: 10x at first, 25x in issue 14) and the text, row for row.
- toolkit: `toolkit.messages.render.render_contents(MessageTemplate.load(...), frame)`, which uses
  `toolkit.templating.compile.render_all` when that module exists (compiled polars expression when
  the template allows it, sandboxed Jinja row by row otherwise).
- sandbox (only when toolkit.templating.compile exists): the logic-free template rendered row by
  row in the sandbox, `MessageTemplate.render` per row — the path render_all falls back to —
  so toolkit_plain ÷ sandbox_plain is the gain of the compiler alone.

Timed: loading the template and rendering every row (messages/s = rows ÷ that time). Not timed:
reading the parquet, writing the texts for the comparison. Results go to stdout and
bench/results/render_messages.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import polars as pl

from bench._measure import (
    Measurement,
    Stopwatch,
    load_average,
    machine,
    markdown_table,
    run_isolated,
    save_report,
    seconds,
)

SHIPPED = REPO / "templates" / "sms" / "dispatch.txt.j2"
PLAIN_NAME = "dispatch_plain.txt.j2"
RESULTS = BENCH / "results" / "render_messages.md"
SINGLE_RUN_ABOVE = 120.0  # seconds: a contender this slow is run once, not --repeats times
_IF_BLOCK = re.compile(r"\{%-?\s*if\b.*?\{%-?\s*endif\s*-?%\}", re.DOTALL)


def have_compiler() -> bool:
    """Whether toolkit.templating.compile exists (and imports)."""
    try:
        if importlib.util.find_spec("toolkit.templating.compile") is None:
            return False
        import toolkit.templating.compile  # noqa: F401
    except (ImportError, ValueError):
        return False
    return True


# --- the data ----------------------------------------------------------------------------


def prepare(watch: Stopwatch, rows: int, seed: int, out: str) -> dict[str, Any]:
    """Generate `rows` orders, validate them with the toolkit, write the accepted rows + serial.
    Run in a child process (the harness's), so the parent stays small."""
    from bench.validate_orders import AS_OF, LOCALE, canonical_names, load_rules
    from toolkit.calendar import WorkCalendar
    from toolkit.orders.validate import validate_orders
    from toolkit.samples import generate_orders

    with watch.phase("generate"):
        frame = generate_orders(rows, seed=seed).frame
        frame = (
            frame.rename(canonical_names(), strict=False)
            .with_row_index("_row", offset=2)
            .with_columns(pl.col("_row").cast(pl.Int64))
        )
    with watch.phase("validate"):
        result = validate_orders(frame.lazy(), load_rules(), as_of=AS_OF, calendar=WorkCalendar(), locale=LOCALE)
    accepted = result.valid.with_columns(serial=pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(9))
    target = Path(out)
    partial = target.with_name(target.name + ".partial")
    accepted.write_parquet(partial)
    partial.replace(target)
    return {"rows": rows, "accepted": accepted.height}


def prepare_data(rows: int, seed: int, data_dir: Path, timeout: float) -> Path:
    """bench/data/accepted_orders_<rows>_seed<seed>.parquet, made once."""
    path = data_dir / f"accepted_orders_{rows}_seed{seed}.parquet"
    if path.exists():
        return path
    print(f"generating and validating {rows:,} orders (seed {seed}) -> {path} ...", file=sys.stderr, flush=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    run = run_isolated(Path(__file__), "prepare", {"rows": rows, "seed": seed, "out": str(path)}, timeout)
    if isinstance(run, str):
        raise SystemExit(f"could not prepare the data: {run}")
    return path


def write_plain_template(data_dir: Path) -> Path:
    """The shipped dispatch template without its `{% if %}...{% endif %}` part."""
    source = SHIPPED.read_text(encoding="utf-8")
    plain, removed = _IF_BLOCK.subn("", source)
    if not removed or "{%" in plain:
        raise SystemExit(f"{SHIPPED}: expected {{% if %}} blocks and no other statement")
    path = data_dir / PLAIN_NAME
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != plain:
        path.write_text(plain, encoding="utf-8")
    return path


# --- the contenders ----------------------------------------------------------------------


def _read(watch: Stopwatch, data: str) -> pl.DataFrame:
    with watch.side("read"):
        return pl.read_parquet(data)


def _keep(watch: Stopwatch, contents: pl.Series, out: str) -> None:
    with watch.side("write texts"):
        contents.alias("content").to_frame().write_parquet(out)


def baseline(watch: Stopwatch, data: str, template: str, out: str) -> dict[str, Any]:
    """A plain per-row loop: non-sandboxed Jinja, the toolkit's filters, `.render(**row)`."""
    import jinja2

    from bench.validate_orders import LOCALE
    from toolkit.templating.filters import filters_for

    frame = _read(watch, data)
    with watch.phase("render"):
        env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)  # the toolkit's text-template options
        env.filters.update(filters_for(LOCALE))
        compiled = env.from_string(Path(template).read_text(encoding="utf-8"))
        texts = [compiled.render(**row).strip() for row in frame.iter_rows(named=True)]
        contents = pl.Series("content", texts, dtype=pl.String)
    _keep(watch, contents, out)
    return {"rows": frame.height}


def toolkit(watch: Stopwatch, data: str, template: str, out: str) -> dict[str, Any]:
    """`render_contents`: compiled polars expression when the template allows it."""
    from bench.validate_orders import LOCALE
    from toolkit.messages.render import render_contents
    from toolkit.templating.environment import MessageTemplate

    frame = _read(watch, data)
    with watch.phase("render"):
        loaded = MessageTemplate.load(Path(template), LOCALE)
        contents = render_contents(loaded, frame)
    compiled: bool | None = None
    fallback_rows: int | None = None
    blocking: list[str] = []
    if have_compiler():
        from toolkit.templating.compile import compile_template

        with watch.side("compile check"):
            expr = compile_template(loaded, frame.schema)
            compiled = expr is not None
            if expr is not None:  # rows the expression hands back to Jinja (null)
                fallback_rows = int(frame.select(expr.is_null().sum()).item())
            blocking = [] if compiled else uncompilable_outputs(loaded, frame.schema)
    _keep(watch, contents, out)
    return {
        "rows": frame.height,
        "compiled": compiled,
        "fallback_rows": fallback_rows,
        "blocking": blocking if compiled is False else [],
    }


def uncompilable_outputs(template, schema) -> list[str]:  # template: MessageTemplate
    """The `{{ ... }}` of a template that do not compile on their own (why the whole does not),
    found by compiling each alone with the template's environment; `{% ... %}` statements are
    listed as such."""
    from toolkit.templating.compile import compile_template
    from toolkit.templating.environment import MessageTemplate

    statements = re.findall(r"\{%-?\s*(\w+)", template.source)
    blocking = [f"{{% {m} %}}" for m in dict.fromkeys(statements) if not m.startswith(("end", "else", "elif"))]
    for expression in dict.fromkeys(re.findall(r"\{\{.*?\}\}", template.source, re.DOTALL)):
        alone = MessageTemplate(template.path, template.env)
        alone.__dict__["source"] = expression  # the cached_property, preset: nothing is read or written
        if compile_template(alone, schema) is None:
            blocking.append(expression)
    return blocking


def sandbox(watch: Stopwatch, data: str, template: str, out: str) -> dict[str, Any]:
    """The per-row sandbox path (`MessageTemplate.render` for every row), compiler or not."""
    from bench.validate_orders import LOCALE
    from toolkit.templating.environment import MessageTemplate

    frame = _read(watch, data)
    with watch.phase("render"):
        loaded = MessageTemplate.load(Path(template), LOCALE)
        contents = pl.Series("content", [loaded.render(row) for row in frame.iter_rows(named=True)], dtype=pl.String)
    _keep(watch, contents, out)
    return {"rows": frame.height}


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contender:
    name: str  # --only key
    label: str
    function: str
    template: str  # "shipped" or "plain"
    needs_compiler: bool = False

    @property
    def is_baseline(self) -> bool:
        return self.function == "baseline"


CONTENDERS = [
    Contender("baseline_shipped", "baseline: jinja2 per-row loop", "baseline", "shipped"),
    Contender("toolkit_shipped", "toolkit render_contents", "toolkit", "shipped"),
    Contender("baseline_plain", "baseline: jinja2 per-row loop", "baseline", "plain"),
    Contender("toolkit_plain", "toolkit render_contents", "toolkit", "plain"),
    Contender("sandbox_plain", "toolkit per-row sandbox (no compiler)", "sandbox", "plain", needs_compiler=True),
]


@dataclass
class Outcome:
    contender: Contender
    rows: int  # orders generated
    measurement: Measurement
    out: Path  # the texts of its last run
    messages: int = 0
    match: str = ""
    differ: str = ""


def compare(outcome: Outcome, reference: Outcome | None) -> None:
    """Row-for-row equality of the texts with the baseline's for the same template."""
    if reference is None or not reference.measurement.ok or not outcome.measurement.ok:
        return
    if outcome is reference:
        outcome.match = "ref"
        return
    mine = pl.read_parquet(outcome.out)["content"]
    theirs = pl.read_parquet(reference.out)["content"]
    if mine.len() != theirs.len():
        outcome.match, outcome.differ = "✗", f"{mine.len():,} texts vs {theirs.len():,}"
        return
    unequal = mine.ne_missing(theirs)
    count = int(unequal.sum())
    if count == 0:
        outcome.match = "✓"
        return
    first = int(unequal.arg_true()[0])
    outcome.match = "✗"
    outcome.differ = f"{count:,} texts differ, first at row {first}: {mine[first]!r} vs baseline {theirs[first]!r}"[
        :300
    ]


def report(outcomes: list[Outcome], seed: int, compiler: bool, load_before: str) -> str:
    by_key = {(o.rows, o.contender.name): o for o in outcomes}
    headers = [
        "orders",
        "messages",
        "contender",
        "template",
        "render s",
        "messages/s",
        "peak RSS MB",
        "× baseline",
        "compiled",
        "same text",
        "notes",
    ]
    table = []
    for o in outcomes:
        c, m = o.contender, o.measurement
        if not m.ok:
            table.append([f"{o.rows:,}", "", c.label, c.template, "—", "—", "—", "", "", "", m.error or "no run"])
            continue
        run = m.best
        base = by_key.get((o.rows, f"baseline_{c.template}"))
        ratio = ""
        if base is not None and base.measurement.ok and run.total:
            ratio = f"{base.measurement.best.total / run.total:.1f}x"
        compiled = run.result.get("compiled")
        notes = [f"best of {len(m.runs)}" if len(m.runs) > 1 else "1 run"]
        if run.result.get("fallback_rows"):
            notes.append(f"{run.result['fallback_rows']:,} rows handed back to Jinja")
        if run.result.get("blocking"):
            notes.append("not compiled because of " + ", ".join(f"`{b}`" for b in run.result["blocking"]))
        if o.differ:
            notes.append(o.differ)
        table.append([
            f"{o.rows:,}",
            f"{o.messages:,}",
            c.label,
            c.template,
            seconds(run.total),
            f"{o.messages / run.total:,.0f}" if run.total else "—",
            f"{m.peak_rss_mb:,.0f}",
            ratio,
            "" if c.function != "toolkit" else ("—" if compiled is None else ("yes" if compiled else "no")),
            o.match,
            "; ".join(notes),
        ])  # fmt: skip
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    compiler_note = (
        "toolkit.templating.compile present: `compiled` says whether `compile_template(template, schema)` "
        "gave an expression (no: the template renders row by row in the sandbox)."
        if compiler
        else "**toolkit.templating.compile not present**: render_contents renders every template row by row "
        "in the sandbox; the compile column is blank and the sandbox_plain contender is skipped."
    )
    intro = (
        f"# render_messages benchmark — dispatch SMS (seed {seed}), {stamp}\n\n"
        f"Machine: {machine()}; load average before/after: {load_before} → {load_average()}\n\n"
        "orders: generated; messages: the accepted orders rendered (generated with toolkit.samples, validated with the "
        "toolkit, accepted rows kept). render s: best run, loading the template and rendering every "
        "row (the parquet read is not timed); peak RSS: VmHWM of the contender's own process, the "
        "frame and the texts included. × baseline: the plain jinja2 loop's time for the same "
        "template ÷ this contender's (aim: 25x, issue 14). same text: every text equal to the baseline's for "
        "the same template. Templates: shipped = templates/sms/dispatch.txt.j2 (has `{% if %}`); "
        f"plain = the same without the `{{% if %}}` part (bench/data/{PLAIN_NAME}).\n\n{compiler_note}\n"
    )
    return intro + "\n" + markdown_table(headers, table, align="rrllrrrrccl") + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", default="100000,1000000", help="orders to generate, comma-separated sizes (default 100000,1000000)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--only", default="", help="comma-separated contenders: " + ",".join(c.name for c in CONTENDERS)
    )
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--repeats", type=int, default=3, help="runs per contender, best time kept (default 3)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run before it counts as failed")
    args = parser.parse_args(argv)

    try:
        sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--rows: comma-separated integers, not {args.rows!r}")
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = wanted - {c.name for c in CONTENDERS}
    if unknown:
        parser.error(f"unknown contender(s) {', '.join(sorted(unknown))}")
    compiler = have_compiler()
    chosen = [c for c in CONTENDERS if (not wanted or c.name in wanted) and (compiler or not c.needs_compiler)]
    if not compiler:
        print("toolkit.templating.compile not present: per-row rendering only; sandbox_plain skipped", file=sys.stderr)

    templates = {"shipped": SHIPPED, "plain": write_plain_template(args.data)}
    data = {rows: prepare_data(rows, args.seed, args.data, args.timeout) for rows in sizes}
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        outcomes = [
            Outcome(c, rows, Measurement(c.name), Path(tmp) / f"{c.name}_{rows}.parquet")
            for rows in sizes
            for c in chosen
        ]
        # Round-robin over the repeats, as validate_orders does: a burst of other work on the
        # machine does not land on all the runs of one contender.
        for repeat in range(args.repeats):
            for o in outcomes:
                m = o.measurement
                if m.error or (m.runs and m.runs[-1].total > SINGLE_RUN_ABOVE):
                    continue
                print(
                    f"[{repeat + 1}/{args.repeats}] {o.contender.name} {o.rows:,} ...",
                    end=" ",
                    file=sys.stderr,
                    flush=True,
                )
                params = {
                    "data": str(data[o.rows]),
                    "template": str(templates[o.contender.template]),
                    "out": str(o.out),
                }
                run = run_isolated(Path(__file__), o.contender.function, params, args.timeout)
                if isinstance(run, str):
                    m.error = run
                else:
                    m.runs.append(run)
                    o.messages = run.result["rows"]
                print(run if isinstance(run, str) else f"{run.total:.2f} s", file=sys.stderr, flush=True)
        by_key = {(o.rows, o.contender.name): o for o in outcomes}
        for o in outcomes:
            compare(o, by_key.get((o.rows, f"baseline_{o.contender.template}")))

    text = report(outcomes, args.seed, compiler, load_before)
    save_report(text, RESULTS)
    print(f"saved {RESULTS.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
