"""The shipped Chinese rules against real trace texts, and how a vocabulary decides."""

from __future__ import annotations

import json

import polars as pl
import pytest
from pydantic import ValidationError

from tests.support.files import SHARED
from toolkit.shipments.stages import STAGE_DTYPE
from toolkit.tracking.presets import load_preset
from toolkit.tracking.vocabulary import StatusRule, StatusVocabulary, classify_events, unknown_statuses

REFERENCE = SHARED / "reference" / "cn_tracking_codes.json"

# Every trace text of ../shared/reference/cn_tracking_codes.json ("phrases"), with the stage the
# shipped rules must give it. Where this table departs from the stage the reference proposes,
# DEPARTURES says why.
REFERENCE_TEXTS: list[tuple[str, str, str | None]] = [
    ("【外高桥北部】（021-****0107） 的 爱某（186****9757） 已揽收", "picked_up", None),
    ("快件已经到达 【上海浦东中心】", "at_hub", None),
    ("【常熟天下淘宝四】 的王某（137****4974） 正在第1次派件, 请保持电话畅通,并耐心等待", "out_for_delivery", None),
    ("您的快递已签收, 签收人在【丰巢...】领取。...您的快递已经妥投。", "delivered", None),
    ("【天津转运中心公司】 已收入", "at_hub", None),
    ("【山东省济南市孙村公司】 派件中 派件人: 方某 电话 185****8021", "out_for_delivery", None),
    ("顺丰速运 已收取快件", "picked_up", None),
    ("快件到达 【上海浦江中转场】", "at_hub", None),
    (
        "快件交给陈某，正在派送途中（联系电话：...，顺丰已开启“安全呼叫”保护您的电话隐私,请放心接听！）",
        "out_for_delivery",
        None,
    ),
    ("快件派送不成功(因电话无人接听/关机/无信号，暂无法联系到收方客户),正在处理中,待再次派送", "failed_attempt", None),
    ("【北京分拣中心】收件入库,交货方是【快乐购北京】", "picked_up", None),
    ("快件到达【退货部】,上一站是【北京分拣中心】", "returned", None),
    ("客户拒收", "exception", "refused"),
    ("货物破损", "exception", "damaged"),
    ("[武汉市]快件派送至【丰巢智能快递柜】,请您凭取件码至...丰巢快递柜领取您的快递.", "awaiting_collection", None),
]
DEPARTURES = {
    "[武汉市]快件派送至【丰巢智能快递柜】,请您凭取件码至...丰巢快递柜领取您的快递.":
        "in a locker: the parcel waits for the customer (issue 4: 丰巢, 驿站, 代收点 → awaiting_collection)",
}  # fmt: skip

# More real trace texts, from the public repositories the reference cites (names and phones masked).
MORE_REAL_TEXTS: list[tuple[str, str, str, str | None]] = [
    # SF, honghua-kd/website logisticsRoutes.ts (opCode in the comment)
    ("SF", "快件运输中", "in_transit", None),  # 501
    ("SF", "快件已发往【上海浦东康桥店】", "in_transit", None),  # 407
    ("SF", "快件在【上海浦东康桥店】完成分拣，准备发往 【上海浦江中转场】", "in_transit", None),  # 30
    ("SF", "快件离开 【上海浦东康桥店】，已在发往  【上海浦江中转场】 的路上", "in_transit", None),  # 36
    ("SF", "我们正在为您的快件分配最合适的快递员，请您稍等。", "out_for_delivery", None),  # 44
    (
        "SF",
        "您的快件已签收，如有疑问请电联快递员【陈某，电话：188****1552】，感谢您使用顺丰，期待再次为您服务。（主单总件数：1件）",
        "delivered",
        None,
    ),  # 80
    # ZTO, CaniceZ/antd-vue3 trace/query.js (actionDesc 已放入快递柜或驿站)
    (
        "ZTO",
        "【苏州市】 快件已被【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】代收，如有问题请电联（4000633333,137****4974），感谢使用中通快递，期待再次为您服务！",
        "awaiting_collection",
        None,
    ),
    (
        "ZTO",
        "【苏州市】 您的快递已签收, 签收人在【丰巢的索特传动设备西门丰巢柜2号柜(丰巢智能快递柜)】(索特传动设备西门丰巢柜2号柜)领取。如有疑问请电联:（137****4974）, 投诉电话:（4000633333）, 您的快递已经妥投。",
        "delivered",
        None,
    ),
    # 百世 (HTKY), AFeng8987/pangucode logistics.mock.js
    ("百世", "【MKT-山东恒伊项目】已揽收", "picked_up", None),
    ("百世", "到【青岛转运中心】", "at_hub", None),
    ("百世", "【青岛转运中心】，正发往【广州番禺转运中心】", "in_transit", None),
]

