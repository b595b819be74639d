"""The facts a claim letter states: valuation by who paid the freight, the amount the rules
allow, deadlines in working days (Chinese holidays and 调休 included), and claims refused."""

from __future__ import annotations

from datetime import date

import polars as pl

from toolkit.calendar import WorkCalendar
from toolkit.claims.prepare import Claims, Deadlines, prepare_claims

CALENDAR = WorkCalendar()
AS_OF = date(2026, 11, 22)

BASE = {
    "claim_id": "LP001",
    "customer": "王伟",
    "waybill": "7551000001",
    "goods_name": "陶瓷",
    "incident_date": "2026-11-02",
    "incident_type": "破损",
    "freight_paid_by": "发货方",
    "purchase_price": "1000",
    "selling_price": "1500",
    "amount_claimed": "1400",
    "insured": "否",
    "declared_value": "",
    "status": "待处理",
    "filed_at": "2026-11-03 10:00",
    "proposal_at": "",
    "settled_at": "",
    "goodwill": "否",
}


DEADLINES = Deadlines()


def claims(*changes: dict[str, str], as_of: date = AS_OF, deadlines: Deadlines = DEADLINES) -> Claims:
    rows = [{**BASE, "claim_id": f"LP{i:03d}", **change} for i, change in enumerate(changes, start=1)]
    frame = pl.DataFrame(rows).with_columns(pl.all().replace("", None)).with_row_index("_row", offset=2)
    return prepare_claims(
        frame.with_columns(pl.col("_row").cast(pl.Int64)).lazy(),
        calendar=CALENDAR,
        deadlines=deadlines,
        as_of=as_of,
        timezone="Asia/Shanghai",
        locale="zh_CN",
    )


def test_shipper_paid_freight_values_the_goods_at_their_purchase_price() -> None:
    row = claims({"freight_paid_by": "发货方"}).valid.row(0, named=True)
    assert row["valuation_basis"] == "purchase_price" and row["valuation_basis_label"] == "进货价"
    assert row["valuation_price"] == 1000
    assert row["proposed_amount"] == 1000  # claimed 1400, but the goods are worth 1000 to the shipper


def test_consignee_paid_freight_values_the_goods_at_their_selling_price() -> None:
    row = claims({"freight_paid_by": "到付"}).valid.row(0, named=True)  # 到付: the consignee pays
    assert row["freight_paid_by"] == "consignee" and row["valuation_basis"] == "selling_price"
    assert row["valuation_price"] == 1500 and row["valuation_basis_label"] == "售价"
    assert row["proposed_amount"] == 1400  # never more than was claimed


def test_an_insured_claim_is_capped_at_the_declared_value() -> None:
    valid = claims(
        {"insured": "是", "declared_value": "800", "freight_paid_by": "收货方"},
        {"insured": "是", "declared_value": "", "freight_paid_by": "收货方"},
    ).valid
    assert valid["liability_cap"].to_list() == [800, None]
    assert valid["proposed_amount"].to_list() == [800, 1400]


def test_deadlines_count_working_days_across_national_day() -> None:
    row = claims({"incident_date": "2026-09-29", "filed_at": "2026-09-30 16:30"}).valid.row(0, named=True)
    # 10-01..10-07 off; Sat 10-10 is a swapped working day; Sun 10-11 is off
    assert row["evidence_due"] == date(2026, 10, 10)
    assert row["insurer_due"] == date(2026, 10, 10)
    assert row["proposal_due"] == date(2026, 10, 13)
    assert row["escalation_due"] == date(2026, 10, 20)
    assert row["payment_due"] == date(2026, 11, 29)  # two calendar months from the incident


def test_a_claim_filed_on_a_weekend_counts_from_the_next_working_day() -> None:
    row = claims({"filed_at": "2026-11-21 11:00"}).valid.row(0, named=True)  # a Saturday
    assert row["proposal_due"] == date(2026, 11, 27)  # Mon 11-23 is day 1


def test_deadlines_are_configurable() -> None:
    row = claims({}, deadlines=Deadlines(proposal=2, payment_months=1)).valid.row(0, named=True)
    assert row["proposal_due"] == date(2026, 11, 5) and row["payment_due"] == date(2026, 12, 2)


def test_late_proposals_and_payments_as_of_the_run_date() -> None:
    valid = claims(
        {"filed_at": "2026-11-03 10:00"},  # open, proposal due 11-10: late on 11-22
        {"filed_at": "2026-11-20 10:00"},  # open, due 11-27: not yet
        {"status": "已出方案", "proposal_at": "2026-11-11 09:00"},  # made a day after the deadline
        {"status": "已出方案", "proposal_at": "2026-11-10 16:59"},  # on the last day
        {
            "status": "已结案",
            "incident_date": "2026-08-01",
            "filed_at": "2026-08-03 10:00",
            "proposal_at": "2026-08-05 10:00",
            "settled_at": "2026-10-09 10:00",
        },  # paid after 2 months
        {
            "status": "已出方案",
            "incident_date": "2026-09-01",
            "filed_at": "2026-09-02 10:00",
            "proposal_at": "2026-09-03 10:00",
        },  # still unpaid on 11-22, due 11-01
    ).valid
    assert valid["proposal_late"].to_list() == [True, False, True, False, False, False]
    assert valid["payment_late"].to_list() == [False, False, False, False, True, True]


def test_claims_without_the_facts_a_letter_needs_are_refused_with_findings() -> None:
    result = claims(
        {},
        {"incident_type": "被偷了"},
        {"freight_paid_by": "发货方", "purchase_price": ""},
        {"filed_at": "下周"},
        {"claim_id": "LP001"},  # the same id as the first claim
        {"insured": "也许"},
        {"amount_claimed": "两千"},
    )
    assert result.valid.height == 0
    by_row = {row: (column, rule) for row, column, rule in result.findings.select("row", "column", "rule").iter_rows()}
    assert by_row[3] == ("incident_type", "claim_unknown_value")
    assert by_row[4] == ("purchase_price", "claim_no_valuation_price")
    assert by_row[5] == ("filed_at", "claim_bad_date")
    assert by_row[7] == ("insured", "claim_unknown_value")
    assert by_row[8] == ("amount_claimed", "claim_bad_amount")
    assert {r for r, (_, rule) in by_row.items() if rule == "claim_duplicate_id"} == {2, 6}
    message = result.findings.filter(pl.col("row") == 3)["message"].item()
    assert message.startswith("出险类型无法识别") and "破损" in message
    assert result.rejected.height == 7
