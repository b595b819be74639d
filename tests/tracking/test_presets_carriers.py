"""The ZTO, YTO, STO, J&T, Yunda and Kdniao presets: each read from a csv / xlsx file in the carrier's
column layout with its scan types and trace texts, and every planted event found at its stage."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import SHARED, write
from tests.support.io_files import write_workbook
from toolkit.io import TableSource, read_table
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import classify_events, unknown_statuses

REFERENCE = SHARED / "reference" / "cn_tracking_codes.json"


def classified(path: Path, preset_name: str) -> pl.DataFrame:
    preset = load_preset(preset_name)
    with read_table(TableSource(path=path), preset.event_aliases(), required=["waybill", "event_time"]) as table:
        return classify_events(table.frame, preset.vocabulary()).collect()


def write_file(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".csv":
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(rows)
        return write(path, text.getvalue())
    return write_workbook(path, {"轨迹": rows})


def stages(frame: pl.DataFrame) -> list[tuple[str | None, str | None]]:
    return list(zip(frame["stage"].cast(pl.String), frame["reason"], strict=True))


# (header, then rows of: waybill, time, scan type, trace text, site) per carrier, with its stages
CARRIERS: dict[str, tuple[list[str], list[tuple[list[str], tuple[str, str | None]]]]] = {
    "zto": (
        ["billCode", "scanDate", "scanType", "desc", "scanSite"],
        [
            (
                [
                    "ZT1",
                    "2026-11-20 09:00:00",
                    "收件",
                    "【外高桥北部】（021-****0107） 的 爱某（186****9757） 已揽收",
                    "外高桥北部",
                ],
                ("picked_up", None),
            ),
            (
                ["ZT1", "2026-11-20 20:00:00", "发件", "快件离开 【外高桥北部】 已发往 【上海浦东中心】", "外高桥北部"],
                ("in_transit", None),
            ),
            (["ZT1", "2026-11-21 02:00:00", "到件", "快件已经到达 【上海浦东中心】", "上海浦东中心"], ("at_hub", None)),
            (
                [
                    "ZT1",
                    "2026-11-21 08:00:00",
                    "派件",
                    "【常熟天下淘宝四】 的王某（137****4974） 正在第1次派件, 请保持电话畅通,并耐心等待",
                    "常熟天下淘宝四",
                ],
                ("out_for_delivery", None),
            ),
            (
                [
                    "ZT1",
                    "2026-11-21 15:00:00",
                    "第三方签收",
                    "您的快递已签收, 签收人在【丰巢...】领取。...您的快递已经妥投。",
                    "常熟天下淘宝四",
                ],
                ("delivered", None),
            ),
            (["ZT2", "2026-11-22 10:00:00", "退件", "快件已退回寄件人", "上海浦东中心"], ("returned", None)),
            (["ZT3", "2026-11-22 11:00:00", "问题件", "收件人地址不详，联系不上", "上海浦东中心"], ("exception", None)),
            (["ZT4", "2026-11-22 12:00:00", "", "快件已经到达 【上海浦东中心】", "上海浦东中心"], ("at_hub", None)),
        ],
    ),
    "yto": (
        ["waybill_No", "upload_Time", "infoContent", "processInfo", "city"],
        [
            (["YT1", "2026-11-20 09:00:00", "GOT", "【上海市浦东新区公司】 已收件", "上海"], ("picked_up", None)),
            (["YT1", "2026-11-21 03:00:00", "ARRIVAL", "【天津转运中心公司】 已收入", "天津"], ("at_hub", None)),
            (
                [
                    "YT1",
                    "2026-11-21 08:00:00",
                    "SENT_SCAN",
                    "【山东省济南市孙村公司】 派件中 派件人: 方某 电话 185****8021",
                    "济南",
                ],
                ("out_for_delivery", None),
            ),
            (
                ["YT1", "2026-11-21 14:00:00", "SIGNED", "客户签收人: 已签收，签收人凭取货码签收。", "济南"],
                ("delivered", None),
            ),
            (["YT2", "2026-11-21 09:00:00", "", "【天津转运中心公司】 已收入", "天津"], ("at_hub", None)),
            (
                [
                    "YT3",
                    "2026-11-21 10:00:00",
                    "",
                    "【山东省济南市孙村公司】 派件中 派件人: 方某 电话 185****8021",
                    "济南",
                ],
                ("out_for_delivery", None),
            ),
            (["YT4", "2026-11-21 11:00:00", "FAILED", "客户不在，改日派送", "济南"], ("failed_attempt", None)),
        ],
    ),
    "sto": (
        ["waybillNo", "opTime", "scanType", "memo", "opOrgName"],
        [
            (
                ["ST1", "2026-11-20 09:00:00", "收件", "【浙江杭州公司】的收件员已收件", "浙江杭州公司"],
                ("picked_up", None),
            ),
            (["ST1", "2026-11-20 18:00:00", "装袋", "快件已装袋", "浙江杭州公司"], ("in_transit", None)),
            (["ST1", "2026-11-21 02:00:00", "到件", "快件已到达【上海转运中心】", "上海转运中心"], ("at_hub", None)),
            (
                ["ST1", "2026-11-21 08:00:00", "派件", "【上海浦东公司】的派件员正在为您派件", "上海浦东公司"],
                ("out_for_delivery", None),
            ),
            (
                ["ST1", "2026-11-21 12:00:00", "驿站代收", "您的快件已由【菜鸟驿站】代收，请及时取件", "上海浦东公司"],
                ("awaiting_collection", None),
            ),
            (["ST2", "2026-11-21 13:00:00", "客户签收", "您的快件已签收", "上海浦东公司"], ("delivered", None)),
            (["ST3", "2026-11-21 14:00:00", "问题件", "客户拒收，快件将退回", "上海浦东公司"], ("exception", None)),
        ],
    ),
    "jt": (
        ["billCode", "scanTime", "scanType", "desc", "scanNetworkName"],
        [
            (
                ["JT1", "2026-11-20 09:00:00", "快件揽收", "【义乌网点】您的包裹已被揽收", "义乌网点"],
                ("picked_up", None),
            ),
            (
                ["JT1", "2026-11-20 20:00:00", "发件扫描", "快件离开【义乌网点】，发往【金华转运中心】", "义乌网点"],
                ("in_transit", None),
            ),
            (["JT1", "2026-11-21 01:00:00", "到件扫描", "快件到达【金华转运中心】", "金华转运中心"], ("at_hub", None)),
            (
                ["JT1", "2026-11-21 04:00:00", "出仓扫描", "快件离开【金华转运中心】", "金华转运中心"],
                ("in_transit", None),
            ),
            (
                ["JT1", "2026-11-21 09:00:00", "派件扫描", "【杭州西湖网点】快递员正在派件", "杭州西湖网点"],
                ("out_for_delivery", None),
            ),
            (
                [
                    "JT1",
                    "2026-11-21 11:00:00",
                    "入库扫描",
                    "您的快件已到达【兔喜生活】，请凭取件码取件",
                    "杭州西湖网点",
                ],
                ("awaiting_collection", None),
            ),
            (["JT1", "2026-11-21 18:00:00", "出库扫描", "您的快件已取出", "杭州西湖网点"], ("delivered", None)),
            (
                ["JT2", "2026-11-21 12:00:00", "代理点收入扫描", "快件已到达代理点", "杭州西湖网点"],
                ("awaiting_collection", None),
            ),
            (["JT3", "2026-11-21 13:00:00", "快件签收", "您的快件已签收", "杭州西湖网点"], ("delivered", None)),
            (["JT4", "2026-11-21 14:00:00", "问题件扫描", "快件地址有误，待核实", "杭州西湖网点"], ("exception", None)),
            (["JT5", "2026-11-21 15:00:00", "快件取出扫描", "快件已从快递柜取出", "杭州西湖网点"], ("delivered", None)),
        ],
    ),
    "yunda": (
        ["mailno", "time", "action", "description", "station"],
        [
            (["YD1", "2026-11-20 09:00:00", "GOT", "【广东广州公司】已揽收", "广东广州公司"], ("picked_up", None)),
            (
                ["YD1", "2026-11-20 21:00:00", "DEPARTURE", "【广州分拨中心】已发出", "广州分拨中心"],
                ("in_transit", None),
            ),
            (["YD1", "2026-11-21 05:00:00", "ARRIVAL", "【深圳分拨中心】已到达", "深圳分拨中心"], ("at_hub", None)),
            (
                ["YD1", "2026-11-21 09:00:00", "SENT", "【深圳宝安公司】派件员正在派件", "深圳宝安公司"],
                ("in_transit", None),
            ),
            (["YD1", "2026-11-21 15:00:00", "SIGNED", "您的快件已签收", "深圳宝安公司"], ("delivered", None)),
            (["YD2", "2026-11-21 10:00:00", "SIGNFAIL", "派送不成功", "深圳宝安公司"], ("failed_attempt", None)),
            (["YD3", "2026-11-21 11:00:00", "REJECTION", "收件人拒收", "深圳宝安公司"], ("exception", "refused")),
            (["YD4", "2026-11-21 12:00:00", "CLEARANCE_FAIL", "清关失败", "深圳海关"], ("exception", "delay")),
            (
                ["YD5", "2026-11-21 13:00:00", "INBOUND", "快件已到【妈妈驿站】", "深圳宝安公司"],
                ("awaiting_collection", None),
            ),
            (["YD6", "2026-11-21 14:00:00", "RETURN", "快件退回", "深圳宝安公司"], ("returned", None)),
        ],
    ),
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("carrier", list(CARRIERS))
def test_a_carrier_export_is_read_at_its_stages(tmp_path: Path, carrier: str, suffix: str) -> None:
    header, cases = CARRIERS[carrier]
    path = write_file(tmp_path / f"{carrier}_轨迹{suffix}", [header, *(row for row, _ in cases)])
    out = classified(path, carrier)
    assert [c for c in out.columns if c != "_row"][:5] == ["waybill", "event_time", "status", "description", "location"]
    assert out["waybill"].to_list() == [row[0] for row, _ in cases]
    assert stages(out) == [want for _, want in cases]
    assert unknown_statuses(out).height == 0


def test_the_chinese_headers_of_a_carrier_export(tmp_path: Path) -> None:
    path = write(
        tmp_path / "中通导出.csv",
        "运单编号,扫描时间,扫描类型,扫描网点,轨迹描述\n"
        "ZT9,2026-11-21 08:00:00,派件,上海浦东中心,【上海浦东】 的王某 正在第1次派件\n",
    )
    out = classified(path, "zto")
    assert (out["waybill"].item(), out["location"].item(), out["stage"].cast(pl.String).item()) == (
        "ZT9", "上海浦东中心", "out_for_delivery",
    )  # fmt: skip


def reference() -> dict:
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("carrier", "table"), [("zto", "ZTO(scanType)"), ("jt", "JT/极兔(scanType)"), ("yunda", "Yunda(scanType)")]
)
def test_every_scan_type_of_the_reference_has_a_stage(carrier: str, table: str) -> None:
    codes = [c for c in reference()["other_carriers"][table]["codes"] if c != "OTHER"]  # OTHER: no stage, listed
    frame = pl.LazyFrame({"waybill": [f"W{i}" for i in range(len(codes))], "status": codes})
    out = classify_events(frame, load_preset(carrier).vocabulary()).collect()
    assert out.filter(pl.col("stage").is_null()).height == 0, out.filter(pl.col("stage").is_null())


@pytest.mark.parametrize("carrier", ["zto", "yto"])
def test_the_reference_trace_texts_of_a_carrier(carrier: str) -> None:
    phrases = [p for p in reference()["phrases"] if p.get("carrier") == carrier.upper()]
    assert phrases
    frame = pl.LazyFrame({"waybill": ["W"] * len(phrases), "description": [p["text"] for p in phrases]})
    out = classify_events(frame, load_preset(carrier).vocabulary()).collect()
    assert out["stage"].cast(pl.String).to_list() == [p["stage"] for p in phrases]


KDNIAO = {  # StateEx code: (name, stage, reason); the brief's codes
    "0": ("暂无轨迹信息", "created", None),
    "1": ("已揽收", "picked_up", None),
    "2": ("在途中", "in_transit", None),
    "3": ("已签收", "delivered", None),
    "4": ("问题件", "exception", None),
    "201": ("到达派件城市", "at_hub", None),
    "202": ("派件中", "out_for_delivery", None),
    "211": ("已放入快递柜或驿站", "awaiting_collection", None),
    "311": ("快递柜或驿站签收", "delivered", None),
    "401": ("发货无信息", "exception", "delay"),
    "402": ("超时未签收", "exception", "delay"),
    "403": ("超时未更新", "exception", "delay"),
    "404": ("拒收(退件)", "exception", "refused"),
    "412": ("快递柜或驿站超时未取", "exception", "delay"),
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_kdniao_trace_export_by_its_codes(tmp_path: Path, suffix: str) -> None:
    rows = [["LogisticCode", "AcceptTime", "AcceptStation", "Location", "Action"]]
    rows += [[f"KD{code}", "2026-11-21 08:00:00", "快件状态更新", "上海", code] for code in KDNIAO]
    out = classified(write_file(tmp_path / f"kdniao{suffix}", rows), "kdniao")
    assert out["code"].to_list() == list(KDNIAO)
    assert stages(out) == [(stage, reason) for _, stage, reason in KDNIAO.values()]


def test_the_kdniao_state_names_are_phrases() -> None:
    names = [name for name, _, _ in KDNIAO.values()]
    frame = pl.LazyFrame({"waybill": ["W"] * len(names), "status": names})
    out = classify_events(frame, load_preset("kdniao").vocabulary()).collect()
    assert stages(out) == [(stage, reason) for _, stage, reason in KDNIAO.values()]
