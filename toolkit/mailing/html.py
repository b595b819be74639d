"""An HTML report made safe for mail clients.

Mail clients drop `<style>` blocks (Outlook, some webmails), never run scripts, do not know CSS
variables, and Gmail and Outlook block `data:` images. So: CSS is inlined into `style`
attributes (css-inline, variables resolved to their values), what is left of a variable is
dropped, scripts and other active content go, and every `data:` or local image becomes a part
of its own referenced as `cid:`. Gmail clips an HTML body past about 102 KB, so the size is
measured against a budget.

Read on a phone (QQ Mail, 163 Mail, Outlook, the WeChat browser), the body is one column at most
600 px wide: a centred table wrapper (`max-width` for the clients that know it, `width="600"` for
Outlook's Word engine, which does not), carrying the body's font (Gmail drops `<body>` styles),
with the viewport tag kept so a phone lays it out at its own width rather than 980 px and shrunk.
HTML5 section elements become plain `div`s, which every client knows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlparse

import css_inline
from bs4 import BeautifulSoup, Comment, Tag

from toolkit.errors import InputError
from toolkit.mailing.text import html_to_text

GMAIL_CLIP_BYTES = 100_000  # Gmail shows "[Message clipped]" past about 102 KB of HTML
CID_DOMAIN = "cs-toolkit"

_INLINER = css_inline.CSSInliner(
    keep_style_tags=False,
    keep_link_tags=False,
    load_remote_stylesheets=False,
    resolve_css_variables=True,
)
_ACTIVE_TAGS = ("script", "noscript", "iframe", "object", "embed", "link", "base", "meta", "template")
_VARIABLE = re.compile(r"var\(\s*--", re.IGNORECASE)
MAIL_WIDTH = 600  # px: the one column of a mail, the width mail clients and templates agree on
VIEWPORT = "width=device-width, initial-scale=1"  # as toolkit.pages.VIEWPORT says it (a sibling layer)
# table-layout:fixed: a wide table inside scrolls in its own box instead of widening the column
_WRAPPER = f"width:100%;max-width:{MAIL_WIDTH}px;margin:0 auto;border-collapse:collapse;table-layout:fixed"
_INHERITED = re.compile(r"^\s*(font(-[a-z]+)?|color|line-height|(-webkit-)?text-size-adjust)\s*:", re.IGNORECASE)
_SECTIONS = ("main", "section", "article", "header", "footer", "nav", "aside", "figure", "figcaption")


@dataclass(frozen=True)
class InlineImage:
    """An image of the mail body, sent as a part of its own and shown through `cid:`."""

    cid: str
    data: bytes
    mime: str

    @property
    def filename(self) -> str:
        return f"{self.cid.partition('@')[0]}{mimetypes.guess_extension(self.mime) or ''}"


@dataclass
class MailBody:
    """What goes into the mail: the HTML (None for a text-only mail), its text, its images."""

    text: str
    html: str | None = None
    images: list[InlineImage] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)  # sources that could not be inlined

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8")) if self.html is not None else 0

    @property
    def over_budget(self) -> bool:
        return self.html_bytes > GMAIL_CLIP_BYTES


def mail_safe(html: str, base_dir: Path | None = None, *, source: str = "report") -> MailBody:
    """The mail body for an HTML document; local images are looked up in `base_dir` only."""
    try:
        inlined = _INLINER.inline(html)
    except css_inline.InlineError as error:
        raise InputError(f"cannot inline the report's CSS: {error}", path=source) from None
    soup = BeautifulSoup(inlined, "html.parser")
    _remove_active_content(soup)
    _drop_css_variables(soup)
    body = MailBody(text=html_to_text(soup))
    _images_to_cid(soup, base_dir, body)
    _one_column(soup)
    body.html = str(soup)
    return body


def _one_column(soup: BeautifulSoup) -> None:
    """The body's content in one centred column of at most MAIL_WIDTH px, phone-laid-out."""
    for tag in soup.find_all(_SECTIONS):
        tag.name = "div"
    if soup.head is None and soup.html is not None:
        soup.html.insert(0, soup.new_tag("head"))
    if soup.head is not None:
        soup.head.insert(0, soup.new_tag("meta", attrs={"name": "viewport", "content": VIEWPORT}))
        soup.head.insert(0, soup.new_tag("meta", attrs={"charset": "utf-8"}))
    page = soup.body
    if page is None:
        return
    inherited = [d.strip() for d in str(page.get("style", "")).split(";") if _INHERITED.match(d)]
    column = soup.new_tag("td", attrs={"style": ";".join(["padding:0", *inherited])})
    column.extend(list(page.contents))
    row = soup.new_tag("tr")
    row.append(column)
    wrapper = soup.new_tag(
        "table",
        attrs={
            "role": "presentation",
            "width": str(MAIL_WIDTH),
            "align": "center",
            "cellpadding": "0",
            "cellspacing": "0",
            "border": "0",
            "style": _WRAPPER,
        },
    )
    wrapper.append(row)
    page.append(wrapper)


def _remove_active_content(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_ACTIVE_TAGS):  # a meta too: the mail's own charset and viewport go in last
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(True):
        for name in [a for a in tag.attrs if a.startswith(("on", "data-")) or a == "class"]:
            del tag[name]  # handlers never run in mail; classes and data are dead once CSS is inlined
        for name in ("href", "src", "action"):
            if str(tag.get(name, "")).strip().lower().startswith("javascript:"):
                del tag[name]


def _drop_css_variables(soup: BeautifulSoup) -> None:
    """Declarations whose variables css-inline could not resolve are dropped: no client knows them."""
    for tag in soup.find_all(style=_VARIABLE):
        kept = [d for d in str(tag["style"]).split(";") if d.strip() and not _VARIABLE.search(d)]
        if kept:
            tag["style"] = ";".join(d.strip() for d in kept)
        else:
            del tag["style"]


def _images_to_cid(soup: BeautifulSoup, base_dir: Path | None, body: MailBody) -> None:
    by_digest: dict[str, InlineImage] = {}
    for img in soup.find_all("img"):
        assert isinstance(img, Tag)
        del img["srcset"]
        src = str(img.get("src", "")).strip()
        if not src or src.startswith(("cid:", "http://", "https://")):
            continue
        loaded = _data_uri(src) if src.startswith("data:") else _local_file(src, base_dir)
        if loaded is None:
            body.missing_images.append(src if len(src) < 80 else src[:77] + "...")
            del img["src"]
            continue
        data, mime = loaded
        digest = hashlib.sha256(data).hexdigest()[:16]
        image = by_digest.get(digest)
        if image is None:
            image = by_digest[digest] = InlineImage(f"img-{digest}@{CID_DOMAIN}", data, mime)
            body.images.append(image)
        img["src"] = f"cid:{image.cid}"


def _data_uri(src: str) -> tuple[bytes, str] | None:
    header, comma, payload = src[5:].partition(",")
    mime, *params = header.split(";")
    if not comma or not mime.lower().startswith("image/"):
        return None
    try:
        data = base64.b64decode(payload, validate=False) if "base64" in params else unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return None
    return data, mime.lower()


def _local_file(src: str, base_dir: Path | None) -> tuple[bytes, str] | None:
    parsed = urlparse(src)
    if base_dir is None or parsed.scheme not in ("", "file"):
        return None
    folder = base_dir.resolve()
    path = (folder / unquote(parsed.path)).resolve()
    mime = mimetypes.guess_type(path.name)[0]
    if not path.is_relative_to(folder) or not path.is_file() or not (mime or "").startswith("image/"):
        return None
    return path.read_bytes(), mime or ""
