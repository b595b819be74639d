"""One vocabulary of column labels (toolkit.labels): a column is called the same on every page,
xlsx sheet and outbox file, and a field's label is the word people read and the header they type."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

from toolkit.claims.fields import CLAIM_FIELDS
from toolkit.display import header
from toolkit.fields import Field, Kind
from toolkit.i18n import EN, ZH, Text
from toolkit.labels import CLAIM_LABELS, LABELS, SHIPMENT_LABELS, column_labels, field, label
from toolkit.messages.job import RENDER_MESSAGES
from toolkit.messages.outbox import write_outbox
from toolkit.messages.render import RenderResult
from toolkit.orders.fields import ORDER_FIELDS
from toolkit.reports.kpi.claims import PAST_DEADLINE_COLUMNS
from toolkit.reports.kpi.tracking import TOP_COLUMNS
from toolkit.rules import FINDING_SCHEMA
from toolkit.servicedesk import TICKET_FIELDS
from toolkit.tracking.presets import EVENT_FIELDS, SHIPMENT_FIELDS
from toolkit.tracking.report import PEOPLE_COLUMNS, write_batches_xlsx, write_worklist_xlsx
from toolkit.tracking.worklist import BATCH_COLUMNS

OUTBOX_COLUMNS = RENDER_MESSAGES.publishes["outbox"]


def test_a_label_is_the_pages_own_header_first_then_the_vocabulary_then_the_name() -> None:
    assert label("carrier", ZH) == "承运商" and label("carrier", EN) == "Carrier"
    assert label("label", ZH, {"label": "标准"}) == "标准"  # a notebook's own word for a column
    assert label("备注", ZH) == "备注"  # a column the vocabulary does not know keeps its name
    assert column_labels(["waybill", "escalate_to"], ZH) == {"waybill": "运单号", "escalate_to": "催办对象"}


@pytest.mark.parametrize(
    ("fields", "vocabulary"),
    [(ORDER_FIELDS, LABELS), (TICKET_FIELDS, LABELS), (CLAIM_FIELDS, CLAIM_LABELS)],
    ids=["orders", "tickets", "claims"],
)
def test_every_field_is_labelled_with_the_vocabularys_words(
    fields: tuple[Field, ...], vocabulary: dict[str, Text]
) -> None:
    for f in fields:
        assert (f.label_zh, f.label_en) == (vocabulary[f.name].zh, vocabulary[f.name].en), f.name


def test_a_field_declared_with_the_vocabulary_reads_the_header_the_pages_show() -> None:
    carrier = field("carrier", Kind.TEXT, ("承运公司",))
    assert carrier.headers == ("carrier", "承运商", "Carrier", "承运公司")


def test_claims_keep_their_own_words_where_a_name_means_something_else_there() -> None:
    assert label("status", ZH) == "状态" and label("status", ZH, vocabulary=CLAIM_LABELS) == "理赔状态"
    assert label("customer_phone", ZH) == "收件人电话"  # the consignee's, on the worklist
    assert label("customer_phone", ZH, vocabulary=CLAIM_LABELS) == "客户电话"  # the claimant's
    assert {n for n in CLAIM_LABELS if CLAIM_LABELS[n] != LABELS.get(n)} == {"status", "customer_phone"}


def test_the_tracking_fields_are_labelled_with_the_vocabularys_words() -> None:
    for f in EVENT_FIELDS:
        assert (f.label_zh, f.label_en) == (LABELS[f.name].zh, LABELS[f.name].en), f.name
    for f in SHIPMENT_FIELDS:
        assert (f.label_zh, f.label_en) == (SHIPMENT_LABELS[f.name].zh, SHIPMENT_LABELS[f.name].en), f.name
    assert {n for n in SHIPMENT_LABELS if SHIPMENT_LABELS[n] != LABELS.get(n)} == {"status"}  # the shipment's own


@pytest.mark.parametrize(
    "columns",
    [PEOPLE_COLUMNS, BATCH_COLUMNS, OUTBOX_COLUMNS, tuple(FINDING_SCHEMA), TOP_COLUMNS, PAST_DEADLINE_COLUMNS],
    ids=["worklist", "batches", "outbox", "findings", "top_overdue", "claims_past_deadline"],
)
def test_every_column_people_see_has_a_label(columns: tuple[str, ...]) -> None:
    assert [c for c in columns if c not in LABELS] == []


def test_the_worklist_sheet_and_the_report_tables_call_a_column_the_same(tmp_path: Path) -> None:
    worklist = pl.DataFrame({c: ["x"] for c in PEOPLE_COLUMNS}).with_columns(
        severity=pl.lit("high"), carrier=pl.lit("顺丰速运")
    )
    write_worklist_xlsx(worklist, tmp_path / "worklist.xlsx", ZH)
    sheet = openpyxl.load_workbook(tmp_path / "worklist.xlsx")["全部"]
    headers = dict(zip(PEOPLE_COLUMNS, (c.value for c in sheet[1]), strict=True))
    assert headers == {c: header(c, ZH) for c in PEOPLE_COLUMNS}
    assert (headers["carrier"], headers["branch"], headers["escalate_to"]) == ("承运商", "营业所", "催办对象")


def test_the_batches_sheet_is_headed_with_the_vocabulary(tmp_path: Path) -> None:
    write_batches_xlsx(pl.DataFrame({c: ["x"] for c in BATCH_COLUMNS}), tmp_path / "batches.xlsx", EN)
    sheet = openpyxl.load_workbook(tmp_path / "batches.xlsx").active
    hours = {"max_overdue_by": "Max overdue (working hours)"}  # a number of hours there, to sort by
    assert [c.value for c in sheet[1]] == [hours.get(c) or label(c, EN) for c in BATCH_COLUMNS]


def test_the_batches_sheet_says_severities_and_rules_in_words(tmp_path: Path) -> None:
    batch = {c: ["x"] for c in BATCH_COLUMNS} | {"worst_severity": ["critical"], "rules": ["delivery_overdue、stalled"]}
    write_batches_xlsx(pl.DataFrame(batch), tmp_path / "batches.xlsx", ZH)
    row = [c.value for c in openpyxl.load_workbook(tmp_path / "batches.xlsx").active[2]]
    assert "紧急" in row and "超过配送时效、长时间无更新" in row


def test_the_outbox_file_is_headed_with_the_vocabulary(tmp_path: Path) -> None:
    outbox = pl.DataFrame({c: ["1"] for c in OUTBOX_COLUMNS}).with_columns(pl.col("chars", "parts").cast(pl.Int64))
    findings = pl.DataFrame(schema=FINDING_SCHEMA)
    write_outbox(RenderResult(messages=outbox, outbox=outbox, findings=findings), tmp_path)
    shown = pl.read_csv(tmp_path / "outbox.csv").columns
    assert (
        shown == [label(c, ZH) for c in OUTBOX_COLUMNS] == [header(c, ZH) for c in OUTBOX_COLUMNS]
    )  # as the SMS report's tables
    assert shown[1:3] == ["收信人", "手机号"]
