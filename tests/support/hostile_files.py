"""A team folder for hostile-input tests: a batch with the orders job (and, where a case needs
it, the dispatch SMS), order exports written by the test itself, and the CLI run in-process."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from tests.support.files import write
from toolkit.cli import app

HEADERS = [
    "订单号",
    "下单时间",
    "发货人",
    "发货人电话",
    "提货地址",
    "货物名称",
    "件数",
    "重量",
    "体积",
    "新旧",
    "包装",
    "保价金额",
    "目的地",
    "收货人",
    "收货人电话",
    "收货地址",
    "付款方式",
    "提货费",
    "送货费",
    "营业所",
    "客服工号",
]
CLEAN = [
    "7551000001",
    "2026-11-20 10:05",
    "黄强",
    "18890361508",
    "杭州市余杭区和平路727号",
    "汽车配件",
    "6",
    "178",
    "0.4",
    "",
    "纸箱",
    "",
    "南通",
    "张宁",
    "15990039685",
    "南通市海门区滨江路524号",
    "现付",
    "",
    "0",
    "杭州余杭营业所",
    "8026",
]
AS_OF = ["--date", "2026-11-22", "--as-of", "2026-11-22 09:00"]
BATCH = """\
batch: hostile
timezone: Asia/Shanghai
output: ../out
state: ../data
jobs:
  orders:
    kind: validate_orders
    input: {input}
    rules: rules/orders.yaml
{more}"""
SMS_JOB = """\
  dispatch_sms:
    kind: render_messages
    input: orders.valid
    template: ../templates/sms/dispatch.txt.j2
    directory: {path: branches.csv, key: branch}
    recipients:
      - {role: 业务员, name: salesperson, phone: salesperson_phone}
"""


def order(number: int, **cells: str) -> list[str]:
    """A clean order, its id and shipper phone made unique by `number`, with `cells` changed (by header)."""
    row = [*CLEAN]
    row[0], row[3] = f"75510{number:05d}", f"188903{number:05d}"
    for header, value in cells.items():
        row[HEADERS.index(header)] = value
    return row


def orders_csv(
    rows: list[list[str]], *, headers: list[str] = HEADERS, delimiter: str = ",", line_end: str = "\n"
) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


@dataclass
class Run:
    exit_code: int
    lines: list[str]  # what the run printed on stderr, timestamps removed, the team folder as TEAM
    out: Path  # the run folder

    @property
    def counts(self) -> dict[str, int]:
        return json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))["jobs"]["orders"]["counts"]

    @property
    def error_line(self) -> str:
        """What the one job that stopped on bad input said, after its name and time."""
        (line,) = [line for line in self.lines if " error in " in line]
        return line.split(" — ", 1)[1]

    @property
    def valid(self) -> pl.DataFrame:
        """The orders job's accepted orders."""
        return pl.read_parquet(self.out / "orders" / "valid.parquet")

    def accounted_for(self) -> bool:
        """Rows in = accepted + rejected + blank rows skipped (counted)."""
        counts = self.counts
        return counts["rows_in"] == counts["accepted"] + counts["rejected"] + counts.get("blank_rows_skipped", 0)


class Team:
    """A team folder (tests/conftest.py's `team_folder`: the repository's config/, templates/,
    samples/ and notebooks/), with files to write into it and batches to run in it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def file(self, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = self.folder / "samples" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    def run(self, input_line: str = "../samples/orders.csv", more: str = "") -> Run:
        """`toolkit run` of a batch with the orders job reading `input_line` (and `more` jobs)."""
        write(self.folder / "config" / "hostile.yaml", BATCH.format(input=input_line, more=more))
        return self.run_config("hostile.yaml")

    def run_config(self, name: str) -> Run:
        """`toolkit run config/<name>` as of the samples' day."""
        result = CliRunner().invoke(app, ["run", str(self.folder / "config" / name), *AS_OF])
        text = result.stderr.replace(str(self.folder), "TEAM")
        lines = [line.split(" ", 2)[2] if line[:4].isdigit() else line for line in text.splitlines()]
        return Run(result.exit_code, lines, self.folder / "out" / "2026-11-22" / "hostile")
