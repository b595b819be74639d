"""Sample shipments and their tracking, with planted overdue cases, for demos and the test that
the overdue job finds exactly them: SF's shipments with an SF-style route export (路由导出,
tracking_sf.csv), then ZTO's with ZTO's scan export (tracking_zto.xlsx) and YTO's and J&T's with
Kuaidi100's push callbacks (kuaidi100_push.jsonl; see toolkit/samples/carriers.py). Run as of 2026-11-22 09:00
(Asia/Shanghai, a Sunday): `toolkit run ... --as-of "2026-11-22 09:00"`.

Background shipments are on time by construction (picked up within the hour, delivered within
the limit, the last event of one still moving at most a few hours old). Planted cases are listed
in planted_overdue.csv with the rule the worklist must give (blank: must not be listed) and,
for the holiday cases, whether the delivery was on time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from toolkit.samples.carriers import (
    CARRIERS,
    JT,
    YTO,
    ZTO,
    Carrier,
    Step,
    kuaidi100_callback,
    write_kuaidi100_jsonl,
    write_zto_xlsx,
    zto_frame,
    zto_rows,
)

AS_OF = datetime(2026, 11, 22, 9, 0)
CARRIER = "顺丰速运"
SERVICES = ("顺丰标快", "顺丰特快")
BRANCHES = (
    ("上海嘉定营业所", "上海"),
    ("上海浦东营业所", "上海"),
    ("杭州萧山营业所", "杭州"),
    ("苏州工业园营业所", "苏州"),
    ("深圳宝安营业所", "深圳"),
    ("广州白云营业所", "广州"),
)
DESTINATIONS = ("北京", "成都", "武汉", "南京", "杭州", "广州", "深圳", "西安", "重庆", "天津")
HUBS = {
    "上海": "上海青浦集散中心",
    "杭州": "杭州萧山集散中心",
    "苏州": "苏州吴中集散中心",
    "深圳": "深圳宝安集散中心",
    "广州": "广州白云集散中心",
    "北京": "北京顺义集散中心",
    "成都": "成都双流集散中心",
    "武汉": "武汉东西湖集散中心",
    "南京": "南京江宁集散中心",
    "西安": "西安咸阳集散中心",
    "重庆": "重庆渝北集散中心",
    "天津": "天津武清集散中心",
}
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周敏", "吴军")
UNKNOWN_TEXT = "【系统】路由节点9527同步"

SHIPMENT_HEADERS = {
    "waybill": "运单号",
    "order_id": "订单号",
    "order_time": "寄件时间",
    "carrier": "快递公司",
    "service": "产品类型",
    "origin": "原寄地",
    "destination": "目的地",
    "urgent": "加急",
    "declared_value": "保价金额",
    "customer_name": "收件人",
    "customer_phone": "收件人电话",
    "branch": "寄件网点",
    "agent_id": "客服工号",
}
EVENT_HEADERS = {"waybill": "运单号码", "event_time": "路由时间", "location": "路由地点", "description": "路由信息"}


def _texts(origin: str, destination: str, courier: str) -> dict[str, tuple[str, str]]:
    """Stage → (place, SF route text) for one shipment."""
    return {
        "created": (origin, "已下单"),
        "picked_up": (origin, f"快件在【{origin}营业点】已揽收"),
        "in_transit": (HUBS[origin], f"快件在【{HUBS[origin]}】完成分拣,准备发往【{HUBS[destination]}】"),
        "at_hub": (HUBS[destination], f"快件到达【{HUBS[destination]}】"),
        "out_for_delivery": (destination, f"快件交给{courier},正在派送途中(联系电话:13800138000)"),
        "delivered": (destination, "已签收,感谢使用顺丰,期待再次为您服务"),
        "awaiting_collection": (destination, "快件已被【丰巢】代收,请及时取件"),
        "damaged": (HUBS[destination], "快件外包装破损,已联系寄件人处理"),
        "refused": (destination, "客户拒收,快件待返回"),
        "failed": (destination, "快件派送不成功(收件人电话无人接听),待再次派送"),
        "unknown": (HUBS[origin], UNKNOWN_TEXT),
    }


@dataclass
class _Builder:
    rng: np.random.Generator
    shipments: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)  # SF's route export
    zto_scans: list[dict] = field(default_factory=list)
    callbacks: list[dict] = field(default_factory=list)  # Kuaidi100's, in the order they came
    planted: list[dict] = field(default_factory=list)
    waybills: dict[str, int] = field(default_factory=dict)  # per carrier other than SF: how many so far

    def shipment(
        self,
        order_time: datetime,
        *,
        origin: str | None = None,
        destination: str | None = None,
        service: str | None = None,
        urgent: bool = False,
        value: float | None = None,
        carrier: Carrier | None = None,
    ) -> dict:
        n = len(self.shipments)
        branch, city = BRANCHES[n % len(BRANCHES)] if origin is None else next(b for b in BRANCHES if b[1] == origin)
        dest = destination or DESTINATIONS[int(self.rng.integers(len(DESTINATIONS)))]
        if dest == city:
            dest = "北京"
        if carrier is None:
            waybill, carrier_name, service = f"SF{1461000000000 + n * 7919:013d}", CARRIER, service or SERVICES[n % 2]
        else:
            k = self.waybills[carrier.name] = self.waybills.get(carrier.name, -1) + 1
            waybill, carrier_name, service = carrier.waybill(k), carrier.name, service or carrier.service
        row = {
            "waybill": waybill,
            "order_id": f"DD2026{n:06d}",
            "order_time": order_time.strftime("%Y-%m-%d %H:%M"),
            "carrier": carrier_name,
            "service": service,
            "origin": city,
            "destination": dest,
            "urgent": "是" if urgent else "",
            "declared_value": "" if value is None else f"{value:.0f}",
            "customer_name": NAMES[n % len(NAMES)],
            "customer_phone": f"139{n:08d}",
            "branch": branch,
            "agent_id": f"80{11 + n % 9}",
        }
        self.shipments.append(row)
        return row

    def trace(self, row: dict, steps: list[tuple[str, datetime]]) -> None:
        texts = _texts(row["origin"], row["destination"], NAMES[(len(self.events) + 3) % len(NAMES)])
        for stage, moment in steps:
            place, text = texts[stage]
            self.events.append(
                {
                    "waybill": row["waybill"],
                    "event_time": moment.strftime("%Y-%m-%d %H:%M:%S"),
                    "location": place,
                    "description": text,
                }
            )

    def track(self, row: dict, carrier: Carrier, steps: list[tuple[str, datetime]]) -> None:
        """The steps of a ZTO, YTO or J&T shipment in its carrier's feed: ZTO's export, or one
        Kuaidi100 callback with the trace so far."""
        places = _places(row["origin"], row["destination"])
        traced: list[Step] = [
            (stage, moment.replace(microsecond=0), places.get(stage, row["destination"])) for stage, moment in steps
        ]
        if carrier.kuaidi100_code is None:
            self.zto_scans.extend(zto_rows(row["waybill"], traced))
        else:
            self.callbacks.append(kuaidi100_callback(carrier, row["waybill"], traced))

    def plant(self, row: dict, case: str, rule: str = "", delivered_on_time: bool | None = None) -> None:
        self.planted.append(
            {"waybill": row["waybill"], "case": case, "rule": rule, "delivered_on_time": delivered_on_time}
        )


def _journey(pickup: datetime, hours_to_deliver: float) -> list[tuple[str, datetime]]:
    step = timedelta(hours=hours_to_deliver / 5)
    return [
        ("picked_up", pickup),
        ("in_transit", pickup + step),
        ("in_transit", pickup + 2 * step),
        ("at_hub", pickup + 3 * step),
        ("out_for_delivery", pickup + 4 * step),
        ("delivered", pickup + 5 * step),
    ]


def _background(b: _Builder, n: int) -> None:
    """On-time shipments: delivered, still moving (last event under 6 hours old), or not yet due."""
    rng = b.rng
    for i in range(n):
        kind = i % 10
        if kind < 6:  # delivered: ordered 11-16..11-19 in the morning, delivered within a working day
            day = datetime(2026, 11, 16) + timedelta(days=int(rng.integers(0, 4)))
            order = day + timedelta(hours=8, minutes=int(rng.integers(40, 100)))
            row = b.shipment(order)
            b.trace(
                row,
                [("created", order)]
                + _journey(order + timedelta(minutes=int(rng.integers(20, 60))), float(rng.uniform(10, 30))),
            )
        elif kind < 9:  # still moving: picked up on Friday or Saturday, last event in the small hours of Sunday
            order = datetime(2026, 11, 20 + int(rng.integers(0, 2)), 9, int(rng.integers(0, 59)))
            row = b.shipment(order)
            last = AS_OF - timedelta(minutes=int(rng.integers(30, 360)))
            pickup = order + timedelta(minutes=30)
            middle = pickup + (last - pickup) / 2
            b.trace(row, [("created", order), ("picked_up", pickup), ("in_transit", middle), ("at_hub", last)])
        else:  # ordered on Friday after 16:00 or at the weekend: due Monday
            order = datetime(2026, 11, 20, 16, 5) + timedelta(minutes=int(rng.integers(0, 60 * 36)))
            b.shipment(order)


def _planted(b: _Builder) -> None:
    for minute in (5, 30, 59):  # ordered Friday before 16:00, never picked up: due Friday 17:00
        row = b.shipment(datetime(2026, 11, 20, 15, minute))
        b.trace(row, [("created", datetime(2026, 11, 20, 15, minute))])
        b.plant(row, "late_pickup_before_1600_cutoff", "pickup_overdue")
    for minute in (1, 20, 45):  # ordered Friday after 16:00: due Monday 12:00, not late
        row = b.shipment(datetime(2026, 11, 20, 16, minute))
        b.trace(row, [("created", datetime(2026, 11, 20, 16, minute))])
        b.plant(row, "after_1600_cutoff_not_yet_due")
    for hour in (9, 14):  # no events at all, ordered Thursday: pickup overdue
        b.plant(b.shipment(datetime(2026, 11, 19, hour, 10)), "no_events_late_pickup", "pickup_overdue")
    b.plant(b.shipment(datetime(2026, 11, 22, 7, 45)), "no_events_not_yet_due")
    for i in range(6):  # Shanghai → Chengdu, picked up Tuesday, still on the way: late, and one batch for the carrier
        order = datetime(2026, 11, 17, 9, 10 + i)
        row = b.shipment(
            order, origin="上海", destination="成都", service="顺丰标快", urgent=i == 0, value=8000 if i == 1 else None
        )
        b.trace(
            row,
            [
                ("created", order),
                ("picked_up", order + timedelta(hours=1)),
                ("in_transit", order + timedelta(hours=8)),
                ("at_hub", datetime(2026, 11, 22, 6, i)),
            ],
        )
        b.plant(row, "delivery_late_batch_route", "delivery_overdue")
    for i in range(3):  # stuck at the destination hub since Friday evening (at_hub: 24 h)
        order = datetime(2026, 11, 19, 9, 30 + i)
        row = b.shipment(order, origin="杭州", destination="武汉")
        b.trace(
            row,
            [
                ("created", order),
                ("picked_up", order + timedelta(hours=1)),
                ("in_transit", order + timedelta(hours=9)),
                ("at_hub", datetime(2026, 11, 20, 19, 10 + i)),
            ],
        )
        b.plant(row, "stalled_at_hub", "stalled")
    for i, reason in enumerate(("damaged", "refused", "failed")):  # exceptions
        order = datetime(2026, 11, 20, 8, 40 + i)
        row = b.shipment(order, origin="广州", destination="深圳")
        b.trace(
            row,
            [
                ("created", order),
                ("picked_up", order + timedelta(hours=1)),
                ("at_hub", order + timedelta(hours=12)),
                (reason, datetime(2026, 11, 21, 15, i)),
            ],
        )
        b.plant(row, f"exception_{reason}", "exception")
    for day, rule in ((17, "uncollected"), (21, "")):  # in a locker since Tuesday (late) and since Saturday (not yet)
        order = datetime(2026, 11, day - 1, 9, 0)
        row = b.shipment(order, origin="苏州", destination="南京")
        b.trace(
            row,
            [
                ("created", order),
                ("picked_up", order + timedelta(hours=1)),
                ("at_hub", order + timedelta(hours=10)),
                ("awaiting_collection", datetime(2026, 11, day, 10, 0)),
            ],
        )
        b.plant(row, "locker_uncollected" if rule else "locker_recent", rule)
    # 上海 → 上海 is one working day. Picked up Friday 2026-10-09: due Saturday 10-10, a 调休 working
    # day; delivered Monday: late only because of the swapped working day.
    row = b.shipment(datetime(2026, 10, 9, 9, 0), origin="上海", destination="上海", service="顺丰标快")
    row["destination"] = "上海"
    b.trace(row, [("created", datetime(2026, 10, 9, 9, 0))] + _journey(datetime(2026, 10, 9, 10, 0), 72))
    b.plant(row, "late_because_of_swapped_working_day", delivered_on_time=False)
    # Picked up 2026-09-30, two working days: due 10-09 after National Day; delivered 10-08, on time.
    row = b.shipment(datetime(2026, 9, 30, 9, 0), origin="杭州", destination="西安", service="顺丰标快")
    b.trace(row, [("created", datetime(2026, 9, 30, 9, 0))] + _journey(datetime(2026, 9, 30, 10, 0), 190))
    b.plant(row, "on_time_because_of_national_day", delivered_on_time=True)
    for i in range(2):  # delivered; events shuffled in the file, one duplicated, one scan after the delivery
        order = datetime(2026, 11, 18, 9, i)
        row = b.shipment(order)
        steps = [("created", order)] + _journey(order + timedelta(minutes=40), 20)
        steps += [steps[3], ("in_transit", steps[-1][1] + timedelta(hours=3))]
        b.trace(row, [steps[i] for i in np.random.default_rng(i).permutation(len(steps))])
        b.plant(row, "out_of_order_duplicate_and_after_delivery")
    order = datetime(2026, 11, 18, 10, 0)  # an unknown status in the middle of an on-time delivery
    row = b.shipment(order)
    b.trace(
        row,
        [("created", order)]
        + _journey(order + timedelta(minutes=30), 20)[:3]
        + [("unknown", order + timedelta(hours=9))]
        + _journey(order + timedelta(minutes=30), 20)[3:],
    )
    b.plant(row, "unknown_status")


def _places(origin: str, destination: str) -> dict[str, str]:
    """Stage → place of a ZTO, YTO or J&T event: the origin's hub, the destination's, or the city."""
    return {"picked_up": f"{origin}分部", "in_transit": HUBS[origin], "at_hub": HUBS[destination]}


def _carrier_background(b: _Builder, n: int) -> None:
    """On-time ZTO, YTO and J&T shipments, as `_background`'s: delivered within three working
    days, still moving (last event under 6 hours old), or ordered since Friday 16:00."""
    rng = b.rng
    for i in range(n):
        carrier, kind = CARRIERS[i % len(CARRIERS)], i % 10
        if kind < 6:
            order = datetime(2026, 11, 16 + int(rng.integers(0, 3)), 8, int(rng.integers(40, 59)))
            row = b.shipment(order, carrier=carrier)
            pickup = order + timedelta(minutes=int(rng.integers(20, 60)))
            b.track(row, carrier, [("created", order)] + _journey(pickup, float(rng.uniform(20, 50))))
        elif kind < 9:
            order = datetime(2026, 11, 20 + int(rng.integers(0, 2)), 9, int(rng.integers(0, 59)))
            row = b.shipment(order, carrier=carrier)
            pickup, last = order + timedelta(minutes=40), AS_OF - timedelta(minutes=int(rng.integers(30, 360)))
            b.track(row, carrier, [("created", order), ("picked_up", pickup), ("in_transit", last)])
        else:
            b.shipment(
                datetime(2026, 11, 20, 16, 30) + timedelta(minutes=int(rng.integers(0, 60 * 36))), carrier=carrier
            )


def _carrier_planted(b: _Builder) -> None:
    """The cases of the ZTO export and the Kuaidi100 callbacks (`carrier_` in planted_overdue.csv)."""
    order = datetime(2026, 11, 19, 9, 20)  # ZTO: at the destination hub since Friday 19:00
    row = b.shipment(order, origin="上海", destination="武汉", carrier=ZTO)
    b.track(row, ZTO, [("picked_up", order + timedelta(hours=1)), ("in_transit", order + timedelta(hours=8)),
                       ("at_hub", datetime(2026, 11, 20, 19, 0))])  # fmt: skip
    b.plant(row, "carrier_zto_stalled_at_hub", "stalled")
    order = datetime(2026, 11, 20, 9, 5)  # ZTO 问题件: the address is unclear
    row = b.shipment(order, origin="杭州", destination="南京", carrier=ZTO)
    b.track(row, ZTO, [("picked_up", order + timedelta(hours=1)), ("at_hub", order + timedelta(hours=10)),
                       ("exception", datetime(2026, 11, 21, 10, 30))])  # fmt: skip
    b.plant(row, "carrier_zto_problem_parcel", "exception")
    row = b.shipment(datetime(2026, 11, 19, 9, 40), carrier=ZTO)  # ZTO: ordered Thursday, never scanned
    b.plant(row, "carrier_zto_never_scanned", "pickup_overdue")
    order = datetime(2026, 11, 19, 9, 0)  # YTO 拒签 (Kuaidi100 state 14)
    row = b.shipment(order, origin="广州", destination="深圳", carrier=YTO)
    b.track(row, YTO, [("created", order), ("picked_up", order + timedelta(hours=1)),
                       ("at_hub", order + timedelta(hours=11)), ("refused", datetime(2026, 11, 21, 11, 0))])  # fmt: skip
    b.plant(row, "carrier_kuaidi100_refused", "exception")
    order = datetime(2026, 11, 20, 8, 50)  # J&T 疑难 (Kuaidi100 state 2)
    row = b.shipment(order, origin="深圳", destination="广州", carrier=JT)
    b.track(row, JT, [("created", order), ("picked_up", order + timedelta(hours=1)),
                      ("difficult", datetime(2026, 11, 21, 16, 0))])  # fmt: skip
    b.plant(row, "carrier_kuaidi100_difficult", "exception")
    order = datetime(2026, 11, 16, 9, 0)  # YTO in a station (501 投柜或驿站) since Tuesday: uncollected
    row = b.shipment(order, origin="苏州", destination="南京", carrier=YTO)
    b.track(row, YTO, [("created", order), ("picked_up", order + timedelta(hours=1)),
                       ("awaiting_collection", datetime(2026, 11, 17, 10, 0))])  # fmt: skip
    b.plant(row, "carrier_kuaidi100_station_uncollected", "uncollected")
    order = datetime(2026, 11, 16, 9, 30)  # J&T picked up Monday, due Thursday, still at the hub on Saturday night
    row = b.shipment(order, origin="上海", destination="成都", carrier=JT)
    b.track(row, JT, [("created", order), ("picked_up", order + timedelta(hours=1)),
                      ("in_transit", order + timedelta(hours=9)), ("at_hub", datetime(2026, 11, 21, 22, 0))])  # fmt: skip
    b.plant(row, "carrier_kuaidi100_delivery_late", "delivery_overdue")
    # YTO: a callback while on the way, then the one of the delivery, which holds the whole trace
    # and supersedes the first (read alone, the first would say in transit, not stalled)
    order = datetime(2026, 11, 17, 9, 10)
    row = b.shipment(order, origin="杭州", destination="苏州", carrier=YTO)
    steps = [("created", order)] + _journey(order + timedelta(minutes=30), 30)
    b.track(row, YTO, steps[:3])
    b.track(row, YTO, steps)
    b.plant(row, "carrier_kuaidi100_superseded_callback")


@dataclass(frozen=True)
class GeneratedShipments:
    shipments: pl.DataFrame
    events: pl.DataFrame  # SF's route export
    planted: pl.DataFrame
    zto_scans: pl.DataFrame  # ZTO's scan export
    callbacks: list[dict]  # Kuaidi100's push callbacks (YTO, J&T), one a line


def generate_shipments(n: int = 6000, *, seed: int = 23, carriers: int = 90) -> GeneratedShipments:
    """`n` background SF shipments plus the planted cases; events in file order (by time, except
    the planted out-of-order ones), with the Chinese headers of an SF export. Then `carriers`
    background ZTO, YTO and J&T shipments and their planted cases, tracked by ZTO's export and
    Kuaidi100's callbacks (a random stream of their own: the SF part is the same with or without)."""
    builder = _Builder(np.random.default_rng(seed))
    _background(builder, n)
    _planted(builder)
    builder.rng = np.random.default_rng(seed + 1)
    _carrier_background(builder, carriers)
    _carrier_planted(builder)
    shipments = (
        pl.DataFrame(builder.shipments).with_columns(pl.col(pl.String).replace("", None)).rename(SHIPMENT_HEADERS)
    )
    events = pl.DataFrame(builder.events).rename(EVENT_HEADERS)
    planted = pl.DataFrame(
        builder.planted,
        schema={"waybill": pl.String, "case": pl.String, "rule": pl.String, "delivered_on_time": pl.Boolean},
    ).with_columns(pl.col("rule").replace("", None))
    return GeneratedShipments(shipments, events, planted, zto_frame(builder.zto_scans), builder.callbacks)


def write_shipment_samples(out_dir: Path, n: int = 6000, seed: int = 23) -> list[Path]:
    """shipments.csv, tracking_sf.csv, planted_overdue.csv, tracking_zto.xlsx and
    kuaidi100_push.jsonl."""
    generated = generate_shipments(n, seed=seed)
    writers: dict[str, Callable[[Path], object]] = {
        "shipments.csv": generated.shipments.write_csv,
        "tracking_sf.csv": generated.events.write_csv,
        "planted_overdue.csv": generated.planted.write_csv,
        "tracking_zto.xlsx": lambda path: write_zto_xlsx(generated.zto_scans, path),
        "kuaidi100_push.jsonl": lambda path: write_kuaidi100_jsonl(generated.callbacks, path),
    }
    for name, write in writers.items():
        write(out_dir / name)
    return [out_dir / name for name in writers]
