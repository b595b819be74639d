"""The `render_letters` job on the sample claims ledger: a file per letter, a printable batch per
kind, the index, the claims with their facts for later jobs, and PDFs only where WeasyPrint is."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import replace_once
from tests.support.letters import letters_config
from tests.support.reporting import Lines
from toolkit.errors import ExitCode
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
RUN_DATE = date(2026, 11, 22)


def run(config: Path, reporter: Lines | None = None) -> BatchRun:
    return run_batch(load_config(config), run_date=RUN_DATE, as_of=AS_OF, reporter=reporter)


def test_every_open_claim_gets_an_apology_and_every_undecided_claim_a_negotiation_letter(team_folder: Path) -> None:
    batch = run(letters_config(team_folder))
    assert batch.exit_code == ExitCode.DONE, batch.jobs
    folder = batch.run_dir / "claim_letters"
    status = pl.read_csv(team_folder / "samples" / "claims.csv", infer_schema=False)["理赔状态"]
    opened, proposed = (status == "待处理").sum(), (status == "已出方案").sum()
    assert batch.jobs["claim_letters"].counts == {
        "apology": opened,
        "negotiation": opened + proposed,
        "claims": 120,
        "refused": 0,
        "blank_rows_skipped": 0,
        "unreadable_incident_date": 0,
        "unreadable_filed_at": 0,
        "unreadable_proposal_at": 0,
        "unreadable_settled_at": 0,
    }

    index = pl.read_parquet(folder / "letters.parquet")
    assert index.height == 2 * opened + proposed
    assert set(index.filter(pl.col("kind") == "apology")["status"]) == {"open"}
    assert set(index.filter(pl.col("kind") == "negotiation")["status"]) == {"open", "proposed"}
    for kind, claim_id, file in index.select("kind", "claim_id", "file").iter_rows():
        assert file == f"letters/{kind}/{claim_id}.html"
        html = (folder / file).read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and html.count('<article class="letter">') == 1
        assert f"编号：{claim_id}" in html

    first = index.filter(pl.col("kind") == "negotiation").row(0, named=True)
    letter = (folder / first["file"]).read_text(encoding="utf-8")
    basis = "进货价" if first["freight_paid_by"] == "shipper" else "售价"
    assert f"按货物{basis}核定损失" in letter and first["customer"] in letter and "顺达物流有限公司" in letter

    for kind in ("apology", "negotiation"):
        combined = (folder / f"letters_{kind}.html").read_text(encoding="utf-8")
        claim_ids = index.filter(pl.col("kind") == kind)["claim_id"].to_list()
        assert combined.count('<article class="letter">') == len(claim_ids)
        assert all(f"编号：{c}" in combined for c in claim_ids)
        assert "page-break-after: always" in combined

    claims = pl.read_parquet(folder / "claims.parquet")
    assert claims.height == 120 and {"proposal_due", "proposal_late", "payment_due", "valuation_price"} <= set(
        claims.columns
    )
    assert claims["proposal_late"].sum() >= 2
    assert pl.read_parquet(folder / "findings.parquet").height == 0


def test_refused_claims_get_no_letter_and_are_findings(team_folder: Path) -> None:
    ledger = team_folder / "samples" / "claims.csv"
    frame = pl.read_csv(ledger, infer_schema=False)
    first_open = frame.with_row_index().filter(pl.col("理赔状态") == "待处理")["index"][0]
    broken = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == first_open)
        .then(pl.lit("被偷了"))
        .otherwise(pl.col("出险类型"))
        .alias("出险类型")
    )
    broken.write_csv(ledger, include_bom=True)
    batch = run(letters_config(team_folder))
    folder = batch.run_dir / "claim_letters"
    findings = pl.read_parquet(folder / "findings.parquet")
    assert findings.select("row", "column", "value", "rule").rows() == [
        (first_open + 2, "incident_type", "被偷了", "claim_unknown_value")
    ]
    claim_id = frame["理赔单号"][first_open]
    assert not (folder / "letters" / "apology" / f"{claim_id}.html").exists()
    assert batch.jobs["claim_letters"].counts["refused"] == 1


@pytest.mark.skipif(importlib.util.find_spec("weasyprint") is not None, reason="WeasyPrint is installed here")
def test_pdf_without_weasyprint_warns_once_and_still_writes_the_html(team_folder: Path) -> None:
    reporter = Lines()
    batch = run(letters_config(team_folder, pdf=True), reporter)
    assert batch.exit_code == ExitCode.DONE
    warnings = [line for line in reporter.lines if "WeasyPrint" in line]
    assert warnings == [
        "claim_letters: warning: PDF not written: WeasyPrint is not installed (pip install 'cs-toolkit[pdf]'); the HTML letters are written"
    ]
    folder = batch.run_dir / "claim_letters"
    assert (folder / "letters_apology.html").is_file() and not list(folder.rglob("*.pdf"))


def test_a_misspelt_template_variable_stops_the_job_before_any_letter(team_folder: Path) -> None:
    template = team_folder / "templates" / "letters" / "negotiation.html.j2"
    text = replace_once(
        template.read_text(encoding="utf-8"),
        "you claimed {{ amount_claimed|cny }}",
        "you claimed {{ amount_claim|cny }}",
    )
    template.write_text(text, encoding="utf-8")
    batch = run(letters_config(team_folder))
    assert batch.exit_code == ExitCode.BAD_INPUT
    assert "negotiation.html.j2:" in batch.jobs["claim_letters"].error
    assert "undefined variable 'amount_claim'" in batch.jobs["claim_letters"].error
    assert not (batch.run_dir / "claim_letters").exists()


def test_deadlines_in_a_year_the_holiday_calendar_does_not_cover_are_a_warning(team_folder: Path) -> None:
    ledger = team_folder / "samples" / "claims.csv"
    frame = pl.read_csv(ledger, infer_schema=False)
    late_in_year = pl.int_range(pl.len()) < 2
    frame.with_columns(
        pl.when(late_in_year).then(pl.lit("2026-12-28 10:00")).otherwise(pl.col("受理时间")).alias("受理时间")
    ).write_csv(ledger, include_bom=True)
    reporter = Lines()
    with pytest.warns(UserWarning, match="2027"):
        batch = run(letters_config(team_folder), reporter)
    assert batch.exit_code == ExitCode.DONE, batch.jobs
    assert [line for line in reporter.lines if "holiday calendar" in line] == [
        "claim_letters: warning: 2 claims' working-day deadlines fall in 2027, which the holiday calendar does not cover: only weekends "
        "and 1 January are days off there, not Spring Festival or National Day unless calendar: closures lists them (update chinesecalendar)"
    ]
    claims = pl.read_parquet(batch.run_dir / "claim_letters" / "claims.parquet").sort("filed_at").tail(2)
    # filed on Monday 28 December: 5 working days skip 1 January and the weekend after it
    assert claims.select("proposal_due", "escalation_due").unique().rows() == [(date(2027, 1, 5), date(2027, 1, 12))]
