"""preview.html, the day's SMS as a phone's messages app shows them: the dispatch SMS job run on
the samples, the page opened in headless Chromium at a phone's width and a desktop's; the bill,
the split warning, masking by recipient role, search, filters and paging."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest
from pydantic import ValidationError
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.support.browser import DESKTOP, PHONE, WIDTHS, Browser
from tests.support.files import copy_team, write
from tests.support.reporting import Lines
from tests.support.zh_scan import english_words
from toolkit.errors import ExitCode
from toolkit.i18n import EN
from toolkit.messages.job import RecipientConfig, SmsConfig
from toolkit.messages.outbox import ALWAYS_SPLIT, bill_of, preview_html, split_warning
from toolkit.messages.render import Recipient, RenderResult, SmsRules, render_messages
from toolkit.pipeline import run_batch
from toolkit.registry import load_config
from toolkit.templating.environment import MessageTemplate

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PRICE = Decimal("0.045")  # config/daily.yaml's sms.price_per_part


@dataclass(frozen=True)
class DispatchRun:
    folder: Path  # out/<date>/daily/dispatch_sms
    outbox: pl.DataFrame
    valid: pl.DataFrame
    log: list[str]

    @property
    def page(self) -> Path:
        return self.folder / "preview.html"


@pytest.fixture(scope="module")
def dispatch(tmp_path_factory: pytest.TempPathFactory) -> DispatchRun:
    """The samples' orders and dispatch SMS jobs, run once for this module."""
    root = tmp_path_factory.mktemp("team")
    copy_team(root)
    lines = Lines()
    run = run_batch(
        load_config(root / "config" / "daily.yaml"),
        run_date=date(2026, 11, 22),
        as_of=AS_OF,
        only=["orders", "dispatch_sms"],
        reporter=lines,
    )
    assert run.exit_code == ExitCode.DONE, run.jobs
    folder = run.run_dir / "dispatch_sms"
    return DispatchRun(
        folder,
        pl.read_parquet(folder / "outbox.parquet"),
        pl.read_parquet(run.run_dir / "orders" / "valid.parquet"),
        lines.lines,
    )


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", text))


def _threads(browser: Browser) -> list[str]:
    """The visible conversations in the list, by their title."""
    items = browser.driver.find_elements(By.CSS_SELECTOR, "#sms-threads button.thread")
    return [i.find_element(By.CSS_SELECTOR, ".top b").text for i in items if i.is_displayed()]


def _status(browser: Browser) -> tuple[int, int]:
    status = browser.driver.find_element(By.ID, "sms-status")
    return int(status.get_attribute("data-threads")), int(status.get_attribute("data-messages"))


def _click(browser: Browser, element_id: str) -> None:
    browser.driver.find_element(By.ID, element_id).click()


# --- the bill and the split warning, without a browser ------------------------------------


@pytest.mark.parametrize(
    ("parts", "warned"),
    [
        ([2] * 10, True),
        ([2] * 9 + [1], True),  # 90 %: the threshold
        ([2] * 8 + [1] * 2, False),
        ([3] * 9 + [2], True),
        ([1] * 10, False),
        ([], False),
    ],
)
def test_a_template_always_splits_from_90_percent_of_its_messages(parts: list[int], warned: bool) -> None:
    outbox = pl.DataFrame({"parts": parts}, schema={"parts": pl.Int64})
    assert ALWAYS_SPLIT == 0.9
    assert (split_warning(outbox, "dispatch_sms", "zh_CN") is not None) is warned


def test_the_split_warning_says_the_share_the_parts_and_never_100_percent_of_a_day_with_one_single() -> None:
    day = pl.DataFrame({"parts": [2] * 3712 + [1] * 4})
    assert split_warning(day, "dispatch_sms", "zh_CN") == (
        "dispatch_sms：99.9% 的短信为 2 条计费；3,716 条短信共 7,428 条计费（每条不超过 70 字、含签名，即按 1 条计费）"
    )
    assert split_warning(pl.DataFrame({"parts": [2] * 3716}), "dispatch_sms", EN) == (
        "dispatch_sms: 100% of messages are 2 parts; 7,432 parts for 3,716 messages "
        "(a message of at most 70 characters, signature included, is billed as 1 part)"
    )
    assert "2–3 parts" in (split_warning(pl.DataFrame({"parts": [2, 3, 3]}), "x", EN) or "")


