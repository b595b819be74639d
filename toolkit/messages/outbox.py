"""The outbox people use: outbox.csv and outbox.xlsx for bulk upload, and preview.html, the day's
messages as a phone's messages app shows them.

preview.html is one file that works offline (its script and styles are inline; no network):

- the day's bill at the top: messages, billed parts, the cost at `sms.price_per_part` (the price
  said on the page), the messages by their number of parts, and a warning when the template
  nearly always splits (`split_warning`);
- a conversation per recipient (role and phone): the thread header names the recipient, the role
  once and the number, masked unless the role's texts show phones whole (the team's own staff);
  a bubble per message with the signature, the time, the serial, the characters and a badge of
  its billed parts;
- search (text, serial, recipient, number as shown) and filters by role, branch and parts,
  50 conversations a page and 50 messages a page in a conversation.

The messages travel in the page as JSON and are drawn 50 at a time, so the page holds at most
`PAGE_LIMIT` messages (about 5 MB): every message of a normal day, and on a day with more the
first N of every conversation, N as large as the limit allows; the page says which.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from toolkit.display import format_value, table
from toolkit.fields import ROW
from toolkit.i18n import EN, Text, html_lang
from toolkit.io import sheets_of, write_csv, write_text, write_xlsx
from toolkit.labels import column_labels, label, rule_title
from toolkit.masking import mask_phone_expr
from toolkit.messages.length import CN_PART, CN_SINGLE, GSM_PART, GSM_SINGLE, UCS2_PART, UCS2_SINGLE, Counting
from toolkit.messages.render import RenderResult
from toolkit.pages import PageAbout, head, table_wrap

PAGE_LIMIT = 20_000
"""Messages a preview page holds at most (about 250 bytes each in the page)."""
THREADS_PER_PAGE = 50
MESSAGES_PER_PAGE = 50
FINDINGS_SHOWN = 500
ALWAYS_SPLIT = 0.9
"""A template "always splits" when at least this share of its messages are billed as more than one part."""

WORDS = {
    "title": Text("短信预览", "SMS preview"),
    "outbox": Text("待发送", "In the outbox"),
    "bill": Text("当日计费", "The day's bill"),
    "messages": Text("短信", "Messages"),
    "parts": Text("计费条数", "Billed parts"),
    "cost": Text("费用", "Cost"),
    "price": Text(
        "单价 {price} 元/条（sms.price_per_part）：费用 = 计费条数 × 单价",
        "at {price} yuan a part (sms.price_per_part): cost = billed parts × price",
    ),
    "no_price": Text(
        "未设单价（sms.price_per_part），不计费用", "no price set (sms.price_per_part), so no cost is shown"
    ),
    "by_parts": Text("{parts} 条计费：{n} 条短信", "{parts} part(s): {n} messages"),
    "counting_cn": Text(
        f"计数：每个字符算 1 个，含签名{{signature}}；{CN_SINGLE} 字以内按 1 条计费，更长每 {CN_PART} 字 1 条",
        f"Counted: every character 1, the signature{{signature}} included; up to {CN_SINGLE} is 1 part, "
        f"longer in parts of {CN_PART}",
    ),
    "counting_gsm": Text(
        f"计数：GSM-7 短信 {GSM_SINGLE} 字符以内 1 条，更长每 {GSM_PART} 字符 1 条；"
        f"其他编码 {UCS2_SINGLE} 字符以内 1 条，更长每 {UCS2_PART} 字符 1 条",
        f"Counted: GSM-7 up to {GSM_SINGLE} characters is 1 part, longer in parts of {GSM_PART}; "
        f"other text up to {UCS2_SINGLE}, longer in parts of {UCS2_PART}",
    ),
    "all_on_page": Text(
        "本页收录全部 {n} 条短信：每页 {threads} 个会话，会话内每页 {messages} 条；时间为生成时刻（数据截至）。",
        "All {n} messages are on this page: {threads} conversations a page, {messages} messages a page in a "
        "conversation; the time is when they were made (the data's as-of).",
    ),
    "capped": Text(
        "本页收录 {shown} 条短信（共 {n} 条；每个会话前 {k} 条），全部短信见 outbox.xlsx 或 outbox.csv。",
        "This page holds {shown} of the {n} messages (the first {k} of each conversation); all of them are in "
        "outbox.xlsx and outbox.csv.",
    ),
    "capped_threads": Text(
        "本页收录前 {shown} 个会话各 1 条短信（共 {threads} 个会话、{n} 条短信），全部短信见 outbox.xlsx 或 outbox.csv。",
        "This page holds one message of each of the first {shown} conversations ({threads} conversations, {n} "
        "messages in all); all of them are in outbox.xlsx and outbox.csv.",
    ),
    "empty": Text("今日没有待发送的短信。", "No messages in the outbox today."),
    "findings": Text("未发送（问题）：{n} 条", "Not sent (findings): {n}"),
    "held": Text("暂缓发送：{n} 条", "Held: {n}"),
    "held_note": Text(
        "以下短信不在 outbox 和上传文件中：发送时段之外或号码当日已达上限，原因与处理见右列。",
        "These messages are not in the outbox nor in the upload files: outside the sending hours or the number's "
        "daily cap reached; why and what to do on the right.",
    ),
    "noscript": Text(
        "浏览短信需要启用脚本；全部短信也在 outbox.xlsx 和 outbox.csv 中。",
        "Browsing the messages needs scripts enabled; all of them are also in outbox.xlsx and outbox.csv.",
    ),
    "search": Text("搜索", "Search"),
    "search_placeholder": Text("搜索短信内容、流水号、收信人或手机号", "Search text, serial, recipient or phone"),
    "all_roles": Text("全部角色", "All roles"),
    "all_of": Text("全部{label}", "All {label}"),
    "all_parts": Text("全部条数", "Any parts"),
    "parts_option": Text("{n} 条计费", "{n} part(s)"),
    "phone_masked": Text("号码已隐藏", "number masked"),
}
_SCRIPT_WORDS = {
    "status": Text("显示 {threads} 个会话 · {messages} 条短信", "{threads} conversations · {messages} messages"),
    "page": Text("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "prev": Text("上一页", "Previous"),
    "next": Text("下一页", "Next"),
    "back": Text("返回", "Back"),
    "range": Text("第 {start}–{end} 条，共 {n} 条", "{start}–{end} of {n}"),
    "none": Text("没有符合条件的短信", "No message matches"),
    "pick": Text("选择一个会话查看短信", "Pick a conversation to read its messages"),
    "chars": Text("{n} 字", "{n} chars"),
    "badge": Text("{n} 条", "{n} part(s)"),
    "count": Text("{n} 条短信", "{n} messages"),
    "shortened": Text("已缩短：{what}", "shortened: {what}"),
    "masked": Text("号码已隐藏", "number masked"),
}
RULES = {
    "over_budget": Text("超过条数预算", "over the parts budget"),
    "too_long": Text("超过 500 字", "over 500 characters"),
    "invalid_recipient_phone": Text("收信人手机号无效", "no valid mobile number"),
    "platform_variable": Text("平台变量不合规", "platform variable refused"),
}
"""The findings' rules as the page names them (the ids stay in findings.parquet)."""
_SPLIT = Text(
    "{job}：{share} 的短信为 {parts} 条计费；{messages} 条短信共 {total} 条计费（{hint}）",
    "{job}: {share} of messages are {parts} parts; {total} parts for {messages} messages ({hint})",
)
_SINGLE_HINT = {
    "cn": Text(
        f"每条不超过 {CN_SINGLE} 字、含签名，即按 1 条计费",
        f"a message of at most {CN_SINGLE} characters, signature included, is billed as 1 part",
    ),
    "gsm": Text(
        f"GSM-7 不超过 {GSM_SINGLE} 字符、其他编码不超过 {UCS2_SINGLE} 字符即按 1 条计费",
        f"at most {GSM_SINGLE} GSM-7 characters, or {UCS2_SINGLE} otherwise, is billed as 1 part",
    ),
}

