"""Letters as HTML: each claim's letter rendered from the team's template, wrapped in the
printable document (A4, margins, a page break after each letter, CJK fonts).

Templates live in one folder: the letter templates (`apology.html.j2`, …), the layout they
extend, and `document.html.j2` that wraps one letter or a whole batch for printing. They are
rendered by the message templates' sandboxed, auto-escaping environment with strict names.

The document is printed on A4 (print.css) and read on screens as often, a phone's among them:
it is given the pages' viewport tag and base styles for the screen only (`page_css`, inside
`@media screen`, so the print is as print.css alone makes it) and the line saying what the file
is about (`about`, shown on screen, not printed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import meta
from markupsafe import Markup

from toolkit.i18n import EN, ZH, html_lang
from toolkit.pages import BASE_CSS, FONT_STACK, VIEWPORT, PageAbout
from toolkit.templating.environment import MessageTemplate, TemplateError, environment

DOCUMENT = "document.html.j2"
DOCUMENT_VALUES = ("letters", "title", "lang", "viewport", "page_css", "about")
"""What the document around the letters is rendered with: `viewport` the phone's viewport tag,
`page_css` the pages' base styles on screen (and the about line hidden in print), `about` the
line saying what the file is about (empty when not given)."""
PAGE_CSS = Markup(
    f"@media screen {{\n{BASE_CSS}\np.about {{ font-family: {FONT_STACK}; }}\n}}\n"
    "@media print {\n  p.about { display: none; }\n}\n"
)
"""The pages' base styles for the screen only: print.css alone lays out the print."""
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: date | datetime | None, locale: str = ZH) -> str:
    """A letter's date: `2026年11月22日` (English: `22 November 2026`)."""
    if value is None:
        return ""
    if locale == EN:
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def _load(path: Path, locale: str) -> MessageTemplate:
    path = path.resolve()
    env = environment(path.parent, locale)
    env.filters["long_date"] = partial(long_date, locale=locale)
    template = MessageTemplate(path, env)
    template.compiled  # noqa: B018 - a syntax error is reported at load time
    return template


def _family(template: MessageTemplate) -> list[MessageTemplate]:
    """The template and every template it extends or includes (all in the same folder)."""
    found = {template.path: template}
    todo = [template]
    while todo:
        current = todo.pop()
        for name in meta.find_referenced_templates(current.env.parse(current.source)):
            path = (current.path.parent / name).resolve() if name else None
            if path is not None and path not in found and path.suffix == ".j2":
                if not path.is_file():
                    raise TemplateError(f"template {name!r} not found next to it", path=current.path)
                found[path] = MessageTemplate(path, current.env)
                todo.append(found[path])
    return list(found.values())


@dataclass
class LetterTemplate:
    """A letter template and the document it is printed in."""

    letter: MessageTemplate
    document: MessageTemplate
    locale: str = ZH

    @classmethod
    def load(cls, path: Path, locale: str = ZH) -> LetterTemplate:
        document = path.resolve().parent / DOCUMENT
        if not document.is_file():
            raise TemplateError(f"no {DOCUMENT} next to the letter template (it wraps letters for printing)", path=path)
        return cls(_load(path, locale), _load(document, locale), locale)

    @property
    def path(self) -> Path:
        return self.letter.path

    def scopes(self, columns: Iterable[str]) -> list[tuple[MessageTemplate, list[str]]]:
        """Every file of the letter and of the document around it, with the names it is
        rendered with: the letter's files `columns`, the document's its own three."""
        columns = list(columns)
        return [
            *((t, columns) for t in _family(self.letter)),
            *((t, list(DOCUMENT_VALUES)) for t in _family(self.document)),
        ]

    def check_columns(self, columns: Iterable[str]) -> None:
        """Fail before the first letter when the template, or a layout it extends, names a value
        the claims do not have; the error names that file and line."""
        for template, values in self.scopes(columns):
            template.check_columns(values)

    def render(self, values: Mapping[str, Any]) -> Markup:
        """One letter: the inner HTML that `document` wraps."""
        return Markup(self.letter.render(values))

    def document_html(self, letters: Sequence[Markup], title: str, about: PageAbout | None = None) -> str:
        """One printable HTML file holding `letters`, each on its own pages; `about`
        (JobContext.about) is said above them on screen."""
        return self.document.render(
            {
                "letters": letters,
                "title": title,
                "lang": html_lang(self.locale),
                "viewport": Markup(VIEWPORT),
                "page_css": PAGE_CSS,
                "about": Markup(about.html(self.locale)) if about is not None else "",
            }
        )


__all__ = ["DOCUMENT", "LetterTemplate", "long_date"]