# Scan-type labels as a status column holds them, per list in the reference ("other_carriers").
SCAN_LABELS: dict[str, dict[str, tuple[str | None, str | None]]] = {
    "ZTO(scanType)": {
        "到件": ("at_hub", None), "发件": ("in_transit", None), "派件": ("out_for_delivery", None),
        "收件": ("picked_up", None), "签收": ("delivered", None), "第三方签收": ("delivered", None),
        "退件": ("returned", None), "退件签收": ("returned", None), "问题件": ("exception", None),
        "ARRIVAL": ("at_hub", None), "SIGNED": ("delivered", None),
    },
    "JT/极兔(scanType)": {
        "快件揽收": ("picked_up", None), "发件扫描": ("in_transit", None), "到件扫描": ("at_hub", None),
        "出仓扫描": ("in_transit", None), "入库扫描": ("awaiting_collection", None),
        "代理点收入扫描": ("awaiting_collection", None), "快件取出扫描": ("delivered", None),
        "出库扫描": ("delivered", None), "快件签收": ("delivered", None), "问题件扫描": ("exception", None),
    },
    "Baishi(scanType)": {
        "到件": ("at_hub", None), "发件": ("in_transit", None), "派件": ("out_for_delivery", None),
        "收件": ("picked_up", None), "签收": ("delivered", None), "代理点签收": ("delivered", None),
        "特殊签收": ("delivered", None), "入库/入柜": ("awaiting_collection", None), "用户提货": ("delivered", None),
        "转同行": ("in_transit", None), "快递员取出包裹": ("out_for_delivery", None),
        "客户拒收": ("exception", "refused"), "二次派件": ("out_for_delivery", None),
        "货物破损": ("exception", "damaged"), "退件": ("returned", None), "更改派送地址": ("exception", "address_problem"),
    },
    "Yunda(scanType)": {
        "ACCEPT": ("picked_up", None), "GOT": ("picked_up", None), "ARRIVAL": ("at_hub", None),
        "DEPARTURE": ("in_transit", None), "SENT": ("in_transit", None), "INBOUND": ("awaiting_collection", None),
        "SIGNED": ("delivered", None), "OUTBOUND": ("delivered", None), "SIGNFAIL": ("failed_attempt", None),
        "RETURN": ("returned", None), "ISSUE": ("exception", None), "REJECTION": ("exception", "refused"),
        "OTHER": (None, None), "TRANSFER": ("in_transit", None), "CLEARANCE_START": ("in_transit", None),
        "CLEARANCE_FINISH": ("in_transit", None), "CLEARANCE_FAIL": ("exception", "delay"),
    },
    "wechat_store_ewaybill_status": {
        "待揽件": ("created", None), "揽收": ("picked_up", None), "运输中": ("in_transit", None),
        "派件": ("out_for_delivery", None), "入柜": ("awaiting_collection", None), "签收": ("delivered", None),
        "退回": ("returned", None), "转寄": ("in_transit", None), "异常": ("exception", None),
        "出柜": ("delivered", None), "其他未知": (None, None),
    },
}  # fmt: skip

# Where two rules both match, the one that must win (rule order).
CONFLICTS: list[tuple[str, str, str | None]] = [
    ("客户拒收，派件员已签收拒收单", "exception", "refused"),
    ("收件人拒绝签收", "exception", "refused"),
    ("快件已退回，退回签收", "returned", None),
    ("客户拒收，快件退回寄件人", "returned", None),
    ("快件丢失，已签收理赔单", "exception", "lost"),
    ("超时未签收", "exception", "delay"),
    ("派送失败，客户未签收", "failed_attempt", None),
    ("派件异常后签收", "delivered", None),
    ("正在派送途中,请您准备签收(派件人:某某,电话:138****0000)", "out_for_delivery", None),
    ("您的快件已签收，签收人：菜鸟驿站", "delivered", None),
    ("快件已到达【幸福里菜鸟驿站】，请凭取件码及时取件", "awaiting_collection", None),
    ("快件已送达【兔喜生活超市】", "awaiting_collection", None),
    ("快件已送达", "delivered", None),
    ("快件已到达【深圳转运中心】，准备发往【宝安网点】", "in_transit", None),
    ("快件到达【宝安网点】", "at_hub", None),
    ("因地址错误派送不成功，请联系客服", "exception", "address_problem"),
    ("因天气原因快件延误", "exception", "delay"),
    ("滞留件出仓", "in_transit", None),
    ("滞留件入仓", "exception", "delay"),
    ("已通知收件人取件", None, None),  # 收件 is a scan label, not a keyword: 收件人 is not a pickup
    ("待揽收", "created", None),
    ("揽收中", "created", None),
]


