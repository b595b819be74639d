"""The rule engine on its own: named polars expressions, one pass, findings with row and column."""

from __future__ import annotations

import polars as pl

from toolkit.i18n import Text
from toolkit.rules import Check, evaluate, raw

POSITIVE = Check("positive", "error", Text("{label}必须大于0", "{label} must be positive"))
SMALL = Check("small", "warning", Text("{label}偏大", "{label} is large"))


def frame() -> pl.LazyFrame:
    return pl.LazyFrame(
        {
            "_row": [2, 3, 4],
            raw("id"): ["a", "b", "c"],
            raw("qty"): ["1", "-2", "50"],
            "qty": [1, -2, 50],
        }
    )


def test_rows_split_into_accepted_and_rejected_with_findings_in_file_order() -> None:
    rules = [
        POSITIVE.rule("qty", pl.col("qty") <= 0, "en", label="qty"),
        SMALL.rule("qty", pl.col("qty") > 10, "en", label="qty"),
    ]
    result = evaluate(frame(), rules, record_id="id")
    accepted, rejected, findings = result.accepted.collect(), result.rejected.collect(), result.findings.collect()
    assert accepted["_row"].to_list() == [2, 4] and accepted["warnings"].to_list() == [[], ["small"]]
    assert rejected["_row"].to_list() == [3] and rejected["errors"].to_list() == [["positive"]]
    assert findings.to_dicts() == [
        {
            "row": 3,
            "record_id": "b",
            "column": "qty",
            "value": "-2",
            "rule": "positive",
            "severity": "error",
            "message": "qty must be positive",
        },
        {
            "row": 4,
            "record_id": "c",
            "column": "qty",
            "value": "50",
            "rule": "small",
            "severity": "warning",
            "message": "qty is large",
        },
    ]


def test_a_rule_on_a_null_value_passes_and_severity_can_be_overridden() -> None:
    rules = [
        SMALL.rule("qty", pl.lit(None, pl.Boolean), "zh_CN", label="数量"),
        SMALL.rule("qty", pl.col("qty") > 10, "zh_CN", "error", label="数量"),
    ]
    result = evaluate(frame(), rules, record_id="id")
    assert result.rejected.collect()["_row"].to_list() == [4]
    assert result.findings.collect()["message"].to_list() == ["数量偏大"]


def test_no_rules_accepts_everything() -> None:
    result = evaluate(frame(), [], record_id="id")
    assert result.accepted.collect().height == 3 and result.findings.collect().is_empty()
