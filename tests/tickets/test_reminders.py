"""The reminder log on the samples, as cron runs config/tickets.yaml every 30 minutes on Monday
2026-11-23, the first working morning after the samples' Sunday: each ticket is reminded once per
escalation step, not at every run, and re-running a run neither doubles nor loses a reminder.

At 08:30 the working clock stands where it stood all weekend: 3 tickets breached (a claim the
manager's, GD202611209001 and a claim the supervisor 林芳's) and GD202611209002 due soon (its
agent 李敏's): 4 reminders to 3 people. At 09:00 GD202611209002 is 10 minutes over (林芳's now)
and GD202611209003 20 minutes from its limit (its agent 张丽's): only those 2 are reminded; the
other 3 were at 08:30."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import copy_team, replace_once
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config

MONDAY = "2026-11-23"
REMINDED_AT_0830 = ["GD202611130047", "GD202611209001", "GD202611150021", "GD202611209002"]


@pytest.fixture
def team(tmp_path: Path) -> Path:
    return copy_team(tmp_path)


def _run(team: Path, at: str) -> BatchRun:
    """config/tickets.yaml as `toolkit run config/tickets.yaml --as-of '2026-11-23 <at>'` runs it."""
    return run_batch(load_config(team / "config" / "tickets.yaml"), as_of=f"{MONDAY} {at}")


def _done(team: Path, at: str) -> BatchRun:
    run = _run(team, at)
    assert run.exit_code == 0, {name: record.error for name, record in run.jobs.items()}
    return run


def _reminded(run: BatchRun) -> dict[str, int]:
    counts = run.jobs["tickets"].counts
    return {name: counts[name] for name in ("reminders_due", "reminders_already_sent", "reminders")}


def _sms(run: BatchRun) -> list[tuple[str, str]]:
    """(recipient, text after the serial) of each reminder SMS."""
    outbox = pl.read_csv(run.run_dir / "ticket_sms" / "outbox.csv", infer_schema=False)
    return [(name, text.split("]", 1)[1]) for name, text in outbox.select("收信人", "短信内容").rows()]


def _table(run: BatchRun, name: str) -> pl.DataFrame:
    return pl.read_parquet(run.run_dir / "tickets" / f"{name}.parquet")


def _log(team: Path) -> list[tuple[str, str, str]]:
    """The reminder log (data/ticket_reminders.json, the batch's state folder): (ticket, step, time)."""
    entries = json.loads((team / "data" / "ticket_reminders.json").read_text(encoding="utf-8"))["tickets/tickets"]
    return [(e["ticket_id"], e["step"], e["as_of"][11:16]) for e in entries]


def _log_at(team: Path, at: str) -> list[str]:
    """The tickets the run at `at` reminded of."""
    return [ticket for ticket, _, logged in _log(team) if logged == at]


def test_the_run_half_an_hour_later_reminds_only_the_tickets_newly_due_soon_or_breached(team: Path) -> None:
    first = _done(team, "08:30")
    assert _reminded(first) == {"reminders_due": 4, "reminders_already_sent": 0, "reminders": 3}
    assert _sms(first) == [
        ("客服经理 李娜", "您有1张工单已超时、0张即将超时，最急GD202611130047，请速处理。"),
        ("林芳", "您有2张工单已超时、0张即将超时，最急GD202611209001，请速处理。"),
        ("李敏", "您有0张工单已超时、1张即将超时，最急GD202611209002，请速处理。"),
    ]

    second = _done(team, "09:00")
    assert _reminded(second) == {"reminders_due": 2, "reminders_already_sent": 3, "reminders": 2}
    assert _sms(second) == [
        ("林芳", "您有1张工单已超时、0张即将超时，最急GD202611209002，请速处理。"),  # breached since 08:50
        ("张丽", "您有0张工单已超时、1张即将超时，最急GD202611209003，请速处理。"),  # due 09:20
    ]
    counts = second.jobs["tickets"].counts
    assert counts["reminders_due"] + counts["reminders_already_sent"] == counts["breached"] + counts["due_soon"]
    assert _table(second, "worklist").height == 19  # the worklist still lists every open ticket
    page = (second.run_dir / "tickets" / "worklist.html").read_text(encoding="utf-8")
    assert "本次提醒2张工单；另有3张已在此前的运行中提醒过，不再重复" in page


def test_a_rerun_of_the_same_as_of_reminds_of_the_same_tickets_and_nothing_new(team: Path) -> None:
    _done(team, "08:30")
    run = _done(team, "09:00")
    reminders, log = _table(run, "reminders"), _log(team)
    rerun = _done(team, "09:00")
    assert _reminded(rerun) == {"reminders_due": 2, "reminders_already_sent": 3, "reminders": 2}
    assert _table(rerun, "reminders").equals(reminders)  # not none (lost), not more
    assert _log(team) == log  # this run's entries replaced, not added twice
    assert len(log) == 6


def test_a_ticket_escalating_from_its_agent_to_the_supervisor_is_reminded_once_more(team: Path) -> None:
    sms, reminded = {}, {}
    for at in ("08:30", "09:00", "09:30", "10:00"):  # each run replaces the day's run folder: read it now
        run = _done(team, at)
        sms[at], reminded[at] = _sms(run), _reminded(run)
    assert sms["09:00"][0] == ("林芳", "您有1张工单已超时、0张即将超时，最急GD202611209002，请速处理。")
    entries = json.loads((team / "data" / "ticket_reminders.json").read_text(encoding="utf-8"))["tickets/tickets"]
    assert [(e["step"], e["as_of"], e["notify_name"]) for e in entries if e["ticket_id"] == "GD202611209002"] == [
        ("due_soon", "2026-11-23T08:30:00+08:00", "李敏"),  # 20 minutes left: its agent
        ("supervisor", "2026-11-23T09:00:00+08:00", "林芳"),  # breached at 08:50: its team's supervisor
    ]  # and not at 09:30 or 10:00, still 林芳's
    # past 240 working minutes over a ticket goes up to the manager, once: GD202611209001 at 10:00
    assert _log_at(team, "10:00") == ["GD202611209001"]
    assert reminded["10:00"] == {"reminders_due": 1, "reminders_already_sent": 4, "reminders": 1}
    assert sms["10:00"] == [("客服经理 李娜", "您有1张工单已超时、0张即将超时，最急GD202611209001，请速处理。")]


def test_a_failed_sms_job_loses_no_reminder_when_its_run_is_run_again(team: Path) -> None:
    template = team / "templates" / "sms" / "ticket_reminder.txt.j2"
    good = template.read_text(encoding="utf-8")
    template.write_text(replace_once(good, "{{ ticket_id }}", "{{ ticket_id | no_such_filter }}"), encoding="utf-8")
    failed = _run(team, "08:30")
    assert (failed.jobs["tickets"].status, failed.jobs["ticket_sms"].status) == ("done", "error")
    assert len(_log(team)) == 4  # the tickets job logged what its reminders table holds
    template.write_text(good, encoding="utf-8")
    again = _done(team, "08:30")  # the failed run, run again as it was
    assert _reminded(again) == {"reminders_due": 4, "reminders_already_sent": 0, "reminders": 3}
    assert [name for name, _ in _sms(again)] == ["客服经理 李娜", "林芳", "李敏"]
    assert sorted(t for t, _, _ in _log(team)) == sorted(REMINDED_AT_0830)  # the same 4, not 8


def test_a_closed_ticket_leaves_the_log(team: Path) -> None:
    _done(team, "08:30")
    export = team / "samples" / "service_tickets.csv"
    planted = "GD202611209002,在线客服,投诉,破损,2026-11-20 13:20:00,,,8013"
    closed = "GD202611209002,在线客服,投诉,破损,2026-11-20 13:20:00,,2026-11-23 08:45:00,8013"
    export.write_text(replace_once(export.read_text(encoding="utf-8-sig"), planted, closed), encoding="utf-8-sig")
    run = _done(team, "09:00")
    assert _table(run, "reminders")["ticket_id"].to_list() == ["GD202611209003"]  # 张丽's, due soon
    assert "GD202611209002" not in {t for t, _, _ in _log(team)}
    assert _table(run, "worklist").height == 18


def test_remind_again_minutes_reminds_a_ticket_still_breached_again(team: Path) -> None:
    config = team / "config" / "tickets.yaml"
    config.write_text(
        replace_once(config.read_text(encoding="utf-8"), "# remind_again_minutes: 120 ", "remind_again_minutes: 60"),
        encoding="utf-8",
    )
    _done(team, "08:30")
    _done(team, "09:00")
    run = _done(team, "09:30")  # 60 working minutes after 08:30
    assert set(_log_at(team, "09:30")) == {
        "GD202611130047",  # reminded at 08:30 and still breached: again
        "GD202611209001",
        "GD202611150021",
        "GD202611209003",  # breached at 09:20: its supervisor's, a new step
    }  # GD202611209002, reminded at 09:00, only 30 minutes ago: not yet
    assert _reminded(run) == {"reminders_due": 4, "reminders_already_sent": 1, "reminders": 2}


def test_the_log_keeps_to_its_own_job_and_says_when_it_cannot_be_read(team: Path) -> None:
    state = team / "data"
    state.mkdir()
    other = {"other_batch/tickets": [{"ticket_id": "X1", "step": "manager", "as_of": "2026-11-23T08:00:00+08:00"}]}
    (state / "ticket_reminders.json").write_text(json.dumps(other), encoding="utf-8")
    _done(team, "08:30")
    sections = json.loads((state / "ticket_reminders.json").read_text(encoding="utf-8"))
    assert sections["other_batch/tickets"] == other["other_batch/tickets"]  # another batch's, untouched
    assert len(sections["tickets/tickets"]) == 4

    (state / "ticket_reminders.json").write_text("{not json", encoding="utf-8")
    run = _run(team, "09:00")
    assert run.jobs["tickets"].status == "error"
    assert "ticket reminder log is not JSON" in (run.jobs["tickets"].error or "")
