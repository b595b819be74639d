"""A batch that fans out per branch (`foreach`), for the pipeline's fan-out and executor tests:
the day's orders checked, then per branch of config/branches.csv its orders checked again, its
dispatch SMS, and a mail to its manager with the branch's order summary as the body."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from tests.support.files import write
from tests.support.sample_runs import OVERDUE_JOB

BRANCHES = (
    "上海嘉定营业所",
    "上海浦东营业所",
    "杭州萧山营业所",
    "杭州余杭营业所",
    "宁波北仑营业所",
    "义乌营业所",
    "苏州工业园营业所",
    "深圳宝安营业所",
    "广州白云营业所",
)  # config/branches.csv, in its order


def fanout_batch(team: Path, executor: str = "", name: str = "fanout") -> Path:
    """`config/<name>.yaml` in the team folder; `executor` is its `executor:` block, if any."""
    return write(
        team / "config" / f"{name}.yaml",
        f"""\
batch: {name}
output: ../out
state: ../data
{executor}
jobs:
  orders:
    kind: validate_orders
    input: {{path: ../samples/orders.xlsx, sheet: 订单}}
    rules: rules/orders.yaml
{OVERDUE_JOB}  branch_orders:
    kind: validate_orders
    foreach: {{table: branches.csv, by: branch}}
    input: orders.valid
    rules: rules/orders.yaml
  branch_sms:
    kind: render_messages
    foreach: {{table: branches.csv, by: branch}}
    input: branch_orders.valid
    template: ../templates/sms/dispatch.txt.j2
    directory: {{path: branches.csv, key: branch}}
    recipients:
      - {{role: 业务员, name: salesperson, phone: salesperson_phone, mask: false}}
    sms: {{counting: cn, signature: 【顺达物流】, max_parts: 2}}
  branch_mail:
    kind: email
    foreach: {{table: branches.csv, by: branch}}
    to: ["{{{{ manager }}}} <{{{{ manager_email }}}}>"]
    subject: "{{{{ branch }}}} 核单 {{{{ run_date }}}}"
    body: branch_orders/summary.html
""",
    )


def parquet_frames(run_dir: Path) -> dict[str, pl.DataFrame]:
    """Every parquet table of a run folder, by its path in it."""
    return {str(p.relative_to(run_dir)): pl.read_parquet(p) for p in sorted(run_dir.rglob("*.parquet"))}
