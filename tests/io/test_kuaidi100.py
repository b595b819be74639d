"""Kuaidi100 push callbacks saved as JSON lines: read as event rows, and every bad line one clear error."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.support.files import write
from toolkit.errors import InputError
from toolkit.io import TableSource, read_table
from toolkit.pipeline import run_batch
from toolkit.registry import load_config
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import classify_events


def callback(nu: str, state: str, data: list[dict[str, str]], *, com: str = "zhongtong") -> dict:
    """A callback body as Kuaidi100 posts it in `param`: data newest first."""
    return {
        "status": "shutdown" if state.startswith("3") else "polling",
        "billstatus": "",
        "message": "",
        "lastResult": {"message": "ok", "nu": nu, "ischeck": "0", "condition": "F00", "com": com, "status": "200",
                       "state": state, "data": data},
    }  # fmt: skip


def item(time: str, context: str, **extra: str) -> dict[str, str]:
    return {"time": time, "ftime": time, "context": context, **extra}


LINES = [
    # resultv2=4: state names and sub-state codes on every item
    callback(
        "ZT1",
        "301",
        [
            item(
                "2026-11-21 15:00:00",
                "您的快递已签收, 签收人在【丰巢】领取",
                status="签收",
                statusCode="301",
                areaName="上海",
            ),
            item("2026-11-21 08:00:00", "正在第1次派件", status="派件", statusCode="5"),
            item("2026-11-21 02:00:00", "快件已经到达 【上海浦东中心】", status="在途", statusCode="1001"),
            item("2026-11-20 09:00:00", "【外高桥北部】 的 爱某 已揽收", status="揽收", statusCode="103"),
        ],
    ),
    # no resultv2: text only; the newest event takes lastResult.state (2 疑难)
    callback(
        "YT2",
        "2",
        [
            item("2026-11-22 08:00:00", "快件在【天津转运中心】滞留"),
            item("2026-11-20 12:13:56", "【天津转运中心公司】 已收入"),
        ],
        com="yuantong",
    ),
    # item status as a number (some clients), main states 14 拒签 and 4 退签
    callback("ST3", "14", [item("2026-11-22 10:00:00", "收件人拒签", status="14")], com="shentong"),
    callback("ST4", "4", [item("2026-11-22 11:00:00", "快件已退回寄件人并签收")], com="shentong"),
    callback(
        "JT5",
        "5",
        [item("2026-11-22 12:00:00", "快件已放入菜鸟驿站", status="派件", statusCode="501")],
        com="jtexpress",
    ),
]
WANT = [
    ("ZT1", "301", "delivered", None), ("ZT1", "5", "out_for_delivery", None), ("ZT1", "1001", "at_hub", None),
    ("ZT1", "103", "picked_up", None),
    ("YT2", "2", "exception", None), ("YT2", None, "at_hub", None),
    ("ST3", "14", "exception", "refused"),
    ("ST4", "4", "returned", None),
    ("JT5", "501", "awaiting_collection", None),
]  # fmt: skip


def write_lines(path: Path, lines: list[object]) -> Path:
    return write(path, "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                               for line in lines))  # fmt: skip


def read(path: Path) -> pl.DataFrame:
    preset = load_preset("kuaidi100")
    with read_table(TableSource(path=path), preset.event_aliases(), required=["waybill", "event_time"]) as table:
        assert table.format == "jsonl"
        return classify_events(table.frame, preset.vocabulary()).collect()


def test_callbacks_are_read_into_event_rows_at_their_stages(tmp_path: Path) -> None:
    out = read(write_lines(tmp_path / "kuaidi100_push.jsonl", LINES))
    assert out.columns[:9] == ["_row", "waybill", "event_time", "status", "code", "description", "location", "state",
                               "com"]  # fmt: skip
    assert list(zip(out["waybill"], out["code"], out["stage"].cast(pl.String), out["reason"], strict=True)) == WANT
    assert out["_row"].to_list() == [1, 1, 1, 1, 2, 2, 3, 4, 5]  # the line of each callback
    assert out["state"].to_list()[:5] == ["301"] * 4 + ["2"]
    assert out["location"][0] == "上海" and out["event_time"][0] == "2026-11-21 15:00:00"


def test_the_form_body_with_param_as_text_and_a_later_callback_wins(tmp_path: Path) -> None:
    early = callback("YT2", "0", [item("2026-11-20 12:13:56", "【天津转运中心公司】 已收入")])
    late = callback("YT2", "3", [item("2026-11-21 12:00:00", "已签收"), item("2026-11-20 12:13:56", "已收入")])
    path = write_lines(tmp_path / "push.jsonl", [{"sign": "X", "param": json.dumps(early)}, "", {"param": late}])
    preset = load_preset("kuaidi100")
    with read_table(TableSource(path=path), preset.event_aliases()) as table:
        assert (table.rows, table.blank_rows) == (2, 1)
        assert any("1 earlier callbacks of a waybill superseded" in note for note in table.notes)
        out = classify_events(table.frame, preset.vocabulary()).collect()
    assert out["_row"].to_list() == [3, 3]
    assert out["stage"].cast(pl.String).to_list() == ["delivered", "at_hub"]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{not json", "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)"),
        ("[1, 2]", "line 2: a JSON list, not an object"),
        ('{"status": "polling"}', "line 2: no lastResult object"),
        ('{"lastResult": {"state": "0", "data": []}}', "line 2: lastResult has no nu (the waybill)"),
        ('{"lastResult": {"nu": "A", "data": {}}}', "line 2: lastResult.data is not a list"),
        ('{"lastResult": {"nu": "A", "data": [{"context": "x"}]}}', "line 2: lastResult.data[0] has no time or ftime"),
        (
            '{"lastResult": {"nu": "A", "data": [{"time": "2026-11-21 08:00:00"}]}}',
            "line 2: lastResult.data[0] has no context",
        ),
        ('{"param": "{oops"}', "line 2: param is not JSON"),
    ],
)
def test_a_bad_line_is_one_error_naming_file_and_line(tmp_path: Path, line: str, says: str) -> None:
    path = write_lines(tmp_path / "push.jsonl", [LINES[0], line, LINES[1]])
    with pytest.raises(InputError) as caught:
        read_table(TableSource(path=path), load_preset("kuaidi100").event_aliases())
    message = caught.value.one_line()
    assert message.startswith(f"{path}: {says}") and "expected one Kuaidi100 callback per line" in message
    assert "\n" not in message


def test_callbacks_without_trace_data(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "push.jsonl", [callback("A", "0", []), callback("B", "0", [])])
    with pytest.raises(InputError, match="no trace events: lastResult.data is empty in all 2 callbacks"):
        read_table(TableSource(path=path), load_preset("kuaidi100").event_aliases())
    mixed = write_lines(tmp_path / "mixed.jsonl", [callback("A", "0", []), LINES[2]])
    with read_table(TableSource(path=mixed), load_preset("kuaidi100").event_aliases()) as table:
        assert table.rows == 1 and "1 callbacks without trace data" in " ".join(table.notes)


def test_a_file_of_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "push.jsonl", "\n\n")
    with pytest.raises(InputError, match="no callback lines"):
        read_table(TableSource(path=path), load_preset("kuaidi100").event_aliases())


JOB = """\
batch: k100
timezone: Asia/Shanghai
output: ../out
state: ../data
jobs:
  overdue:
    kind: flag_overdue
    shipments: ../samples/k100_shipments.csv
    events: {path: ../samples/kuaidi100_push.jsonl, preset: kuaidi100}
    sla: sla.yaml
