"""The plain-text alternative of an HTML mail: headings, paragraphs, lists, tables as `a | b` rows."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

_SKIP = {"head", "style", "script", "noscript", "template", "title"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote", "figure", "hr"}
_LINES = {"div", "section", "article", "header", "footer", "main", "li", "tr", "caption", "figcaption", "dt", "dd"}
_SPACE = re.compile(r"[ \t\r\n\f\u00a0]+")
_PARAGRAPH = "\x00"  # a blank line between blocks; two blocks never give two blank lines
_AROUND_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
_BREAKS = re.compile(r"\s*\x00[\s\x00]*")
_BLOCK_STYLE = re.compile(r"display:\s*block")  # the CSS is inlined by then


def html_to_text(soup: BeautifulSoup) -> str:
    parts: list[str] = []
    _walk(soup.body or soup, parts)
    text = re.sub(r"\n+", "\n", _AROUND_NEWLINE.sub("\n", re.sub(r" {2,}", " ", "".join(parts))))
    return _BREAKS.sub("\n\n", text).strip(" \n\x00") + "\n"


def _walk(node: Tag, parts: list[str]) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            parts.append(_SPACE.sub(" ", str(child)))
        elif isinstance(child, Tag):
            _element(child, parts)


def _element(tag: Tag, parts: list[str]) -> None:
    name = tag.name
    if name in _SKIP:
        return
    if name == "br":
        parts.append("\n")
    elif name == "img":
        if alt := str(tag.get("alt", "")).strip():
            parts.append(f"[{alt}]")
    elif name == "tr":
        cells = [_SPACE.sub(" ", c.get_text(" ")).strip() for c in tag.find_all(("th", "td"), recursive=False)]
        parts.append("\n" + " | ".join(cells) + "\n")
    elif name == "a" and str(tag.get("href", "")).startswith(("http://", "https://")):
        text = _SPACE.sub(" ", tag.get_text(" ")).strip()
        parts.append(f"{text} <{tag['href']}>" if text and text != tag["href"] else str(tag["href"]))
    else:
        separator = _PARAGRAPH if name in _PARAGRAPHS else "\n" if name in _LINES else ""
        if not separator and _BLOCK_STYLE.search(str(tag.get("style", ""))):
            separator = " "  # a figure in a KPI tile (<b style="display: block">): 收到订单 2,000
        parts.append(separator + ("- " if name == "li" else ""))
        _walk(tag, parts)
        parts.append(separator)
