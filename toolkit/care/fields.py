"""The care job's inputs: the accounts ledger, the contact log and the incidents, with the
headers Chinese and English exports write for them; the contact kinds as teams write them."""

from __future__ import annotations

import polars as pl

from toolkit.fields import Field, Kind, alias_table
from toolkit.labels import CARE_ITEMS, field

ACCOUNT = field("account", Kind.TEXT, ("客户", "客户名", "大客户", "customer", "account name"))
ACCOUNT_FIELDS: tuple[Field, ...] = (
    ACCOUNT,
    field("manager", Kind.TEXT, ("负责人", "大客户经理", "account manager", "owner")),
    field("manager_phone", Kind.PHONE, ("客户经理手机", "负责人手机", "manager mobile")),
    field("revenue", Kind.NUMBER, ("月均营收", "月营收", "月均营业额", "月发货额", "monthly revenue")),
)
CONTACT_FIELDS: tuple[Field, ...] = (
    ACCOUNT,
    field("contact_date", Kind.DATETIME, ("日期", "联系时间", "date", "contacted at")),
    field("contact_kind", Kind.TEXT, ("方式", "联系类型", "类型", "kind", "type")),
    field("contact_by", Kind.TEXT, ("跟进人", "联系人", "who", "staff")),
)
INCIDENT_FIELDS: tuple[Field, ...] = (
    ACCOUNT,
    field("incident_date", Kind.DATETIME, ("投诉日期", "事故日期", "投诉时间", "日期", "date")),
    field("incident_id", Kind.TEXT, ("理赔单号", "工单号", "投诉单号", "单号", "claim_id", "ticket_id")),
)
ACCOUNTS_REQUIRED = ("account", "manager")
CONTACTS_REQUIRED = ("account", "contact_date", "contact_kind")
INCIDENTS_REQUIRED = ("account", "incident_date")

KINDS: dict[str, tuple[str, ...]] = {
    "call": ("电话", "电话沟通", "致电", "通话", "call", "phone"),
    "email": ("邮件", "电子邮件", "email", "e-mail", "mail"),
    "fax": ("传真", "fax"),
    "meeting": ("面谈", "普通面谈", "拜访", "上门", "meeting"),
    "regular_meeting": ("见面会", "制度化见面会", "例会", "定期见面会", "regular meeting", "review"),
    "visit": ("高层访问", "高层拜访", "高层走访", "visit", "senior visit"),
    "gift": ("赠礼", "礼品", "送礼", "节日赠礼", "节日礼品", "gift"),
    "apology": ("致歉", "道歉", "服务事故致歉", "apology"),
}
"""Each contact kind and the words a log writes for it (case and spaces ignored)."""
ITEM_OF_KIND = {"email": "email_fax", "fax": "email_fax"}  # the table counts EMAIL/FAX as one item
KIND_LABELS = CARE_ITEMS  # the items of the tier table as people read them (toolkit/labels.py)


def aliases(fields: tuple[Field, ...]) -> dict[str, tuple[str, ...]]:
    return alias_table(fields)


def contact_kind(text: pl.Expr) -> pl.Expr:
    """The kind of each contact (`call`, `email`, …), null for words no kind knows."""
    spelled = {word.lower(): kind for kind, words in KINDS.items() for word in (kind, *words)}
    key = text.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"\s+", " ")
    return key.replace_strict(spelled, default=None, return_dtype=pl.String)


def care_item(kind: pl.Expr) -> pl.Expr:
    """The tier table's item a contact kind counts for (email and fax: `email_fax`)."""
    return kind.replace(ITEM_OF_KIND)
