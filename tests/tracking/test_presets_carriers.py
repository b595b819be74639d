"""The ZTO, YTO, STO, J&T, Yunda and Kdniao presets: each read from a csv / xlsx file in the carrier's
column layout (every field its trace API returns, so that no two of them claim one column) with its
scan types and trace texts, every planted event found at its stage; and each carrier's whole code
table, as its open-platform document lists it, at the stage its preset gives it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from tests.support.files import SHARED, write
from tests.support.io_files import write_workbook
from toolkit.errors import InputError
from toolkit.io import TableSource, read_table
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import classify_events, stage_of, unknown_statuses

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


def sto(waybill: str, time: str, scan: str, memo: str, site: str, site_type: str, issue: str = "") -> list[str]:
    """A row of STO's trace: waybillNo … issueName, the site's code, city and province filled in."""
    return [waybill, time, scan, memo, site, "430000", "长沙市", "湖南省", site_type, "业务员", issue]


def jt(waybill: str, time: str, scan: str, desc: str, site: str, next_stop: str = "", problem: str = "") -> list[str]:
    """A row of J&T's trace: billCode … problemType, the site's city, province and district filled in."""
    return [waybill, time, scan, desc, site, "南京市", "江苏省", "玄武区", "极兔小哥", next_stop, problem]


def yunda(
    mailno: str, time: str, action: str, text: str, station: str, name: str, city: str, next_name: str = ""
) -> list[str]:
    """A step of Yunda's trace: mailno … next_city."""
    return [mailno, time, action, text, station, name, "2", city, next_name, city if next_name else ""]


