"""An executed notebook as a report: HTML without code, prompts or scripts (nbconvert with the
lean template in templates/nbconvert/report and one small stylesheet, not the lab template's
~270 KB of CSS and JavaScript). Figures stay inline PNGs; the email job makes them CID parts."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.io import write_text
from toolkit.version import __version__

if TYPE_CHECKING:  # nbformat and nbconvert are imported where a report is exported: a second at start-up
    import nbformat
    from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
REMOVE_TAGS = {"remove_cell", "hide", "papermill-error-cell-tag"}
_SCRIPT = re.compile(r"<script\b.*?</script\s*>|<script\b[^>]*/>", re.IGNORECASE | re.DOTALL)
_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.DOTALL)
_HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)


def strip_scripts(html: str) -> str:
    return _SCRIPT.sub("", html)


@cache
def report_css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def report_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The notebook's `title` metadata, else its first `# heading`, else `fallback`."""
    if nb.metadata.get("title"):
        return str(nb.metadata["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown" and (match := _HEADING.search(cell.source)):
            return match.group(1).strip()
    return fallback


def _footer(nb: nbformat.NotebookNode, name: str) -> str:
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    when = params.get("as_of") or params.get("run_date") or ""
    return f"{name}.ipynb · cs-toolkit {__version__}" + (f" · {when}" if when else "")


def _exporter() -> HTMLExporter:
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        template_name="report",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("strip_scripts", strip_scripts)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=REMOVE_TAGS), enabled=True)
    return exporter


def report_html(nb: nbformat.NotebookNode, name: str) -> str:
    """The report of an executed notebook as one self-contained HTML page."""
    resources = {
        "report_title": report_title(nb, name),
        "report_css": report_css(),
        "report_footer": _footer(nb, name),
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return _ANCHOR.sub("", strip_scripts(body))


def export_report_html(executed_nb_path: str | Path, out_path: str | Path) -> Path:
    """Write the report of the executed notebook at `executed_nb_path` to `out_path` (atomic)."""
    import nbformat

    source, target = Path(executed_nb_path), Path(out_path)
    nb = nbformat.read(source, as_version=4)
    write_text(report_html(nb, source.stem), target)
    return target
