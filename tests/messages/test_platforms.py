"""Exports for the Chinese SMS platforms: Tencent's bulk-send file, Aliyun's SendBatchSms bodies,
and the variable checks a team runs before uploading either."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from toolkit.messages.platforms import (
    aliyun_batch_requests,
    check_variables,
    tencent_bulk_frame,
    write_tencent_bulk,
)

# Variables of a registered dispatch template, in template order:
# 【顺达物流】${serial}客${shipper}${goods}${pieces}件往${city},${hint}。
VARIABLES = ["serial", "shipper", "goods", "pieces", "city", "hint"]


def dispatch_messages(count: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "phone": [f"138{n:08d}" for n in range(count)],
            "serial": [f"110{n:06d}" for n in range(count)],
            "shipper": ["王先生"] * count,
            "goods": ["配件"] * count,
            "pieces": [5] * count,
            "city": ["杭州"] * count,
            "hint": ["15点前提"] * count,
        }
    )


# --- Aliyun SendBatchSms ---------------------------------------------------------------------


def dispatch_requests(count: int) -> list[dict[str, str]]:
    return aliyun_batch_requests(dispatch_messages(count), VARIABLES, template_code="SMS_123", sign_name="顺达物流")


def test_250_numbers_make_three_requests_of_100_100_and_50() -> None:
    requests = dispatch_requests(250)

    arrays = ("PhoneNumberJson", "SignNameJson", "TemplateParamJson")
    sizes = [tuple(len(json.loads(r[key])) for key in arrays) for r in requests]
    assert sizes == [(100, 100, 100), (100, 100, 100), (50, 50, 50)]
    assert {r["TemplateCode"] for r in requests} == {"SMS_123"}
    phones = [phone for r in requests for phone in json.loads(r["PhoneNumberJson"])]
    assert phones == dispatch_messages(250)["phone"].to_list()


def test_a_request_body_parses_back_to_the_numbers_signature_and_variables_in_template_order() -> None:
    (request,) = dispatch_requests(2)

    assert set(request) == {"PhoneNumberJson", "SignNameJson", "TemplateCode", "TemplateParamJson"}
    assert json.loads(request["PhoneNumberJson"]) == ["13800000000", "13800000001"]
    assert json.loads(request["SignNameJson"]) == ["顺达物流", "顺达物流"]
    params = json.loads(request["TemplateParamJson"])
    assert params[1] == {
        "serial": "110000001",
        "shipper": "王先生",
        "goods": "配件",
        "pieces": "5",  # every variable is sent as text
        "city": "杭州",
        "hint": "15点前提",
    }
    assert list(params[1]) == VARIABLES


def test_chinese_stays_readable_in_the_json() -> None:
    (request,) = dispatch_requests(1)
    assert '"王先生"' in request["TemplateParamJson"]
    assert request["SignNameJson"] == '["顺达物流"]'
    assert "\\u" not in request["TemplateParamJson"]


def test_a_signature_with_its_brackets_is_refused() -> None:
    with pytest.raises(ValueError, match="without brackets"):
        aliyun_batch_requests(dispatch_messages(1), VARIABLES, template_code="SMS_123", sign_name="【顺达物流】")


def test_a_variable_that_is_not_a_column_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match=r"no column \['consignee'\]"):
        aliyun_batch_requests(dispatch_messages(1), ["consignee"], template_code="SMS_123", sign_name="顺达物流")


# --- Tencent Cloud bulk send -----------------------------------------------------------------


def test_the_tencent_table_is_the_number_then_the_variables_as_numbered_placeholders() -> None:
    bulk = tencent_bulk_frame(dispatch_messages(2), ["city", "shipper"])

    assert bulk.columns == ["手机号码", "{1}", "{2}"]
    assert bulk.row(0) == ("13800000000", "杭州", "王先生")
    assert bulk.schema == pl.Schema({"手机号码": pl.String, "{1}": pl.String, "{2}": pl.String})


def test_the_tencent_xlsx_keeps_phones_and_numbers_as_text_cells(tmp_path: Path) -> None:
    messages = pl.DataFrame({"phone": ["13800000000"], "weight": ["0.2"], "fee": ["100"], "name": ["马先生"]})

    xlsx, csv = write_tencent_bulk(messages, ["weight", "fee", "name"], tmp_path)
    assert (xlsx.name, csv.name) == ("tencent_bulk.xlsx", "tencent_bulk.csv")

    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    header, row = sheet.iter_rows(min_row=1, max_row=2)
    assert [cell.value for cell in header] == ["手机号码", "{1}", "{2}", "{3}"]
    assert [cell.value for cell in row] == ["13800000000", "0.2", "100", "马先生"]
    assert {cell.data_type for cell in row} == {"s"}
    assert csv.read_text(encoding="utf-8-sig").splitlines() == ["手机号码,{1},{2},{3}", "13800000000,0.2,100,马先生"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tencent_bulk.csv", "tencent_bulk.xlsx"]


# --- variable checks -------------------------------------------------------------------------


def test_empty_and_too_long_variables_are_findings_with_their_rows() -> None:
    messages = pl.DataFrame(
        {
            "phone": ["13800000000", "13800000001", "13800000002"],
            "shipper": ["王先生", "", "李女士"],
            "goods": ["配件", "汽车配件" * 9, None],  # 36 characters: one over Aliyun's 35
        }
    )

    findings = check_variables(messages, ["shipper", "goods"])

    assert findings.select("row", "variable", "value").rows() == [
        (1, "shipper", ""),
        (1, "goods", "汽车配件" * 9),
        (2, "goods", None),
    ]
    assert findings["message"].to_list() == [
        "变量「shipper」为空,平台要求 1–35 个字符",
        "变量「goods」有 36 个字符,超过平台上限 35 个",
        "变量「goods」为空,平台要求 1–35 个字符",
    ]


def test_findings_in_english_and_with_the_limits_of_another_platform() -> None:
    messages = pl.DataFrame({"phone": ["13800000000"], "code": ["1234567"], "name": ["王"]})

    findings = check_variables(messages, ["code", "name"], max_chars=6, min_chars=2, locale="en")

    assert findings["message"].to_list() == [
        "variable code has 7 characters, over the platform's limit of 6",
        "variable name has 1 characters; the platform needs at least 2",
    ]


def test_findings_point_at_the_row_in_the_source_file_when_the_frame_has_one() -> None:
    messages = pl.DataFrame({"_row": [7, 9], "phone": ["13800000000", "13800000001"], "name": ["王", ""]})
    assert check_variables(messages, ["name"])["row"].to_list() == [9]


def test_values_within_the_limits_give_no_findings() -> None:
    findings = check_variables(dispatch_messages(250), VARIABLES)
    assert findings.is_empty()
    assert findings.columns == ["row", "variable", "value", "message"]


def test_a_large_tencent_upload_is_split_into_files_the_console_takes(tmp_path: Path) -> None:
    paths = write_tencent_bulk(dispatch_messages(5), ["city", "shipper"], tmp_path, rows_per_file=2)

    assert [p.name for p in paths] == [
        "tencent_bulk_1.xlsx",
        "tencent_bulk_2.xlsx",
        "tencent_bulk_3.xlsx",
        "tencent_bulk.csv",
    ]
    phones = [
        row[0] for p in paths[:3] for row in openpyxl.load_workbook(p).active.iter_rows(min_row=2, values_only=True)
    ]
    assert phones == dispatch_messages(5)["phone"].to_list()


def test_request_bodies_are_the_json_that_json_dumps_writes_for_awkward_values() -> None:
    awkward = ['王"引号\\', "换行\n\t", "😀", "\x01", "", None, "</script>", "12.50"]
    messages = pl.DataFrame(
        {"phone": [f"1380000000{i}" for i in range(len(awkward))], "note": awkward, "n": range(len(awkward))}
    )

    (body,) = aliyun_batch_requests(messages, ["note", "n"], template_code="SMS_1", sign_name="顺达物流")

    dumps = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))  # noqa: E731
    assert body["PhoneNumberJson"] == dumps(messages["phone"].to_list())
    assert body["TemplateParamJson"] == dumps([{"note": v or "", "n": str(i)} for i, v in enumerate(awkward)])
