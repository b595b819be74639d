"""Order validation (核单) as a pure function: a frame of typed-in orders in, accepted orders,
rejected orders and findings out. No files are opened here."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.display import LABELS, Card, cards, findings_for_people, format_value, table, word
from toolkit.fields import ROW, Kind
from toolkit.i18n import ZH
from toolkit.io.dates import SAMPLE_SIZE, TimeReading, UnreadableTimes
from toolkit.orders.checks import (
    DUPLICATE_KEYS,
    build_rules,
    canonical_payment,
    duplicate_columns,
    duplicate_marks,
    review_by,
)
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.orders.ruleset import OrderRules
from toolkit.parse import parse_fields
from toolkit.rules import Rule, any_flag, flag_columns, flag_rows, raw, split_flagged

FIELD_NAMES = [f.name for f in ORDER_FIELDS]
DERIVED = ("review_by", "needs_call", "warnings", "errors")  # added by validation, replaced on re-checking


@dataclass(kw_only=True)
class Validation:
    """What people and the job's checks read of a validation: the findings, the rows with a
    finding as typed in (in file order), and the counts; `ValidationResult` holds the accepted
    and rejected rows too, `WrittenValidation` has them in parquet files."""

    findings: pl.DataFrame
    problem_rows: pl.DataFrame  # every row with a finding, as typed in, in file order
    locale: str = ZH
    warnings: list[str] = field(default_factory=list)
    unreadable: list[UnreadableTimes] = field(default_factory=list)  # per time field: values no reading understood

    def sizes(self) -> tuple[int, int, int]:
        """(accepted, rejected, accepted with warnings) rows."""
        raise NotImplementedError

    @property
    def rows_in(self) -> int:
        accepted, rejected, _ = self.sizes()
        return accepted + rejected

    def counts(self) -> dict[str, int]:
        accepted, rejected, warned = self.sizes()
        return {
            "rows_in": accepted + rejected,
            "accepted": accepted,
            "rejected": rejected,
            "accepted_with_warnings": warned,
            "findings": self.findings.height,
        }

    def by_rule(self) -> pl.DataFrame:
        """Findings and affected rows per rule, most frequent first."""
        return (
            self.findings.group_by("rule", "severity", "message")
            .agg(findings=pl.len(), rows=pl.col("row").n_unique())
            .sort(["findings", "rule", "message"], descending=[True, False, False])  # ties in a set order
        )

    def _repr_html_(self, first: int = 10) -> str:
        """The counts as cards, the findings per rule and the first findings, in Jupyter."""
        locale, counts = self.locale, self.counts()
        summary = cards(
            [
                Card(word("rows_in", locale), format_value(counts["rows_in"], "int")),
                Card(LABELS["accepted"].get(locale), format_value(counts["accepted"], "int")),
                Card(
                    LABELS["refused"].get(locale),
                    format_value(counts["rejected"], "int"),
                    breach=counts["rejected"] > 0,
                ),
                Card(LABELS["call_needed"].get(locale), format_value(counts["accepted_with_warnings"], "int")),
            ]
        )
        rules = findings_for_people(self.by_rule().select("rule", "severity", "message", "rows", "findings"), locale)
        by_rule = table(rules, locale, max_rows=first)
        caption = word("first_findings", locale, n=first)
        findings = table(
            findings_for_people(self.findings.head(first), locale), locale, max_rows=first, caption=caption
        )
        return f"<div><h3>{html.escape(word('validation', locale))}</h3>{summary}{by_rule.to_html()}{findings.to_html()}</div>"


@dataclass(kw_only=True)
class ValidationResult(Validation):
    """Accepted orders (typed), rejected orders (as typed in), and one finding per problem."""

    valid: pl.DataFrame
    rejected: pl.DataFrame

    def sizes(self) -> tuple[int, int, int]:
        return self.valid.height, self.rejected.height, int(self.valid["needs_call"].sum())


@dataclass(kw_only=True)
class WrittenValidation(Validation):
    """A validation run by polars' streaming engine (`toolkit.orders.stream`): the accepted and
    rejected orders are in parquet files (as `ValidationResult.valid` and `.rejected` would be),
    not in memory; read them with `pl.scan_parquet`."""

    valid: Path
    rejected: Path
    accepted: int
    refused: int
    accepted_with_warnings: int

    def sizes(self) -> tuple[int, int, int]:
        return self.accepted, self.refused, self.accepted_with_warnings


def validate_orders(
    orders: pl.LazyFrame,
    rules: OrderRules,
    *,
    as_of: datetime,
    calendar: WorkCalendar,
    locale: str = ZH,
    times: TimeReading | None = None,
) -> ValidationResult:
    """Check every order against `rules` in one pass.

    `orders` holds the columns as read (text, canonical names, `_row` = the row in the file);
    every row ends up in exactly one of `valid` and `rejected`. `times` reads the order time
    (the input's `date_formats:`); by default the built-in year-first reading.
    `toolkit.orders.stream.validate_orders_streaming` is the same check run by polars'
    streaming engine, writing the accepted and rejected rows to files as it goes.
    """
    plan = Plan.of(orders, rules, as_of=as_of, calendar=calendar, locale=locale, times=times)
    # Parsed once and held: the duplicate marks and the flags both read it (a lazy plan would
    # parse the key columns twice; polars does not share the parse between the two queries).
    # The findings and problem rows are built from the rows with a flag only (8% of the bench's
    # 1,000,000 orders) instead of filtering the whole flagged frame once per rule (40 rules),
    # and the duplicates sort only the rows whose id or keys repeat (`duplicate_marks`): the
    # same plan the streaming run uses, so both give the same rows by construction.
    parsed = plan.parsed().collect()
    marks = duplicate_marks(parsed.lazy(), rules.duplicates.window_minutes)
    flagged = plan.flagged(parsed.lazy().with_columns(duplicate_columns(marks))).collect().lazy()
    refused = plan.refused
    valid_df, rejected_df, problems = pl.collect_all(
        [plan.valid(flagged.filter(~refused)), plan.rejected(flagged.filter(refused)), plan.problems(flagged)]
    )
    findings_df, problems_df = plan.findings(problems)
    years = valid_df["order_time"].dt.year().drop_nulls().unique().to_list()
    filled = {name: valid_df[name].is_not_null().sum() + rejected_df[name].is_not_null().sum() for name in TIME_NAMES}
    return ValidationResult(
        valid=valid_df,
        rejected=rejected_df,
        findings=findings_df,
        problem_rows=problems_df,
        locale=locale,
        warnings=calendar.warn_uncovered(years),
        unreadable=[_unreadable_times(name, findings_df, rejected_df[ROW], filled[name]) for name in TIME_NAMES],
    )


TIME_NAMES = tuple(f.name for f in ORDER_FIELDS if f.kind is Kind.DATETIME)


@dataclass(frozen=True)
class Plan:
    """The validation as lazy steps over the orders, shared by the in-memory and the streaming
    run: what each reads and writes is the same, only who holds the rows differs."""

    orders: pl.LazyFrame  # as read
    extra: list[str]  # the input's other columns, passed through
    rules: OrderRules
    checks: list[Rule]
    calendar: WorkCalendar
    times: TimeReading

    @classmethod
    def of(
        cls,
        orders: pl.LazyFrame,
        rules: OrderRules,
        *,
        as_of: datetime,
        calendar: WorkCalendar,
        locale: str,
        times: TimeReading | None,
    ) -> Plan:
        extra = [c for c in orders.collect_schema().names() if c not in (ROW, *FIELD_NAMES, *DERIVED)]
        return cls(
            orders=orders,
            extra=extra,
            rules=rules,
            checks=build_rules(rules, as_of=as_of, locale=locale),
            calendar=calendar,
            times=times or TimeReading(timezone=calendar.timezone, as_of=as_of),
        )

    def parsed(self, *, batches: bool = False) -> pl.LazyFrame:
        """`<field>:raw` and the typed `<field>` of every field, the payment method canonical;
        `batches`: parsed batch by batch, for the streaming engine (`parse_fields`)."""
        parsed = parse_fields(self.orders, ORDER_FIELDS, self.times, batches=batches)
        canonical = canonical_payment(self.rules)
        if batches:  # `replace_strict` held all its rows in the streaming engine (+200 MB at 1,000,000)
            payment = pl.col(raw("payment_method")).map_batches(
                lambda text: text.to_frame().select(canonical).to_series(), return_dtype=pl.String, is_elementwise=True
            )
            return parsed.with_columns(payment.alias("payment_method"))
        return parsed.with_columns(canonical.alias("payment_method"))

    def keys(self, *, batches: bool = False) -> pl.LazyFrame:
        """What `duplicate_marks` reads, with only those fields parsed."""
        wanted = ("order_id", "order_time", *DUPLICATE_KEYS)
        present = set(self.orders.collect_schema().names())
        fields = [f for f in ORDER_FIELDS if f.name in wanted]
        frame = self.orders.select(ROW, *(f.name for f in fields if f.name in present))
        return parse_fields(frame, fields, self.times, batches=batches).select(ROW, *wanted)

    def flagged(self, marked: pl.LazyFrame) -> pl.LazyFrame:
        return flag_rows(marked, self.checks)

    @property
    def refused(self) -> pl.Expr:
        return pl.col("errors").list.len() > 0

    def valid(self, accepted: pl.LazyFrame) -> pl.LazyFrame:
        return accepted.select(
            ROW,
            *FIELD_NAMES,
            *self.extra,
            review_by=review_by(self.calendar, self.rules.review.day_minutes),
            needs_call=pl.col("warnings").list.len() > 0,
            warnings=pl.col("warnings"),
        )

    def rejected(self, refused: pl.LazyFrame) -> pl.LazyFrame:
        return refused.select(ROW, *_as_typed(), *self.extra, "errors", "warnings")

    @property
    def flag_names(self) -> list[str]:
        return flag_columns(self.checks)

    def problems(self, flagged: pl.LazyFrame) -> pl.LazyFrame:
        """The rows with a finding, with what `findings` reads: few, so held in memory."""
        return flagged.filter(any_flag(self.checks)).select(
            ROW, *(raw(name) for name in FIELD_NAMES), *self.extra, *self.flag_names, "errors", "warnings"
        )

    def findings(self, problems: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The findings and the problem rows (as typed in, in file order), from `problems`."""
        evaluation = split_flagged(problems.lazy(), self.checks, record_id="order_id")
        rows = pl.concat(
            [
                evaluation.rejected.select(ROW, *_as_typed(), *self.extra),
                evaluation.accepted.filter(pl.col("warnings").list.len() > 0).select(ROW, *_as_typed(), *self.extra),
            ]
        ).sort(ROW)
        findings, rows = pl.collect_all([evaluation.findings, rows])
        return findings, rows


def _as_typed() -> list[pl.Expr]:
    return [pl.col(raw(name)).alias(name) for name in FIELD_NAMES]


def _unreadable_times(name: str, findings: pl.DataFrame, rejected_rows: pl.Series, filled: int) -> UnreadableTimes:
    """A time field's unreadable values, from its `not_a_date` findings (every non-empty value
    that did not read has one) rather than a second plan: polars does not share the parsed
    frame across `collect_all`, and parsing and sorting it again cost 1.2 s of the 3.3 s check
    on 1,000,000 orders. `filled`: the accepted rows with the time read and the rejected rows
    with it typed in."""
    bad = findings.filter((pl.col("rule") == "not_a_date") & (pl.col("column") == name))
    bad_in_valid = int((~bad["row"].is_in(rejected_rows.implode())).sum())  # where not_a_date is only a warning
    samples = bad["value"].unique(maintain_order=True).head(SAMPLE_SIZE)
    return UnreadableTimes(
        field=name, count=bad.height, filled=int(filled) + bad_in_valid, samples=tuple(samples.to_list())
    )
