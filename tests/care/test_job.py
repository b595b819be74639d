"""The `account_care` job on the samples (config/weekly.yaml's `care`, as of 2026-11-22 09:00):
the planted cases of toolkit/samples/accounts.py found exactly, nothing else behind or ahead; the
manager reminders rendered by `care_sms`; the worklist sheet and the page in Chinese."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from tests.support.browser import PHONE, WIDTHS, Browser
from tests.support.files import REPO, copy_team, replace_once
from tests.support.sample_runs import SAMPLES_AS_OF, run_samples
from tests.support.zh_scan import english_words
from toolkit.pipeline import BatchRun, run_batch
from toolkit.registry import load_config
from toolkit.samples.accounts import generate_accounts

PLANTED = dict(pl.read_csv(REPO / "samples" / "planted_accounts.csv").iter_rows())


@pytest.fixture(scope="module")
def care_run(tmp_path_factory: pytest.TempPathFactory) -> BatchRun:
    return run_samples(tmp_path_factory.mktemp("team"), batch="weekly", only=["care", "care_sms"])


def _table(run: BatchRun, name: str) -> pl.DataFrame:
    return pl.read_parquet(run.run_dir / "care" / f"{name}.parquet")


def test_the_committed_samples_are_the_generators() -> None:
    claims = pl.read_csv(REPO / "samples" / "claims.csv", infer_schema=False)
    generated = generate_accounts(claims=claims)
    assert pl.read_csv(REPO / "samples" / "accounts.csv", infer_schema=False).equals(generated.accounts)
    assert pl.read_csv(REPO / "samples" / "contacts.csv", infer_schema=False).equals(generated.contacts)
    assert set(PLANTED) == {"behind_calls", "ahead", "gap", "apology", "gift"}


def test_exactly_the_planted_accounts_are_behind(care_run: BatchRun) -> None:
    worklist = _table(care_run, "worklist")
    found = worklist.select("account", "item", "holiday", "due_so_far", "done_count", "care_status").rows()
    assert sorted(found, key=str) == sorted(
        [
            (PLANTED["behind_calls"], "call", None, 2, 0, "behind"),  # 4 a month: 2 due by 11-16, none made
            (PLANTED["apology"], "apology", None, 1, 0, "behind"),  # 20万以上: each incident an apology
            (PLANTED["gift"], "gift", "中秋", 1, 0, "behind"),  # no gift in the 10 working days before 09-25
        ],
        key=str,
    )
    call = worklist.filter(pl.col("item") == "call").row(0, named=True)
    assert (str(call["next_due"]), call["days_left"], call["required"]) == ("2026-11-09", -9, 4)
    gift = worklist.filter(pl.col("item") == "gift").row(0, named=True)
    assert str(gift["next_due"]) == "2026-09-24"  # the last working day before 中秋
    apology = worklist.filter(pl.col("item") == "apology").row(0, named=True)
    assert apology["incident_count"] == 1


def test_exactly_the_planted_account_is_ahead_and_the_gap_account_has_no_tier(care_run: BatchRun) -> None:
    ahead = _table(care_run, "ahead")
    assert ahead.select("account", "item", "due_so_far", "done_count").rows() == [(PLANTED["ahead"], "call", 2, 3)]
    accounts = _table(care_run, "accounts")
    status = dict(accounts.select("account", "care_status").iter_rows())
    assert {a for a, s in status.items() if s == "ahead"} == {PLANTED["ahead"]}
    assert {a for a, s in status.items() if s == "behind"} == {PLANTED[c] for c in ("behind_calls", "apology", "gift")}
    untiered = _table(care_run, "untiered")
    assert untiered.select("account", "untiered").rows() == [(PLANTED["gap"], "gap")]
    assert untiered["revenue"].item() == pytest.approx(150_000)
    counts = care_run.jobs["care"].counts
    assert {k: counts[k] for k in ("accounts", "untiered", "behind", "ahead", "gifts_due", "apologies_due")} == {
        "accounts": 34,
        "untiered": 1,
        "behind": 3,
        "ahead": 1,
        "gifts_due": 1,
        "apologies_due": 1,
    }
    assert counts["unknown_contact_kinds"] == 2  # 微信, which the tier table does not count


def test_each_manager_with_something_to_do_gets_one_sms(care_run: BatchRun) -> None:
    reminders = _table(care_run, "reminders")
    managers = _table(care_run, "managers")
    accounts = _table(care_run, "accounts")
    behind = accounts.filter(pl.col("care_status") == "behind")
    assert sorted(reminders["manager"]) == sorted(behind["manager"].unique())
    assert managers["accounts"].sum() == accounts.height
    outbox = pl.read_csv(care_run.run_dir / "care_sms" / "outbox.csv", infer_schema=False)
    assert outbox.height == reminders.height
    text = " ".join(outbox["短信内容"])
    assert PLANTED["behind_calls"] in text and "电话沟通" in text and "11-09前" in text


def test_the_worklist_sheet_is_in_chinese(care_run: BatchRun) -> None:
    book = openpyxl.load_workbook(care_run.run_dir / "care" / "worklist.xlsx", read_only=True)
    assert book.sheetnames == ["待办", "超前", "全部客户", "按客户经理"]
    cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert english_words(cells) == []
    header = next(book["待办"].iter_rows(values_only=True))
    assert header[:6] == ("客户名称", "客户经理", "客户级别", "维护项目", "节日", "进度")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_a_phone_and_says_what_it_is_about(browser: Browser, care_run: BatchRun, width: int) -> None:
    view = browser.view(care_run.run_dir / "care" / "summary.html", width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == [] and view.missing_glyphs == []
    assert view.title == "大客户维护 · care"
    for part in ("批次 weekly · care", "数据截至 2026-11-22 09:00", "输入 accounts.csv、contacts.csv、claims.csv"):
        assert part in view.text
    if width == PHONE:
        assert english_words(view.text, ["weekly", "care"]) == []
        for planted in PLANTED.values():
            assert planted in view.text
        assert "介于两级之间" in view.text  # the gap account, with why it has no tier
        assert "高层访问\t—\t1次/半年\t1次/月" in view.text  # the tier table as the source has it
        pills = browser.driver.execute_script(
            "return [...document.querySelectorAll('span.pill')].map(e => e.className + ' ' + getComputedStyle(e).backgroundColor)"
        )
        assert pills == ["pill error rgb(207, 34, 46)"] * 3  # the 3 items behind, red (toolkit.pages.STATUS_CSS)


def test_the_page_in_english(tmp_path: Path, browser: Browser) -> None:
    copy_team(tmp_path)
    config = tmp_path / "config" / "weekly.yaml"
    config.write_text(replace_once(config.read_text(encoding="utf-8"), "locale: zh_CN", "locale: en"), encoding="utf-8")
    run = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=SAMPLES_AS_OF, only=["care"])
    assert run.exit_code == 0, run.jobs
    view = browser.view(run.run_dir / "care" / "summary.html", PHONE)
    assert view.fits and view.title == "Key-account care · care"
    assert "Behind and due (most urgent first)" in view.text and "Mid-autumn Festival" in view.text
    assert "Between two tiers" in view.text and "1 per half year" in view.text
