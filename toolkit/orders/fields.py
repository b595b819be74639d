"""The order fields (下单要素) of DOMAIN.md section 1, with the headers Chinese exports use."""

from __future__ import annotations

from toolkit.fields import Field, Kind

ORDER_FIELDS: tuple[Field, ...] = (
    Field("order_id", Kind.TEXT, "订单号", "Order ID", ("运单号", "单号", "订单编号", "order no")),
    Field("order_time", Kind.DATETIME, "下单时间", "Order time", ("下单日期", "order date")),
    Field("shipper_name", Kind.TEXT, "发货人", "Shipper", ("提货联系人", "寄件人", "shipper name")),
    Field("shipper_phone", Kind.PHONE, "发货人电话", "Shipper phone", ("提货电话", "寄件人电话", "发货电话")),
    Field("pickup_address", Kind.TEXT, "提货地址", "Pickup address", ("取件地址", "寄件地址")),
    Field("goods_name", Kind.TEXT, "货物名称", "Goods", ("品名", "货物", "货名", "goods name")),
    Field("pieces", Kind.INTEGER, "件数", "Pieces", ("数量", "pcs")),
    Field("weight_kg", Kind.NUMBER, "重量", "Weight (kg)", ("重量(kg)", "重量(公斤)", "重量（公斤）", "weight")),
    Field("volume_m3", Kind.NUMBER, "体积", "Volume (m3)", ("体积(方)", "体积（方）", "体积(m³)", "方数", "volume")),
    Field("goods_condition", Kind.TEXT, "新旧", "Condition", ("新旧程度", "货物新旧", "condition")),
    Field("packaging", Kind.TEXT, "包装", "Packaging", ("包装方式", "包装类型")),
    Field("declared_value", Kind.NUMBER, "保价金额", "Declared value", ("保价", "声明价值", "declared value")),
    Field("destination", Kind.TEXT, "目的地", "Destination", ("到达城市", "目的城市", "到站")),
    Field("consignee_name", Kind.TEXT, "收货人", "Consignee", ("收件人", "consignee name")),
    Field("consignee_phone", Kind.PHONE, "收货人电话", "Consignee phone", ("收件人电话", "收货电话")),
    Field("consignee_address", Kind.TEXT, "收货地址", "Consignee address", ("收件地址", "送货地址")),
    Field("payment_method", Kind.TEXT, "付款方式", "Payment method", ("运费结算方式", "结算方式", "payment")),
    Field("pickup_fee", Kind.NUMBER, "提货费", "Pickup fee", ("pickup fee",)),
    Field("delivery_fee", Kind.NUMBER, "送货费", "Delivery fee", ("delivery fee",)),
    Field("branch", Kind.TEXT, "营业所", "Branch", ("网点", "营业部")),
    Field("agent_id", Kind.TEXT, "客服工号", "Agent ID", ("工号", "agent")),
)

FIELDS_BY_NAME = {f.name: f for f in ORDER_FIELDS}
