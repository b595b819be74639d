"""How the sample shipments of ZTO, YTO and J&T are tracked: ZTO's own scan export (中通 网点
轨迹导出, one row a scan, written as tracking_zto.xlsx) and Kuaidi100's push callbacks for YTO and
J&T (快递100 订阅推送, one callback body a line, kuaidi100_push.jsonl).

A step of a trace is named as a canonical stage (picked_up, in_transit, at_hub …, and
Kuaidi100's refused and difficult); this module says how each feed words it: ZTO's scan type (扫描类型) and trace text, Kuaidi100's state, state name and
context, as their presets in toolkit/tracking/presets/ read them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter


@dataclass(frozen=True)
class Carrier:
    """A carrier of the samples: its name in the shipments, its product and its waybills."""

    name: str
    service: str
    waybill_prefix: str
    first_waybill: int
    kuaidi100_code: str | None = None  # Kuaidi100's `com`; None: tracked by its own export

    def waybill(self, n: int) -> str:
        return f"{self.waybill_prefix}{self.first_waybill + n * 131:013d}"


ZTO = Carrier("中通快递", "标准快递", "", 7531000000000)
YTO = Carrier("圆通速递", "圆通标快", "YT", 7460000000000, kuaidi100_code="yuantong")
JT = Carrier("极兔速递", "标准快递", "JT", 5010000000000, kuaidi100_code="jtexpress")
CARRIERS = (ZTO, YTO, JT)

FILE_DATE = datetime(2026, 11, 22)
ZTO_SHEET = "轨迹"
ZTO_HEADERS = ("运单编号", "扫描时间", "扫描类型", "扫描网点", "轨迹描述")

_ZTO_SCANS = {  # stage → (扫描类型, 轨迹描述 with {site} and {next})
    "picked_up": ("收件", "【{site}】的业务员已揽收"),
    "in_transit": ("发件", "快件离开【{site}】,已发往【{next}】"),
    "at_hub": ("到件", "快件已经到达【{site}】"),
    "out_for_delivery": ("派件", "【{site}】的快递员正在第1次派件,电话:13800138000,请保持电话畅通"),
    "delivered": ("签收", "快件已在【{site}】签收,签收人:本人,感谢使用中通快递"),
    "exception": ("问题件", "快件在【{site}】因收件人地址不详,暂无法派送,客服正在联系收件人"),
}

_KUAIDI100 = {  # stage → (state code, state name, context with {site})
    "created": ("101", "已下单", "商家已下单,等待揽收"),
    "picked_up": ("1", "揽收", "【{site}】已揽收"),
    "in_transit": ("0", "在途", "快件已从【{site}】发出"),
    "at_hub": ("1001", "到达派件城市", "快件已到达【{site}】"),
    "out_for_delivery": ("5", "派件", "【{site}】快递员正在派件,电话:13800138000"),
    "delivered": ("3", "签收", "您的快件已签收,签收人:本人"),
    "awaiting_collection": ("501", "投柜或驿站", "您的快件已存放至【{site}菜鸟驿站】,请凭取件码及时取件"),
    "refused": ("14", "拒签", "收件人拒收,快件将退回"),
    "difficult": ("2", "疑难", "快件在【{site}】因地址不详无法派送,请联系客服"),
}
"""Kuaidi100's main states (0 在途 … 14 拒签) and two of its sub-states (101 已下单, 1001 到达派件城市,
501 投柜或驿站), as `statusCode` with `status` its name (the callback's resultv2 form)."""

Step = tuple[str, datetime, str]
"""One event of a trace: the canonical stage, when, and the place (a city or a hub)."""


def zto_rows(waybill: str, steps: list[Step]) -> list[dict]:
    """The scan rows of one ZTO waybill, in the order given; the order itself (`created`) is no
    scan, and not in ZTO's export."""
    rows = []
    steps = [step for step in steps if step[0] != "created"]
    for i, (stage, moment, site) in enumerate(steps):
        scan, text = _ZTO_SCANS[stage]
        following = steps[i + 1][2] if i + 1 < len(steps) else site
        rows.append(
            {
                ZTO_HEADERS[0]: waybill,
                ZTO_HEADERS[1]: moment,
                ZTO_HEADERS[2]: scan,
                ZTO_HEADERS[3]: site,
                ZTO_HEADERS[4]: text.format(site=site, next=following),
            }
        )
    return rows


def kuaidi100_callback(carrier: Carrier, waybill: str, steps: list[Step]) -> dict:
    """The body Kuaidi100 posts for `waybill` after its last step: the whole trace, newest first."""
    data = []
    for stage, moment, site in reversed(steps):
        code, name, text = _KUAIDI100[stage]
        when = moment.strftime("%Y-%m-%d %H:%M:%S")
        data.append(
            {"time": when, "ftime": when, "context": text.format(site=site), "status": name,
             "statusCode": code, "areaName": site}
        )  # fmt: skip
    state = _KUAIDI100[steps[-1][0]][0] if steps else "0"
    done = state in ("3", "14")
    return {
        "status": "shutdown" if done else "polling",
        "billstatus": "check" if done else "update",
        "message": "",
        "lastResult": {
            "message": "ok",
            "nu": waybill,
            "ischeck": "1" if done else "0",
            "com": carrier.kuaidi100_code,
            "status": "200",
            "state": state,
            "data": data,
        },
    }


def write_zto_xlsx(scans: pl.DataFrame, path: Path) -> Path:
    """The ZTO scans (`zto_frame`) as its export gives them: sheet 轨迹, the scan time a real date cell."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(path, options) as book:
        book.set_properties({"created": FILE_DATE})  # the same bytes every time it is regenerated
        sheet = book.add_worksheet(ZTO_SHEET)
        header = book.add_format({"bold": True})
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.set_column(0, len(ZTO_HEADERS) - 1, 18)
        sheet.write_row(0, 0, ZTO_HEADERS, header)
        for r, (waybill, moment, *texts) in enumerate(scans.select(ZTO_HEADERS).iter_rows(), start=1):
            sheet.write_string(r, 0, waybill)
            sheet.write_datetime(r, 1, moment, when)
            for c, text in enumerate(texts, start=2):
                sheet.write_string(r, c, text)
    return path


def write_kuaidi100_jsonl(callbacks: list[dict], path: Path) -> Path:
    """One callback body a line, in the order they came."""
    path.write_text("".join(json.dumps(body, ensure_ascii=False) + "\n" for body in callbacks), encoding="utf-8")
    return path


def zto_frame(rows: list[dict]) -> pl.DataFrame:
    """The rows of `zto_rows` as a frame, with ZTO's headers and the scan time a datetime."""
    return pl.DataFrame(rows, schema={name: pl.Datetime if i == 1 else pl.String for i, name in enumerate(ZTO_HEADERS)})
