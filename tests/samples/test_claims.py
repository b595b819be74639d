"""generate_claims: a deterministic claims ledger the letters job and the claim KPIs can use, and
the committed samples/claims.csv is what `toolkit samples` writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from tests.support.files import REPO
from toolkit.calendar import WorkCalendar
from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.cli import app
from toolkit.fields import alias_table
from toolkit.io import TableSource, read_table
from toolkit.samples.claims import AS_OF, generate_claims
from toolkit.samples.write import write_samples

HEADERS = [f.label_zh for f in CLAIM_FIELDS]


def test_the_same_seed_gives_the_same_ledger_and_another_seed_another() -> None:
    assert generate_claims(120, seed=11).equals(generate_claims(120, seed=11))
    assert not generate_claims(120, seed=11).equals(generate_claims(120, seed=12))


def test_the_ledger_has_every_status_and_kpi_ingredient() -> None:
    ledger = generate_claims(120)
    assert ledger.columns == HEADERS and ledger.height == 120
    assert ledger["理赔单号"].n_unique() == 120
    assert set(ledger["理赔状态"]) == {"待处理", "已出方案", "已结案", "已拒赔"}
    assert set(ledger["出险类型"]) == {"破损", "丢失", "短少", "延误", "水湿"}
    assert set(ledger["运费支付方"]) == {"发货方", "收货方"}
    insured = (ledger["是否保价"] == "是").mean()
    assert 0.25 < insured < 0.55  # 投保率
    assert ((ledger["保价金额"] != "") == (ledger["是否保价"] == "是")).all()
    settled = ledger.filter(pl.col("理赔状态") == "已结案")
    assert (settled["实赔金额"] != "").all() and (
        ledger.filter(pl.col("理赔状态") == "已拒赔")["实赔金额"] == "0"
    ).all()
    assert 1 <= (ledger["通融赔付"] == "是").sum() <= 15  # 通融赔付次数
    assert (ledger.filter(pl.col("通融赔付") == "是")["理赔状态"] == "已结案").all()


def test_claims_are_filed_on_working_days_over_the_weeks_before_as_of() -> None:
    ledger = generate_claims(120)
    incident = ledger["出险日期"].str.to_date()
    filed = ledger["受理时间"].str.to_datetime("%Y-%m-%d %H:%M")
    assert incident.min() >= AS_OF - timedelta(weeks=7) and filed.max() < datetime.combine(AS_OF, datetime.min.time())
    assert (filed.dt.date() >= incident).all()
    calendar = WorkCalendar()
    assert all(calendar.is_workday(day) for day in filed.dt.date())
    november = incident.filter(incident >= date(2026, 11, 1))
    assert 30 < november.len() < 90  # 当月出险次数
    proposal = ledger["方案时间"].str.to_datetime("%Y-%m-%d %H:%M", strict=False)
    late = pl.select(calendar.workday_after(pl.lit(filed.dt.date()), 5) < pl.lit(proposal.dt.date())).to_series()
    assert 3 <= late.sum() <= 20  # proposals after the 5-working-day deadline


def test_read_table_maps_the_chinese_headers(tmp_path: Path) -> None:
    paths = write_samples(tmp_path, orders=20, formats=("csv",), claims=30)
    assert paths[-1].name == "claims.csv" and paths[-1].read_bytes().startswith(b"\xef\xbb\xbf")
    with read_table(TableSource(path=paths[-1]), alias_table(CLAIM_FIELDS)) as table:
        frame = table.frame.collect()
    assert frame.columns == ["_row", *(f.name for f in CLAIM_FIELDS)]
    assert frame.height == 30 and table.headers["claim_id"] == "理赔单号"


def test_the_committed_ledger_is_what_toolkit_samples_writes(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["samples", "--out", str(tmp_path), "--orders", "20", "--format", "csv"])
    assert result.exit_code == 0, result.output
    committed = REPO / "samples" / "claims.csv"
    assert (tmp_path / "claims.csv").read_bytes() == committed.read_bytes()
    assert committed.stat().st_size < 50_000
