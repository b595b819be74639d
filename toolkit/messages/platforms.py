"""What the Chinese SMS platforms take for bulk sending, which is registered templates plus
variables rather than rendered text (facts: docs/DOMAIN.md §2).

Every function takes `messages`: a frame with a `phone` column (normalised digits) and one column
per template variable; `variables` names those columns in template order. Values that are not
text are cast to text (format numbers before, `20.0` stays `20.0`); a missing value is sent as
empty text and `check_variables` reports it.

- Tencent Cloud console bulk send: a table of the mobile number, then the variables as
  `{1}`..`{N}` in template order (`tencent_bulk_frame`, `write_tencent_bulk`).
- Aliyun SendBatchSms: request bodies of at most 100 numbers (`aliyun_batch_requests`).
- `check_variables`: values outside the platform's length limits, as findings, before upload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.fields import ROW
from toolkit.i18n import ZH, Text
from toolkit.io.write import XlsxSheet, write_csv, write_xlsx

__all__ = [
    "ALIYUN_MAX_NUMBERS",
    "PHONE",
    "TENCENT_PHONE_HEADER",
    "aliyun_batch_requests",
    "check_variables",
    "tencent_bulk_frame",
    "write_tencent_bulk",
]

PHONE = "phone"
ALIYUN_MAX_NUMBERS = 100  # SendBatchSms: numbers per call
# The console's sample file heads its columns "recipient mobile number", "variable 1 -> {1}", ...
# It reads the columns by position; the headers are for the people who open the file, so they
# are the Chinese console's word for the number and the template's own placeholders.
TENCENT_PHONE_HEADER = "手机号码"
TENCENT_ROWS_PER_FILE = 200_000  # about 8-15 MB of xlsx: one console task each, under its 30 MB

FINDING_SCHEMA = {"row": pl.Int64, "variable": pl.String, "value": pl.String, "message": pl.String}
_TOO_SHORT = Text(
    zh="变量「{variable}」有 {chars} 个字符,平台要求至少 {min} 个",
    en="variable {variable} has {chars} characters; the platform needs at least {min}",
)
_EMPTY = Text(
    zh="变量「{variable}」为空,平台要求 {min}–{max} 个字符",
    en="variable {variable} is empty; the platform needs {min}-{max} characters",
)
_TOO_LONG = Text(
    zh="变量「{variable}」有 {chars} 个字符,超过平台上限 {max} 个",
    en="variable {variable} has {chars} characters, over the platform's limit of {max}",
)


# --- Tencent Cloud ---------------------------------------------------------------------------


def tencent_bulk_frame(messages: pl.DataFrame, variables: Sequence[str]) -> pl.DataFrame:
    """The console's bulk-send table: `手机号码`, then `{1}`..`{N}` in template order, all text.

    >>> tencent_bulk_frame(pl.DataFrame({"phone": ["13800000000"], "name": ["王"]}), ["name"]).columns
    ['手机号码', '{1}']
    """
    _require(messages, variables)
    return messages.select(
        _text(PHONE).alias(TENCENT_PHONE_HEADER),
        *(_text(name).alias(f"{{{i}}}") for i, name in enumerate(variables, start=1)),
    )


def write_tencent_bulk(
    messages: pl.DataFrame,
    variables: Sequence[str],
    folder: Path,
    *,
    stem: str = "tencent_bulk",
    rows_per_file: int = TENCENT_ROWS_PER_FILE,
) -> list[Path]:
    """Write `<stem>.xlsx` and `<stem>.csv` into `folder`, atomically; return the paths written.

    Upload the xlsx: its cells are plain text as the console requires, so a phone stays
    13800000000 and `0.2` stays `0.2`. More than `rows_per_file` numbers are split into
    `<stem>_1.xlsx`, `<stem>_2.xlsx`, ... (one upload task each, each well under the console's
    30 MB). The csv (always one file) is for other tools: Excel shows its phones as numbers
    (1.38E+10), and like every csv of the house, text a spreadsheet would run as a formula
    (`=..`, `-x`) gets a leading `'` there (write_csv).
    """
    bulk = tencent_bulk_frame(messages, variables)
    parts = list(bulk.iter_slices(rows_per_file)) or [bulk]
    names = [stem] if len(parts) == 1 else [f"{stem}_{i}" for i in range(1, len(parts) + 1)]
    written = []
    for name, part in zip(names, parts, strict=True):
        written.append(Path(folder) / f"{name}.xlsx")
        write_xlsx(written[-1], [XlsxSheet("Sheet1", part)])
    written.append(Path(folder) / f"{stem}.csv")
    write_csv(bulk, written[-1])
    return written


# --- Aliyun ----------------------------------------------------------------------------------


def aliyun_batch_requests(
    messages: pl.DataFrame, variables: Sequence[str], *, template_code: str, sign_name: str
) -> list[dict[str, str]]:
    """SendBatchSms request bodies, at most 100 numbers each, in the order of `messages`.

    Each body's PhoneNumberJson, SignNameJson (the signature once per number) and
    TemplateParamJson (`{variable: value}` per number, keys in template order) are JSON array
    strings of equal length, Chinese unescaped. `sign_name` is the bare signature (公司名, not
    【公司名】).
    """
    _require(messages, variables)
    if re.search(r"[【】\[\]]", sign_name) or not sign_name.strip():
        raise ValueError(f"sign_name must be the bare signature without brackets, not {sign_name!r}")
    to = "_aliyun_to"  # a template may have a variable named `phone`
    # Each number's JSON written by polars, then joined per request: a Python dict per number
    # costs ~1 s per 100,000 numbers, this ~0.1 s. Same JSON as json.dumps(ensure_ascii=False).
    params = pl.struct([_text(name) for name in variables]).struct.json_encode()
    bodies = (
        messages.select(
            (pl.int_range(pl.len()) // ALIYUN_MAX_NUMBERS).alias("_request"),
            _json_string(_text(PHONE)).alias(to),
            params.alias("_params"),
        )
        .group_by("_request", maintain_order=True)
        .agg(
            pl.concat_str(pl.lit("["), pl.col(to).str.join(","), pl.lit("]")).alias("PhoneNumberJson"),
            pl.len().alias("_numbers"),
            pl.concat_str(pl.lit("["), pl.col("_params").str.join(","), pl.lit("]")).alias("TemplateParamJson"),
        )
    )
    return [
        {
            "PhoneNumberJson": body["PhoneNumberJson"],
            "SignNameJson": _json([sign_name] * body["_numbers"]),
            "TemplateCode": template_code,
            "TemplateParamJson": body["TemplateParamJson"],
        }
        for body in bodies.iter_rows(named=True)
    ]


def _json_string(text: pl.Expr) -> pl.Expr:
    """Each value as a JSON string literal (quotes and escapes as JSON has them)."""
    return pl.struct(text.alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- checks ----------------------------------------------------------------------------------


def check_variables(
    messages: pl.DataFrame,
    variables: Sequence[str],
    *,
    max_chars: int = 35,
    min_chars: int = 1,
    locale: str = ZH,
    described: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """One finding per (row, variable) whose value the platform would refuse: empty (or null),
    shorter than `min_chars` or longer than `max_chars` characters (every character counts 1,
    as the platforms count). The defaults are Aliyun's 1-35.

    `row` is the `_row` column when `messages` has one (the row in the source file, as in every
    finding of the house), else the 0-based position in `messages`. Sorted by row, then
    template order.
    """
    _require(messages, variables, with_phone=False)
    index = ROW if ROW in messages.columns else None
    long = (
        messages.select(
            (pl.col(index) if index else pl.int_range(pl.len())).cast(pl.Int64).alias("_finding_row"),
            *(pl.col(name).cast(pl.String) for name in variables),
        )
        .unpivot(on=list(variables), index="_finding_row", variable_name="variable", value_name="value")
        .with_columns(_chars=pl.col("value").str.len_chars().fill_null(0))
    )
    chars = pl.col("_chars")
    words: dict[str, pl.Expr] = {
        "variable": pl.col("variable").replace(described or {}),  # `agent（客服工号）`: the column it is made of
        "chars": chars.cast(pl.String),
        "min": pl.lit(str(min_chars)),
        "max": pl.lit(str(max_chars)),
    }
    message = (
        pl.when(chars == 0)
        .then(_filled(_EMPTY.get(locale), words))
        .when(chars < min_chars)
        .then(_filled(_TOO_SHORT.get(locale), words))
        .when(chars > max_chars)
        .then(_filled(_TOO_LONG.get(locale), words))
    )
    return (
        long.with_columns(message=message)
        .filter(pl.col("message").is_not_null())
        .sort(["_finding_row", pl.col("variable").cast(pl.Enum(list(variables)))], maintain_order=True)
        .select(pl.col("_finding_row").alias("row"), "variable", "value", "message")
        .cast(FINDING_SCHEMA)  # type: ignore[arg-type]
    )


def _filled(template: str, words: dict[str, pl.Expr]) -> pl.Expr:
    """A message template with `{name}` placeholders as an expression: literal text around the
    given columns, so each row's message is built by polars, not by `str.format` per row."""
    parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, name, ..., literal
    return pl.concat_str([words[part] if i % 2 else pl.lit(part) for i, part in enumerate(parts)])


# --- shared ----------------------------------------------------------------------------------


def _text(name: str) -> pl.Expr:
    """A column as the text a platform receives: missing values as empty text."""
    return pl.col(name).cast(pl.String).fill_null("")


def _require(messages: pl.DataFrame, variables: Sequence[str], *, with_phone: bool = True) -> None:
    """The phone and every variable must be columns, each variable named once."""
    if isinstance(variables, str):
        raise TypeError("variables must be a sequence of column names, not one string")
    doubled = sorted({name for name in variables if list(variables).count(name) > 1})
    if doubled:
        raise ValueError(f"variables named more than once: {doubled}")
    needed = (PHONE, *variables) if with_phone else tuple(variables)
    missing = [name for name in needed if name not in messages.columns]
    if missing:
        raise ValueError(f"messages has no column {missing}; it has {messages.columns}")
