"""The `notebook` job with a real Jupyter kernel: the shipped reports on the samples, parameters
from the batch, a failing cell, a cell over its time limit, a kernel that is not installed.

Each kernel start costs a second or two, so each test runs one batch and asserts several things.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

import toolkit as tk
from tests.support.sample_runs import OVERDUE_JOB
from toolkit.errors import ExitCode

AS_OF = "2026-11-22 09:00"
DATA_JOBS = """
batch: daily
output: ../out
state: ../data
jobs:
  orders:
    kind: validate_orders
    input: {path: ../samples/orders.xlsx, sheet: 订单}
    rules: rules/orders.yaml
  dispatch_sms:
    kind: render_messages
    input: orders.valid
    template: ../templates/sms/dispatch.txt.j2
    directory: {path: branches.csv, key: branch}
    recipients:
      - {role: 业务员, name: salesperson, phone: salesperson_phone}
      - {role: 调度, phone: dispatcher_phone}
    sms: {counting: cn, signature: 【顺达物流】, max_parts: 2}
"""


def config(team: Path, name: str, text: str) -> Path:
    path = team / "config" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_reports_run_on_the_samples_and_export_html(report_team: Path) -> None:
    path = config(
        report_team,
        "report.yaml",
        DATA_JOBS
        + "\n"
        + OVERDUE_JOB
        + """\
  daily_report:
    kind: notebook
    notebook: ../notebooks/daily_report.ipynb
    parameters: {orders: orders, sms: dispatch_sms, overdue: overdue}
    files: {tickets: ../samples/service_tickets.csv}
    cell_timeout: 120
  weekly_kpi:
    kind: notebook
    notebook: ../notebooks/weekly_kpi.ipynb
    parameters: {overdue: overdue}
    files: {tickets: ../samples/service_tickets.csv, claims: ../samples/claims.csv, directory: branches.csv}
""",
    )
    run = tk.run(str(path), as_of=AS_OF)
    assert run.exit_code == ExitCode.DONE, {name: r.error for name, r in run.jobs.items()}
    record = run.jobs["daily_report"]
    folder = run.run_dir / "daily_report"
    assert sorted(p.name for p in folder.iterdir()) == ["daily_report.html", "daily_report.ipynb"]
    assert {o["path"] for o in record.outputs} == {"daily_report/daily_report.ipynb", "daily_report/daily_report.html"}
    assert run["daily_report"].html == folder / "daily_report.html"

    page = (folder / "daily_report.html").read_text(encoding="utf-8")
    assert "<title>客服日报</title>" in page and "运行日期 <strong>2026-11-22</strong>" in page
    assert ">2,000</b>" in page and ">1,858</b>" in page  # orders received and accepted
    assert "违禁品，不予承运" in page  # refused by rule
    assert "最需要跟进的10票" in page and "超过配送时效" in page  # the overdue worklist
    assert "服务标准达标率" in page and "查询1小时内答复" in page and 'class="breach"' in page
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) >= 5
    assert "<script" not in page.lower() and "from toolkit" not in page and "kpi.ticket_summary" not in page  # no code
    assert record.counts["html_bytes"] == len(page.encode("utf-8"))
    executed = nbformat.read(folder / "daily_report.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    assert executed.metadata.papermill.parameters["run_date"] == "2026-11-22"

    weekly = (run.run_dir / "weekly_kpi" / "weekly_kpi.html").read_text(encoding="utf-8")
    assert "统计周 <strong>2026-11-16 至 2026-11-22</strong>" in weekly
    for section in (
        "周环比",
        "及时提货率",
        "各业务员",
        "发货地分析",
        "延误最多的线路",
        "票均赔付金额",
        "当月出险次数",
        "超过时限的理赔",
    ):
        assert section in weekly, section
    for count in (
        "按时送达",
        "超时送达",
        "未送达,已超时",
        "未送达,未到期",
        "无轨迹",
    ):  # the overdue job's counts, in its words
        assert count in weekly, count
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', weekly)) >= 5 and "<script" not in weekly.lower()


def test_parameters_reach_the_notebook_under_a_cron_like_environment(
    report_team: Path, write_notebook: Callable[..., Path]
) -> None:
    write_notebook(
        report_team / "notebooks" / "echo.ipynb",
        "import json, sys\nfrom pathlib import Path\n"
        "seen = {k: v for k, v in globals().items() if k in NAMES}\n"
        "seen['valid_exists'] = Path(valid).is_file()\nseen['python'] = sys.executable\n"
        "Path(output_dir, 'seen.json').write_text(json.dumps(seen, ensure_ascii=False))",
        parameters="NAMES = ['run_date', 'as_of', 'run_dir', 'output_dir', 'locale', 'orders', 'valid', 'team', 'limit', 'tickets']\n"
        + "".join(
            f"{name} = None\n"
            for name in ("run_date", "as_of", "run_dir", "output_dir", "locale", "orders", "valid", "tickets")
        )
        + "team = ''\nlimit = 0",
    )
    path = config(
        report_team,
        "echo.yaml",
        DATA_JOBS.split("  dispatch_sms:")[0]
        + """
  echo:
    kind: notebook
    notebook: ../notebooks/echo.ipynb
    parameters: {orders: orders, valid: orders.valid, team: 客服一组, limit: 3}
    files: {tickets: ../samples/service_tickets.csv}
