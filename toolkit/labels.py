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
    # the live ticket worklist (toolkit/tickets/)
    "urgency_label": Text("紧急程度", "Urgency"),
    "standard_label": Text("服务时效", "Standard"),
    "limit_text": Text("时限", "Limit"),
    "used_text": Text("已用(工作时间)", "Used (working time)"),
    "remaining_text": Text("剩余(工作时间)", "Left (working time)"),
    "standard_source": Text("依据", "Basis"),
    "unanswered": Text("未响应", "Not answered"),
    "escalation_label": Text("跟进人", "Chased"),
    "notify_name": Text("提醒对象", "Remind"),
    "notify_phone": Text("提醒手机", "Remind by phone"),
    "notify_email": Text("提醒邮箱", "Remind by mail"),
    "agent_name": Text("客服姓名", "Agent name"),
    "team": Text("班组", "Team"),
    "supervisor": Text("组长", "Supervisor"),
    "type_label": Text("工单类型", "Type"),
    "breached": Text("已超时", "Breached"),
    "due_soon": Text("即将超时", "Due soon"),
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
    "max_overdue_by": Text("最长超时(工作时间)", "Max overdue (working time)"),
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
    # key-account care (toolkit/care/): the accounts ledger, the contact log and the care worklist
    "account": Text("客户名称", "Account"),
    "manager": Text("客户经理", "Account manager"),
    "manager_phone": Text("经理手机", "Manager phone"),
    "revenue": Text("月营业额", "Monthly revenue"),
    "tier": Text("客户级别", "Tier"),
    "untiered_label": Text("未定级原因", "Why no tier"),
    "contact_date": Text("联系日期", "Contact date"),
    "contact_kind": Text("联系方式", "Contact kind"),
    "contact_by": Text("经办人", "Contacted by"),
    "item_label": Text("维护项目", "Care item"),
    "holiday": Text("节日", "Holiday"),
    "period_label": Text("周期", "Period"),
    "period_start": Text("周期开始", "Period start"),
    "period_end": Text("周期结束", "Period end"),
    "required": Text("应做次数", "Required"),
    "done_count": Text("已做次数", "Done"),
    "due_so_far": Text("截至目前应做", "Due so far"),
    "behind_by": Text("落后次数", "Behind by"),
    "next_due": Text("截止日期", "Due by"),
    "days_left": Text("剩余工作日", "Working days left"),
    "last_contact": Text("最近联系", "Last contact"),
    "last_by": Text("最近经办人", "Last contacted by"),
    "care_status_label": Text("进度", "Progress"),
    "incident_count": Text("事故次数", "Incidents"),
    "incident_id": Text("事故单号", "Incident"),
    "accounts": Text("客户数", "Accounts"),
    "behind_accounts": Text("落后客户数", "Accounts behind"),
    "ahead_accounts": Text("超前客户数", "Accounts ahead"),
    "behind_items": Text("落后项目数", "Items behind"),
    "due_items": Text("待办项目数", "Items due"),
    "first_due": Text("最早截止", "Earliest due"),
    "most_urgent": Text("最急客户", "Most urgent"),
    # week over week
    "measure": Text("指标", "Measure"),
    "this_week": Text("本周", "This week"),
    "last_week": Text("上周", "Last week"),
    "change": Text("变化", "Change"),
}