def test_the_bill_is_the_parts_times_the_price_to_the_fen() -> None:
    outbox = pl.DataFrame({"parts": [2] * 3712 + [1] * 4})
    bill = bill_of(outbox, 0.045)
    assert (bill.messages, bill.parts, bill.cost) == (3716, 7428, Decimal("334.26"))
    assert bill.by_parts == ((1, 4), (2, 3712))
    assert bill_of(outbox).cost is None and bill_of(outbox.clear(), PRICE).cost == Decimal("0.00")


def test_price_and_mask_are_stated_in_config() -> None:
    assert RecipientConfig(role="客户", phone="customer_phone").mask is True  # third parties: masked
    assert SmsConfig().price_per_part is None  # no price, no cost on the page
    assert SmsConfig(price_per_part=0.045).price_per_part == PRICE
    with pytest.raises(ValidationError, match="yuan per billed part"):
        SmsConfig(price_per_part=4.5)  # 4.5 分 typed as 元


# --- masking by recipient role ---------------------------------------------------------------


def test_the_teams_own_staff_read_the_shippers_number_and_the_outbox_keeps_every_number_whole(
    dispatch: DispatchRun,
) -> None:
    """config/daily.yaml: `mask: false` for 业务员 and 调度, who must call the shipper."""
    first = dispatch.outbox.row(0, named=True)
    order = dispatch.valid.filter(pl.col("_row") == first["source_row"]).row(0, named=True)
    assert order["shipper_phone"] in first["content"] and "****" not in first["content"]
    assert dispatch.outbox["content"].str.contains(r"\*\*\*\*", literal=False).sum() == 0
    assert dispatch.outbox["phone"].str.contains(r"^1\d{10}$").all()  # the recipients' own numbers: whole
    sheet = openpyxl.load_workbook(dispatch.folder / "tencent_bulk.xlsx").active
    shipper = [cell.value for cell in sheet[2]][2]  # {2}: shipper name and phone, as the text shows it
    assert "****" not in shipper and shipper in first["content"]


