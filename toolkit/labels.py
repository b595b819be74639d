"""The one vocabulary of column labels: what a column is called on every page, xlsx sheet and
outbox file, in Chinese and English.

The canonical input fields take their labels from here too (`field`): a field's label is both
the header a Chinese export writes (so it is read back as an alias) and the header a page shows,
and declaring the field with `field` keeps that one word. (The field sets of orders and claims
live in layers above this one, so the vocabulary cannot be built from them.)

A name two tables use for different things keeps its own word in a vocabulary of that table,
built on `LABELS` (`CLAIM_LABELS`, `SHIPMENT_LABELS`); every other name means the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from toolkit.fields import Field, Kind
from toolkit.i18n import Text

LABELS: dict[str, Text] = {
    # rows, findings and batch runs: every job
    "row": Text("行号", "Row"),
    "record_id": Text("单号", "Record"),
    "column": Text("列", "Column"),
    "value": Text("值", "Value"),
    "rule": Text("规则", "Rule"),
    "severity": Text("级别", "Severity"),
    "message": Text("说明", "Message"),
    "problems": Text("问题说明", "Problems"),
    "rows": Text("行数", "Rows"),
    "findings": Text("问题数", "Findings"),
    "share": Text("占比", "Share"),
    "count": Text("件数", "Count"),
    "source": Text("来源", "Source"),
    "name": Text("作业", "Job"),
    "kind": Text("类型", "Kind"),
    "status": Text("状态", "Status"),
    "duration_s": Text("用时（秒）", "Seconds"),
    "counts": Text("计数", "Counts"),
    "error": Text("错误", "Error"),
    # orders (the fields of docs/DOMAIN.md §1.1) and the order check's counts
    "order_id": Text("订单号", "Order ID"),
    "order_time": Text("下单时间", "Order time"),
    "shipper_name": Text("发货人", "Shipper"),
    "shipper_phone": Text("发货人电话", "Shipper phone"),
    "pickup_address": Text("提货地址", "Pickup address"),
    "goods_name": Text("货物名称", "Goods"),
    "pieces": Text("件数", "Pieces"),
    "weight_kg": Text("重量", "Weight (kg)"),
    "volume_m3": Text("体积", "Volume (m3)"),
    "goods_condition": Text("新旧", "Condition"),
    "packaging": Text("包装", "Packaging"),
    "declared_value": Text("保价金额", "Declared value"),
    "destination": Text("目的地", "Destination"),
    "consignee_name": Text("收货人", "Consignee"),
    "consignee_phone": Text("收货人电话", "Consignee phone"),
    "consignee_address": Text("收货地址", "Consignee address"),
    "payment_method": Text("付款方式", "Payment method"),
    "pickup_fee": Text("提货费", "Pickup fee"),
    "delivery_fee": Text("送货费", "Delivery fee"),
    "branch": Text("营业所", "Branch"),
    "agent_id": Text("客服工号", "Agent ID"),
    "salesperson": Text("业务员", "Salesperson"),
    "received": Text("收到订单", "Orders received"),
    "accepted": Text("接收", "Accepted"),
    "refused": Text("拒收", "Refused"),
    "refused_rate": Text("拒收率", "Refused"),
    "call_needed": Text("接收但需致电", "Accepted, call needed"),
    "orders": Text("订单数", "Orders"),
    # SMS: the outbox
    "role": Text("角色", "Role"),
    "recipient": Text("收信人", "Recipient"),
    "phone": Text("手机号", "Phone"),
    "content": Text("短信内容", "Content"),
    "chars": Text("字数", "Characters"),
    "encoding": Text("计数方式", "Encoding"),
    "parts": Text("条数", "Parts"),
    "serial": Text("流水号", "Serial"),
    "source_row": Text("来源行", "Source row"),
    "shortened": Text("已缩短", "Shortened"),
    "sms": Text("短信条数", "SMS"),
    "recipients": Text("接收号码数", "Numbers"),
    # service tickets (docs/DOMAIN.md §6) and their standards
    "ticket_id": Text("工单号", "Ticket ID"),
    "channel": Text("渠道", "Channel"),
    "ticket_type": Text("工单类型", "Type"),
    "problem": Text("问题分类", "Problem"),
    "created_at": Text("创建时间", "Created"),
    "first_response_at": Text("首次响应时间", "First response"),
    "closed_at": Text("结案时间", "Closed"),
    "agent": Text("客服工号", "Agent"),
    "satisfaction": Text("满意度", "Satisfaction"),
    "waybill": Text("运单号", "Waybill"),
    "amount": Text("涉及金额", "Amount (yuan)"),
    "tickets": Text("工单数", "Tickets"),
    "label": Text("类型", "Type"),
    "open": Text("未结案", "Open"),
    "handling_min": Text("处理时长（中位）", "Handling (median)"),
    "first_response_min": Text("首次响应（中位）", "First response (median)"),
    "satisfaction_rate": Text("满意率", "Satisfied"),
    "on_time_rate": Text("及时率", "On time"),
    "met": Text("达标", "Met"),
    "missed": Text("超时", "Missed"),
    "pending": Text("处理中", "Pending"),
    "rate": Text("达标率", "Rate"),
    "target": Text("目标", "Target"),
    "elapsed_min": Text("用时", "Elapsed"),
    "still_open": Text("仍未结案", "Still open"),
    "day": Text("日期", "Day"),
    "week": Text("周", "Week"),
    "complaints": Text("投诉", "Complaints"),
    "queries": Text("查询类", "Queries"),
    "complaint_4h_rate": Text("投诉4小时处理率", "Complaints closed in 4 h"),
    "query_1h_rate": Text("查询1小时答复率", "Queries answered in 1 h"),
    # shipments, the overdue worklist and the batches raised with a carrier
    "carrier": Text("承运商", "Carrier"),
    "service": Text("服务类型", "Service"),
    "origin": Text("始发地", "Origin"),
    "route": Text("线路", "Route"),
    "urgent": Text("加急", "Urgent"),
    "customer_name": Text("收件人", "Customer"),
    "customer_phone": Text("收件人电话", "Customer phone"),
    "promised_at": Text("承诺时效", "Promised delivery"),
    # tracking events
    "event_time": Text("时间", "Event time"),
    "location": Text("地点", "Location"),
    "description": Text("描述", "Description"),
    "code": Text("状态码", "Status code"),
    "rule_label": Text("问题", "Problem"),
    "severity_label": Text("级别", "Severity"),
    "escalate_to": Text("催办对象", "Escalate to"),
    "rounds": Text("跟进轮次", "Rounds chased"),
    "next_follow_up": Text("下次跟进", "Next follow-up"),
    "due_at": Text("应完成时间", "Due at"),
    "overdue_by_text": Text("超时(工作时间)", "Overdue by (working time)"),
    "stage_label": Text("当前状态", "Stage"),
    "reason": Text("异常原因", "Reason"),
    "last_event_time": Text("最后轨迹时间", "Last event"),
    "last_location": Text("最后轨迹地点", "Last place"),
    "last_status": Text("最后轨迹", "Last status"),
    "pickup_due": Text("应揽收时间", "Pickup due"),
    "delivery_due": Text("应送达时间", "Delivery due"),
    "worst_severity": Text("最高级别", "Worst severity"),
    "max_overdue_by": Text("最长超时(工作小时)", "Max overdue (working h)"),
    "oldest_due": Text("最早应完成", "Oldest due"),
    "rules": Text("问题类型", "Problems"),
    "waybills": Text("运单号", "Waybills"),
    "shipments": Text("票数", "Shipments"),
    "on_time": Text("及时", "On time"),
    "late": Text("延误", "Late"),
    "late_rate": Text("延误率", "Late"),
    "picked_up": Text("已提货", "Picked up"),
    "not_picked_up": Text("未提货", "Not picked up"),
    "pickup_rate": Text("及时提货率", "Picked up on time"),
    # claims (the fields of docs/DOMAIN.md §5) and their deadlines
    "claim_id": Text("理赔单号", "Claim ID"),
    "customer": Text("客户", "Customer"),
    "incident_date": Text("出险日期", "Incident date"),
    "incident_type": Text("出险类型", "Incident type"),
    "insured": Text("是否保价", "Insured"),
    "freight_paid_by": Text("运费支付方", "Freight paid by"),
    "purchase_price": Text("进货价", "Purchase price"),
    "selling_price": Text("售价", "Selling price"),
    "amount_claimed": Text("索赔金额", "Amount claimed"),
    "filed_at": Text("受理时间", "Filed at"),
    "proposal_at": Text("方案时间", "Proposal at"),
    "settled_at": Text("结案时间", "Settled at"),
    "amount_paid": Text("实赔金额", "Amount paid"),
    "goodwill": Text("通融赔付", "Goodwill"),
    "incident_label": Text("出险类型", "Incident"),
    "status_label": Text("状态", "Status"),
    "proposal_due": Text("方案期限", "Proposal due"),
    "proposal_late": Text("方案超期", "Proposal late"),
    "payment_due": Text("赔付期限", "Payment due"),
    "payment_late": Text("赔付超期", "Payment late"),
    "incidents": Text("出险次数", "Incidents"),
    "paid_claims": Text("赔付票数", "Claims paid"),
    "paid_amount": Text("赔付金额", "Amount paid"),
    # week over week
    "measure": Text("指标", "Measure"),
    "this_week": Text("本周", "This week"),
    "last_week": Text("上周", "Last week"),
    "change": Text("变化", "Change"),
}

CLAIM_LABELS: dict[str, Text] = LABELS | {
    "status": Text("理赔状态", "Status"),  # the claim's, not a shipment's or a run's
    "customer_phone": Text("客户电话", "Customer phone"),  # the claimant's, not the consignee's
}
"""The claim ledger's words: a claim's status and its customer's phone are not the shipment's."""

SHIPMENT_LABELS: dict[str, Text] = LABELS | {
    "status": Text("运单状态", "Shipment status"),  # the shipment's own, as its system exports it; not an event's
}
"""The shipments table's words: its `status` is the shipment's own, beside the events' statuses."""


def label(
    name: str, locale: str, headers: Mapping[str, str] | None = None, vocabulary: Mapping[str, Text] = LABELS
) -> str:
    """The column's label: `headers` first (a page's own words, or the header a file had), then the
    vocabulary; a name in neither is shown as it is."""
    if headers and name in headers:
        return headers[name]
    return vocabulary[name].get(locale) if name in vocabulary else name


def column_labels(names: Iterable[str], locale: str, headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """`{name: label}` for renaming a frame's columns to what people read."""
    return {name: label(name, locale, headers) for name in names}


def field(name: str, kind: Kind, aliases: tuple[str, ...] = (), vocabulary: Mapping[str, Text] = LABELS) -> Field:
    """A canonical field labelled with the vocabulary's words for its name."""
    text = vocabulary[name]
    return Field(name, kind, text.zh, text.en, aliases)