# per carrier: the header of its trace as its API names the fields, then rows in that order, each
# with the stage (and reason) it must be read at
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
    # the YTO trace query's answer (waybill_No, upload_Time, infoContent, processInfo, city,
    # district, weight), texts as YTO writes them
    "yto": (
        ["waybill_No", "upload_Time", "infoContent", "processInfo", "city", "district", "weight"],
        [
            (
                [
                    "YT1",
                    "2026-11-20 20:37:33",
                    "GOT",
                    "您的快件被【浙江省金华市义乌市上溪镇】揽收，揽收人: 张某 (138****0000)",
                    "金华市",
                    "义乌市",
                    "0.68",
                ],
                ("picked_up", None),
            ),
            (
                [
                    "YT1",
                    "2026-11-20 23:12:15",
                    "DEPARTURE",
                    "您的快件离开【浙江省金华市义乌市上溪镇】，准备发往【义乌转运中心直营公司】",
                    "金华市",
                    "义乌市",
                    "",
                ],
                ("in_transit", None),
            ),
            (
                [
                    "YT1",
                    "2026-11-21 01:45:03",
                    "ARRIVAL",
                    "您的快件已经到达【义乌转运中心直营公司】",
                    "金华市",
                    "义乌市",
                    "",
                ],
                ("at_hub", None),
            ),
            (
                ["YT1", "2026-11-21 02:10:00", "PACKAGE", "【义乌转运中心直营公司】已打包", "金华市", "义乌市", ""],
                ("in_transit", None),
            ),
            (
                [
                    "YT1",
                    "2026-11-21 13:50:14",
                    "SENT_SCAN",
                    "【浙江省绍兴市上虞市】的顾某(185****0000)正在派件，请保持电话畅通",
                    "绍兴市",
                    "上虞区",
                    "",
                ],
                ("out_for_delivery", None),
            ),
            (
                [
                    "YT1",
                    "2026-11-21 15:09:52",
                    "SIGNED",
                    "您的快件已签收，签收人: 本人。感谢使用圆通速递，期待再次为您服务！",
                    "绍兴市",
                    "上虞区",
                    "",
                ],
                ("delivered", None),
            ),
            (
                [
                    "YT2",
                    "2026-11-21 18:44:21",
                    "INBOUND",
                    "快件已到达世纪联华超市圆通速递妈妈驿站联系电话137****3122",
                    "商丘市",
                    "梁园区",
                    "",
                ],
                ("awaiting_collection", None),
            ),
            (
                ["YT3", "2026-11-21 11:00:00", "FAILED", "客户不在，改日派送", "济南市", "历城区", ""],
                ("failed_attempt", None),
            ),
            (["YT4", "2026-11-22 09:00:00", "TMS_RETURN", "快件已退回", "济南市", "历城区", ""], ("returned", None)),
            (["YT5", "2026-11-22 10:00:00", "FORWARDING", "快件已转寄", "济南市", "历城区", ""], ("in_transit", None)),
            (["YT6", "2026-11-21 09:00:00", "", "【天津转运中心公司】 已收入", "天津市", "", ""], ("at_hub", None)),
            (
                [
                    "YT7",
                    "2026-11-21 10:00:00",
                    "",
                    "【山东省济南市孙村公司】 派件中 派件人: 方某 电话 185****8021",
                    "济南市",
                    "历城区",
                    "",
                ],
                ("out_for_delivery", None),
            ),
        ],
    ),
    # the STO trace (STO_TRACE_QUERY_COMMON / STO_TRACE_PLATFORM_PUSH): opOrgName and
    # opOrgCityName side by side, only the first is the location
    "sto": (
        [
            "waybillNo",
            "opTime",
            "scanType",
            "memo",
            "opOrgName",
            "opOrgCode",
            "opOrgCityName",
            "opOrgProvinceName",
            "opOrgType",
            "bizEmpName",
            "issueName",
        ],
        [
            (
                sto(
                    "ST1",
                    "2020-10-14 11:45:41",
                    "收件",
                    "浙江临安西部公司-公司萌凯食品-已收件",
                    "浙江临安西部公司",
                    "1",
                ),
                ("picked_up", None),
            ),
            (
                sto("ST1", "2020-10-14 20:00:00", "装袋", "浙江临安西部公司-已装袋", "浙江临安西部公司", "1"),
                ("in_transit", None),
            ),
            (
                sto(
                    "ST1",
                    "2020-10-14 23:17:26",
                    "发件",
                    "浙江临安西部公司-已发往-浙江杭州转运中心",
                    "浙江临安西部公司",
                    "1",
                ),
                ("in_transit", None),
            ),
            (
                sto("ST1", "2020-10-16 14:45:29", "到件", "已到达-湖南长沙转运中心", "湖南长沙转运中心", "2"),
                ("at_hub", None),
            ),
            (
                sto(
                    "ST1",
                    "2020-10-17 08:19:00",
                    "派件",
                    "湖南长沙金盆岭公司-层上官邸(173****7750)-派件中",
                    "湖南长沙金盆岭公司",
                    "1",
                ),
                ("out_for_delivery", None),
            ),
            (
                sto(
                    "ST1",
                    "2020-10-17 12:45:03",
                    "驿站代收",
                    "快件已由长沙层上观邸1栋113号店菜鸟驿站代收,请及时取件,如有疑问请联系173****7750",
                    "层上观邸1栋113号店菜鸟驿站",
                    "3",
                ),
                ("awaiting_collection", None),
            ),
            (
                sto("ST1", "2020-10-17 17:32:23", "签收", "已签收,签收人凭取货码签收。", "湖南长沙金盆岭公司", "1"),
                ("delivered", None),
            ),
            (
                sto("ST2", "2020-10-17 09:00:00", "第三方代派", "快件已交由第三方代派", "湖南长沙金盆岭公司", "1"),
                ("out_for_delivery", None),
            ),
            (
                sto("ST2", "2020-10-17 10:00:00", "派件入柜", "快件已投递至丰巢柜，请凭取件码取件", "丰巢柜", "3"),
                ("awaiting_collection", None),
            ),
            (
                sto("ST2", "2020-10-17 18:00:00", "快件取出", "快件已从丰巢柜取出", "丰巢柜", "3"),
                ("delivered", None),
            ),
            (
                sto("ST3", "2020-10-17 10:00:00", "柜机代收", "您的快件已存入柜机，请及时取件", "柜机", "3"),
                ("awaiting_collection", None),
            ),
            (
                sto("ST3", "2020-10-18 10:00:00", "客户签收", "您的快件已签收", "湖南长沙金盆岭公司", "1"),
                ("delivered", None),
            ),
            (
                sto(
                    "ST4",
                    "2020-10-17 14:00:00",
                    "问题件",
                    "客户拒收，快件将退回",
                    "湖南长沙金盆岭公司",
                    "1",
                    "客户拒收",
                ),
                ("exception", None),
            ),
            (
                sto("ST5", "2020-10-17 19:00:00", "留仓件", "快件留仓，明日派送", "湖南长沙金盆岭公司", "1"),
                ("exception", "delay"),
            ),
            (
                sto("ST6", "2020-10-18 09:00:00", "退回件", "快件已退回寄件人", "湖南长沙金盆岭公司", "1"),
                ("returned", None),
            ),
            (
                sto("ST7", "2020-10-18 09:00:00", "改地址件", "收件人已更改地址", "湖南长沙金盆岭公司", "1"),
                ("in_transit", None),
            ),
            (
                sto("ST8", "2020-10-18 09:00:00", "第三方代收", "快件已由第三方代收", "代收点", "3"),
                ("awaiting_collection", None),
            ),
        ],
    ),
    # the J&T trace (logistics/trace, statusFeedback): scanNetworkName beside scanNetworkCity
    "jt": (
        [
            "billCode",
            "scanTime",
            "scanType",
            "desc",
            "scanNetworkName",
            "scanNetworkCity",
            "scanNetworkProvince",
            "scanNetworkArea",
            "staffName",
            "nextStopName",
            "problemType",
        ],
        [
            (
                jt(
                    "JT1",
                    "2020-07-16 09:26:15",
                    "快件揽收",
                    "【南京雨花台春江新城网点】您的极兔小哥 test1040 已取件。",
                    "南京雨花台春江新城网点",
                ),
                ("picked_up", None),
            ),
            (
                jt(
                    "JT1",
                    "2020-07-16 20:00:00",
                    "发件扫描",
                    "快件在【南京雨花台春江新城网点】由【扫描员】扫描发往【南京转运中心】",
                    "南京雨花台春江新城网点",
                    next_stop="南京转运中心",
                ),
                ("in_transit", None),
            ),
            (
                jt(
                    "JT1",
                    "2020-07-17 01:00:00",
                    "到件扫描",
                    "快件到达【南京转运中心】上一站是【南京雨花台春江新城网点】",
                    "南京转运中心",
                    next_stop="南京雨花台春江新城网点",
                ),
                ("at_hub", None),
            ),
            (jt("JT1", "2020-07-17 01:30:00", "安检扫描", "快件已安检", "南京转运中心"), ("in_transit", None)),
            (
                jt(
                    "JT1",
                    "2020-07-17 09:26:31",
                    "出仓扫描",
                    "亲，有您的快递！【南京玄武网点】的极兔小哥 test1042 (131****6789) 正带着包裹来见您",
                    "南京玄武网点",
                ),
                ("out_for_delivery", None),
            ),
            (
                jt(
                    "JT1",
                    "2020-07-17 11:00:00",
                    "入库扫描",
                    "您的快件已存放至【兔喜生活】，请前往【玄武路12号】及时取件",
                    "南京玄武网点",
                ),
                ("awaiting_collection", None),
            ),
            (
                jt(
                    "JT1",
                    "2020-07-17 13:00:00",
                    "快件取出扫描",
                    "您的快件已从【兔喜生活】重新取出，将继续为您派件",
                    "南京玄武网点",
                ),
                ("out_for_delivery", None),
            ),
            (
                jt(
                    "JT1",
                    "2020-07-17 18:00:00",
                    "出库扫描",
                    "已签收，签收人凭取件码签收，期待再次为您服务。",
                    "南京玄武网点",
                ),
                ("delivered", None),
            ),
            (
                jt(
                    "JT2",
                    "2020-07-17 12:00:00",
                    "代理点收入扫描",
                    "您的快件已存放在【玄武驿站】代理点，请及时前往取件",
                    "南京玄武网点",
                ),
                ("awaiting_collection", None),
            ),
            (
                jt(
                    "JT2",
                    "2020-07-17 16:00:00",
                    "快件签收",
                    "快件已签收，签收人是【本人】，签收网点【南京玄武网点】",
                    "南京玄武网点",
                ),
                ("delivered", None),
            ),
            (
                jt(
                    "JT3",
                    "2020-07-17 14:00:00",
                    "问题件扫描",
                    "【南京玄武网点】已进行问题件扫描，问题原因【客户拒收】",
                    "南京玄武网点",
                    problem="A2",
                ),
                ("exception", None),
            ),
            (
                jt("JT4", "2020-07-17 15:00:00", "退件扫描", "【南京玄武网点】已进行退回件扫描", "南京玄武网点"),
                ("returned", None),
            ),
            (
                jt("JT5", "2020-07-17 15:00:00", "派件扫描", "【南京玄武网点】的派件员正在派件", "南京玄武网点"),
                ("out_for_delivery", None),
            ),
        ],
    ),
    # the Yunda trace query's steps: action is the scan type, station a number beside
    # station_name and city (a step's own status: see the test below)
    "yunda": (
        [
            "mailno",
            "time",
            "action",
            "description",
            "station",
            "station_name",
            "station_type",
            "city",
            "next_name",
            "next_city",
        ],
        [
            (
                yunda(
                    "YD1",
                    "2020-10-24 17:26:06",
                    "GOT",
                    "华中东西湖区公司 已揽收",
                    "430003",
                    "华中东西湖区公司",
                    "武汉市",
                    "华中枢纽",
                ),
                ("picked_up", None),
            ),
            (
                yunda(
                    "YD1",
                    "2020-10-24 21:00:00",
                    "DEPARTURE",
                    "华中东西湖区公司 已发出",
                    "430003",
                    "华中东西湖区公司",
                    "武汉市",
                    "华中枢纽",
                ),
                ("in_transit", None),
            ),
            (
                yunda("YD1", "2020-10-25 02:00:00", "ARRIVAL", "华中枢纽 已到达", "430001", "华中枢纽", "武汉市"),
                ("at_hub", None),
            ),
            (
                yunda(
                    "YD1",
                    "2020-10-25 09:00:00",
                    "SENT",
                    "武汉江汉区公司 派件员 李某 正在派件",
                    "430010",
                    "武汉江汉区公司",
                    "武汉市",
                ),
                ("out_for_delivery", None),
            ),
            (
                yunda("YD1", "2020-10-25 15:00:00", "SIGNED", "您的快件已签收", "430010", "武汉江汉区公司", "武汉市"),
                ("delivered", None),
            ),
            (
                yunda(
                    "YD2",
                    "2020-10-25 10:00:00",
                    "INBOUND",
                    "快件已到【妈妈驿站】",
                    "430010",
                    "武汉江汉区公司",
                    "武汉市",
                ),
                ("awaiting_collection", None),
            ),
            (
                yunda(
                    "YD2",
                    "2020-10-25 18:00:00",
                    "OUTBOUND",
                    "快件已从【妈妈驿站】取出",
                    "430010",
                    "武汉江汉区公司",
                    "武汉市",
                ),
                ("delivered", None),
            ),
            (
                yunda("YD3", "2020-10-25 10:00:00", "SIGNFAIL", "派送不成功", "430010", "武汉江汉区公司", "武汉市"),
                ("failed_attempt", None),
            ),
            (
                yunda("YD4", "2020-10-25 11:00:00", "REJECTION", "收件人拒收", "430010", "武汉江汉区公司", "武汉市"),
                ("exception", "refused"),
            ),
            (
                yunda("YD5", "2020-10-25 12:00:00", "RETURN", "快件退回", "430010", "武汉江汉区公司", "武汉市"),
                ("returned", None),
            ),
            (
                yunda("YD6", "2020-10-25 12:00:00", "ISSUE", "问题件", "430010", "武汉江汉区公司", "武汉市"),
                ("exception", None),
            ),
            (
                yunda("YD7", "2020-10-25 12:00:00", "TRANSFER", "快件已转单", "430010", "武汉江汉区公司", "武汉市"),
                ("in_transit", None),
            ),
            (
                yunda("YD8", "2020-10-25 12:00:00", "CLEARANCE_FAIL", "清关失败", "510001", "广州海关", "广州市"),
                ("exception", "delay"),
            ),
            (
                yunda("YD9", "2020-10-25 12:00:00", "OVERSEA_ARRIVAL", "干线到达", "510001", "广州国际", "广州市"),
                ("at_hub", None),
            ),
        ],
    ),
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("carrier", list(CARRIERS))
def test_a_carrier_export_is_read_at_its_stages(tmp_path: Path, carrier: str, suffix: str) -> None:
    header, cases = CARRIERS[carrier]
    path = write_file(tmp_path / f"{carrier}_轨迹{suffix}", [header, *(row for row, _ in cases)])
    out = classified(path, carrier)
    assert {"waybill", "event_time", "status", "description", "location"} <= set(out.columns)
    assert out["waybill"].to_list() == [row[0] for row, _ in cases]
    assert stages(out) == [want for _, want in cases]
    assert unknown_statuses(out).height == 0


