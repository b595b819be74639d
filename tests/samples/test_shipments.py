"""The sample shipments and their tracking feeds (SF's route export, ZTO's scan export, Kuaidi100's
callbacks): deterministic, realistic, every text classified."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.support.files import REPO
from toolkit.config.inputs import InputFile
from toolkit.io import read_table
from toolkit.samples.carriers import write_kuaidi100_jsonl
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


def test_every_zto_scan_and_kuaidi100_event_is_read_by_its_preset(tmp_path: Path) -> None:
    generated = generate_shipments(300, seed=5, carriers=60)
    scans = generated.zto_scans.rename({"运单编号": "waybill", "扫描类型": "status"})
    zto = classify_events(scans.lazy(), load_preset("zto").vocabulary()).collect()
    assert zto.height > 50 and zto["stage"].null_count() == 0
    callbacks = write_kuaidi100_jsonl(generated.callbacks, tmp_path / "push.jsonl")
    with read_table(InputFile(path=callbacks), load_preset("kuaidi100").event_aliases()) as table:
        events = classify_events(table.frame, load_preset("kuaidi100").vocabulary()).collect()
    assert events.height > 50 and events["stage"].null_count() == 0
    carriers = generated.shipments.filter(pl.col("快递公司") != "顺丰速运")
    assert set(carriers["快递公司"]) == {"中通快递", "圆通速递", "极兔速递"}
    tracked = set(zto["waybill"]) | set(events["waybill"])
    assert tracked <= set(carriers["运单号"])  # every feed's waybill has its shipment row
