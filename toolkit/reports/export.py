"""An executed notebook as a report: HTML without code, prompts or scripts (nbconvert with the
lean template in templates/nbconvert/report and one small stylesheet, not the lab template's
~270 KB of CSS and JavaScript). Figures stay inline PNGs; the email job makes them CID parts.

The page is read on a phone as often as on a desktop, and it is also the mail's body: the head is
`toolkit.pages`' (the viewport tag: without it a phone lays the page out 980 px wide and shows it
at 40 %), the stylesheet is phone-first and works without its media query (mail clients drop
`<style>`; its rules are inlined into the tags), and the page's about line (batch, run date, data
as of, inputs, made at) closes it in the footer, under the notebook's own first lines."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.i18n import DEFAULT_LOCALE, normalise_locale
from toolkit.io import write_text
from toolkit.pages import PageAbout, head
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


def _parameters(nb: nbformat.NotebookNode) -> dict:
    return dict(nb.metadata.get("papermill", {}).get("parameters", {}))


def _footer(nb: nbformat.NotebookNode, name: str, *, when: bool = True) -> str:
    """The notebook and the toolkit's version, and the moment of the data unless the about line says it."""
    params = _parameters(nb)
    moment = (params.get("as_of") or params.get("run_date") or "") if when else ""
    return f"{name}.ipynb · cs-toolkit {__version__}" + (f" · {moment}" if moment else "")


def _locale(nb: nbformat.NotebookNode) -> str:
    try:
        return normalise_locale(str(_parameters(nb).get("locale") or DEFAULT_LOCALE))
    except ValueError:
        return DEFAULT_LOCALE


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


def report_html(nb: nbformat.NotebookNode, name: str, about: PageAbout | None = None) -> str:
    """The report of an executed notebook as one self-contained HTML page; `about` (the notebook
    job gives it) is said in the footer."""
    title = report_title(nb, name)
    resources = {
        "report_title": title,
        "report_head": head(title, css=report_css(), base=False),  # the report's stylesheet is whole
        "report_about": about.html(_locale(nb)) if about is not None else "",
        "report_footer": _footer(nb, name, when=about is None),
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return _ANCHOR.sub("", strip_scripts(body))


def export_report_html(executed_nb_path: str | Path, out_path: str | Path, about: PageAbout | None = None) -> Path:
    """Write the report of the executed notebook at `executed_nb_path` to `out_path` (atomic)."""
    import nbformat

    source, target = Path(executed_nb_path), Path(out_path)
    nb = nbformat.read(source, as_version=4)
    write_text(report_html(nb, source.stem, about), target)
    return target
