"""A batch of the samples run once in a fresh team folder, for module-scoped fixtures that open
what it wrote (pages, sheets) in several tests."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.support.files import copy_team
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

SAMPLES_AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""The moment the samples were made for: their planted cases are due as of then."""

SAMPLE_FEEDS = """\
    events:
      - {path: ../samples/tracking_sf.csv, preset: sf}
      - {path: ../samples/tracking_zto.xlsx, preset: zto}
      - {path: ../samples/kuaidi100_push.jsonl, preset: kuaidi100}
"""
"""The samples' tracking feeds as config/daily.yaml reads them (SF's route export, ZTO's scan
export, Kuaidi100's callbacks): the `events:` of a test batch's flag_overdue job."""

OVERDUE_JOB = (
    "  overdue:\n    kind: flag_overdue\n    shipments: ../samples/shipments.csv\n"
    + SAMPLE_FEEDS
    + "    sla: sla.yaml\n"
)
"""The daily batch's overdue job on the samples, as a test batch's `jobs:` lists it."""


def run_samples(folder: Path, batch: str = "daily", only: list[str] | None = None) -> BatchRun:
    """`batch` (config/<batch>.yaml) of a copy of the team folder in `folder`, as of the samples'
    day; a run that does not finish fails the fixture with each job's error."""
    copy_team(folder)
    run = run_batch(
        load_config(folder / "config" / f"{batch}.yaml"), run_date=date(2026, 11, 22), as_of=SAMPLES_AS_OF, only=only
    )
    assert run.exit_code == 0, {name: record.error for name, record in run.jobs.items()}
    return run
