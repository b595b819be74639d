"""What people open after a validation run: findings.xlsx and a short HTML summary (a page that
fits a phone: the counts as cards, the rules as cards on a phone and a table on a desktop)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from toolkit.fields import ROW
from toolkit.i18n import Text, html_lang
from toolkit.io import XlsxSheet, write_text, write_xlsx
from toolkit.labels import column_labels, label, rule_title
from toolkit.orders.fields import FIELDS_BY_NAME
from toolkit.orders.validate import Validation
from toolkit.pages import PageAbout, head, table_wrap

WORDS = {
    "problem_rows": Text("问题订单", "Problem rows"),
    "findings": Text("问题清单", "Findings"),
    "by_rule": Text("按规则统计", "By rule"),
    "error": Text("拒收", "refused"),
    "warning": Text("需致电", "call needed"),
    "title": Text("核单结果", "Order check"),
    "rows_in": Text("读入订单", "Orders read"),
    "accepted": Text("接收", "Accepted"),
    "rejected": Text("拒收", "Refused"),
    "accepted_with_warnings": Text("接收但需致电", "Accepted, call needed"),
    "top_shippers": Text("问题最多的发货人", "Shippers with most problems"),
    "top_branches": Text("问题最多的营业所", "Branches with most problems"),
    "truncated": Text(
        "问题订单超过{limit}行，xlsx只列出前{limit}行；全部见 findings.parquet。",
        "More than {limit} problem rows: the xlsx lists the first {limit}; findings.parquet has all.",
    ),
}


def word(key: str, locale: str, **values: object) -> str:
    return WORDS[key].format(locale, **values)


def _header(name: str, headers: dict[str, str], locale: str) -> str:
    if name in headers:
        return headers[name]
    field = FIELDS_BY_NAME.get(name)
    return field.label(locale) if field else name


def problem_sheet(result: Validation, headers: dict[str, str], max_rows: int) -> XlsxSheet:
    """The rows with findings as the user typed them, problem cells highlighted."""
    locale = result.locale
    rows = result.problem_rows.head(max_rows)
    messages = result.findings.group_by("row", maintain_order=True).agg(problems=pl.col("message").str.join("；"))
    rows = rows.join(messages, left_on=ROW, right_on="row", how="left")
    columns = [c for c in rows.columns if c not in (ROW, "problems")]
    position = rows.select(pl.col(ROW).alias("row"), pl.int_range(pl.len()).alias("index"))
    highlights = (
        result.findings.join(position, on="row")
        .group_by(pl.col("index").alias("row"), "column", maintain_order=True)
        .agg(level=pl.col("severity").min(), message=pl.col("message").str.join("；"))  # "error" < "warning"
        .with_columns(
            pl.col("column").replace_strict({c: _header(c, headers, locale) for c in columns}, default=pl.col("column"))
        )
    )
    shown = rows.select(
        pl.col(ROW).alias(label("row", locale)),
        *[pl.col(c).alias(_header(c, headers, locale)) for c in columns],
        pl.col("problems").alias(label("problems", locale)),
    )
    return XlsxSheet(word("problem_rows", locale), shown, highlights=highlights, comments=True)


def _titles(findings: pl.DataFrame, locale: str) -> dict[str, str]:
    """Each rule of the findings as people read it (the id stays in findings.parquet)."""
    return {rule: rule_title(rule, locale) for rule in findings["rule"].unique()}


def findings_sheet(result: Validation) -> XlsxSheet:
    locale = result.locale
    shown = result.findings.with_columns(
        pl.col("rule").replace_strict(_titles(result.findings, locale), default=pl.col("rule")),
        pl.col("severity").replace_strict({"error": word("error", locale), "warning": word("warning", locale)}),
        pl.col("column").replace_strict(
            {n: f.label(locale) for n, f in FIELDS_BY_NAME.items()}, default=pl.col("column")
        ),
    ).rename(
        column_labels(result.findings.columns, locale, {"record_id": label("order_id", locale)})
    )  # the record is the order
    return XlsxSheet(word("findings", locale), shown)


def by_rule_sheet(result: Validation) -> XlsxSheet:
    locale = result.locale
    severity = {"error": word("error", locale), "warning": word("warning", locale)}
    shown = result.by_rule().select(
        pl.col("rule")
        .replace_strict(_titles(result.findings, locale), default=pl.col("rule"))
        .alias(label("rule", locale)),
        pl.col("severity").replace_strict(severity).alias(label("severity", locale)),
        pl.col("message").alias(label("message", locale)),
        pl.col("rows").alias(label("rows", locale)),
    )
    return XlsxSheet(word("by_rule", locale), shown)


def write_findings_xlsx(result: Validation, headers: dict[str, str], path: Path, *, max_rows: int) -> None:
    write_xlsx(path, [problem_sheet(result, headers, max_rows), findings_sheet(result), by_rule_sheet(result)])


_templates = Environment(
    loader=PackageLoader("toolkit.orders", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _top(result: Validation, column: str, n: int = 10) -> list[tuple[str, int]]:
    rows = result.problem_rows
    if column not in rows.columns:
        return []
    top = rows.drop_nulls(column).group_by(column).len().sort(["len", column], descending=[True, False]).head(n)
    return [(str(k), int(v)) for k, v in top.iter_rows()]


SUMMARY_CSS = """
.card.rejected { border-color: #cf222e; }
.card.warned { border-color: #bf8700; }
.error { color: #b00020; } .warning { color: #8a5300; }
.note { background: #fff7e0; padding: .4rem .8rem; border-radius: 4px; }
table.by-rule td { vertical-align: baseline; }
td.rule { white-space: nowrap; }
@media (max-width: 600px) {
  /* the rules as stacked cards: the message and its rows, then the rule id and its severity */
  table.by-rule thead { display: none; }
  table.by-rule, table.by-rule tbody { display: block; }
  table.by-rule tr { display: grid; grid-template-columns: auto 1fr auto; align-items: baseline; gap: 0 .6rem;
                     border: 1px solid #d0d7de; border-radius: 6px; padding: .4rem .6rem; margin: 0 0 .5rem; }
  table.by-rule td { border: 0; padding: 0; }
  table.by-rule td.message { grid-area: 1 / 1 / 2 / 3; font-weight: 600; }
  table.by-rule td.n { grid-area: 1 / 3; font-size: 1.1rem; }
  table.by-rule td.n::before { content: attr(data-label) " "; color: #57606a; font-size: .75rem; }
  table.by-rule td.rule { grid-area: 2 / 1; color: #57606a; }
  table.by-rule td.severity { grid-area: 2 / 2 / 3 / 4; font-size: .85rem; }
}
"""
"""The summary's own styles, after `toolkit.pages.BASE_CSS`."""


def summary_html(
    result: Validation, title: str | None, max_rows: int | None = None, about: PageAbout | None = None
) -> str:
    locale = result.locale
    counts = result.counts()
    page_title = word("title", locale) + (f" · {title}" if title else "")
    labels = column_labels(("rule", "severity", "message", "rows"), locale) | {
        k: word(k, locale) for k in ("error", "warning", "top_shippers", "top_branches", "by_rule")
    }
    return _templates.get_template("summary.html.j2").render(
        lang=html_lang(locale),
        head=Markup(head(page_title, css=SUMMARY_CSS)),
        about=Markup(about.html(locale)) if about is not None else "",
        table_wrap=lambda inner: Markup(table_wrap(inner)),
        title=page_title,
        counts=[(k, word(k, locale), counts[k]) for k in ("rows_in", "accepted", "rejected", "accepted_with_warnings")],
        by_rule=list(result.by_rule().iter_rows(named=True)),
        labels=labels,
        titles=_titles(result.findings, locale),
        top_shippers=_top(result, "shipper_name"),
        top_branches=_top(result, "branch"),
        truncated=word("truncated", locale, limit=max_rows)
        if max_rows and result.problem_rows.height > max_rows
        else None,
        warnings=result.warnings,
    )


def write_summary_html(
    result: Validation,
    path: Path,
    *,
    title: str | None = None,
    max_rows: int | None = None,
    about: PageAbout | None = None,
) -> None:
    """summary.html; `about` (JobContext.about) is the line under the title saying what it is about."""
    write_text(summary_html(result, title, max_rows, about), path)
