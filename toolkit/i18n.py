"""User-facing words are Chinese by default and English with `locale: en`."""

from __future__ import annotations

from dataclasses import dataclass

ZH = "zh_CN"
EN = "en"
DEFAULT_LOCALE = ZH
"""Pages, messages and findings are Chinese unless a batch says `locale: en`."""


def normalise_locale(value: str) -> str:
    """`zh`, `zh-CN`, `zh_CN` → `zh_CN`; `en`, `en_US`, `en-GB` → `en`."""
    lowered = value.strip().replace("-", "_").lower()
    if lowered.startswith("zh"):
        return ZH
    if lowered.startswith("en"):
        return EN
    raise ValueError(f"unknown locale {value!r} (expected zh_CN or en)")


def html_lang(locale: str) -> str:
    """A page's `<html lang>` for `locale`: `en` or `zh-CN`."""
    return "en" if locale == EN else "zh-CN"


@dataclass(frozen=True)
class Text:
    """One phrase in both languages; `{name}` placeholders are filled by `format`."""

    zh: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == EN else self.zh

    def format(self, locale: str, **values: object) -> str:
        return self.get(locale).format(**values)