RUN_LABELS: dict[str, Text] = {
    # a job's kind and status, as the run's summary shows them
    "validate_orders": Text("核单", "Order check"),
    "render_messages": Text("短信", "SMS"),
    "render_letters": Text("信函", "Letters"),
    "flag_overdue": Text("超时跟踪", "Overdue"),
    "notebook": Text("报表", "Report"),
    "email": Text("邮件", "Mail"),
    "tickets": Text("工单时效", "Ticket worklist"),
    "done": Text("完成", "done"),
    "kept": Text("沿用上次", "kept"),
    "failed": Text("失败", "failed"),
    "error": Text("输入有误", "bad input"),
    "skipped": Text("跳过", "skipped"),
    # a job's counts (manifest.json's names)
    "rows_in": Text("读入行数", "Rows read"),
    "rejected": Text("拒收", "Refused"),
    "accepted_with_warnings": Text("接收但需致电", "Accepted, call needed"),
    "blank_rows_skipped": Text("空行跳过", "Blank rows skipped"),
    "rendered": Text("生成短信", "Messages"),
    "over_budget": Text("超出条数上限", "Over the parts limit"),
    "outbox": Text("待发送", "To send"),
    "not_selected": Text("未选中", "Not selected"),
    "held": Text("暂缓发送", "Held"),
    "held_messages": Text("暂缓短信", "Held messages"),
    "send_at": Text("发送时间", "Send at"),
    "platform_lines": Text("平台文件行数", "Platform file lines"),
    "flagged": Text("需跟进", "To chase"),
    "exception": Text("异常件", "Exceptions"),
    "pickup_overdue": Text("提货超时", "Pickup overdue"),
    "delivery_overdue": Text("派送超时", "Delivery overdue"),
    "uncollected": Text("待取件超时", "Not collected"),
    "stalled": Text("轨迹停滞", "Stalled"),
    "critical": Text("紧急", "Critical"),
    "batches": Text("批量反馈", "Batches for carriers"),
    "unknown_statuses": Text("未识别的轨迹状态", "Unknown statuses"),
    "unknown_shipment_statuses": Text("未识别的运单状态", "Unknown shipment statuses"),
    "unmatched_waybills": Text("无运单的轨迹", "Events without a shipment"),
    "repeated_waybills": Text("重复运单", "Repeated waybills"),
    "repeated_accounts": Text("重复客户", "Repeated accounts"),  # account_care: an account on two ledger rows
    "bad_order_time": Text("下单时间有误", "Bad order time"),
    "picked_up_late": Text("提货延误", "Picked up late"),
    "apology": Text("致歉信", "Apologies"),
    "negotiation": Text("商洽函", "Negotiation letters"),
    "claims": Text("理赔单", "Claims"),
    "html_bytes": Text("页面字节", "HTML bytes"),
    "execute_ms": Text("执行毫秒", "Run ms"),
    "images": Text("图片", "Images"),
    "attachments": Text("附件", "Attachments"),
    "sent": Text("已发送", "Sent"),
    "open_tickets": Text("未结案工单", "Open tickets"),
    "breached": Text("已超时", "Breached"),
    "due_soon": Text("即将超时", "Due soon"),
    "unanswered": Text("未响应", "Not answered"),
    "escalated": Text("已升级", "Escalated"),
    "reminders": Text("提醒人数", "People to remind"),
    "reminders_due": Text("本次提醒工单", "Ticket reminders due"),
    "reminders_already_sent": Text("此前已提醒工单", "Reminded in earlier runs"),
    "account_care": Text("客户维护", "Account care"),
    "accounts": Text("大客户", "Accounts"),
    "untiered": Text("未定级客户", "Accounts without a tier"),
    "behind": Text("维护落后的客户", "Accounts behind"),
    "ahead": Text("维护超前的客户", "Accounts ahead"),
    "items_behind": Text("落后项目", "Items behind"),
    "gifts_due": Text("待送节日赠礼", "Holiday gifts due"),
    "apologies_due": Text("待致歉", "Apologies due"),
    "contacts": Text("联系记录", "Contacts"),
    "unknown_contact_kinds": Text("未识别的联系方式", "Unknown contact kinds"),
    "contacts_not_key": Text("非大客户的联系记录", "Contacts of other accounts"),
    "incidents": Text("服务事故", "Incidents"),
    "incidents_not_key": Text("非大客户的服务事故", "Incidents of other accounts"),
    "managers_reminded": Text("提醒的客户经理", "Managers reminded"),
    "partitions": Text("分批运行", "Runs"),  # a foreach job: one run per value
    "partitions_failed": Text("未完成的分批", "Runs not finished"),
    "rows_outside_partitions": Text("不属任何分批的行", "Rows in no run"),
}
"""The words of a run's summary: job kinds, statuses and the counts jobs report (what a count
means is in the README and docs/ARCHITECTURE.md); `unreadable_<field>` is said with the field's
label. Counts whose name means something else in one kind are in `KIND_COUNT_LABELS`."""