""",
    )
    # cron: no TTY, a bare PATH without this Python, no Jupyter server
    env = {"HOME": os.environ.get("HOME", "/root"), "PATH": "/usr/bin:/bin", "LANG": "C"}
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "run", str(path), "--as-of", AS_OF],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=report_team,
    )
    assert done.returncode == 0, done.stderr
    run_dir = report_team / "out" / "2026-11-22" / "daily"
    seen = json.loads((run_dir / "echo" / "seen.json").read_text(encoding="utf-8"))
    staging = Path(seen["run_dir"])
    assert (
        seen["run_date"] == "2026-11-22" and seen["as_of"] == "2026-11-22T09:00:00+08:00" and seen["locale"] == "zh_CN"
    )
    assert Path(seen["orders"]) == staging / "orders" and Path(seen["output_dir"]) == staging / "echo"
    assert Path(seen["valid"]) == staging / "orders" / "valid.parquet" and seen["valid_exists"] is True
    assert seen["team"] == "客服一组" and seen["limit"] == 3
    assert Path(seen["tickets"]) == report_team / "samples" / "service_tickets.csv"
    assert Path(seen["python"]).resolve() == Path(sys.executable).resolve()  # the toolkit's own interpreter
    assert "Passed unknown parameter" not in done.stderr and "WARNING" not in done.stderr


def test_a_failing_cell_fails_the_job_and_keeps_the_executed_notebook(
    report_team: Path, write_notebook: Callable[..., Path]
) -> None:
    notebooks = report_team / "notebooks"
    write_notebook(notebooks / "broken.ipynb", "x = 1", "rows = {}\nrows['missing']", "print('never reached')")
    write_notebook(notebooks / "slow.ipynb", "import time\ntime.sleep(60)")
    path = config(
        report_team,
        "broken.yaml",
        """
batch: broken
output: ../out
state: ../data
jobs:
  report: {kind: notebook, notebook: ../notebooks/broken.ipynb}
  slow: {kind: notebook, notebook: ../notebooks/slow.ipynb, cell_timeout: 2}
""",
    )
    run = tk.run(str(path), as_of=AS_OF)
    assert run.exit_code == ExitCode.JOB_FAILED
    kept = run.run_dir / "report" / "broken.ipynb"
    assert run.jobs["report"].status == "failed"
    assert (
        run.jobs["report"].error == f"broken.ipynb: cell In [4] raised KeyError: 'missing'; executed notebook: {kept}"
    )
    executed = nbformat.read(kept, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("KeyError", "'missing'")]
    assert not (run.run_dir / "report" / "broken.html").exists()  # a broken report is not exported

    assert run.jobs["slow"].status == "failed"
    assert (
        run.jobs["slow"].error
        == f"slow.ipynb: a cell did not finish within 2 s (cell_timeout); executed notebook: {run.run_dir / 'slow' / 'slow.ipynb'}"
    )
    assert (run.run_dir / "slow" / "slow.ipynb").is_file()


def test_a_kernel_that_is_not_installed_says_how_to_install_it(report_team: Path) -> None:
    path = config(
        report_team,
        "nokernel.yaml",
        """
batch: nokernel
output: ../out
jobs:
  report: {kind: notebook, notebook: ../notebooks/daily_report.ipynb, kernel: cs-toolkit-missing}
""",
    )
    run = tk.run(str(path), as_of=AS_OF)
    error = run.jobs["report"].error
    assert run.exit_code == ExitCode.JOB_FAILED
    assert error.startswith("Jupyter kernel 'cs-toolkit-missing' is not installed (installed: ")
    assert error.endswith("install it with: python -m ipykernel install --user --name cs-toolkit-missing")
    checked = subprocess.run(
        [sys.executable, "-m", "toolkit", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    assert (
        checked.returncode == ExitCode.BAD_INPUT
        and "python -m ipykernel install --user --name cs-toolkit-missing" in checked.stderr
    )


def test_the_workbench_notebook_runs_with_its_defaults(report_team: Path) -> None:
    path = config(
        report_team,
        "workbench.yaml",
        """
batch: workbench
output: ../out
jobs:
  workbench: {kind: notebook, notebook: ../notebooks/workbench.ipynb, html: false}
""",
    )
    run = tk.run(str(path), as_of=AS_OF)
    assert run.exit_code == ExitCode.DONE, run.jobs["workbench"].error
    executed = nbformat.read(run.run_dir / "workbench" / "workbench.ipynb", as_version=4)
    shown = "".join(
        o.get("data", {}).get("text/html", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    )
    assert "核单结果" in shown and "短信预览" in shown and "批次 daily" in shown
    assert not (report_team / "out" / "2026-11-22" / "daily").exists()  # scratch: the team's out/ is left alone
