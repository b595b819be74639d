"""The template environment: templates are data written by customer-service agents.

Rendered in Jinja2's immutable sandbox (no Python internals, files or network), with undefined
variables as errors that name the template, its line, the variable and the columns there are.
HTML templates (`*.html.j2`) auto-escape; text templates (SMS, `*.txt.j2`) do not, and their
output is stripped of surrounding whitespace.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from toolkit.errors import ConfigError
from toolkit.i18n import ZH
from toolkit.templating.filters import filters_for


class TemplateError(ConfigError):
    """A template that cannot be used: one line with the template, its line and what is wrong."""


def _blank_if_missing(value: Any) -> Any:
    """An empty cell prints as nothing, never as "None" in a customer's SMS."""
    return "" if value is None else value


def environment(folder: Path, locale: str = ZH) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2", "htm"), default_for_string=False),
        keep_trailing_newline=False,
        finalize=_blank_if_missing,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters_for(locale))
    return env


@dataclass
class MessageTemplate:
    """One template file, parsed once."""

    path: Path
    env: ImmutableSandboxedEnvironment
    text: str | None = None  # the source of a template written inline in config, not in a file

    @classmethod
    def load(cls, path: Path, locale: str = ZH) -> MessageTemplate:
        path = path.resolve()
        template = cls(path, environment(path.parent, locale))
        template.compiled  # noqa: B018 - a syntax error is reported at load time, not per row
        return template

    @classmethod
    def inline(cls, text: str, name: str, locale: str = ZH) -> MessageTemplate:
        """A short text template from config (a platform variable, say); `name` says where it
        is written, e.g. `daily.yaml#platform.variables.shipper`, for error lines."""
        template = cls(Path(name), environment(Path.cwd(), locale), text)
        template.compiled  # noqa: B018
        return template

    @property
    def is_text(self) -> bool:
        return not self.path.name.endswith((".html.j2", ".html", ".htm"))

    @cached_property
    def source(self) -> str:
        if self.text is not None:
            return self.text
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise TemplateError(f"cannot read template: {error}", path=self.path) from None

    @cached_property
    def compiled(self) -> jinja2.Template:
        try:
            if self.text is None:
                return self.env.get_template(self.path.name)
            code = self.env.compile(self.text, name=self.path.name, filename=str(self.path))
            return self.env.template_class.from_code(self.env, code, self.env.make_globals(None))
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"template syntax error: {error.message}", path=self.path, line=error.lineno) from None

    @cached_property
    def variables(self) -> set[str]:
        """The names the template takes from each row (filters and loop variables excluded)."""
        return meta.find_undeclared_variables(self.env.parse(self.source))

    def line_of(self, name: str) -> int | None:
        """The first line where the template uses `name`."""
        for line, kind, value in self.env.lex(self.source):
            if kind == "name" and value == name:
                return line
        return None

    def missing(self, columns: Iterable[str]) -> list[str]:
        """The names the template uses that are not among `columns`, in the order they first appear."""
        return sorted(self.variables - set(columns), key=lambda n: (self.line_of(n) or 0, n))

    def check_columns(self, columns: Iterable[str]) -> None:
        """Fail before the first row when the template names a column the input does not have."""
        available = sorted(set(columns))
        for name in self.missing(available):
            raise self.undefined(name, f" (columns: {', '.join(available)})")

    def undefined(self, name: str, note: str) -> TemplateError:
        """The error for a name the template uses and the input lacks; `note` is appended."""
        return TemplateError(f"undefined variable {name!r}{note}", path=self.path, line=self.line_of(name))

    def scopes(self, columns: Iterable[str]) -> list[tuple[MessageTemplate, list[str]]]:
        """This one file, rendered with `columns` (see `toolkit.job.TemplateFiles`)."""
        return [(self, list(columns))]

    def render(self, row: Mapping[str, Any]) -> str:
        """Render one row; a text template's output is stripped."""
        try:
            text = self.compiled.render(row)
        except jinja2.UndefinedError as error:
            raise TemplateError(
                f"{error.message} (columns: {', '.join(sorted(row))})", path=self.path, line=self._line(error)
            ) from None
        except SecurityError as error:
            raise TemplateError(f"not allowed in a template: {error}", path=self.path, line=self._line(error)) from None
        except Exception as error:  # a filter refusing its value, say: one line, not a traceback
            raise TemplateError(f"{type(error).__name__}: {error}", path=self.path, line=self._line(error)) from None
        return text.strip() if self.is_text else text

    def _line(self, error: BaseException) -> int | None:
        """The template line in the traceback Jinja rewrites to point into the template."""
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(self.path)]
        return frames[-1].lineno if frames else None
