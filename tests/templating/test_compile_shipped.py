"""Every shipped template renders the same text through the compiled polars path and Jinja."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import REPO
from toolkit.samples import generate_orders
from toolkit.templating.compile import compile_template, render_all
from toolkit.templating.environment import MessageTemplate

SMS = REPO / "templates" / "sms"
TZ = ZoneInfo("Asia/Shanghai")


def accepted_orders() -> pl.DataFrame:
    """Typed orders as the validation job writes them, with a few awkward values mixed in."""
    from toolkit.calendar import WorkCalendar
    from toolkit.orders.fields import ORDER_FIELDS
    from toolkit.orders.ruleset import OrderRules
    from toolkit.orders.validate import validate_orders

    frame = generate_orders(400).frame.rename({f.label_zh: f.name for f in ORDER_FIELDS})
    frame = frame.with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    result = validate_orders(
        frame.lazy(), OrderRules(), as_of=datetime(2026, 11, 22, tzinfo=TZ), calendar=WorkCalendar()
    )
    valid = result.valid.with_columns(serial=pl.format("11{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(7)))
    odd = valid.head(3).with_columns(
        pickup_fee=pl.Series([None, 0.0, 1234.5]), weight_kg=pl.Series([1e-5, 2e16, float("nan")])
    )
    return pl.concat([valid, odd])


FRAMES = {
    "dispatch.txt.j2": accepted_orders,
    "follow_up.txt.j2": lambda: pl.DataFrame(
        {
            "serial": ["110310284", "110310285", "110310286"],
            "waybill": ["755000123", "SF99", "JD7"],
            "rule_label": ["超过配送时效", "超时未揽收", "超过配送时效"],
            "overdue_by": [timedelta(hours=2), timedelta(minutes=75), timedelta(0)],
            "agent_id": ["8011", "8012", None],
        }
    ),
    "ticket_reminder.txt.j2": lambda: pl.DataFrame(
        {
            "serial": ["140000001", "140000002"],
            "breached": [2, 0],
            "due_soon": [0, 1],
            "ticket_id": ["GD202611209001", "GD202611209002"],
        }
    ),
    "care_reminder.txt.j2": lambda: pl.DataFrame(
        {
            "serial": ["150000001", "150000002"],
            "manager": ["邓勇", "冯小龙"],
            "behind_accounts": [2, 1],
            "due_items": [0, 3],
            "most_urgent": ["上海顺昌五金店", "绍兴顺昌贸易有限公司"],
            "most_urgent_label": ["节日赠礼", "电话沟通"],
            "first_due_text": ["09-24", "11-09"],
        }
    ),
    "delay_notice.txt.j2": lambda: pl.DataFrame(
        {
            "customer_name": ["李女士", "王先生"],
            "waybill": ["SF1", "JD2"],
            "expected_at": [datetime(2026, 11, 24, 15, 0, tzinfo=TZ), datetime(2026, 11, 25, 9, 30, tzinfo=TZ)],
            "compensation": [20.0, None],
        }
    ),
}


def test_every_shipped_template_is_covered() -> None:
    assert {p.name for p in SMS.glob("*.j2")} == set(FRAMES)


@pytest.mark.parametrize("name", sorted(FRAMES))
@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_compiled_and_jinja_give_identical_text(name: str, locale: str) -> None:
    template = MessageTemplate.load(SMS / name, locale)
    frame = FRAMES[name]()
    assert compile_template(template, frame.schema) is not None, f"{name} should compile"
    compiled = render_all(template, frame).to_list()
    assert compiled == [template.render(row) for row in frame.iter_rows(named=True)]