RULE_TITLES: dict[str, Text] = {
    # the order checks (toolkit/orders/checks.py declares them; docs/DOMAIN.md §1.2)
    "required": Text("必填项为空", "Required field empty"),
    "not_a_date": Text("日期时间无法识别", "Not a date and time"),
    "not_a_number": Text("数字无法识别", "Not a number"),
    "not_an_integer": Text("不是整数", "Not a whole number"),
    "invalid_phone": Text("电话号码无效", "Invalid phone"),
    "non_positive": Text("数值须大于0", "Must be above 0"),
    "piece_overweight": Text("单件超重", "Piece overweight"),
    "order_overweight": Text("订单超重", "Order overweight"),
    "piece_oversize": Text("单件超长超大", "Piece oversize"),
    "order_oversize": Text("订单超长超大", "Order oversize"),
    "prohibited_goods": Text("违禁品", "Prohibited goods"),
    "embargoed": Text("禁运", "Embargoed"),
    "no_packaging": Text("裸装货物", "No packaging"),
    "used_goods_insured": Text("旧货保价", "Used goods insured"),
    "bad_payment_method": Text("付款方式无效", "Bad payment method"),
    "duplicate_order_id": Text("订单号重复", "Duplicate order ID"),
    "possible_duplicate": Text("疑似重复下单", "Possible duplicate"),
    "destination_not_served": Text("目的地不在服务范围", "Destination not served"),
    "future_order_time": Text("下单时间晚于当前", "Order time in the future"),
    # the SMS jobs' refusals
    "over_budget": Text("超出条数上限", "Over the parts limit"),
    "too_long": Text("超过500字", "Over 500 characters"),
    "invalid_recipient_phone": Text("收信人号码无效", "Invalid recipient number"),
    "platform_variable": Text("平台变量不合要求", "Platform variable refused"),
    # the SMS platforms' rules (toolkit/messages/compliance.py declares them)
    "unsubscribe_missing": Text("营销短信缺退订语", "Marketing without opt-out"),
    "unsubscribe_in_notification": Text("通知短信含退订语", "Opt-out in a notification"),
    "marketing_variables": Text("营销模板含变量", "Variables in marketing"),
    "bracket_in_body": Text("正文含【】", "【】 in the body"),
    "signature_length": Text("签名字数不符", "Signature length"),
    "signature_advised_length": Text("签名字数（2025新规）", "Signature length (2025 rule)"),
    "link_in_variable": Text("变量含链接", "Link in a variable"),
    "phone_in_variable": Text("变量含电话号码", "Phone in a variable"),
    "outside_sending_hours": Text("不在发送时段", "Outside sending hours"),
    "daily_cap": Text("号码当日超限", "Daily cap reached"),
}
"""What a rule is called where people read it (pages, sheets); the findings keep the rule's id,
the name to filter by and to write in a rules file. tests/test_labels.py holds that every
declared order check has a title."""

CARE_ITEMS: dict[str, Text] = {
    "call": Text("电话沟通", "Phone call"),
    "email_fax": Text("邮件/传真", "Email or fax"),
    "meeting": Text("普通面谈", "Meeting"),
    "regular_meeting": Text("制度化见面会", "Regular review meeting"),
    "visit": Text("高层访问", "Senior visit"),
    "apology": Text("服务事故致歉", "Apology for an incident"),
    "gift": Text("节日赠礼", "Holiday gift"),
}
"""The items of the account-care tier table as people read them (the manual's own words in
Chinese): the care job's pages and the weekly report's care section."""

KIND_COUNT_LABELS: dict[str, dict[str, Text]] = {
    "render_messages": {"refused": Text("未发送", "Not sent")},  # rows with a finding that stops them
    "render_letters": {"refused": Text("未能出函", "Not written")},  # claims the letters job could not use
    "email": {"recipients": Text("收件人", "Recipients")},
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


def rule_title(rule: str, locale: str) -> str:
    """A rule as people read it (`RULE_TITLES`); an id without a title is shown as it is."""
    return label(rule, locale, vocabulary=RULE_TITLES)


def column_labels(names: Iterable[str], locale: str, headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """`{name: label}` for renaming a frame's columns to what people read."""
    return {name: label(name, locale, headers) for name in names}


def field(name: str, kind: Kind, aliases: tuple[str, ...] = (), vocabulary: Mapping[str, Text] = LABELS) -> Field:
    """A canonical field labelled with the vocabulary's words for its name."""
    text = vocabulary[name]
    return Field(name, kind, text.zh, text.en, aliases)
