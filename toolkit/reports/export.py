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
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
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


@contextmanager
def hidden(*names: str) -> Iterator[None]:
    """While inside, `import name` raises ImportError for each of `names` not imported yet (the
    optional extras a library tries and goes without); afterwards they import as before."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system's "not available"
    try:
        yield
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


def without_iri_checks() -> None:
    """Import jsonschema (nbformat's validator) without the optional `iri` format checkers.

    jsonschema's format checkers import rfc3987_syntax where it is installed (jupyter_events
    brings it), and that builds 38 lark grammars at import: `import nbformat` took 1.5 s instead
    of 0.2 s (2 cores, load 7), a third of the daily report's 4.3 s (notebook + email jobs), paid
    again by every process that runs a notebook. The notebook format's schema (nbformat v4) has
    no `format` keyword at all, so nothing the toolkit reads or writes ever used those checkers.
    The module is hidden from that one import only: afterwards `import rfc3987_syntax` works as
    before; only jsonschema's `iri`/`iri-reference` checks are missing in this process.
    """
    if "jsonschema" in sys.modules:
        return
    with hidden("rfc3987_syntax"), suppress(ImportError):  # not installed: nbformat says so itself
        import jsonschema  # noqa: F401


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


_warming: threading.Thread | None = None


def warm_up() -> None:
    """Import nbconvert and render a small notebook in a background thread, so that the export
    after the notebook runs finds it all loaded (call it when the kernel starts: the process
    only waits for the kernel then).

    Why: the first export in a process was 0.46 s (nbconvert's import 0.6 s on top, jinja's
    template compile, mistune's and soupsieve's first use), a warm one 0.16 s; the notebook's
    execution leaves this process idle for seconds, and the machine's second core with it.
    """
    global _warming
    if _warming is None:
        _warming = threading.Thread(target=_warm, name="toolkit-report-export-warm-up", daemon=True)
        _warming.start()


def _warm() -> None:
    try:
        without_iri_checks()
        from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

        outputs = [
            new_output("display_data", {"text/markdown": "**1** `2`", "text/html": "<b>3</b>", "text/plain": "4"}),
            new_output("display_data", {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
            new_output("stream", name="stdout", text="5\n"),
        ]
        cells = [
            new_markdown_cell("# 预热\n\n*a* [b](c)\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
            new_code_cell("", outputs=outputs),
        ]
        report_html(new_notebook(cells=cells), "warm-up")
    except Exception:  # the export itself says what is wrong
        pass


def export_report_html(executed_nb_path: str | Path, out_path: str | Path, about: PageAbout | None = None) -> Path:
    """Write the report of the executed notebook at `executed_nb_path` to `out_path` (atomic)."""
    if _warming is not None:
        _warming.join()  # one export at a time: the warm-up's imports are the export's
    without_iri_checks()
    import nbformat

    source, target = Path(executed_nb_path), Path(out_path)
    nb = nbformat.read(source, as_version=4)
    write_text(report_html(nb, source.stem, about), target)
    return target
