"""Rendering a table of orders into an outbox, as the dispatch SMS job does."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.support.files import write
from toolkit.messages.render import Recipient, SmsRules, render_messages
from toolkit.templating.environment import MessageTemplate

ORDERS = pl.DataFrame(
    {
        "_row": [2, 3, 4],
        "shipper_name": ["王先生", "李女士", "赵先生"],
        "shipper_phone": ["13812343212", "01062345678", "13900000000"],
        "goods_name": ["配件", "服装" * 40, "茶叶"],
        "salesperson": ["陈建国", "刘海涛", "周丽"],
        "salesperson_phone": ["13901610001", "13901610002", "12345"],
        "dispatcher_phone": ["13801710001", "13801710002", "13801710003"],
    }
)
RECIPIENTS = [Recipient("业务员", "salesperson_phone", "salesperson"), Recipient("调度", "dispatcher_phone")]


def dispatch(tmp_path: Path) -> MessageTemplate:
    text = "[{{ serial }}]客{{ shipper_name }}{{ shipper_phone|mask_phone }}{{ goods_name }}"
    return MessageTemplate.load(write(tmp_path / "dispatch.txt.j2", text))


def test_each_order_goes_to_each_recipient_with_one_serial(tmp_path: Path) -> None:
    result = render_messages(
        ORDERS,
        dispatch(tmp_path),
        serials=["001", "002", "003"],
        recipients=RECIPIENTS,
        sms=SmsRules(signature="【顺达物流】", max_parts=1),
    )
    assert result.messages["content"].to_list()[0] == "[001]客王先生138****3212配件"
    outbox = result.outbox.filter(pl.col("source_row") == 2)
    assert outbox.select("role", "recipient", "phone", "serial", "chars", "parts", "encoding").rows() == [
        ("业务员", "陈建国", "13901610001", "001", 6 + 22, 1, "cn"),
        ("调度", "调度", "13801710001", "001", 28, 1, "cn"),
    ]


def test_over_budget_and_bad_phones_are_findings_not_outbox_lines(tmp_path: Path) -> None:
    result = render_messages(
        ORDERS,
        dispatch(tmp_path),
        serials=["001", "002", "003"],
        recipients=RECIPIENTS,
        sms=SmsRules(max_parts=1),
    )
    findings = result.findings.select("row", "rule", "column", "value").rows()
    assert (3, "over_budget", "content") in [f[:3] for f in findings]
    assert (4, "invalid_recipient_phone", "salesperson_phone", "12345") in findings
    assert sorted(set(result.outbox["source_row"])) == [2, 4]
    assert result.outbox.filter(pl.col("source_row") == 4)["role"].to_list() == ["调度"]
    message = result.findings.filter(pl.col("rule") == "over_budget")["message"].item()
    assert message == "短信2条，超过预算1条"


def test_gsm_counting_is_recorded_per_message(tmp_path: Path) -> None:
    result = render_messages(
        ORDERS.head(1),
        dispatch(tmp_path),
        serials=["001"],
        recipients=RECIPIENTS[1:],
        sms=SmsRules(counting="gsm", max_parts=3),
    )
    assert result.outbox.select("encoding", "chars", "parts").row(0) == ("UCS-2", 22, 1)


def test_a_field_named_shortenable_is_cut_to_fit_and_the_cut_recorded(tmp_path: Path) -> None:
    sms = SmsRules(max_parts=1, shorten=("goods_name",))
    result = render_messages(
        ORDERS, dispatch(tmp_path), serials=["001", "002", "003"], recipients=RECIPIENTS[1:], sms=sms
    )
    row = result.messages.filter(pl.col("_row") == 3).row(0, named=True)
    assert row["parts"] == 1 and row["chars"] == 70
    assert row["content"].endswith("…") and row["shortened"] == "goods_name 80→49"
    assert "over_budget" not in result.findings["rule"].to_list()
    assert result.outbox.filter(pl.col("source_row") == 3)["shortened"].to_list() == ["goods_name 80→49"]
    assert result.messages.filter(pl.col("_row") == 2)["shortened"].to_list() == [None]
