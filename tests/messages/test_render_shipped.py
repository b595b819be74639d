"""Every shipped SMS template renders a realistic row, within the one- or two-part budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.files import REPO
from toolkit.messages.length import sms_length
from toolkit.templating.environment import MessageTemplate

SMS = REPO / "templates" / "sms"
SIGNATURE = "【顺达物流】"


def render(name: str, row: dict[str, object]) -> str:
    template = MessageTemplate.load(SMS / name)
    template.check_columns(row)
    return template.render(row)


def test_the_dispatch_sms_follows_the_manuals_field_order() -> None:
    row = {
        "serial": "110310221",
        "shipper_name": "王先生",
        "shipper_phone": "13812343212",
        "goods_name": "配件",
        "pieces": 5,
        "weight_kg": 20.0,
        "volume_m3": 0.2,
        "destination": "杭州",
        "consignee_name": "马先生",
        "consignee_phone": "13900000000",
        "payment_method": "现付",
        "pickup_fee": 100.0,
        "order_time": datetime(2026, 11, 23, 9, 10),
        "agent_id": "8011",
    }
    text = render("dispatch.txt.j2", row)
    assert (
        text
        == "[110310221]客王先生138****3212配件5件20公斤0.2方往杭州马先生139****0000现付。加提货费100,15点前提。[8011]"
    )
    assert sms_length(text, "cn", SIGNATURE).parts <= 2


def test_the_follow_up_sms_matches_the_manual() -> None:
    row = {
        "serial": "110310284",
        "waybill": "755000123",
        "rule_label": "超过配送时效",
        "overdue_by": timedelta(hours=2),
        "agent_id": "8011",
    }
    assert render("follow_up.txt.j2", row) == "[110310284]单号755000123,货物已超过配送时效2小时,请速处理。[8011]"
    late_pickup = {**row, "rule_label": "超时未揽收", "overdue_by": 10.5, "agent_id": None}
    assert render("follow_up.txt.j2", late_pickup) == "[110310284]单号755000123,货物已超时未揽收10小时30分,请速处理。"


@pytest.mark.parametrize(("compensation", "offer"), [(20, "，我们将补偿您20元"), (None, "")])
def test_the_delay_notice_states_the_new_time_and_the_offer(compensation: object, offer: str) -> None:
    row = {
        "customer_name": "李女士",
        "waybill": "SF1234567890",
        "expected_at": datetime(2026, 11, 24, 15, 0),
        "compensation": compensation,
    }
    text = render("delay_notice.txt.j2", row)
    assert text == f"李女士您好，您的快件SF1234567890因故延误，预计11月24日15点前送达{offer}。给您带来不便，深表歉意。"
    assert sms_length(text, "cn", SIGNATURE).parts == 1