def test_a_third_party_gets_the_numbers_masked_and_staff_whole_from_one_template(tmp_path: Path) -> None:
    template = MessageTemplate.load(
        write(tmp_path / "t.txt.j2", "[{{ serial }}]客{{ shipper_name }}{{ shipper_phone|mask_phone }}")
    )
    rows = pl.DataFrame(
        {
            "_row": [2, 3],
            "shipper_name": ["王先生", "李女士"],
            "shipper_phone": ["13812343212", "057187654321"],
            "customer_phone": ["13900000001", "13900000002"],
            "dispatcher_phone": ["13801710001", "13801710002"],
        }
    )
    result = render_messages(
        rows,
        template,
        serials=["001", "002"],
        recipients=[Recipient("客户", "customer_phone"), Recipient("调度", "dispatcher_phone", mask=False)],
        sms=SmsRules(max_parts=1),
    )
    texts = {(r["role"], r["source_row"]): r["content"] for r in result.outbox.iter_rows(named=True)}
    assert texts == {
        ("客户", 2): "[001]客王先生138****3212",
        ("调度", 2): "[001]客王先生13812343212",
        ("客户", 3): "[002]客李女士0571-****4321",
        ("调度", 3): "[002]客李女士057187654321",
    }
    assert result.messages["content"].to_list() == ["[001]客王先生138****3212", "[002]客李女士0571-****4321"]
    assert result.unmasked_roles == frozenset({"调度"})
    page = preview_html(result, title="mixed")
    data = json.loads(re.search(r'id="sms-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert data["threads"]["phone"] == ["139****0001", "139****0002", "13801710001", "13801710002"]
    assert "13900000001" not in page  # a customer's own number is not on the page


# --- the page in a browser -----------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_the_page_fits_a_phone_and_a_desktop_in_chinese_with_the_days_bill(
    dispatch: DispatchRun, browser: Browser, width: int
) -> None:
    view = browser.view(dispatch.page, width)
    assert view.fits, f"{view.scroll_width} px wide at {width}"
    assert view.console_errors == [] and view.missing_glyphs == []
    assert view.title == "短信预览 · dispatch_sms"
    driver = browser.driver
    messages, parts = dispatch.outbox.height, int(dispatch.outbox["parts"].sum())
    assert _number(driver.find_element(By.ID, "bill-messages").text) == messages
    assert _number(driver.find_element(By.ID, "bill-parts").text) == parts
    assert _number(driver.find_element(By.ID, "bill-cost").text) == (parts * PRICE).quantize(Decimal("0.01"))
    assert "单价 0.045 元/条" in driver.find_element(By.ID, "bill-price").text
    assert f"{messages:,}" in view.text and f"{parts:,}" in view.text  # thousands separators
    warning = driver.find_element(By.ID, "split-warning").text
    assert warning.startswith("dispatch_sms：") and f"{messages:,} 条短信共 {parts:,} 条计费" in warning
    assert "批次 daily · dispatch_sms" in view.text and "数据截至 2026-11-22 09:00" in view.text
    # the names the team gave: the batch, the job, a platform variable (`agent`, in a finding's message)
    assert english_words(view.text, allowed=["dispatch_sms", "daily", "agent"]) == []
    assert _status(browser) == (18, messages)  # 9 branches × (salesperson, dispatcher)


def test_the_job_logs_the_split_warning(dispatch: DispatchRun) -> None:
    parts = int(dispatch.outbox["parts"].sum())
    warning = [line for line in dispatch.log if line.startswith("dispatch_sms: warning:")]
    assert warning == [
        f"dispatch_sms: warning: dispatch_sms: 99.9% of messages are 2 parts; {parts:,} parts for "
        f"{dispatch.outbox.height:,} messages (a message of at most 70 characters, signature included, is billed as 1 part)"
    ]


def test_search_finds_a_serial_and_a_recipient_and_the_filters_narrow_the_list(
    dispatch: DispatchRun, browser: Browser
) -> None:
    browser.view(dispatch.page, DESKTOP)
    driver = browser.driver
    first = dispatch.outbox.row(0, named=True)
    search = driver.find_element(By.ID, "sms-search")
    search.send_keys(first["serial"])
    assert len(_threads(browser)) == 2 and _status(browser) == (2, 2)  # its salesperson and its dispatcher
    bubbles = driver.find_elements(By.CSS_SELECTOR, "#conv-body .bubble")
    assert [b.get_attribute("data-serial") for b in bubbles] == [first["serial"]]
    assert bubbles[0].text == "【顺达物流】" + first["content"]
    assert driver.find_element(By.CSS_SELECTOR, "#conv-body mark").text == first["serial"]

    search.clear()
    search.send_keys(first["recipient"])  # 业务员 赵敏: her own conversation
    expected = dispatch.outbox.filter(pl.col("recipient") == first["recipient"]).height
    assert _threads(browser) == [first["recipient"]] and _status(browser) == (1, expected)

    browser.view(dispatch.page, DESKTOP)
    Select(driver.find_element(By.ID, "sms-role")).select_by_visible_text("调度")
    assert _threads(browser) == ["调度"] * 9
    assert _status(browser)[1] == dispatch.outbox.filter(pl.col("role") == "调度").height
    header = driver.find_element(By.ID, "conv-sub").text
    assert "调度" not in header and re.search(r"1380\d{7}", header)  # the role once, in the title
    Select(driver.find_element(By.ID, "sms-branch")).select_by_visible_text("上海嘉定营业所")
    assert _threads(browser) == ["调度"] and "上海嘉定营业所" in header + driver.find_element(By.ID, "conv-sub").text
    Select(driver.find_element(By.ID, "sms-role")).select_by_index(0)
    Select(driver.find_element(By.ID, "sms-branch")).select_by_index(0)
    Select(driver.find_element(By.ID, "sms-parts")).select_by_visible_text("1 条计费")
    single = dispatch.outbox.filter(pl.col("parts") == 1)
    assert _status(browser) == (single.select("role", "phone").n_unique(), single.height)
    badges = driver.find_elements(By.CSS_SELECTOR, "#conv-body .badge")
    assert badges and {b.text for b in badges} == {"1 条"}


def test_every_message_is_reachable_by_paging(dispatch: DispatchRun, browser: Browser) -> None:
    browser.view(dispatch.page, DESKTOP)
    driver = browser.driver
    seen: list[tuple[str, str]] = []
    while True:
        for index in range(len(driver.find_elements(By.CSS_SELECTOR, "#sms-threads button.thread"))):
            driver.find_elements(By.CSS_SELECTOR, "#sms-threads button.thread")[index].click()
            title = driver.find_element(By.ID, "conv-sub").text
            while True:
                seen += [
                    (title, b.get_attribute("data-serial"))
                    for b in driver.find_elements(By.CSS_SELECTOR, "#conv-body .bubble")
                ]
                following = driver.find_element(By.ID, "conv-next")
                if not following.is_displayed() or not following.is_enabled():
                    break
                following.click()
        following = driver.find_element(By.ID, "threads-next")
        if not following.is_enabled():
            break
        following.click()
    assert len(seen) == len(set(seen)) == dispatch.outbox.height
    assert sorted(s for _, s in seen) == sorted(dispatch.outbox["serial"])


def test_on_a_phone_the_list_opens_a_conversation_and_goes_back(dispatch: DispatchRun, browser: Browser) -> None:
    view = browser.view(dispatch.page, PHONE)
    driver = browser.driver
    assert not driver.find_element(By.ID, "sms-conversation").is_displayed()
    driver.find_elements(By.CSS_SELECTOR, "#sms-threads button.thread")[0].click()
    assert driver.find_element(By.ID, "sms-conversation").is_displayed()
    assert not driver.find_element(By.ID, "sms-threads").is_displayed()
    assert len(driver.find_elements(By.CSS_SELECTOR, "#conv-body .bubble")) == 50
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE
    driver.save_screenshot("/tmp/sms_390_thread.png")
    _click(browser, "sms-back")
    assert driver.find_element(By.ID, "sms-threads").is_displayed()
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot("/tmp/sms_390.png")
    assert view.fits


# --- a day too large for one page ----------------------------------------------------------


def _big_day(lines: int, recipients: int) -> RenderResult:
    index = pl.int_range(lines, eager=True)
    outbox = pl.DataFrame(
        {
            "role": "调度",
            "recipient": "调度",
            "phone": (13800000000 + index % recipients).cast(pl.String),
            "content": "[" + index.cast(pl.String) + "]客王先生13812343212配件5件20公斤0.2方往杭州马先生现付。" * 2,
            "chars": 120,
            "encoding": "cn",
            "parts": 2,
            "serial": index.cast(pl.String),
            "source_row": index + 2,
            "shortened": pl.Series([None] * lines, dtype=pl.String),
        }
    )
    empty = pl.DataFrame(schema={"row": pl.Int64, "record_id": pl.String, "column": pl.String, "rule": pl.String,
                                 "message": pl.String, "value": pl.String})  # fmt: skip
    return RenderResult(messages=outbox, outbox=outbox, findings=empty, unmasked_roles=frozenset({"调度"}))


def test_a_large_day_is_capped_with_every_conversation_on_the_page_and_says_so() -> None:
    result = _big_day(200_000, 1_000)  # a day of 100,000 orders to two staff each, say
    page = preview_html(result, title="dispatch_sms", price_per_part=PRICE)
    data = json.loads(re.search(r'id="sms-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert len(data["messages"]["thread"]) == 20_000 and len(set(data["messages"]["thread"])) == 1_000
    assert "本页收录 20,000 条短信（共 200,000 条；每个会话前 20 条）" in page
    assert len(page.encode()) < 8_000_000
    assert 'id="bill-messages">200,000<' in page and 'id="bill-cost">¥18,000.00<' in page  # the bill: the whole day


def test_a_day_with_more_recipients_than_the_page_holds_shows_one_message_of_each_of_the_first() -> None:
    page = preview_html(_big_day(30_000, 30_000), title="delay_notice")  # a customer each
    data = json.loads(re.search(r'id="sms-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert len(data["threads"]["role"]) == len(data["messages"]["thread"]) == 20_000
    assert "本页收录前 20,000 个会话各 1 条短信（共 30,000 个会话、30,000 条短信）" in page


def test_the_english_page_says_the_same_in_english() -> None:
    result = _big_day(30, 3)
    result.locale = EN
    page = preview_html(result, title="dispatch_sms", price_per_part=PRICE)
    assert "The day&#39;s bill" in page and "at 0.045 yuan a part (sms.price_per_part)" in page
    assert "All 30 messages are on this page" in page and "100% of messages are 2 parts" in page
    assert '"status":"{threads} conversations · {messages} messages"' in page
