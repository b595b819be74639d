"""The report pages and mails as the browser tests read them: a table's cells as laid out, the
images as shown, and a mail's HTML part as a mail client shows it (its CID images as files)."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

# Every cell of the first table after the heading that says arguments[0]: its text, its width in
# ems and the lines its text takes; and the table's box: the table's width, the width the box
# shows, whether the box scrolls.
CELLS = """
const heading = [...document.querySelectorAll('h1, h2, h3')].find(h => h.textContent.includes(arguments[0]));
const table = [...document.querySelectorAll('table')].find(
  t => heading.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING && !t.querySelector('table'));
const cells = [...table.querySelectorAll('td')].map(td => {
  const range = document.createRange();
  range.selectNodeContents(td);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  return [td.textContent, td.getBoundingClientRect().width / parseFloat(getComputedStyle(td).fontSize), lines];
});
const box = table.parentElement;
return {cells, table: box.scrollWidth, box: box.clientWidth, scrolls: getComputedStyle(box).overflowX};
"""
# Each image: its source, the width it is shown at, its own width in pixels (0: not loaded).
IMAGES = "return [...document.images].map(i => [i.src, i.getBoundingClientRect().width, i.naturalWidth])"


def mail_page(eml: Path, folder: Path) -> Path:
    """The HTML part of the mail in `eml` written to `folder`/body.html, each `cid:` image a file
    beside it, as a mail client resolves them."""
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    html = message.get_body(("html",)).get_content()
    folder.mkdir(parents=True, exist_ok=True)
    for part in message.walk():
        if part["Content-ID"] and part.get_content_maintype() == "image":
            name = part.get_filename()
            (folder / name).write_bytes(part.get_content())
            html = html.replace(f"cid:{part['Content-ID'].strip('<>')}", name)
    page = folder / "body.html"
    page.write_text(html, encoding="utf-8")
    return page