def classify(texts: list[str | None], vocabulary: StatusVocabulary | None = None, **columns: list) -> pl.DataFrame:
    frame = pl.LazyFrame({"waybill": [f"SF{i:04d}" for i in range(len(texts))], "status": texts, **columns})
    return classify_events(frame, vocabulary or load_preset("generic").vocabulary()).collect()


def expected(rows: list[tuple]) -> list[tuple[str | None, str | None]]:
    return [(stage, reason) for *_, stage, reason in rows]


def found(out: pl.DataFrame) -> list[tuple[str | None, str | None]]:
    return list(zip(out["stage"].to_list(), out["reason"].to_list(), strict=True))


@pytest.mark.parametrize(("text", "stage", "reason"), REFERENCE_TEXTS)
def test_reference_trace_texts(text: str, stage: str, reason: str | None) -> None:
    assert found(classify([text])) == [(stage, reason)]


def test_the_table_covers_every_text_of_the_reference() -> None:
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["phrases"]
    table = {text: (stage, reason) for text, stage, reason in REFERENCE_TEXTS}
    assert sorted(table) == sorted(p["text"] for p in reference)
    for item in reference:
        if item["text"] not in DEPARTURES:
            assert table[item["text"]] == (item["stage"], item.get("reason")), item["text"]


@pytest.mark.parametrize(("carrier", "text", "stage", "reason"), MORE_REAL_TEXTS)
def test_more_real_texts(carrier: str, text: str, stage: str, reason: str | None) -> None:
    assert found(classify([text])) == [(stage, reason)], carrier


@pytest.mark.parametrize("carrier", SCAN_LABELS)
def test_scan_type_labels(carrier: str) -> None:
    labels = SCAN_LABELS[carrier]
    assert dict(zip(labels, found(classify(list(labels))), strict=True)) == labels


def test_the_label_table_covers_every_list_of_the_reference() -> None:
    if not REFERENCE.exists():
        pytest.skip("../shared/reference is not here")
    lists = json.loads(REFERENCE.read_text(encoding="utf-8"))["other_carriers"]
    for name, labels in SCAN_LABELS.items():
        entry = lists[name]
        listed = entry["codes"] if "codes" in entry else [v for k, v in entry.items() if k != "source"]
        assert sorted(labels) == sorted(listed), name


@pytest.mark.parametrize(("text", "stage", "reason"), CONFLICTS)
def test_rule_order_decides_between_matches(text: str, stage: str | None, reason: str | None) -> None:
    assert found(classify([text])) == [(stage, reason)]


def test_all_at_once_gives_the_same_as_one_by_one() -> None:
    labels = [(label, *want) for table in SCAN_LABELS.values() for label, want in table.items()]
    rows = [*REFERENCE_TEXTS, *((t, s, r) for _, t, s, r in MORE_REAL_TEXTS), *CONFLICTS, *labels]
    out = classify([text for text, *_ in rows])
    assert found(out) == expected(rows)
    assert out.schema["stage"] == STAGE_DTYPE and out.schema["reason"] == pl.String


def test_english_and_olist_statuses_in_any_case() -> None:
    texts = [
        "delivered",
        "Delivered",
        "DELIVERED",
        "shipped",
        "canceled",
        "invoiced",
        "Out for delivery",
        "undelivered: nobody home",
    ]
    assert classify(texts)["stage"].to_list() == [
        "delivered", "delivered", "delivered", "in_transit", "cancelled", "created", "out_for_delivery", "failed_attempt",
    ]  # fmt: skip


def test_the_sellers_warehouse_steps_before_the_pickup_are_created() -> None:
    texts = ["商品已经下单", "您的包裹已出库", "您的包裹已出库，正在发往【上海转运中心】"]
    assert found(classify(texts)) == [("created", None), ("created", None), ("in_transit", None)]  # moving on wins


def test_shipments_statuses_that_close_an_order() -> None:
    texts = ["canceled", "已取消", "unavailable", "交易关闭", "已退回"]
    assert classify(texts)["stage"].to_list() == ["cancelled", "cancelled", "closed", "closed", "returned"]


