"""Service tickets (客服工单) as a CS system exports them: the fields, their Chinese headers, the
ticket types and reading a file into typed columns. A service below the jobs: the reports' KPIs
and the live ticket worklist (toolkit/tickets/) read tickets the same way."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from toolkit.fields import ROW, Field, Kind, alias_table
from toolkit.i18n import Text
from toolkit.io import TableSource, read_table
from toolkit.io.dates import TimeReading
from toolkit.labels import field
from toolkit.parse import parse_fields
from toolkit.timezones import DEFAULT_TIMEZONE

# Each field's labels are the vocabulary's (toolkit.labels); the aliases are the other headers exports use.
TICKET_FIELDS: tuple[Field, ...] = (
    field("ticket_id", Kind.TEXT, ("工单编号",)),
    field("channel", Kind.TEXT, ("来源", "受理渠道")),
    field("ticket_type", Kind.TEXT, ("类型", "业务类型")),
    field("problem", Kind.TEXT, ("问题类型", "原因")),
    field("created_at", Kind.DATETIME, ("受理时间",)),
    field("first_response_at", Kind.DATETIME, ("响应时间",)),
    field("closed_at", Kind.DATETIME, ("完结时间", "关闭时间")),
    field("agent", Kind.TEXT, ("客服", "处理人")),
    field("satisfaction", Kind.INTEGER, ("评分", "客户评价")),
    field("waybill", Kind.TEXT, ("单号",)),
    field("branch", Kind.TEXT, ("网点",)),
    field("amount", Kind.NUMBER, ("金额",)),
)

# The type as the system writes it → the code the KPIs use.
TICKET_TYPES: dict[str, Text] = {
    "query": Text("查询", "Query"),  # where is my parcel (查件)
    "inquiry": Text("咨询", "Inquiry"),  # prices, service area, packing
    "urge": Text("催件", "Chase"),
    "change": Text("改单", "Change"),  # address, time, consignee
    "complaint": Text("投诉", "Complaint"),
    "claim": Text("理赔", "Claim"),
    "order": Text("下单", "Order"),
}
TICKET_REQUIRED = ("ticket_id", "ticket_type", "created_at")
TICKET_TIMES = ("created_at", "first_response_at", "closed_at")
QUERY_TYPES = ("query", "inquiry", "urge")  # answered within 1 h (docs/DOMAIN.md §6)


def type_code(label: pl.Expr) -> pl.Expr:
    """查询 / Query / query → query; anything else stays as written (shown as its own type)."""
    mapping = {t.zh: code for code, t in TICKET_TYPES.items()} | {
        t.en.lower(): code for code, t in TICKET_TYPES.items()
    }
    cleaned = label.str.strip_chars()
    return cleaned.str.to_lowercase().replace_strict(mapping, default=cleaned)


def type_label(code: pl.Expr, locale: str) -> pl.Expr:
    return code.replace_strict({c: t.get(locale) for c, t in TICKET_TYPES.items()}, default=code)


def typed_tickets(frame: pl.LazyFrame, timezone: str) -> pl.DataFrame:
    """Text columns with canonical names → typed tickets with a `ticket_type` code."""
    parsed = parse_fields(frame, TICKET_FIELDS, TimeReading(timezone=timezone))
    return (
        parsed.select(*[f.name for f in TICKET_FIELDS])
        .with_columns(ticket_type=type_code(pl.col("ticket_type")))
        .collect()
    )


def read_tickets(path: str | Path, timezone: str = DEFAULT_TIMEZONE) -> pl.DataFrame:
    """A ticket export (csv/xlsx/parquet, Chinese or English headers) as typed tickets."""
    with read_table(TableSource(path=Path(path)), alias_table(TICKET_FIELDS), required=list(TICKET_REQUIRED)) as table:
        return typed_tickets(table.frame.drop(ROW), timezone)
