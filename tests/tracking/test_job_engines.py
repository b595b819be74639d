"""The flag_overdue job run on the samples with `engine: streaming` and `engine: in-memory` (and
the worklist written in slices, as a big run writes it): every output the same."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

import toolkit.tracking.job as overdue_job
from tests.support.sample_runs import SAMPLE_FEEDS
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
BATCH = """\
batch: tracking
timezone: Asia/Shanghai
locale: zh_CN
output: ../out-{name}
state: ../data-{name}
jobs:
  overdue:
    kind: flag_overdue
    shipments: ../samples/shipments.csv
{events}    sla: sla.yaml
    engine: {engine}
"""
_MADE_AT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?")


def _run(team_folder: Path, name: str, engine: str, events: str = SAMPLE_FEEDS) -> Path:
    """The job's folder of a run, and beside it (`data-<name>`) the follow-up log."""
    config = team_folder / "config" / f"{name}.yaml"
    config.write_text(BATCH.format(name=name, engine=engine, events=events), encoding="utf-8")
    run = run_batch(load_config(config), run_date=AS_OF.date(), as_of=AS_OF)
    assert run.exit_code == 0, [r.error for r in run.jobs.values()]
    return team_folder / f"out-{name}" / "2026-11-22" / "tracking"


def _differences(a: Path, b: Path) -> list[str]:
    """Every file of two run folders compared: parquet frames (schema and rows), xlsx sheets and
    styles (all but docProps, which holds the time it was written), csv and the other files byte
    for byte, the summary page with its times taken out, and the manifest's counts and outputs."""
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert not [n for n in names if "/.work" in n or n.startswith(".work")]  # work files removed
    differ = []
    for name in names:
        x, y = a / name, b / name
        if name.endswith(".parquet"):
            left, right = pl.read_parquet(x), pl.read_parquet(y)
            same = left.schema == right.schema and left.equals(right)
        elif name.endswith(".xlsx"):
            with zipfile.ZipFile(x) as zx, zipfile.ZipFile(y) as zy:
                parts = [n for n in zx.namelist() if not n.startswith("docProps/")]
                same = parts == [n for n in zy.namelist() if not n.startswith("docProps/")] and all(
                    zx.read(n) == zy.read(n) for n in parts
                )
        elif name.endswith(".html"):
            same = _MADE_AT.sub("", x.read_text(encoding="utf-8")) == _MADE_AT.sub("", y.read_text(encoding="utf-8"))
        elif name.endswith("manifest.json"):
            jx, jy = (json.loads(p.read_text(encoding="utf-8"))["jobs"]["overdue"] for p in (x, y))
            same = jx["counts"] == jy["counts"] and [(Path(o["path"]).name, o["rows"]) for o in jx["outputs"]] == [
                (Path(o["path"]).name, o["rows"]) for o in jy["outputs"]
            ]
        else:
            same = x.read_bytes() == y.read_bytes()
        if not same:
            differ.append(name)
    return differ


def test_streaming_and_in_memory_give_the_same_outputs(team_folder: Path) -> None:
    streaming = _run(team_folder, "streaming", "streaming")
    in_memory = _run(team_folder, "memory", "in-memory")
    assert (streaming / "overdue" / "worklist.parquet").is_file()
    assert _differences(streaming, in_memory) == []
    logs = [pl.read_parquet(team_folder / f"data-{n}" / "follow_up_log.parquet") for n in ("streaming", "memory")]
    assert logs[0].height > 0 and logs[0].equals(logs[1])
    counts = json.loads((streaming / "manifest.json").read_text(encoding="utf-8"))["jobs"]["overdue"]["counts"]
    assert counts["flagged"] == pl.read_parquet(streaming / "overdue" / "worklist.parquet").height
    assert counts["unknown_statuses"] == 1  # the planted 【系统】路由节点9527同步


def test_without_events_both_engines_agree(team_folder: Path) -> None:
    streaming = _run(team_folder, "streaming", "streaming", events="")
    in_memory = _run(team_folder, "memory", "in-memory", events="")
    assert _differences(streaming, in_memory) == []


@pytest.mark.parametrize("engine", ["streaming", "in-memory"])
def test_a_worklist_written_in_slices_is_the_one_sorted_whole(
    team_folder: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    """A big run sorts the worklist's keys and writes it slice by slice; the samples in slices of
    5 rows (the constant set low, the files real) give the same outputs as one sort."""
    whole = _run(team_folder, "whole", engine)
    monkeypatch.setattr(overdue_job, "WORKLIST_CHUNK", 5)
    sliced = _run(team_folder, "sliced", engine)
    assert pl.read_parquet(sliced / "overdue" / "worklist.parquet").height > 5 * 2
    assert _differences(whole, sliced) == []
