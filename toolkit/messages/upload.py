"""What a render job leaves for the SMS platforms, which send registered templates with
variables rather than our rendered text: each variable rendered from its own small template
for every row, checked against the platform's limits, and written as Tencent's bulk-send file
and Aliyun's SendBatchSms request bodies. The outbox keeps the rendered text, which still gives
the billed length.

A row whose variables the platform would refuse is a finding and stays out of both files, as a
recipient without a valid number stays out of the outbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from toolkit.fields import ROW
from toolkit.i18n import EN, ZH
from toolkit.io import write_json
from toolkit.labels import label
from toolkit.messages.platforms import PHONE, aliyun_batch_requests, check_variables, write_tencent_bulk
from toolkit.rules import findings
from toolkit.templating.compile import render_all
from toolkit.templating.environment import MessageTemplate

RULE = "platform_variable"
_SERIAL = "_serial"  # the row's serial, for findings; `serial` may well be a variable too


@dataclass(frozen=True)
class PlatformUpload:
    """One row per outbox line whose variables pass: `phone`, then the variables in order."""

    sendable: pl.DataFrame
    variables: tuple[str, ...]
    findings: pl.DataFrame


def variable_values(rows: pl.DataFrame, variables: Mapping[str, MessageTemplate]) -> pl.DataFrame:
    """`_row`, `_serial` and the text of each variable for every row (compiled where possible)."""
    return rows.select(ROW, pl.col("serial").alias(_SERIAL)).with_columns(
        render_all(template, rows).alias(name) for name, template in variables.items()
    )


def platform_upload(
    outbox: pl.DataFrame,
    values: pl.DataFrame,
    *,
    max_chars: int,
    min_chars: int = 1,
    locale: str = ZH,
    described: Mapping[str, str] | None = None,
) -> PlatformUpload:
    """Check every row's variables once, then address the passing rows to the outbox's phones
    (`described`: how a finding names a variable, e.g. with the column it is made of)."""
    names = tuple(c for c in values.columns if c not in (ROW, _SERIAL))
    problems = check_variables(
        values, names, max_chars=max_chars, min_chars=min_chars, locale=locale, described=described
    )
    refused = findings(
        problems.join(values.select(ROW, _SERIAL), left_on="row", right_on=ROW, how="left"),
        row=pl.col("row"),
        record_id=pl.col(_SERIAL),
        column=pl.col("variable"),
        value=pl.col("value"),
        rule=RULE,
        severity="error",
        message=pl.col("message"),
    )
    passing = values.filter(~pl.col(ROW).is_in(problems["row"].implode()))
    sendable = outbox.select(PHONE, "source_row").join(
        passing.drop(_SERIAL), left_on="source_row", right_on=ROW, how="inner", maintain_order="left"
    )
    return PlatformUpload(sendable.drop("source_row"), names, refused)


def described_variables(variables: Mapping[str, MessageTemplate], locale: str) -> dict[str, str]:
    """`{"agent": "agent（客服工号）"}`: a platform variable made of one column, named with that
    column's label too, so a finding says what to fill in."""
    found = {}
    for name, template in variables.items():
        if len(template.variables) == 1:
            (column,) = template.variables
            word = label(column, locale)
            if word not in (column, name):
                found[name] = f"{name}（{word}）" if locale != EN else f"{name} ({word})"
    return found


def write_platform_files(
    upload: PlatformUpload,
    folder: Path,
    *,
    tencent: bool,
    aliyun_template_code: str | None,
    aliyun_sign_name: str | None,
) -> list[tuple[Path, int | None]]:
    """tencent_bulk.xlsx/.csv and aliyun_send_batch.json as asked; (path, rows) for the manifest."""
    written: list[tuple[Path, int | None]] = []
    if tencent:
        for path in write_tencent_bulk(upload.sendable, upload.variables, folder):
            written.append((path, upload.sendable.height))
    if aliyun_template_code:
        requests = aliyun_batch_requests(
            upload.sendable, upload.variables, template_code=aliyun_template_code, sign_name=aliyun_sign_name or ""
        )
        path = folder / "aliyun_send_batch.json"
        write_json(requests, path)
        written.append((path, len(requests)))
    return written


__all__ = [
    "RULE",
    "PlatformUpload",
    "described_variables",
    "platform_upload",
    "variable_values",
    "write_platform_files",
]
