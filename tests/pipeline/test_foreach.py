"""`foreach`: one run of a job per branch, each with its rows only, in its own folder; one failing
run fails alone; `--only job --partition value` re-runs one."""

from __future__ import annotations

import json
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.fanout import BRANCHES, fanout_batch
from tests.support.files import replace_once, write
from toolkit.errors import ConfigError, ExitCode
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ONE = "义乌营业所"


@pytest.fixture(scope="module")
def fanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fan-out batch run once on a copy of the team folder; its run folder."""
    from tests.support.files import copy_team

    team = copy_team(tmp_path_factory.mktemp("fanout"))
    run = run_batch(load_config(fanout_batch(team)), as_of=AS_OF)
    assert run.exit_code == ExitCode.DONE, {n: r.error for n, r in run.jobs.items() if r.error}
    return run.run_dir


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_each_value_runs_in_its_own_folder_with_its_rows_only(fanned: Path) -> None:
    job = manifest(fanned)["jobs"]["branch_orders"]
    assert list(job["partitions"]) == list(BRANCHES)  # the directory's order
    valid = pl.read_parquet(fanned / "orders" / "valid.parquet")
    for branch in BRANCHES:
        mine = pl.read_parquet(fanned / "branch_orders" / f"branch={branch}" / "valid.parquet")
        assert mine["branch"].unique().to_list() == [branch]
        assert mine["_row"].to_list() == valid.filter(pl.col("branch") == branch)["_row"].to_list()
        assert job["partitions"][branch]["partition"] == {"branch": branch}
        assert job["partitions"][branch]["status"] == "done"


def test_the_job_counts_are_its_runs_and_every_row_is_in_one_or_counted_outside(fanned: Path) -> None:
    jobs = manifest(fanned)["jobs"]
    job, accepted = jobs["branch_orders"], jobs["orders"]["counts"]["accepted"]
    runs = job["partitions"].values()
    assert job["counts"]["partitions"] == len(BRANCHES) and job["counts"]["partitions_failed"] == 0
    assert job["counts"]["rows_in"] == sum(run["counts"]["rows_in"] for run in runs)
    outside = job["counts"].get("rows_outside_partitions", 0)
    assert job["counts"]["rows_in"] + outside == accepted  # rows in = the partitions' rows + those in none
    valid = pl.read_parquet(fanned / "orders" / "valid.parquet")
    assert outside == valid.filter(~pl.col("branch").is_in(BRANCHES)).height


def test_a_run_reads_the_same_values_run_of_a_job_that_ran_per_value(fanned: Path) -> None:
    for branch in BRANCHES:
        orders = pl.read_parquet(fanned / "branch_orders" / f"branch={branch}" / "valid.parquet")
        messages = pl.read_parquet(fanned / "branch_sms" / f"branch={branch}" / "messages.parquet")
        assert messages["_row"].to_list() == orders["_row"].to_list()


def test_each_branch_manager_gets_the_branchs_own_mail(fanned: Path) -> None:
    directory = pl.read_csv(fanned.parents[2] / "config" / "branches.csv")
    for row in directory.iter_rows(named=True):
        eml = fanned / "outbox" / "branch_mail" / f"branch={row['branch']}.eml"
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message["To"] == f"{row['manager']} <{row['manager_email']}>"
        assert message["Subject"] == f"{row['branch']} 核单 2026-11-22"
        body = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert f"fanout · branch_orders · {row['branch']}" in body  # the branch's own summary page


def test_one_branch_without_a_manager_address_fails_that_run_only(team_folder: Path) -> None:
    directory = team_folder / "config" / "branches.csv"
    text = directory.read_text(encoding="utf-8")
    write(directory, replace_once(text, "branch06.manager@example.com", ""))
    run = run_batch(load_config(fanout_batch(team_folder)), as_of=AS_OF)
    mail = run.jobs["branch_mail"]
    assert run.exit_code == ExitCode.JOB_FAILED and mail.status == "failed"
    assert [v for v, r in mail.partitions.items() if r.status != "done"] == [ONE]
    assert mail.error == (
        f"1 of 9 runs did not finish: branch={ONE}: to[0]: '{{{{ manager }}}} <{{{{ manager_email }}}}>' "
        f"gave '陈静 <>' for branch={ONE}, not an email address"
    )
    assert mail.counts["partitions_failed"] == 1 and mail.counts["recipients"] == 8
    assert len(list((run.run_dir / "outbox" / "branch_mail").glob("*.eml"))) == 8


def test_partition_reruns_one_value_and_keeps_the_others(team_folder: Path) -> None:
    config = load_config(fanout_batch(team_folder))
    first = run_batch(config, as_of=AS_OF)
    folder = first.run_dir / "branch_sms"
    before = {b: (folder / f"branch={b}" / "messages.parquet").stat().st_ino for b in BRANCHES}
    again = run_batch(config, as_of=AS_OF, only=["branch_sms"], partitions=[ONE])
    assert again.exit_code == ExitCode.DONE
    after = {b: (folder / f"branch={b}" / "messages.parquet").stat().st_ino for b in BRANCHES}
    assert [b for b in BRANCHES if before[b] != after[b]] == [ONE]  # the others are the earlier files (linked)
    job = manifest(again.run_dir)["jobs"]["branch_sms"]
    assert (
        list(job["partitions"]) == list(BRANCHES)
        and job["counts"] == manifest(first.run_dir)["jobs"]["branch_sms"]["counts"]
    )
    assert manifest(again.run_dir)["jobs"]["orders"]["status"] == "kept"


def test_partition_names_a_value_of_a_foreach_job(team_folder: Path) -> None:
    config = load_config(fanout_batch(team_folder))
    with pytest.raises(ConfigError, match="--partition re-runs values of one foreach job: name it with --only"):
        run_batch(config, as_of=AS_OF, only=["orders"], partitions=[ONE])
    run_batch(config, as_of=AS_OF)
    again = run_batch(config, as_of=AS_OF, only=["branch_sms"], partitions=["西湖营业所"])
    assert again.exit_code == ExitCode.BAD_INPUT
    assert again.jobs["branch_sms"].error.startswith("--partition: no branch 西湖营业所 (values: 上海嘉定营业所, ")


def dispatch_per(team_folder: Path, foreach: str) -> Path:
    """config/daily.yaml with its dispatch SMS run per value: `foreach` is the block's YAML."""
    path = team_folder / "config" / "daily.yaml"
    anchor = "    kind: render_messages\n    input: orders.valid\n"
    text = replace_once(
        path.read_text(encoding="utf-8"), anchor, anchor.replace("\n", f"\n    foreach: {foreach}\n", 1)
    )
    return write(path, text)


