"""What a run shows on a terminal: one compact table, a row per job, its counts on one line in
the vocabulary's words; Chinese by default, English with `locale: en`."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from tests.support.files import replace_once, write
from tests.support.zh_scan import english_words
from toolkit.console import RunReporter, summary_table
from toolkit.display import count_label, counts_line
from toolkit.errors import ExitCode
from toolkit.i18n import EN, ZH
from toolkit.pipeline import BatchRun, JobRecord, run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def a_run(*records: JobRecord) -> BatchRun:
    return BatchRun("daily", date(2026, 11, 22), AS_OF, Path("out/2026-11-22/daily"), {r.name: r for r in records})


ORDERS = JobRecord(
    "orders",
    "validate_orders",
    status="done",
    duration_s=0.42,
    counts={"rows_in": 2000, "accepted": 1858, "rejected": 142, "accepted_with_warnings": 18, "findings": 160,
            "blank_rows_skipped": 0, "unreadable_order_time": 8},
)  # fmt: skip
LETTERS = JobRecord(
    "claim_letters", "render_letters", status="done", counts={"apology": 18, "claims": 120, "refused": 0}
)
MAIL = JobRecord("daily_mail", "email", status="failed", counts={"recipients": 1}, error="SMTP server did not answer")


def shown(run: BatchRun, locale: str) -> str:
    console = Console(file=io.StringIO(), width=100, force_terminal=False)
    console.print(summary_table(run, locale))
    return console.file.getvalue()


def test_a_jobs_counts_are_one_line_in_the_vocabularys_words() -> None:
    assert counts_line("validate_orders", ORDERS.counts, ZH) == (
        "读入行数 2,000 · 接收 1,858 · 拒收 142 · 接收但需致电 18 · 问题数 160 · 下单时间无法识别 8"
    )
    assert counts_line("validate_orders", ORDERS.counts, EN).startswith(
        "Rows read 2,000 · Accepted 1,858 · Refused 142"
    )


def test_counts_of_something_gone_wrong_are_said_only_when_there_are_some() -> None:
    assert "空行跳过" not in counts_line("validate_orders", ORDERS.counts, ZH)  # blank_rows_skipped 0
    assert counts_line("render_letters", LETTERS.counts, ZH) == "致歉信 18 · 理赔单 120"  # refused 0
    assert counts_line("render_letters", {"refused": 3}, ZH) == "未能出函 3"


def test_a_count_that_means_something_else_in_one_kind_keeps_that_kinds_word() -> None:
    assert count_label("render_letters", "refused", ZH) == "未能出函"  # claims not written, not refused orders
    assert count_label("validate_orders", "rejected", ZH) == "拒收"
    assert count_label("email", "recipients", ZH) == "收件人"


def test_the_summary_is_chinese_by_default_with_a_row_per_job_and_the_error_of_a_failed_one() -> None:
    text = shown(a_run(ORDERS, LETTERS, MAIL), ZH)
    assert "批次 daily · 2026-11-22" in text
    for words in ("作业", "类型", "状态", "用时", "计数", "核单", "信函", "邮件", "完成", "失败"):
        assert words in text
    assert "SMTP server did not answer" in text
    assert (
        english_words(
            text.replace("SMTP server did not answer", ""), ["daily", "orders", "claim_letters", "daily_mail"]
        )
        == []
    )


def test_the_summary_is_english_with_locale_en() -> None:
    text = shown(a_run(ORDERS), EN)
    assert "Batch daily" in text and "Order check" in text and "Rows read 2,000" in text


@pytest.mark.slow
def test_a_real_run_on_a_terminal_ends_with_the_chinese_summary_of_every_job(team_folder: Path) -> None:
    stream = io.StringIO()
    reporter = RunReporter(stream=stream, interactive=True)
    loaded = load_config(team_folder / "config" / "daily.yaml")
    reporter.locale = loaded.model.locale
    run = run_batch(loaded, as_of=AS_OF, reporter=reporter)
    reporter.batch_finished(run)
    assert run.exit_code == ExitCode.DONE
    summary = stream.getvalue().split("批次 daily")[-1]
    assert all(name in summary for name in loaded.model.jobs)
    assert english_words(summary, [*loaded.model.jobs, "daily", "s", "out"]) == []


@pytest.mark.slow
def test_jobs_running_at_once_share_one_status_line_on_a_terminal(team_folder: Path) -> None:
    path = team_folder / "config" / "daily.yaml"
    text = replace_once(path.read_text(encoding="utf-8"), "jobs:\n", "executor: {kind: local, workers: 2}\njobs:\n")
    write(path, text)
    stream = io.StringIO()
    reporter = RunReporter(stream=stream, interactive=True)
    run = run_batch(load_config(path), as_of=AS_OF, reporter=reporter, only=["orders", "overdue", "claim_letters"])
    reporter.batch_finished(run)
    assert run.exit_code == ExitCode.DONE
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # the terminal's colours
    assert all(f"● {name}" in shown for name in ("orders", "overdue", "claim_letters"))
