"""The HTML report of an executed notebook: a report, not a notebook (no code, no prompts, no
scripts, a small stylesheet), with its title, texts, tables and figures."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from toolkit.reports.export import export_report_html, report_html

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d3c4c70000000049454e44ae426082"
    )
).decode()


def executed_notebook() -> nbformat.NotebookNode:
    code = new_code_cell("SECRET_SOURCE = compute()\ndisplay(table)", execution_count=3)
    code.outputs = [
        new_output(
            "display_data",
            data={
                "text/html": "<table><tr><td>1,234</td></tr></table><script>alert(1)</script>",
                "text/plain": "table",
            },
        ),
        new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        new_output("stream", name="stderr", text="DeprecationWarning: noise"),
        new_output("display_data", data={"text/markdown": "运行日期 **2026-11-22**", "text/plain": "md"}),
        new_output("display_data", data={"application/javascript": "console.log('x')", "text/plain": "js"}),
    ]
    hidden = new_code_cell("print('internal')", execution_count=4)
    hidden.metadata["tags"] = ["remove_cell"]
    hidden.outputs = [new_output("stream", name="stdout", text="internal\n")]
    nb = new_notebook(cells=[new_markdown_cell("# 客服日报\n\n说明文字"), code, hidden])
    nb.metadata["papermill"] = {"parameters": {"run_date": "2026-11-22", "as_of": "2026-11-22T09:00:00+08:00"}}
    return nb


def test_report_has_no_code_no_prompts_and_no_scripts() -> None:
    page = report_html(executed_notebook(), "daily_report")
    assert "SECRET_SOURCE" not in page and "In&nbsp;[" not in page and "In [3]" not in page
    assert "<script" not in page.lower() and "alert(1)" not in page and "console.log" not in page
    assert "DeprecationWarning" not in page  # stderr is not part of a report
    assert "internal" not in page  # cells tagged remove_cell are left out
    assert "var(--" not in page  # no CSS variables (mail clients drop them)


def test_report_shows_title_texts_tables_and_figures() -> None:
    page = report_html(executed_notebook(), "daily_report")
    assert "<title>客服日报</title>" in page and "<h1" in page and "说明文字" in page
    assert "<td>1,234</td>" in page
    assert "<strong>2026-11-22</strong>" in page
    assert re.search(r'<img [^>]*src="data:image/png;base64,' + re.escape(PNG), page)
    assert "2026-11-22T09:00:00+08:00" in page  # the footer names the moment of the data
    assert "anchor-link" not in page and "¶" not in page


def test_report_is_lean(tmp_path: Path) -> None:
    source = tmp_path / "daily_report.ipynb"
    nbformat.write(executed_notebook(), source)
    out = export_report_html(source, tmp_path / "out" / "daily_report.html")
    size = out.stat().st_size
    assert out.is_file() and size < 10_000, size  # nbconvert's lab template alone is ~270 KB
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
