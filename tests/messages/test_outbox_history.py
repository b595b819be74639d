"""The daily cap's outbox history (`sms_outbox_history.parquet` in the state folder): each distinct
message is counted once a day, whichever run of its job made it. A re-run of the day (the same
as-of, a later one, `--only`) charges nothing twice and holds only what the first run held; a
later run's new messages add up; two jobs are two senders; the previous version's file is read.
All on real files in a temporary state folder."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.reporting import Lines
from toolkit.errors import ExitCode, InputError
from toolkit.messages.compliance import CapReservation, Policy, reserve_daily
from toolkit.messages.outbox_history import HISTORY_DAYS, HISTORY_FILE, LEGACY, LEGACY_FILE, read_history
from toolkit.pipeline import run_batch
from toolkit.pipeline.record import BatchRun
from toolkit.registry import load_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
DAY = MORNING.date()
CAPPED = Policy(signature="顺达物流", template_id="SMS_1", daily_cap=3)
A, B = "13812345678", "13900000001"
KEY_A = f"顺达物流SMS_1{A}{DAY}"  # signature + template + number + day, as the cap counts
JOB = "daily/notice_sms"


def _lines(
    texts: list[str], phones: list[str] | None = None, *, at: datetime = MORNING, serial: int = 0
) -> pl.DataFrame:
    """A run's outbox lines to `phones` (all A by default): `[serial]text`, the serials from
    `serial` on (every run reserves new ones)."""
    n = len(texts)
    serials = [f"11{serial + i:09d}" for i in range(n)]
    return pl.DataFrame(
        {
            "_line": pl.Series(range(n), dtype=pl.UInt32),
            "_row": list(range(2, 2 + n)),
            "serial": serials,
            "phone": phones or [A] * n,
            "send_at": pl.Series([at] * n).dt.convert_time_zone("Asia/Shanghai"),
            "content": [f"[{s}]{t}" for s, t in zip(serials, texts, strict=True)],
        }
    )


def _reserve(
    state: Path, lines: pl.DataFrame, *, job: str = JOB, policy: Policy = CAPPED
) -> tuple[list[int], CapReservation]:
    reserved = reserve_daily(state, lines, policy, "zh_CN", job=job)
    return reserved.held["_line"].to_list(), reserved


FIVE = ["快件W1已签收", "快件W2已签收", "快件W3已签收", "快件W4已签收", "快件W5已签收"]


def test_the_same_run_twice_is_charged_once_and_holds_what_it_held(tmp_path: Path) -> None:
    held, first = _reserve(tmp_path, _lines(FIVE))
    assert held == [3, 4] and first.counted_before == 0  # 3 a day: W4 and W5 wait
    for again in (100, 200):  # the same rows again, with new serials
        held, rerun = _reserve(tmp_path, _lines(FIVE, serial=again))
        assert held == [3, 4]  # nothing held that the first run did not hold, nothing let through
        assert rerun.counted_before == 3
        assert read_history(tmp_path).sent(DAY) == {KEY_A: 3}


def test_a_later_run_the_same_day_adds_its_new_messages(tmp_path: Path) -> None:
    five = Policy(signature="顺达物流", template_id="SMS_1", daily_cap=5)
    assert _reserve(tmp_path, _lines(FIVE[:2]), policy=five)[0] == []
    # 30 minutes later: one message of the first run again (its ticket still open), two new ones
    later = _lines([FIVE[1], "快件W6已签收", "快件W7已签收"], at=MORNING + timedelta(minutes=30), serial=10)
    held, reserved = _reserve(tmp_path, later, policy=five)
    assert held == [] and reserved.counted_before == 1
    assert read_history(tmp_path).sent(DAY) == {KEY_A: 4}


def test_a_cap_exceeded_across_two_distinct_runs_still_holds_the_excess(tmp_path: Path) -> None:
    assert _reserve(tmp_path, _lines(FIVE[:2]))[0] == []
    texts, phones = ["快件W6已签收", "快件W7已签收", "快件W8已签收", "到达网点"], [A, A, A, B]
    assert _reserve(tmp_path, _lines(texts, phones, serial=10))[0] == [1, 2]  # A has had 2 of its 3; B its first
    assert _reserve(tmp_path, _lines(texts, phones, serial=50))[0] == [1, 2]  # that run again: the same
    assert read_history(tmp_path).sent(DAY) == {KEY_A: 3, f"顺达物流SMS_1{B}{DAY}": 1}


def test_the_same_text_twice_in_one_run_is_two_messages(tmp_path: Path) -> None:
    """The salesperson who is also the branch's dispatcher gets the dispatch SMS twice."""
    twice = ["客张三电子产品3件往杭州", "客张三电子产品3件往杭州"]
    assert _reserve(tmp_path, _lines(twice))[0] == []
    assert _reserve(tmp_path, _lines(twice, serial=10))[0] == []
    assert read_history(tmp_path).sent(DAY) == {KEY_A: 2}
    three = _lines([*twice, twice[0], twice[0]], serial=20)  # a later run with two more of them
    assert _reserve(tmp_path, three)[0] == [3]