"""


def test_the_flag_overdue_job_reads_callbacks(team_folder: Path) -> None:
    write_lines(team_folder / "samples" / "kuaidi100_push.jsonl", LINES)
    write(
        team_folder / "samples" / "k100_shipments.csv",
        "运单号,寄件时间,快递公司,原寄地,目的地\n"
        + "".join(f"{nu},2026-11-20 09:00,{com},上海,杭州\n" for nu, com in
                  [("ZT1", "中通"), ("YT2", "圆通"), ("ST3", "申通"), ("ST4", "申通"), ("JT5", "极兔")]),
    )  # fmt: skip
    batch = write(team_folder / "config" / "k100.yaml", JOB)
    as_of = datetime(2026, 11, 22, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    run = run_batch(load_config(batch), run_date=as_of.date(), as_of=as_of)
    assert run.exit_code == 0, [r.error for r in run.jobs.values()]
    status = pl.read_parquet(team_folder / "out" / "2026-11-22" / "k100" / "overdue" / "shipment_status.parquet")
    stage = dict(zip(status["waybill"], status["stage"].cast(pl.String), strict=True))
    assert stage == {"ZT1": "delivered", "YT2": "exception", "ST3": "exception", "ST4": "returned",
                     "JT5": "awaiting_collection"}  # fmt: skip