# Each carrier's code table as its open-platform document (or the clients that read it) lists it,
# with the stage and reason its preset gives each code; None: no stage, listed among the unknown
# statuses. The sources are named in each preset's header.
CODE_TABLES: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "yto": {  # infoContent of the trace query
        "GOT": ("picked_up", None),  # 已收件
        "ARRIVAL": ("at_hub", None),  # 已收入
        "DEPARTURE": ("in_transit", None),  # 已发出
        "PACKAGE": ("in_transit", None),  # 已打包
        "SENT_SCAN": ("out_for_delivery", None),  # 派件
        "INBOUND": ("awaiting_collection", None),  # 自提柜入柜
        "SIGNED": ("delivered", None),  # 签收成功
        "FAILED": ("failed_attempt", None),  # 签收失败
        "FORWARDING": ("in_transit", None),  # 转寄
        "TMS_RETURN": ("returned", None),  # 退回
        "AIRSEND": ("in_transit", None),  # 航空发货 (unconfirmed by a named source)
        "AIRPICK": ("at_hub", None),  # 航空提货 (unconfirmed by a named source)
    },
    "sto": {  # scanType of STO_TRACE_PLATFORM_PUSH, then 装袋 and 客户签收 of the query
        "收件": ("picked_up", None),
        "发件": ("in_transit", None),
        "到件": ("at_hub", None),
        "派件": ("out_for_delivery", None),
        "第三方代派": ("out_for_delivery", None),
        "问题件": ("exception", None),
        "退回件": ("returned", None),
        "留仓件": ("exception", "delay"),
        "快件取出": ("delivered", None),
        "代取快递": (None, None),
        "派件入柜": ("awaiting_collection", None),
        "柜机代收": ("awaiting_collection", None),
        "驿站代收": ("awaiting_collection", None),
        "第三方代收": ("awaiting_collection", None),
        "签收": ("delivered", None),
        "改地址件": ("in_transit", None),
        "装袋": ("in_transit", None),
        "客户签收": ("delivered", None),
    },
    "jt": {  # scanType of logistics/statusFeedback (入仓扫描 is 停用), then 退件扫描 and 派件扫描
        "快件揽收": ("picked_up", None),
        "入仓扫描": ("at_hub", None),
        "发件扫描": ("in_transit", None),
        "到件扫描": ("at_hub", None),
        "出仓扫描": ("out_for_delivery", None),
        "入库扫描": ("awaiting_collection", None),
        "代理点收入扫描": ("awaiting_collection", None),
        "快件取出扫描": ("out_for_delivery", None),
        "出库扫描": ("delivered", None),
        "快件签收": ("delivered", None),
        "问题件扫描": ("exception", None),
        "安检扫描": ("in_transit", None),
        "其他扫描": (None, None),
        "退件扫描": ("returned", None),
        "派件扫描": ("out_for_delivery", None),
    },
    "yunda": {  # a step's action, then the waybill's status (TRANSIT)
        "ACCEPT": ("picked_up", None),
        "GOT": ("picked_up", None),
        "ARRIVAL": ("at_hub", None),
        "DEPARTURE": ("in_transit", None),
        "SENT": ("out_for_delivery", None),
        "INBOUND": ("awaiting_collection", None),
        "SIGNED": ("delivered", None),
        "OUTBOUND": ("delivered", None),
        "SIGNFAIL": ("failed_attempt", None),
        "RETURN": ("returned", None),
        "ISSUE": ("exception", None),
        "REJECTION": ("exception", "refused"),
        "OTHER": (None, None),
        "OVERSEA_IN": ("at_hub", None),
        "OVERSEA_OUT": ("in_transit", None),
        "CLEARANCE_START": ("in_transit", None),
        "CLEARANCE_FINISH": ("in_transit", None),
        "CLEARANCE_FAIL": ("exception", "delay"),
        "OVERSEA_ARRIVAL": ("at_hub", None),
        "OVERSEA_DEPARTURE": ("in_transit", None),
        "TRANSFER": ("in_transit", None),
        "TRANSIT": ("in_transit", None),
    },
}


