"""The order fields (下单要素) of docs/DOMAIN.md §1, with the headers Chinese exports use."""

from __future__ import annotations

from toolkit.fields import Field, Kind
from toolkit.labels import field

# Each field's labels are the vocabulary's (toolkit.labels); the aliases are the other headers exports use.
ORDER_FIELDS: tuple[Field, ...] = (
    field("order_id", Kind.TEXT, ("运单号", "单号", "订单编号", "order no")),
    field("order_time", Kind.DATETIME, ("下单日期", "order date")),
    field("shipper_name", Kind.TEXT, ("提货联系人", "寄件人", "shipper name")),
    field("shipper_phone", Kind.PHONE, ("提货电话", "寄件人电话", "发货电话")),
    field("pickup_address", Kind.TEXT, ("取件地址", "寄件地址")),
    field("goods_name", Kind.TEXT, ("品名", "货物", "货名", "goods name")),
    field("pieces", Kind.INTEGER, ("数量", "pcs")),
    field("weight_kg", Kind.NUMBER, ("重量(kg)", "重量(公斤)", "重量（公斤）", "weight")),
    field("volume_m3", Kind.NUMBER, ("体积(方)", "体积（方）", "体积(m³)", "方数", "volume")),
    field("goods_condition", Kind.TEXT, ("新旧程度", "货物新旧", "condition")),
    field("packaging", Kind.TEXT, ("包装方式", "包装类型")),
    field("declared_value", Kind.NUMBER, ("保价", "声明价值", "declared value")),
    field("destination", Kind.TEXT, ("到达城市", "目的城市", "到站")),
    field("consignee_name", Kind.TEXT, ("收件人", "consignee name")),
    field("consignee_phone", Kind.PHONE, ("收件人电话", "收货电话")),
    field("consignee_address", Kind.TEXT, ("收件地址", "送货地址")),
    field("payment_method", Kind.TEXT, ("运费结算方式", "结算方式", "payment")),
    field("pickup_fee", Kind.NUMBER, ("pickup fee",)),
    field("delivery_fee", Kind.NUMBER, ("delivery fee",)),
    field("branch", Kind.TEXT, ("网点", "营业部")),
    field("agent_id", Kind.TEXT, ("工号", "agent")),
)

FIELDS_BY_NAME = {f.name: f for f in ORDER_FIELDS}
