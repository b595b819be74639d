"""Platform uploads: the dispatch SMS as a registered template's variables, for Tencent's bulk
file and Aliyun's SendBatchSms, checked against the platform's limits before upload."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest

from tests.support.files import replace_all, replace_once
from toolkit.errors import ConfigError, ExitCode
from toolkit.messages.upload import platform_upload, variable_values
from toolkit.pipeline import run_batch
from toolkit.registry import load_config
from toolkit.templating.environment import MessageTemplate

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_JOBS = ["orders", "dispatch_sms"]  # the jobs these tests are about; the whole batch runs in test_cli


def test_a_variable_over_the_limit_is_a_finding_and_its_row_stays_out_of_the_upload() -> None:
    rows = pl.DataFrame(
        {
            "_row": [2, 3],
            "serial": ["11000000001", "11000000002"],
            "goods_name": ["配件", "超长的货物名称" * 6],
            "pieces": [5, 1],
        }
    )
    variables = {
        "serial": MessageTemplate.inline("{{ serial }}", "platform.variables.serial"),
        "goods": MessageTemplate.inline("{{ goods_name }}{{ pieces }}件", "platform.variables.goods"),
    }
    outbox = pl.DataFrame(
        {"phone": ["13800000001", "13900000001", "13800000002"], "source_row": [2, 2, 3], "content": ["…"] * 3}
    )

    upload = platform_upload(outbox, variable_values(rows, variables), max_chars=35)

    assert upload.variables == ("serial", "goods")
    assert upload.sendable.to_dicts() == [
        {"phone": "13800000001", "serial": "11000000001", "goods": "配件5件"},
        {"phone": "13900000001", "serial": "11000000001", "goods": "配件5件"},
    ]
    [finding] = upload.findings.to_dicts()
    assert finding["row"] == 3 and finding["record_id"] == "11000000002" and finding["column"] == "goods"
    assert finding["rule"] == "platform_variable" and "44 个字符" in finding["message"] and "35" in finding["message"]


def test_the_daily_batch_leaves_tencent_and_aliyun_files_beside_the_outbox(team_folder: Path) -> None:
    run = run_batch(
        load_config(team_folder / "config" / "daily.yaml"), run_date=date(2026, 11, 22), as_of=AS_OF, only=FIRST_JOBS
    )
    assert run.exit_code == ExitCode.DONE, run.jobs
    folder = run.run_dir / "dispatch_sms"
    findings = pl.read_parquet(folder / "findings.parquet").filter(pl.col("rule") == "platform_variable")
    # the sample orders without an agent number have an empty `agent`, which Aliyun refuses
    assert findings["column"].unique().to_list() == ["agent"] and findings.height > 0
    outbox = pl.read_parquet(folder / "outbox.parquet").filter(~pl.col("source_row").is_in(findings["row"].implode()))

    sheet = openpyxl.load_workbook(folder / "tencent_bulk.xlsx").active
    header = [cell.value for cell in sheet[1]]
    assert header == ["手机号码", *(f"{{{i}}}" for i in range(1, 8))]
    assert sheet.max_row - 1 == outbox.height == run.jobs["dispatch_sms"].counts["platform_lines"]
    first = [cell.value for cell in sheet[2]]
    assert first[0] == outbox["phone"][0] and first[1] == outbox["serial"][0]
    assert all(cell.data_type == "s" for cell in sheet[2])

    requests = json.loads((folder / "aliyun_send_batch.json").read_text(encoding="utf-8"))
    assert len(requests) == -(-outbox.height // 100)
    numbers = [n for body in requests for n in json.loads(body["PhoneNumberJson"])]
    assert numbers == outbox["phone"].to_list()
    for body in requests:
        phones, signs, params = (json.loads(body[k]) for k in ("PhoneNumberJson", "SignNameJson", "TemplateParamJson"))
        assert len(phones) == len(signs) == len(params) <= 100
        assert set(signs) == {"顺达物流"} and body["TemplateCode"] == "SMS_000000001"
        assert list(params[0]) == ["serial", "shipper", "goods", "consignee", "payment", "pickup", "agent"]
    shipper = json.loads(requests[0]["TemplateParamJson"])[0]["shipper"]
    assert "****" not in shipper and re.search(
        r"1\d{10}", shipper
    )  # staff (mask: false): the number whole, as in the text


def test_an_undefined_column_in_a_platform_variable_stops_the_job_before_serials_are_used(team_folder: Path) -> None:
    config = team_folder / "config" / "daily.yaml"
    config.write_text(
        replace_once(config.read_text(encoding="utf-8"), '{{ agent_id }}"', '{{ agent }}"'), encoding="utf-8"
    )
    run = run_batch(load_config(config), run_date=date(2026, 11, 22), as_of=AS_OF, only=FIRST_JOBS)
    assert run.exit_code == ExitCode.BAD_INPUT
    assert "platform.variables.agent:1: undefined variable 'agent'" in run.jobs["dispatch_sms"].error
    assert not (team_folder / "data" / "sms_serial.json").exists()


@pytest.mark.parametrize(
    ("change", "expected", "count"),
    [
        ('        serial: "{{ serial }}"', '        phone: "{{ serial }}"', 1),
        (
            "signature: 【顺达物流】, ",
            "",
            3,
        ),  # every SMS job of the daily batch loses its signature, the Aliyun one too
        ("template_code: SMS_000000001", "template_code: 12345", 1),
    ],
    ids=["variable-named-phone", "aliyun-without-signature", "bad-template-code"],
)
def test_platform_settings_are_checked_when_the_config_loads(
    team_folder: Path, change: str, expected: str, count: int
) -> None:
    config = team_folder / "config" / "daily.yaml"
    text = config.read_text(encoding="utf-8")
    assert change in text
    config.write_text(replace_all(text, change, expected, count=count), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert "platform" in str(error.value) or "aliyun" in str(error.value)
