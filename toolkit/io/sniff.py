"""What a table file is by its first bytes, whatever its name says.

Web systems' "export to Excel" buttons often send an HTML page named .xls; other systems write
tab-separated text named .xls, people rename a CSV to .xlsx or a workbook to .csv. The first
few KB tell them apart: a zip is an .xlsx (an .ods where its first entry says so), the OLE2
signature a BIFF .xls (or an .xlsx encrypted with a password), markup an HTML page, and other
text is for the delimited reader.
"""

from __future__ import annotations

import codecs
import re
from enum import Enum
from pathlib import Path

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD_BYTES = 4096
# OpenDocument: the zip's first entry is `mimetype`, stored uncompressed, holding the media type
# (after the 30-byte local header, the name, and an extra field that is normally empty).
_ODS = re.compile(rb"PK\x03\x04.{26}mimetype.{0,64}?application/vnd\.oasis\.opendocument\.spreadsheet", re.DOTALL)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_START = rb"\A(?:\xef\xbb\xbf)?\s*"  # after a UTF-8 byte-order mark and whitespace
_MARKUP = re.compile(_START + rb"<")
# For a file named .csv, whose header could begin with "<", only a page's own first tags count.
_PAGE = re.compile(
    _START + rb"(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.IGNORECASE | re.DOTALL
)
_SPREADSHEET_ML = re.compile(_START + rb"<\?xml[^>]*>\s*(?:<\?mso-application[^>]*>\s*)?<Workbook\b", re.IGNORECASE)


class Content(Enum):
    ZIP = "zip"
    ODS = "ods"
    """An OpenDocument spreadsheet (LibreOffice, WPS), a zip too."""
    OLE2 = "ole2"
    HTML = "html"
    SPREADSHEET_ML = "spreadsheet_ml"
    """Excel 2003 XML ("XML Spreadsheet"), which some systems name .xls."""
    TEXT = "text"
    BINARY = "binary"


def sniff(path: Path, *, strict_html: bool = False) -> Content:
    """What `path` holds, by its first bytes. Markup is HTML (with `strict_html`, only when it
    opens with a page's own tags); text is anything else without NUL bytes, or UTF-16 with its
    byte-order mark (which the delimited reader names)."""
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    if head.startswith(ZIP_MAGIC):
        return Content.ODS if _ODS.match(head) else Content.ZIP
    if head.startswith(OLE2_MAGIC):
        return Content.OLE2
    if _SPREADSHEET_ML.match(head):
        return Content.SPREADSHEET_ML
    if (_PAGE if strict_html else _MARKUP).match(head):
        return Content.HTML
    if head.startswith(_UTF16_BOMS) or b"\x00" not in head:
        return Content.TEXT
    return Content.BINARY
