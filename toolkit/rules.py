"""A small rule engine: each rule is a named polars expression, all evaluated in one pass.

A rule says which rows break it (`failed`), which column the finding points at, how severe it is
and what to tell the user. `evaluate` adds one flag column per rule to the frame, then derives
the accepted rows, the rejected rows and one finding per (row, rule) from that single frame.
`findings` builds finding rows, here and in every job that finds problems without rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

import polars as pl

from toolkit.fields import ROW
from toolkit.i18n import Text

Severity = Literal["error", "warning"]
RAW = ":raw"  # suffix of the column holding a field's text as the user typed it

FINDING_SCHEMA = {
    "row": pl.Int64,
    "record_id": pl.String,
    "column": pl.String,
    "value": pl.String,
    "rule": pl.String,
    "severity": pl.String,
    "message": pl.String,
}


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def raw(name: str) -> str:
    return f"{name}{RAW}"


def findings(
    frame: Frame,
    *,
    record_id: pl.Expr,
    column: str | pl.Expr,
    value: pl.Expr,
    rule: str,
    severity: Severity,
    message: str | pl.Expr,
    row: pl.Expr = pl.col(ROW),
) -> Frame:
    """One finding per row of `frame`, with the columns and types of `FINDING_SCHEMA`.

    Every job builds its findings here, so that they concatenate and publish alike. A text is
    the same for every finding (a rule's column or message); an expression is read per row.
    """
    cells = {
        "row": row,
        "record_id": record_id,
        "column": column,
        "value": value,
        "rule": rule,
        "severity": severity,
        "message": message,
    }
    return frame.select(
        (cell if isinstance(cell, pl.Expr) else pl.lit(cell)).cast(FINDING_SCHEMA[name]).alias(name)
        for name, cell in cells.items()
    )


@dataclass(frozen=True)
class Check:
    """A registered kind of check: its id, default severity and message template."""

    id: str
    severity: Severity
    message: Text

    def rule(
        self, column: str, failed: pl.Expr, locale: str, severity: Severity | None = None, **values: object
    ) -> Rule:
        return Rule(
            id=self.id,
            column=column,
            failed=failed,
            severity=severity or self.severity,
            message=self.message.format(locale, **values),
        )


@dataclass(frozen=True)
class Rule:
    id: str
    column: str
    failed: pl.Expr
    severity: Severity
    message: str


@dataclass
class Evaluation:
    """The results of one pass, as lazy frames over the flagged data."""

    accepted: pl.LazyFrame
    rejected: pl.LazyFrame
    findings: pl.LazyFrame


def _flag(index: int) -> str:
    return f"__rule_{index}"


def flag_rows(frame: Frame, rules: Sequence[Rule]) -> Frame:
    """`frame` with one flag column per rule (`__rule_<i>`, true where the row breaks it) and
    `errors` and `warnings`: the ids of the rules a row breaks, by severity. Every expression is
    per row, so polars' streaming engine runs it batch by batch (`toolkit.orders.validate`)."""
    flags = [rule.failed.fill_null(False).alias(_flag(i)) for i, rule in enumerate(rules)]

    def ids(severity: Severity) -> pl.Expr:
        """The ids of the rules a row breaks, one term per rule id so that none appears twice.

        Joined as text and split again: at a million rows this is over ten times faster than
        `concat_list` of the same terms.
        """
        by_id: dict[str, list[pl.Expr]] = {}
        for i, rule in enumerate(rules):
            if rule.severity == severity:
                by_id.setdefault(rule.id, []).append(pl.col(_flag(i)))
        if not by_id:
            return pl.lit([], dtype=pl.List(pl.String))
        hits = [pl.when(pl.any_horizontal(flags)).then(pl.lit(rule_id)) for rule_id, flags in by_id.items()]
        return pl.concat_str(hits, separator=",", ignore_nulls=True).str.extract_all(r"[^,]+")

    return frame.with_columns(flags).with_columns(errors=ids("error"), warnings=ids("warning"))


def flag_columns(rules: Sequence[Rule]) -> list[str]:
    """The flag columns `flag_rows` adds, one per rule."""
    return [_flag(i) for i in range(len(rules))]


def any_flag(rules: Sequence[Rule]) -> pl.Expr:
    """True where a row of `flag_rows` breaks any rule (it has a finding)."""
    return pl.any_horizontal(pl.col(flag_columns(rules))) if rules else pl.lit(False)


def split_flagged(flagged: pl.LazyFrame, rules: Sequence[Rule], *, record_id: str) -> Evaluation:
    """The accepted rows, the rejected rows and the findings of a frame from `flag_rows`.

    Only the rows with a flag have findings: `flagged` may be those rows alone, and the
    findings are the same (`toolkit.orders.validate` streams the others past).
    """
    refused = pl.col("errors").list.len() > 0
    flag_names = flag_columns(rules)
    per_rule = [
        findings(
            flagged.filter(pl.col(_flag(i))),
            record_id=pl.col(raw(record_id)),
            column=rule.column,
            value=pl.col(raw(rule.column)).fill_null(""),
            rule=rule.id,
            severity=rule.severity,
            message=rule.message,
        )
        for i, rule in enumerate(rules)
    ]
    # Concatenated rule by rule, so a stable sort on the row lists a row's findings in rule order.
    all_findings = (
        pl.concat(per_rule).sort("row", maintain_order=True) if per_rule else pl.LazyFrame(schema=FINDING_SCHEMA)
    )
    return Evaluation(
        accepted=flagged.filter(~refused).drop(flag_names),
        rejected=flagged.filter(refused).drop(flag_names),
        findings=all_findings,
    )


def evaluate(frame: pl.LazyFrame, rules: Sequence[Rule], *, record_id: str) -> Evaluation:
    """Flag every row against every rule and split the frame into accepted and rejected.

    `accepted` and `rejected` keep the frame's columns plus `errors` and `warnings` (lists of
    rule ids); `findings` has one row per broken rule per row, in file order.
    """
    # The flags are computed once, eagerly: this is the one pass over the data. Deriving the
    # three results from a lazy plan instead makes polars' optimiser compare the whole rule plan
    # once per rule (about a second of planning even for a one-row frame).
    flagged = flag_rows(frame, rules).collect().lazy()
    return split_flagged(flagged, rules, record_id=record_id)
