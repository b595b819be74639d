"""A `foreach` job over file inputs (a GBK .csv, an .xlsx sheet): the file is parsed once for all
the job's runs, not once per run (toolkit.io.raw_cache), in this process and in worker
processes, and every run reports what it reported when each run parsed the file itself: the
same tables, counts, log lines and input records, and for a bad file the same one line."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

import toolkit.io.read
from tests.support.fanout import BRANCHES
from tests.support.files import copy_team, write
from tests.support.reporting import Lines
from toolkit.errors import ExitCode
from toolkit.io import TableSource
from toolkit.io.raw_cache import READ_CACHE
from toolkit.pipeline import BatchRun, run_batch
from toolkit.pipeline.units import WorkUnit
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FILES = {"gbk_orders": "orders_gbk.csv", "xlsx_orders": "orders.xlsx", "two_branches": "orders_gbk.csv"}
TWO = ("义乌营业所", "广州白云营业所")
RUNS = 2 * len(BRANCHES) + len(TWO)
pytestmark = pytest.mark.slow


def files_batch(team: Path, executor: str = "", gbk: str = "orders_gbk.csv") -> Path:
    """`config/files.yaml`: the day's orders checked per branch of config/branches.csv, once from
    the GBK csv export and once from the workbook's 订单 sheet; and the GBK export's orders of
    two branches (the others' rows in no run)."""
    return write(
        team / "config" / "files.yaml",
        f"""\
batch: files
output: ../out
state: ../data
{executor}
jobs:
  gbk_orders:
    kind: validate_orders
    foreach: {{table: branches.csv, by: branch}}
    input: ../samples/{gbk}
    rules: rules/orders.yaml
  xlsx_orders:
    kind: validate_orders
    foreach: {{table: branches.csv, by: branch}}
    input: {{path: ../samples/orders.xlsx, sheet: 订单}}
    rules: rules/orders.yaml
  two_branches:
    kind: validate_orders
    foreach: {{by: branch, values: [{", ".join(TWO)}]}}
    input: ../samples/{gbk}
    rules: rules/orders.yaml
""",
    )


class Watching(Lines):
    """Lines, and each time a run finishes, the kept reads in the run's staging folder (name →
    inode: a read written again would be a new file)."""

    def __init__(self, output: Path) -> None:
        super().__init__()
        self.output = output
        self.kept: list[dict[str, int]] = []

    def log(self, message: str) -> None:
        super().log(message)
        if message.endswith(": done"):  # a run finished (the scheduler's line)
            found = self.output.glob(f"*/.files.staging-*/{READ_CACHE}/*.parquet")
            self.kept.append({path.name: path.stat().st_ino for path in found})


def run_files(team: Path, executor: str = "", reporter: Lines | None = None, gbk: str = "orders_gbk.csv") -> BatchRun:
    return run_batch(load_config(files_batch(team, executor, gbk)), as_of=AS_OF, reporter=reporter)


def reported(run: BatchRun, lines: Lines, team: Path) -> dict[str, Any]:
    """What a run reports, its team folder's path left out: every parquet table and file it
    wrote, each job's and each run's status, error, counts and input records, its log lines."""
    jobs = {
        name: {
            "job": [record.status, record.error, record.counts],
            "runs": {v: [p.status, p.error, p.counts, p.inputs] for v, p in record.partitions.items()},
        }
        for name, record in run.jobs.items()
    }
    tables = {
        str(path.relative_to(run.run_dir)): pl.read_parquet(path).to_dict(as_series=False)
        for path in sorted(run.run_dir.rglob("*.parquet"))
    }
    files = sorted(str(path.relative_to(run.run_dir)) for path in run.run_dir.rglob("*") if path.is_file())
    found = {"jobs": jobs, "tables": tables, "files": files, "log": sorted(lines.lines)}
    return json.loads(json.dumps(found, ensure_ascii=False, default=str).replace(str(team), "<team>"))


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The batch with each run parsing its file itself, as before the kept reads."""
    team, lines = copy_team(tmp_path_factory.mktemp("before")), Lines()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WorkUnit, "read_cache", property(lambda unit: None))
        run = run_files(team, reporter=lines)
    assert run.exit_code == ExitCode.DONE, {n: r.error for n, r in run.jobs.items() if r.error}
    return reported(run, lines, team)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files read_table parses in this process, one entry a parse."""
    files: list[str] = []
    parse = toolkit.io.read._read_raw

    def counted(path: Path, named: str, source: TableSource) -> Any:
        files.append(path.name)
        return parse(path, named, source)

    monkeypatch.setattr(toolkit.io.read, "_read_raw", counted)
    return files


def test_in_this_process_each_file_is_parsed_once_with_the_same_results(
    before: dict[str, Any], tmp_path: Path, parsed: list[str]
) -> None:
    lines = Watching(tmp_path / "out")
    run = run_files(copy_team(tmp_path), reporter=lines)
    assert run.exit_code == ExitCode.DONE and reported(run, lines, tmp_path) == before
    # each export once for its 20 runs in 3 jobs; the foreach table once per job that reads it
    assert sorted(parsed) == ["branches.csv", "branches.csv", "orders.xlsx", "orders_gbk.csv"]
    assert len(lines.kept) == RUNS and len(lines.kept[-1]) == 2  # kept during the run
    assert run.jobs["two_branches"].counts["rows_outside_partitions"] > 0  # counted from the kept read too
    assert not any(READ_CACHE in str(path) for path in (tmp_path / "out").rglob("*"))  # gone with the run


@pytest.mark.parametrize(
    "executor", ["{kind: local, workers: 2}", "{kind: dask, workers: 2}"], ids=["local processes", "dask cluster"]
)
def test_in_two_worker_processes_each_file_is_kept_once_and_read_by_every_run(
    before: dict[str, Any], tmp_path: Path, executor: str
) -> None:
    if "dask" in executor:
        pytest.importorskip("distributed")
    lines = Watching(tmp_path / "out")
    run = run_files(copy_team(tmp_path), f"executor: {executor}", lines)
    assert run.exit_code == ExitCode.DONE and reported(run, lines, tmp_path) == before
    assert len(lines.kept) == RUNS and len(lines.kept[-1]) == 2  # one read kept per file for the 20 runs
    for kept in lines.kept:  # from the moment a read is kept, every run reads that same file
        assert kept.items() <= lines.kept[-1].items()
    assert not any(READ_CACHE in str(path) for path in (tmp_path / "out").rglob("*"))  # gone with the run
    for job, name in FILES.items():
        sha256 = hashlib.sha256((tmp_path / "samples" / name).read_bytes()).hexdigest()
        records = [part.inputs[0] for part in run.jobs[job].partitions.values()]
        assert {(Path(r["path"]).name, r["sha256"]) for r in records} == {(name, sha256)}


def test_a_bad_file_fails_every_run_with_its_one_line_and_is_parsed_once(tmp_path: Path, parsed: list[str]) -> None:
    team = copy_team(tmp_path)
    text = (team / "samples" / "orders_gbk.csv").read_bytes().decode("gbk").splitlines()
    text[5] += ",多一列"  # a row wider than the header
    (team / "samples" / "bad_gbk.csv").write_bytes(("\n".join(text) + "\n").encode("gbk"))
    lines = Lines()
    run = run_files(team, reporter=lines, gbk="bad_gbk.csv")
    runs = [*run.jobs["gbk_orders"].partitions.values(), *run.jobs["two_branches"].partitions.values()]
    line = f"{team / 'samples' / 'bad_gbk.csv'}: row 6: 22 fields, but the header has 21; check for an unquoted ',' in a value"
    assert run.exit_code == ExitCode.BAD_INPUT and {(r.status, r.error) for r in runs} == {("error", line)}
    assert len(runs) == len(BRANCHES) + len(TWO) and parsed.count("bad_gbk.csv") == 1
    assert not any("Traceback" in log for log in lines.lines) and run.jobs["xlsx_orders"].status == "done"


def test_a_file_changed_during_the_run_is_read_as_it_is_now_by_the_later_runs(
    before: dict[str, Any], tmp_path: Path
) -> None:
    team = copy_team(tmp_path)
    export = team / "samples" / "orders_gbk.csv"
    first, old = f"gbk_orders/branch={BRANCHES[0]}: done", export.read_bytes()

    class Changing(Lines):
        def log(self, message: str) -> None:
            super().log(message)
            if message == first:  # a new export lands after the first run: one order less
                lines = old.decode("gbk").splitlines()
                export.write_bytes(("\n".join(lines[:-1]) + "\n").encode("gbk"))

    run = run_files(team, reporter=Changing())
    records = [part.inputs[0] for part in run.jobs["gbk_orders"].partitions.values()]
    new = hashlib.sha256(export.read_bytes()).hexdigest()
    assert [r["sha256"] for r in records] == [hashlib.sha256(old).hexdigest()] + [new] * (len(BRANCHES) - 1)
    last_branch = pl.read_csv(io.BytesIO(old), encoding="gbk", infer_schema=False)["营业所"][-1]
    rows = {value: part.counts["rows_in"] for value, part in run.jobs["gbk_orders"].partitions.items()}
    with_all = {value: counts["rows_in"] for value, (_, _, counts, _) in before["jobs"]["gbk_orders"]["runs"].items()}
    assert rows == {v: n - (v == last_branch and v != BRANCHES[0]) for v, n in with_all.items()}
