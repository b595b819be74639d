"""The claim fields (理赔台账) of docs/DOMAIN.md §5, with the headers Chinese claim ledgers use,
and the words people type for the coded columns (出险类型, 运费支付方, 理赔状态, 是/否)."""

from __future__ import annotations

from toolkit.fields import Field, Kind
from toolkit.i18n import Text
from toolkit.labels import CLAIM_LABELS, field

# Each field's labels are the claim vocabulary's (toolkit.labels); the aliases are the other headers ledgers use.
CLAIM_FIELDS: tuple[Field, ...] = (
    field("claim_id", Kind.TEXT, ("索赔单号", "理赔编号", "案件号", "claim no"), CLAIM_LABELS),
    field("customer", Kind.TEXT, ("客户名称", "索赔人", "索赔方", "customer name"), CLAIM_LABELS),
    field("customer_phone", Kind.PHONE, ("联系电话", "索赔人电话", "phone"), CLAIM_LABELS),
    field("waybill", Kind.TEXT, ("单号", "运单编号", "waybill no"), CLAIM_LABELS),
    field("branch", Kind.TEXT, ("网点", "营业部"), CLAIM_LABELS),
    field("carrier", Kind.TEXT, ("承运公司", "快递公司"), CLAIM_LABELS),
    field("incident_date", Kind.DATETIME, ("事故日期", "出险时间", "incident"), CLAIM_LABELS),
    field("incident_type", Kind.TEXT, ("事故类型", "异常类型", "理赔类型"), CLAIM_LABELS),
    field("goods_name", Kind.TEXT, ("品名", "货物", "货名", "goods name"), CLAIM_LABELS),
    field("declared_value", Kind.NUMBER, ("声明价值", "declared value"), CLAIM_LABELS),
    field("insured", Kind.TEXT, ("保价", "投保"), CLAIM_LABELS),
    field("freight_paid_by", Kind.TEXT, ("运费付款方", "付款方", "freight payer"), CLAIM_LABELS),
    field("purchase_price", Kind.NUMBER, ("进价", "采购价", "purchase"), CLAIM_LABELS),
    field("selling_price", Kind.NUMBER, ("销售价", "销售价格", "selling"), CLAIM_LABELS),
    field("amount_claimed", Kind.NUMBER, ("申报金额", "claimed"), CLAIM_LABELS),
    field("status", Kind.TEXT, ("状态", "处理状态"), CLAIM_LABELS),
    field("filed_at", Kind.DATETIME, ("索赔时间", "索赔日期", "受理日期", "filed"), CLAIM_LABELS),
    field("proposal_at", Kind.DATETIME, ("方案提出时间", "方案日期", "proposal"), CLAIM_LABELS),
    field("settled_at", Kind.DATETIME, ("结案日期", "赔付时间", "settled"), CLAIM_LABELS),
    field("amount_paid", Kind.NUMBER, ("赔付金额", "已赔金额", "paid"), CLAIM_LABELS),
    field("goodwill", Kind.TEXT, ("是否通融", "通融"), CLAIM_LABELS),
)

FIELDS_BY_NAME = {f.name: f for f in CLAIM_FIELDS}

# code → (Chinese label, English label); the label is what ledgers hold, the code what jobs use.
INCIDENT_TYPES: dict[str, Text] = {
    "damaged": Text("破损", "damage"),
    "lost": Text("丢失", "loss"),
    "short": Text("短少", "shortage"),
    "delay": Text("延误", "delay"),
    "wet": Text("水湿", "water damage"),
}
PAYERS: dict[str, Text] = {
    "shipper": Text("发货方", "the shipper"),
    "consignee": Text("收货方", "the consignee"),
}
STATUSES: dict[str, Text] = {
    "open": Text("待处理", "open"),
    "proposed": Text("已出方案", "proposed"),
    "settled": Text("已结案", "settled"),
    "rejected": Text("已拒赔", "rejected"),
}

# Other spellings people type, on top of the codes and both labels.
SPELLINGS: dict[str, dict[str, str]] = {
    "incident_type": {
        "破损件": "damaged",
        "货损": "damaged",
        "遗失": "lost",
        "丢件": "lost",
        "少件": "short",
        "延误件": "delay",
        "延迟": "delay",
        "受潮": "wet",
        "湿损": "wet",
    },
    "freight_paid_by": {
        "寄付": "shipper",
        "现付": "shipper",
        "月结": "shipper",
        "寄方": "shipper",
        "发货人": "shipper",
        "到付": "consignee",
        "收方": "consignee",
        "收货人": "consignee",
    },
    "status": {
        "处理中": "open",
        "新建": "open",
        "方案待确认": "proposed",
        "已赔付": "settled",
        "结案": "settled",
        "拒赔": "rejected",
    },
}
YES = ("是", "Y", "y", "yes", "Yes", "YES", "true", "True", "TRUE", "1", "√", "已保价")
NO = ("否", "N", "n", "no", "No", "NO", "false", "False", "FALSE", "0", "", "未保价")


def code_table(column: str) -> dict[str, str]:
    """Every accepted spelling of a coded column → its code."""
    labels = {"incident_type": INCIDENT_TYPES, "freight_paid_by": PAYERS, "status": STATUSES}[column]
    table = {code: code for code in labels}
    for code, text in labels.items():
        table[text.zh] = code
        table[text.en] = code
    return {**table, **SPELLINGS[column]}
