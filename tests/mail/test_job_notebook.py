"""A notebook report mailed as it is run by cron: real kernel, real export, real SMTP server."""

from __future__ import annotations

from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat

from tests.support.files import write
from tests.support.mail_files import CHART
from tests.support.mail_server import MailServer
from toolkit.errors import ExitCode
from toolkit.mailing.html import GMAIL_CLIP_BYTES
from toolkit.pipeline import run_batch
from toolkit.registry import load_config

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def notebook(path: Path, fail: bool = False) -> Path:
    """A small report: a title, a figure (PNG output) and a table; or a cell that raises."""
    cells = [
        nbformat.v4.new_code_cell("run_date = '2026-01-01'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("# 客服日报"),
        nbformat.v4.new_code_cell(
            "from IPython.display import HTML, Image, display\n"
            f"display(Image(data={CHART!r}))\n"
            "display(HTML('<table><tr><th>承运商</th><th>逾期</th></tr><tr><td>顺丰</td><td>12</td></tr></table>'))"
        ),
    ]
    if fail:
        cells.append(nbformat.v4.new_code_cell("raise ValueError('日报数据缺失')"))
    book = nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(book, path)
    return path


def batch(team_folder: Path, smtp: str = "", fail: bool = False) -> Path:
    notebook(team_folder / "notebooks" / "daily_report.ipynb", fail)
    return write(
        team_folder / "config" / "report.yaml",
        f"""\
batch: report
output: ../out
state: ../data
on_failure: {{email: [ops@example.com]}}
{smtp}
jobs:
  daily_report:
    kind: notebook
    notebook: ../notebooks/daily_report.ipynb
  daily_mail:
    kind: email
    to: [supervisor@example.com]
    subject: "客服日报 {{{{ run_date }}}}"
    body: daily_report/daily_report.html
    attach: [daily_report/daily_report.html]
""",
    )


def test_the_notebooks_report_arrives_with_its_figure_as_a_cid_image(team_folder: Path) -> None:
    with MailServer() as server:
        run = run_batch(
            load_config(batch(team_folder, f"smtp: {{host: 127.0.0.1, port: {server.port}, security: none}}")),
            run_date=date(2026, 11, 22),
            as_of=AS_OF,
        )
    assert run.exit_code == ExitCode.DONE, run.jobs
    [received] = server.messages
    message = received.message
    assert message["Subject"] == "客服日报 2026-11-22" and received.rcpt_tos == ["supervisor@example.com"]
    html_part = message.get_body(("html",))
    html = html_part.get_content()
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image.get_content() == CHART and f'src="cid:{image["Content-ID"].strip("<>")}"' in html
    assert "<script" not in html.lower() and "var(--" not in html and len(html.encode()) < GMAIL_CLIP_BYTES
    assert "承运商 | 逾期\r\n顺丰 | 12\r\n" in message.get_body(("plain",)).get_content()  # text is CRLF on the wire
    [attached] = message.iter_attachments()
    assert attached.get_filename() == "daily_report.html"


def test_a_notebook_that_raises_is_attached_to_the_failure_notice(team_folder: Path) -> None:
    run = run_batch(load_config(batch(team_folder, fail=True)), run_date=date(2026, 11, 22), as_of=AS_OF)
    assert run.exit_code == ExitCode.JOB_FAILED
    assert run.jobs["daily_mail"].status == "skipped"
    message = message_from_bytes((run.run_dir / "outbox" / "on_failure.eml").read_bytes(), policy=policy.default)
    text = message.get_body(("plain",)).get_content()
    assert "- daily_report (notebook): " in text and "日报数据缺失" in text
    [attached] = message.iter_attachments()
    assert attached.get_filename() == "daily_report.ipynb"
    executed = nbformat.reads(attached.get_content(), as_version=4)
    assert executed.cells[-1].outputs[0]["ename"] == "ValueError"