def test_two_jobs_are_two_senders_and_two_templates_two_caps(tmp_path: Path) -> None:
    one = Policy(signature="顺达物流", template_id="SMS_1", daily_cap=1)
    assert _reserve(tmp_path, _lines(FIVE[:1]), job="daily/dispatch_sms", policy=one)[0] == []
    # the same signature, template and text from another job: a second message, past the cap of 1
    assert _reserve(tmp_path, _lines(FIVE[:1]), job="daily/follow_up_sms", policy=one)[0] == [0]
    # follow_up_sms's own template: its own cap key, nothing held
    follow_up = Policy(signature="顺达物流", template_id="follow_up.txt.j2", daily_cap=1)
    assert _reserve(tmp_path, _lines(FIVE[:1]), job="daily/follow_up_sms", policy=follow_up)[0] == []
    # a foreach job's runs (one per branch) are senders of their own too
    assert _reserve(tmp_path, _lines(FIVE[1:2], phones=[B]), job="daily/branch_sms/branch=杭州", policy=one)[0] == []
    assert _reserve(tmp_path, _lines(FIVE[1:2], phones=[B]), job="daily/branch_sms/branch=义乌", policy=one)[0] == [0]


def test_a_history_file_of_the_previous_version_is_read_and_its_counts_kept(tmp_path: Path) -> None:
    old = {str(DAY): {KEY_A: 2}, "2026-11-20": {f"顺达物流SMS_1{A}2026-11-20": 7}}
    (tmp_path / LEGACY_FILE).write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    assert read_history(tmp_path).sent(DAY) == {KEY_A: 2}
    assert _reserve(tmp_path, _lines(FIVE[:2]))[0] == [1]  # 2 counted by the old version + 1 of these
    written = pl.read_parquet(tmp_path / HISTORY_FILE)
    legacy = written.filter(pl.col("job") == LEGACY).select("day", "cap_key", "lines").sort("day")
    assert legacy.rows() == [(DAY - timedelta(days=3), f"顺达物流SMS_1{A}2026-11-20", 7), (DAY, KEY_A, 2)]
    assert set(written["job"]) == {LEGACY, JOB} and not (tmp_path / LEGACY_FILE).exists()  # the table holds them
    assert read_history(tmp_path).sent(DAY) == {KEY_A: 3}


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (LEGACY_FILE, b"{not json", "is not JSON"),
        (LEGACY_FILE, b"\xff\xfe\x00{", "is not UTF-8 text"),
        (LEGACY_FILE, b"[1, 2]", "is not {day: {key: count}}"),
        (LEGACY_FILE, b'{"2026-11-23": {"k": "2"}}', "2026-11-23.k: Input should be a valid integer"),
        (LEGACY_FILE, b'{"2026-11-23": {"k": -1}}', "greater than or equal to 0"),
        (LEGACY_FILE, b'{"someday": {}}', "someday"),
        (HISTORY_FILE, b"PAR1 not really", "is not a parquet table"),
    ],
)
def test_a_bad_history_file_is_one_input_error_line(tmp_path: Path, name: str, content: bytes, said: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as raised:
        _reserve(tmp_path, _lines(FIVE[:1]))
    line = raised.value.one_line()
    assert said in line and "delete it to start counting afresh" in line and "\n" not in line
    assert (tmp_path / name).read_bytes() == content  # left as it was, for whoever looks at it


def test_a_history_table_of_other_columns_is_one_input_error_line(tmp_path: Path) -> None:
    pl.DataFrame({"day": [DAY], "cap_key": [KEY_A], "lines": [2]}).write_parquet(tmp_path / HISTORY_FILE)
    with pytest.raises(InputError, match="is not as the toolkit writes it"):
        _reserve(tmp_path, _lines(FIVE[:1]))


def test_the_history_keeps_the_week_before_its_newest_day(tmp_path: Path) -> None:
    for days_before in (HISTORY_DAYS + 1, HISTORY_DAYS, 0):
        _reserve(tmp_path, _lines(FIVE[:1], at=MORNING - timedelta(days=days_before)))
    kept = pl.read_parquet(tmp_path / HISTORY_FILE)["day"].unique().sort().to_list()
    assert kept == [DAY - timedelta(days=HISTORY_DAYS), DAY]


def test_concurrent_runs_count_every_message_under_the_lock(tmp_path: Path) -> None:
    twelve = Policy(signature="顺达物流", template_id="SMS_1", daily_cap=12)
    held: list[int] = []

    def run(job: int) -> None:
        texts = [f"工单{job}-{i}即将超时" for i in range(5)]
        held.extend(_reserve(tmp_path, _lines(texts, serial=job * 10), job=f"tickets/job{job}", policy=twelve)[0])

    threads = [threading.Thread(target=run, args=(job,)) for job in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(held) == 20 - 12 and read_history(tmp_path).sent(DAY) == {KEY_A: 12}


# --- a real batch -------------------------------------------------------------------------------


def _notices(folder: Path, rows: list[tuple[str, str]], cap: int = 2) -> Path:
    """A batch sending a delivered notice per (phone, waybill) row, at most `cap` a number a day."""
    (folder / "templates").mkdir(exist_ok=True)
    (folder / "templates" / "delivered.txt.j2").write_text(
        "[{{ serial }}]{{ customer_name }}您好，您的快件{{ waybill }}已签收。", "utf-8"
    )
    pl.DataFrame(
        {
            "customer_name": [f"客户{i}" for i in range(len(rows))],
            "customer_phone": [phone for phone, _ in rows],
            "waybill": [waybill for _, waybill in rows],
        }
    ).write_csv(folder / "customers.csv")
    config = folder / "notices.yaml"
    config.write_text(
        f"""batch: notices
timezone: Asia/Shanghai
locale: zh_CN
output: out
state: data
jobs:
  delivered_sms:
    kind: render_messages
    input: customers.csv
    template: templates/delivered.txt.j2
    recipients:
      - {{role: 客户, name: customer_name, phone: customer_phone}}
    sms: {{type: notification, signature: 【顺达物流】, daily_cap: {cap}}}
""",
        encoding="utf-8",
    )
    return config


def _sent(config: Path, as_of: datetime, only: list[str] | None = None) -> tuple[BatchRun, dict[str, int], Lines]:
    log = Lines()
    run = run_batch(load_config(config), run_date=as_of.date(), as_of=as_of, only=only, reporter=log)
    assert run.exit_code == ExitCode.DONE, run.jobs
    counts = run.jobs["delivered_sms"].counts
    return run, {name: counts[name] for name in ("rendered", "held", "held_messages", "outbox")}, log


def test_re_running_the_day_s_batch_holds_only_what_the_first_run_held(tmp_path: Path) -> None:
    config = _notices(tmp_path, [(A, "SF1001"), (A, "SF1002"), (A, "SF1003"), (B, "SF2001")])
    first, counts, _ = _sent(config, MORNING)
    assert counts == {"rendered": 3, "held": 1, "held_messages": 1, "outbox": 3}  # A's third waits
    held = pl.read_parquet(first.run_dir / "delivered_sms" / "held.parquet")
    assert held.select("phone", "source_row", "rule").rows() == [(A, 4, "daily_cap")]
    for as_of, only in [
        (MORNING, None),  # the same --as-of again
        (MORNING + timedelta(hours=4), None),  # re-run after fixing something, as of now
        (MORNING + timedelta(hours=5), ["delivered_sms"]),  # --only the SMS job
    ]:
        run, again, log = _sent(config, as_of, only)
        assert again == counts, as_of  # not one more held: A's first two were counted once
        rerun_held = pl.read_parquet(run.run_dir / "delivered_sms" / "held.parquet")
        assert rerun_held.select("phone", "source_row", "rule").rows() == [(A, 4, "daily_cap")]
        assert (
            "delivered_sms: daily_cap: 3 messages already counted by an earlier run for the same day, not counted again"
            in log.lines
        )
    delivered = f"顺达物流delivered.txt.j2{{}}{DAY}"
    assert read_history(tmp_path / "data").sent(DAY) == {delivered.format(A): 2, delivered.format(B): 1}


def test_a_later_run_with_new_rows_adds_them_to_the_day_s_count(tmp_path: Path) -> None:
    config = _notices(tmp_path, [(A, "SF1001"), (B, "SF2001")])
    assert _sent(config, MORNING)[1]["held"] == 0
    _notices(tmp_path, [(A, "SF1001"), (B, "SF2001"), (B, "SF2002"), (B, "SF2003")])  # the afternoon's export
    run, counts, _ = _sent(config, MORNING.replace(hour=15))
    assert counts == {"rendered": 3, "held": 1, "held_messages": 1, "outbox": 3}  # B's third waits
    held = pl.read_parquet(run.run_dir / "delivered_sms" / "held.parquet")
    assert held.select("phone", "source_row").rows() == [(B, 5)]