@pytest.mark.parametrize("carrier", list(CODE_TABLES))
def test_every_code_of_a_carriers_table_is_at_its_stage(carrier: str) -> None:
    table = CODE_TABLES[carrier]
    frame = pl.LazyFrame({"waybill": [f"W{i}" for i in range(len(table))], "status": list(table)})
    out = classify_events(frame, load_preset(carrier).vocabulary()).collect()
    assert dict(zip(table, stages(out), strict=True)) == table
    assert sorted(unknown_statuses(out)["status"]) == sorted(c for c, (stage, _) in table.items() if stage is None)


def test_a_yunda_steps_own_status_is_read_as_the_code_when_the_source_says_so(tmp_path: Path) -> None:
    """Yunda's steps carry action and a status of their own; `status` always names the status
    column, so the source maps it to `code` and action is read as the status."""
    path = write(
        tmp_path / "yunda.csv",
        "mailno,time,action,description,station,station_name,city,status\n"
        "YD1,2020-10-25 09:00:00,SENT,武汉江汉区公司 派件员 李某 正在派件,430010,武汉江汉区公司,武汉市,TRANSIT\n",
    )
    preset = load_preset("yunda")
    with pytest.raises(InputError, match="'action' and 'status' both map to field 'status'"):
        read_table(TableSource(path=path), preset.event_aliases(), required=["waybill", "event_time"])
    source = TableSource(path=path, columns={"status": "code"})
    with read_table(source, preset.event_aliases(), required=["waybill", "event_time"]) as table:
        out = classify_events(table.frame, preset.vocabulary()).collect()
    assert out.select("status", "code", "location").row(0) == ("SENT", "TRANSIT", "武汉江汉区公司")
    assert stages(out) == [("out_for_delivery", None)]