_templates = Environment(loader=PackageLoader("toolkit.messages", "html"), autoescape=select_autoescape(["j2"]))
_CSS = (resources.files("toolkit.messages") / "html" / "preview.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Bill:
    """What the day's outbox costs: every line is one SMS to one number, billed by its parts."""

    messages: int
    parts: int
    price_per_part: Decimal | None  # yuan
    by_parts: tuple[tuple[int, int], ...] = ()  # (parts, messages), fewest parts first

    @property
    def cost(self) -> Decimal | None:
        """parts × price, in yuan to the fen (half up)."""
        if self.price_per_part is None:
            return None
        return (self.price_per_part * self.parts).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def bill_of(outbox: pl.DataFrame, price_per_part: Decimal | float | str | None = None) -> Bill:
    """The bill of an outbox (`parts` per line) at a price per billed part."""
    counts = outbox.group_by("parts").len().sort("parts") if outbox.height else None
    by_parts = tuple((int(p), int(n)) for p, n in counts.iter_rows()) if counts is not None else ()
    price = None if price_per_part is None else Decimal(str(price_per_part))
    return Bill(outbox.height, int(outbox["parts"].sum()) if outbox.height else 0, price, by_parts)


def split_warning(outbox: pl.DataFrame, job: str, locale: str, counting: Counting = "cn") -> str | None:
    """The warning for a template that always splits: at least `ALWAYS_SPLIT` of its messages are
    billed as more than one part, so the day costs about twice what a shorter text would.

    >>> split_warning(pl.DataFrame({"parts": [2, 2]}), "dispatch_sms", "en")
    'dispatch_sms: 100% of messages are 2 parts; 4 parts for 2 messages (a message of at most 70 characters, signature included, is billed as 1 part)'
    """
    if not outbox.height:
        return None
    parts = outbox["parts"]
    split = parts.filter(parts > 1)
    if split.len() < ALWAYS_SPLIT * outbox.height:
        return None
    share = round(100 * split.len() / outbox.height, 1)
    if share == 100 and split.len() < outbox.height:
        share = 99.9  # never say "all" of a day that had a single-part message
    low, high = int(split.min()), int(split.max())  # type: ignore[arg-type]
    return _SPLIT.format(
        locale,
        job=job,
        share=f"{share:g}%",
        parts=str(low) if low == high else f"{low}–{high}",
        messages=f"{outbox.height:,}",
        total=f"{int(parts.sum()):,}",
        hint=_SINGLE_HINT[counting].get(locale),
    )


def _threads(result: RenderResult, branches: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The conversations (one per role and number, in role order then by name) and the outbox
    lines with their conversation, the number as shown and the branch."""
    outbox = result.outbox
    whole = pl.col("role").is_in(sorted(result.unmasked_roles))
    lines = outbox.with_row_index("line").with_columns(
        shown=pl.when(whole).then(pl.col("phone")).otherwise(mask_phone_expr(pl.col("phone"))),
        masked=~whole,
    )
    if branches is not None:
        lines = lines.join(branches, on="source_row", how="left", maintain_order="left")
    else:
        lines = lines.with_columns(branch=pl.lit(None, pl.String))
    roles = outbox["role"].unique(maintain_order=True).to_list()
    threads = (
        lines.group_by("role", "phone")
        .agg(
            name=pl.col("recipient").first(),
            shown=pl.col("shown").first(),
            masked=pl.col("masked").first(),
            branch=pl.when(pl.col("branch").n_unique() == 1).then(pl.col("branch").first()),
            n=pl.len(),
            parts=pl.col("parts").sum(),
        )
        .with_columns(order=pl.col("role").replace_strict(roles, list(range(len(roles))), return_dtype=pl.Int64))
        .sort("order", "branch", "name", "phone", nulls_last=True)
        .with_row_index("thread")
    )
    lines = lines.join(threads.select("role", "phone", "thread"), on=["role", "phone"]).sort("line")
    return threads, lines


def _per_thread(sizes: list[int], limit: int) -> int:
    """The largest N such that the first N messages of every conversation fit in `limit`."""
    low, high = 0, max(sizes, default=0)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(min(s, middle) for s in sizes) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _payload(
    threads: pl.DataFrame, lines: pl.DataFrame, limit: int, words: dict[str, str]
) -> tuple[dict[str, Any], str | None]:
    """The page's JSON (columns as arrays) and, when not every message fits, the note saying so."""
    note = None
    total, conversations = lines.height, threads.height
    if conversations > limit:  # more recipients than messages the page holds: one each of the first
        threads = threads.head(limit)
        lines = lines.filter(pl.col("thread") < limit)
        per_thread = 1
    else:
        per_thread = _per_thread(threads["n"].to_list(), limit)
    lines = lines.filter(pl.int_range(pl.len()).over("thread") < per_thread)
    if lines.height < total:
        key = "capped_threads" if conversations > limit else "capped"
        note = words[key].format(
            shown=f"{threads.height if conversations > limit else lines.height:,}",
            n=f"{total:,}",
            k=f"{per_thread:,}",
            threads=f"{conversations:,}",
        )
    branch_names = sorted(lines["branch"].drop_nulls().unique().to_list())
    branch_index = {name: i for i, name in enumerate(branch_names)}
    payload = {
        "threads": {
            "role": threads["role"].to_list(),
            "name": threads["name"].to_list(),
            "phone": threads["shown"].to_list(),
            "masked": threads["masked"].to_list(),
            "branch": threads["branch"].to_list(),
        },
        "branches": branch_names,
        "messages": {
            "thread": lines["thread"].to_list(),
            "serial": lines["serial"].to_list(),
            "content": lines["content"].to_list(),
            "chars": lines["chars"].to_list(),
            "parts": lines["parts"].to_list(),
            "shortened": lines["shortened"].to_list(),
            "branch": [branch_index.get(b, -1) for b in lines["branch"].to_list()],
        },
    }
    return payload, note


def _json_for_script(value: Any) -> Markup:
    """JSON safe inside `<script type="application/json">`: no `<`, `>` or `&` to end it early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _stamp(moment: datetime | None, locale: str) -> tuple[str, str]:
    """The conversation's date line and each bubble's time."""
    if moment is None:
        return "", ""
    day = (
        f"{moment:%b} {moment.day} {moment:%H:%M}" if locale == EN else f"{moment.month}月{moment.day}日 {moment:%H:%M}"
    )
    return day, f"{moment:%H:%M}"


def preview_html(
    result: RenderResult,
    *,
    signature: str = "",
    title: str | None = None,
    about: PageAbout | None = None,
    price_per_part: Decimal | float | None = None,
    counting: Counting = "cn",
    branches: pl.DataFrame | None = None,
    branch_column: str = "branch",
    limit: int = PAGE_LIMIT,
    held: pl.DataFrame | None = None,
) -> str:
    """The day's messages as a phone shows them, with the bill on top and the findings below.

    `branches`: `source_row` → `branch` (the directory's key) for the branch filter; `title`:
    the job's name, also in the split warning; `held`: the lines held back (the compliance
    check's `held` table), listed with why."""
    locale = result.locale
    words = {k: v.get(locale) for k, v in WORDS.items()}
    page_title = words["title"] + (f" · {title}" if title else "")
    bill = bill_of(result.outbox, price_per_part)
    threads, lines = _threads(result, branches)
    payload, capped = _payload(threads, lines, limit, words)
    day, time = _stamp(about.as_of if about else None, locale)
    branch_label = label(branch_column, locale)
    payload.update(
        signature=signature,
        day=day,
        time=time,
        threads_per_page=THREADS_PER_PAGE,
        messages_per_page=MESSAGES_PER_PAGE,
        words={k: v.get(locale) for k, v in _SCRIPT_WORDS.items()},
    )
    findings = result.findings
    findings_table = ""
    if findings.height:
        shown = findings.select(
            "row", "record_id", pl.col("rule").replace(_rule_names(findings, locale)), "message", "value"
        )
        headers = {"record_id": label("serial", locale)}
        findings_table = table_wrap(table(shown, locale, max_rows=FINDINGS_SHOWN, headers=headers).to_html())
    held_table = ""
    if held is not None and held.height:
        shown_held = held.with_columns(
            pl.col("phone").str.slice(0, 3) + "****" + pl.col("phone").str.slice(7),
            pl.col("send_at").dt.strftime("%Y-%m-%d %H:%M"),
            pl.col("rule").replace(_rule_names(held, locale)),
        ).select("source_row", "serial", "role", "recipient", "phone", "send_at", "rule", "message", "content")
        held_table = table_wrap(
            table(shown_held, locale, max_rows=FINDINGS_SHOWN, headers={"source_row": label("row", locale)}).to_html()
        )
    counted = words["counting_cn" if counting == "cn" else "counting_gsm"].format(
        signature=f" {signature}" if signature and locale == EN else signature
    )
    return _templates.get_template("preview.html.j2").render(
        lang=html_lang(locale),
        head=Markup(head(page_title, css=_CSS)),
        title=page_title,
        about=Markup(about.html(locale)) if about else "",
        words=words,
        bill=bill,
        messages=format_value(bill.messages, "int"),
        parts=format_value(bill.parts, "int"),
        cost=None if bill.cost is None else f"¥{bill.cost:,.2f}",
        price=None if bill.price_per_part is None else f"{bill.price_per_part.normalize():f}",
        by_parts=[words["by_parts"].format(parts=p, n=f"{n:,}") for p, n in bill.by_parts],
        counted=counted,
        warning=split_warning(result.outbox, title or "", locale, counting),
        coverage=capped
        or words["all_on_page"].format(n=f"{bill.messages:,}", threads=THREADS_PER_PAGE, messages=MESSAGES_PER_PAGE),
        roles=threads["role"].unique(maintain_order=True).to_list(),
        branches=payload["branches"],
        branch_label=branch_label,
        all_branches=words["all_of"].format(label=branch_label),
        part_options=[(p, words["parts_option"].format(n=p)) for p, _ in bill.by_parts],
        data=_json_for_script(payload),
        finding_count=f"{findings.height:,}",
        findings_table=Markup(findings_table),
        held_table=Markup(held_table),
        held_count=f"{0 if held is None else held.height:,}",
    )


def _rule_names(frame: pl.DataFrame, locale: str) -> dict[str, str]:
    """The page's names of the rules in `frame`: its own words, else the rule's title (labels)."""
    return {
        rule: RULES[rule].get(locale) if rule in RULES else rule_title(rule, locale)
        for rule in frame["rule"].unique().to_list()
    }


CN_COUNTING = Text("国内计费", "China (per character)")
"""The outbox's 计数方式 for `counting: cn`: every character 1, 70 a part, 67 in a long one."""


def write_outbox(result: RenderResult, folder: Path, page: str | None = None) -> list[tuple[Path, int | None]]:
    """Write outbox.csv, outbox.xlsx and preview.html (`page`, made by `preview_html` with the
    job's settings; default: the page with none); returns (path, rows) for the manifest."""
    shown = result.outbox
    if "encoding" in shown.columns:  # `cn` is the config's word for the way Chinese platforms count
        shown = shown.with_columns(pl.col("encoding").replace({"cn": CN_COUNTING.get(result.locale)}))
    shown = shown.rename(column_labels(result.outbox.columns, result.locale))
    csv, xlsx, html = folder / "outbox.csv", folder / "outbox.xlsx", folder / "preview.html"
    write_csv(shown, csv)
    write_xlsx(xlsx, sheets_of(WORDS["outbox"].get(result.locale), shown))
    write_text(page if page is not None else preview_html(result), html)
    return [(csv, shown.height), (xlsx, shown.height), (html, None)]


def branches_of(frame: pl.DataFrame, column: str) -> pl.DataFrame | None:
    """`source_row` → the branch column as text, for the preview's filter; None without one."""
    if column not in frame.columns:
        return None
    return frame.select(pl.col(ROW).alias("source_row"), pl.col(column).cast(pl.String).alias("branch"))


__all__ = [
    "ALWAYS_SPLIT",
    "PAGE_LIMIT",
    "Bill",
    "bill_of",
    "branches_of",
    "preview_html",
    "split_warning",
    "write_outbox",
]
