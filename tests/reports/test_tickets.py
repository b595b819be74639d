"""The sample service tickets: realistic shares and times, the same file every time, and read
back through the ticket reader with their Chinese headers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.reports import kpi
from toolkit.samples import write_samples
from toolkit.samples.tickets import generate_tickets
from toolkit.servicedesk import read_tickets


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    folder = tmp_path_factory.mktemp("samples")
    paths = write_samples(folder, orders=50, formats=("csv",), ticket_days=42)
    assert folder / "service_tickets.csv" in paths
    return read_tickets(folder / "service_tickets.csv")


def test_the_shipped_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    shipped = pl.read_csv(REPO / "samples" / "service_tickets.csv", infer_schema=False)
    assert shipped.equals(generate_tickets(days=42))
    assert shipped.columns[:5] == ["工单号", "渠道", "工单类型", "问题分类", "创建时间"]


def test_six_weeks_of_tickets_before_the_sample_day(tickets: pl.DataFrame) -> None:
    days = tickets["created_at"].dt.date()
    assert days.min() == date(2026, 10, 11) and days.max() == date(2026, 11, 21)
    assert tickets["ticket_id"].is_unique().all()
    per_day = tickets.group_by(day=days, weekend=tickets["created_at"].dt.weekday() >= 6).len()
    weekday, weekend = (per_day.filter(pl.col("weekend") == flag)["len"].mean() for flag in (False, True))
    assert 80 < weekday < 110 and weekend < 0.5 * weekday


def test_types_channels_and_ratings_have_realistic_shares(tickets: pl.DataFrame) -> None:
    types = dict(kpi.by_type(tickets).select("ticket_type", "share").iter_rows())
    assert set(types) == {"query", "inquiry", "urge", "change", "complaint", "claim", "order"}
    assert 0.35 < types["query"] < 0.45 and 0.09 < types["complaint"] < 0.15
    channels = dict(kpi.by_channel(tickets).select("channel", "first_response_min").iter_rows())
    assert channels["电话"] < 2 < channels["在线客服"] < channels["微信"] < 60 < channels["邮件"]
    rated = tickets["satisfaction"].drop_nulls()
    assert rated.is_between(1, 5).all() and 0.35 < rated.len() / tickets.height < 0.5


def test_the_standards_are_missed_now_and_then(tickets: pl.DataFrame) -> None:
    as_of = tickets["created_at"].max()
    rates = dict(kpi.service_standards(tickets, as_of).select("standard", "rate").iter_rows())
    assert 0.6 < rates["complaint_4h"] < 0.8 and 0.7 < rates["query_1h"] < 0.9
    assert 0.7 < rates["satisfaction"] < 0.95
    closed = tickets.drop_nulls("closed_at")
    assert (closed["closed_at"] >= closed["created_at"]).all()
    assert (closed["first_response_at"] <= closed["closed_at"]).all()