def test_a_yunda_shipments_own_status() -> None:
    """The waybill's status of Yunda's query (GOT, TRANSIT, SIGNED, RETURN, SIGNFAIL) in a shipments table."""
    statuses = ["GOT", "TRANSIT", "SIGNED", "RETURN", "SIGNFAIL"]
    out = pl.select(stage=stage_of(pl.lit(pl.Series(statuses)), load_preset("yunda").vocabulary()))
    assert out["stage"].cast(pl.String).to_list() == [
        "picked_up",
        "in_transit",
        "delivered",
        "returned",
        "failed_attempt",
    ]


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


def test_a_zto_trace_with_both_its_site_and_city_and_a_station_scan(tmp_path: Path) -> None:
    """ZTO's trace returns scanSite and scanCity both (fuzui ZhongtongTraceV1.java): the site is
    the place; ARRIVAL is 驿站代收, the parcel waiting at a station (ZhongtongScanType.java)."""
    path = write(
        tmp_path / "zto_trace.csv",
        "billCode,scanDate,scanType,desc,scanSite,scanCity\n"
        "ZT7,2026-11-21 18:00:00,ARRIVAL,快件已被【菜鸟驿站】代收,菜鸟驿站幸福里店,苏州市\n",
    )
    out = classified(path, "zto")
    assert (out["location"].item(), out["stage"].cast(pl.String).item()) == ("菜鸟驿站幸福里店", "awaiting_collection")


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
