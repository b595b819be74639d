"""The outbox people use: outbox.csv and outbox.xlsx for bulk upload, preview.html to read each
message as a phone would show it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from toolkit.i18n import Text
from toolkit.io import sheets_of, write_csv, write_text, write_xlsx
from toolkit.labels import column_labels
from toolkit.messages.render import RenderResult

WORDS = {
    "title": Text("短信预览", "SMS preview"),
    "outbox": Text("待发送", "In the outbox"),
    "findings": Text("未发送（问题）", "Not sent (findings)"),
    "chars": Text("字", "chars"),
    "parts": Text("条", "parts"),
}

_templates = Environment(loader=PackageLoader("toolkit.messages", "html"), autoescape=select_autoescape(["j2"]))


def preview_html(result: RenderResult, *, signature: str = "", title: str | None = None, limit: int = 500) -> str:
    """Each message as a phone shows it, with its counts; the findings below."""
    locale = result.locale
    return _templates.get_template("preview.html.j2").render(
        lang="en" if locale == "en" else "zh-CN",
        title=WORDS["title"].get(locale) + (f" · {title}" if title else ""),
        words={k: v.get(locale) for k, v in WORDS.items()},
        signature=signature,
        messages=result.outbox.head(limit).iter_rows(named=True),
        shown=min(limit, result.outbox.height),
        total=result.outbox.height,
        findings=result.findings.head(limit).iter_rows(named=True),
        finding_count=result.findings.height,
    )


def write_outbox(
    result: RenderResult, folder: Path, *, signature: str = "", title: str | None = None
) -> list[tuple[Path, int | None]]:
    """Write outbox.csv, outbox.xlsx and preview.html; returns (path, rows) for the manifest."""
    shown = result.outbox.rename(column_labels(result.outbox.columns, result.locale))
    csv, xlsx, html = folder / "outbox.csv", folder / "outbox.xlsx", folder / "preview.html"
    write_csv(shown, csv)
    write_xlsx(xlsx, sheets_of(WORDS["outbox"].get(result.locale), shown))
    write_text(preview_html(result, signature=signature, title=title), html)
    return [(csv, shown.height), (xlsx, shown.height), (html, None)]


__all__ = ["preview_html", "write_outbox"]
