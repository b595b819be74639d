"""The sample shipments and SF tracking export: deterministic, realistic, every text classified."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.support.files import REPO
from toolkit.samples.shipments import (
    UNKNOWN_TEXT,
    generate_shipments,
    write_shipment_samples,
)
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import classify_events


def test_the_shipped_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    paths = write_shipment_samples(tmp_path)
    for path in paths:
        assert path.read_bytes() == (REPO / "samples" / path.name).read_bytes(), path.name


def test_tens_of_thousands_of_events_and_every_status_but_the_planted_one_is_known() -> None:
    generated = generate_shipments(2000, seed=5)
    assert generated.events.height > 10_000
    events = generated.events.rename({"路由信息": "status", "运单号码": "waybill"})
    classified = classify_events(events.lazy(), load_preset("sf").vocabulary()).collect()
    assert classified.filter(pl.col("stage").is_null())["status"].unique().to_list() == [UNKNOWN_TEXT]
    assert generated.planted["waybill"].is_in(generated.shipments["运单号"].implode()).all()
    assert generated.planted["case"].n_unique() >= 12