def test_a_literal_list_of_values(team_folder: Path) -> None:
    path = dispatch_per(team_folder, "{by: branch, values: [义乌营业所, 广州白云营业所]}")
    run = run_batch(load_config(path), as_of=AS_OF, only=["orders", "dispatch_sms"])
    sms = run.jobs["dispatch_sms"]
    assert run.exit_code == ExitCode.DONE and list(sms.partitions) == ["义乌营业所", "广州白云营业所"]
    valid = pl.read_parquet(run.run_dir / "orders" / "valid.parquet")
    outside = valid.filter(~pl.col("branch").is_in(["义乌营业所", "广州白云营业所"])).height
    assert sms.counts["rows_outside_partitions"] == outside > 0
    assert sms.counts["rows_in"] == valid.height - outside


def test_a_table_input_without_the_column_fails_each_run_in_one_line(team_folder: Path) -> None:
    path = dispatch_per(team_folder, "{by: city, values: [上海]}")
    run = run_batch(load_config(path), as_of=AS_OF, only=["orders", "dispatch_sms"])
    run_of = run.jobs["dispatch_sms"].partitions["上海"]
    assert run.exit_code == ExitCode.BAD_INPUT and run_of.status == "error"
    assert "valid.parquet: no column 'city' to split the rows by (foreach.by); the columns: order_id, " in run_of.error


def test_foreach_takes_a_table_or_values(team_folder: Path) -> None:
    path = dispatch_per(team_folder, "{by: branch}")
    with pytest.raises(ConfigError, match="give either `table:` \\(with `by:`, its column\\) or `values:`"):
        load_config(path)