def test_description_is_read_where_the_status_is_empty() -> None:
    out = classify([None, "", "派件中"], description=["快件已被【丰巢】代收", "已签收", "快件丢失"])
    assert out["stage"].to_list() == ["awaiting_collection", "delivered", "out_for_delivery"]


def test_a_code_wins_over_the_text_and_unknown_codes_fall_back_to_the_text() -> None:
    vocabulary = load_preset("sf_opcode").vocabulary()
    out = classify(
        ["快件到达 【上海浦江中转场】", "快件到达 【上海浦江中转场】", "快件到达 【上海浦江中转场】"],
        vocabulary,
        code=["80", "9999", None],
    )
    assert out["stage"].to_list() == ["delivered", "at_hub", "at_hub"]


def test_codes_given_as_numbers_in_the_export() -> None:
    out = classify(["", ""], load_preset("kuaidi100").vocabulary(), code=[3, 501])
    assert out["stage"].to_list() == ["delivered", "awaiting_collection"]


def test_unknown_statuses_are_counted_with_an_example_and_nothing_is_dropped() -> None:
    texts = ["已签收", "快件被外星人带走", None, "快件被外星人带走", "包裹在月球", "快件被外星人带走"]
    out = classify(texts)
    unknown = unknown_statuses(out)
    assert unknown.to_dicts() == [
        {"status": "快件被外星人带走", "code": None, "count": 3, "example_waybill": "SF0001"},
        {"status": None, "code": None, "count": 1, "example_waybill": "SF0002"},
        {"status": "包裹在月球", "code": None, "count": 1, "example_waybill": "SF0004"},
    ]
    assert unknown["count"].sum() == out["stage"].null_count()


def test_unknown_statuses_of_a_code_table_show_the_code() -> None:
    out = classify(["看不懂", "看不懂"], load_preset("sf_opcode").vocabulary(), code=["4242", "80"])
    assert unknown_statuses(out.lazy()).to_dicts() == [
        {"status": "看不懂", "code": "4242", "count": 1, "example_waybill": "SF0000"}
    ]


def test_own_rules_first_then_keyword_order() -> None:
    vocabulary = StatusVocabulary(
        (
            StatusRule(stage="awaiting_collection", keywords=["菜鸟柜"]),
            StatusRule(stage="delivered", keywords=["签收"]),
            StatusRule(stage="exception", reason="refused", regex=[r"拒\S{0,3}收"]),
            StatusRule(stage="picked_up", phrases=["收件"]),
        )
    )
    out = classify(["已放入菜鸟柜，请签收", "拒绝接收并签收", "客户拒不接收", "收件", "收件人"], vocabulary)
    assert found(out) == [
        ("awaiting_collection", None),
        ("delivered", None),
        ("exception", "refused"),
        ("picked_up", None),
        (None, None),
    ]


def test_a_vocabulary_without_rules_matches_nothing() -> None:
    out = classify(["已签收"], StatusVocabulary(()))
    assert out["stage"].to_list() == [None]
    assert unknown_statuses(out)["count"].to_list() == [1]


def test_streaming_engine_gives_the_same_rows() -> None:
    texts = [text for text, *_ in REFERENCE_TEXTS] * 50
    frame = pl.LazyFrame({"waybill": [str(i) for i in range(len(texts))], "status": texts})
    classified = classify_events(frame, load_preset("generic").vocabulary())
    assert classified.collect(engine="streaming").equals(classified.collect())


def test_extra_columns_pass_through_untouched() -> None:
    out = classify(["已签收"], location=["上海"], code=["x"])
    assert out.columns == ["waybill", "status", "location", "code", "stage", "reason"]
    assert out.row(0) == ("SF0000", "已签收", "上海", "x", "delivered", None)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"stage": "delivered"}, "at least one of codes, phrases, keywords, regex"),
        ({"stage": "shipped", "keywords": ["x"]}, "Input should be 'created'"),
        ({"stage": "exception", "reason": "weather", "keywords": ["x"]}, "Input should be 'delay'"),
        ({"stage": "delivered", "keywords": ["签收", " "]}, "an empty word matches everything"),
        ({"stage": "delivered", "regex": "签收("}, "invalid regular expression '签收('"),
        ({"stage": "delivered", "keywords": ["签收"], "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_a_bad_rule_says_what_is_wrong(rule: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        StatusRule.model_validate(rule)


def test_codes_written_as_numbers_become_text() -> None:
    assert StatusRule.model_validate({"stage": "delivered", "codes": [80, "8000"]}).codes == ("80", "8000")
    assert StatusRule.model_validate({"stage": "delivered", "keywords": "签收"}).keywords == ("签收",)
