"""Make a delimited text file readable by polars, whose CSV reader takes UTF-8 only.

Detection: a UTF-8 byte-order mark → utf-8-sig; a UTF-16 one → utf-16-le / utf-16-be (Excel's
"Unicode Text"), as is UTF-16 without one where zero bytes stand on one side of the code units;
bytes that are valid UTF-8 throughout → utf-8; otherwise the best reading of a sample of the
file among GB18030 (the superset of GBK and GB2312 that Excel and most systems in China write),
Big5, Windows-1252 and Latin-1 (`toolkit.io.guess_encoding`), with its confidence; a low one is
a note naming the `encoding:` line to set. 1.0 is certain (a byte-order mark, UTF-8); a given
`encoding:` has no confidence (None).

A GB18030 (or other ASCII-compatible) file is transcoded in a streaming pass, a few MB at a
time, into a temporary UTF-8 file, and so is UTF-16 (by an incremental decoder); a UTF-8 file
is scanned where it is, unless its line ends are mixed: a CR-only file with CRLF line ends too
(often just the last line's) is copied with each CRLF made a CR, so that no LF is left at the
start of the next row or as a row of its own.

The bytes are cut into chunks right after a line end. In every ASCII-compatible encoding this
is a character boundary (GBK/GB18030 trail bytes are 0x30 and above; LF is 0x0A and CR 0x0D),
so each chunk decodes on its own and an error's byte offset is exact.
"""

from __future__ import annotations

import atexit
import codecs
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import InputError
from toolkit.io.guess_encoding import Guess, evidence_lines, guess

CHUNK_BYTES = 4 * 1024 * 1024
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_UTF16 = {"utf-16", "utf-16-le", "utf-16-be"}
# UTF-16 without a byte-order mark: of the first bytes, at least this share of the code units
# has a zero byte (every ASCII character has one), all on the same side. UTF-8 and GB18030
# text has no zero bytes at all.
_UTF16_ZEROS = 0.1
_UTF16_PROBE_BYTES = 64 * 1024
# Multi-byte UTF-8 seen before the first invalid byte, past which the file is taken to be UTF-8
# with a damaged spot rather than GBK text: GBK text essentially never forms a run of valid
# UTF-8 sequences this long (16 extra bytes = 8 Chinese characters).
_UTF8_EVIDENCE_BYTES = 16
_GBK_FAMILY = {"gbk", "gb2312", "gb18030"}


@dataclass(frozen=True)
class TextFile:
    """A delimited text file ready for polars."""

    path: Path
    """The file to scan: the original, or a temporary UTF-8 copy when `transcoded`."""
    encoding: str
    """The encoding of the original file: utf-8, utf-8-sig, gb18030, …"""
    transcoded: bool
    """`path` is a temporary UTF-8 copy: another encoding, or a CR-only file's CRLFs made CRs."""
    eol: str
    """Line end: "\\n" (LF or CRLF) or "\\r" (CR only, old Mac and some Excel exports)."""
    lines: int
    """Physical lines in the file; a last line without a line end counts."""
    confidence: float | None = 1.0
    """How sure the detection is of `encoding` (0–1; 1.0 for a byte-order mark or UTF-8
    throughout); None where the encoding was given."""
    notes: tuple[str, ...] = ()
    """What the log should say about the encoding: a low-confidence guess, UTF-16 without a BOM."""


def open_text(path: Path, encoding: str | None = None) -> TextFile:
    """Check or detect the encoding of `path` and return a UTF-8 file polars can scan.

    Raises InputError (with the row and byte offset) on bytes that do not decode. The caller
    owns the temporary file when `transcoded` (see `remove_temporary`).
    """
    with path.open("rb") as f:
        head = f.read(_UTF16_PROBE_BYTES)
    if encoding is not None:
        codec = codec_name(encoding, path)
        if codec in ("utf-8", "utf-8-sig"):
            return replace(_checked_utf8(path, codec), confidence=None)
        if codec in _UTF16:
            return _from_utf16(path, _utf16_bom(head) or codec, confidence=None)
        return _transcoded(path, codec, confidence=None)
    if head.startswith(_UTF8_BOM):
        return _checked_utf8(path, "utf-8-sig")
    if bom := _utf16_bom(head):
        return _from_utf16(path, bom, confidence=1.0)
    if zeros := _utf16_by_zeros(head):
        codec, confidence = zeros
        note = f"no byte-order mark: read as {codec} by its zero bytes; set `encoding: {codec}` to say so"
        return _from_utf16(path, codec, confidence=confidence, notes=(note,))
    return _detected(path)


def remove_temporary(text: TextFile) -> None:
    """Delete the temporary UTF-8 copy, if there is one."""
    if text.transcoded:
        discard_temporary(text.path)


def codec_name(encoding: str, path: Path) -> str:
    """The Python codec for an `encoding:` a user gave (GBK and GB2312 read as GB18030); an
    unknown one, or one in which ASCII bytes are not ASCII, is an InputError."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", path=path) from None
    if name in ("utf-8", "utf-8-sig") or name in _UTF16:
        return name
    if name in _GBK_FAMILY:
        return "gb18030"  # decodes everything GBK and GB2312 do, and more
    # Chunks are cut after line ends, which needs an encoding where ASCII bytes mean ASCII.
    probe = '\n\r,;\t"'
    if probe.encode(name, errors="replace") != probe.encode("ascii"):
        raise InputError(f"encoding {encoding!r} is not supported; save the file as 'CSV UTF-8'", path=path)
    return name


def _sniff_eol(path: Path) -> bytes:
    with path.open("rb") as f:
        return _eol_of(f.read(CHUNK_BYTES))


def _eol_of(head: bytes) -> bytes:
    """CR where lone CRs outnumber LFs, the line end at the very end left out (a CR-only
    export's last line often ends in CRLF); else LF, which covers CRLF."""
    body = head.rstrip(b"\r\n")
    lone_cr = body.count(b"\r") - body.count(b"\r\n")
    return b"\r" if lone_cr > body.count(b"\n") else b"\n"


def utf8_by_its_head(path: Path, encoding: str | None = None) -> tuple[str, str] | None:
    """(codec, eol) when `path` is UTF-8 as far as its first chunk shows (or is declared so and
    that chunk agrees), else None.

    The fast path for large files: validating every byte in Python costs seconds per GB, and
    polars' CSV reader validates UTF-8 anyway as it parses. A caller that takes this path must
    parse the whole file and, on any error, start again with `open_text`, which names the bad
    byte or transcodes a GB18030 file.
    """
    with path.open("rb") as f:
        head = f.read(CHUNK_BYTES)
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            return None
        if codec not in ("utf-8", "utf-8-sig"):
            return None
    elif _utf16_bom(head) or b"\x00" in head:  # UTF-16, with a byte-order mark or without
        return None
    else:
        codec = "utf-8-sig" if head.startswith(_UTF8_BOM) else "utf-8"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < CHUNK_BYTES)
    except UnicodeDecodeError:
        return None
    return codec, _eol_of(head).decode()


class _ChunkReader:
    """Reads a file in chunks of about CHUNK_BYTES that end right after a line end, keeping
    count of the byte offset and line number so that a decoding error can say where it is."""

    def __init__(self, path: Path, f: BinaryIO, eol: bytes) -> None:
        self.path, self.f, self.eol = path, f, eol
        self.offset = 0  # of the current chunk
        self.lines = 0  # line ends before the current chunk
        self.last = b""  # the last two bytes read
        self.crlf = False  # a CRLF in a CR-only file

    def __iter__(self) -> Iterator[bytes]:
        rest = b""
        while block := self.f.read(CHUNK_BYTES):
            rest += block
            cut = rest.rfind(self.eol) + 1
            if cut:
                yield from self._advance(rest[:cut])
                rest = rest[cut:]
        if rest:
            yield from self._advance(rest)

    def _advance(self, chunk: bytes) -> Iterator[bytes]:
        yield chunk
        self.offset += len(chunk)
        self.lines += chunk.count(self.eol)
        if self.eol == b"\r" and (b"\r\n" in chunk or (self.last.endswith(b"\r") and chunk.startswith(b"\n"))):
            self.crlf = True
        self.last = (self.last + chunk[-2:])[-2:]

    @property
    def total_lines(self) -> int:
        """Lines in the file once read to the end; a last line without a line end counts (a
        CRLF ending a CR-only file is one line end)."""
        ended = self.last.endswith(self.eol) or self.last == b"\r\n"
        return self.lines + (1 if self.last and not ended else 0)

    def error(self, chunk: bytes, error: UnicodeDecodeError, what: str) -> InputError:
        row = self.lines + chunk[: error.start].count(self.eol) + 1
        bad = " ".join(f"0x{b:02X}" for b in chunk[error.start : min(error.end + 1, error.start + 4)])
        return InputError(
            f"byte offset {self.offset + error.start}: cannot decode {bad}: {what}", path=self.path, line=row
        )


def line_chunks(text: TextFile) -> Iterator[str]:
    """The UTF-8 file polars scans, decoded, in chunks of whole lines."""
    with text.path.open("rb") as f:
        for chunk in _ChunkReader(text.path, f, text.eol.encode()):
            yield chunk.decode("utf-8")


def _checked_utf8(path: Path, codec: str) -> TextFile:
    """Validate UTF-8 bytes in place; the error names the first bad byte."""
    eol = _sniff_eol(path)
    with path.open("rb") as f:
        reader = _ChunkReader(path, f, eol)
        for chunk in reader:
            try:
                chunk.decode("utf-8")
            except UnicodeDecodeError as error:
                raise reader.error(chunk, error, "not valid UTF-8 text") from None
    if reader.crlf:
        return _transcoded(path, codec)
    return TextFile(path, codec, False, eol.decode(), reader.total_lines)


def _detected(path: Path) -> TextFile:
    """UTF-8 if every byte says so, else the best guess from the lines from the first one that
    is not UTF-8 on (unless the file is clearly damaged UTF-8)."""
    eol = _sniff_eol(path)
    evidence = 0  # extra bytes of multi-byte UTF-8 characters seen so far
    with path.open("rb") as f:
        reader = _ChunkReader(path, f, eol)
        for chunk in reader:
            try:
                evidence += len(chunk) - len(chunk.decode("utf-8"))
            except UnicodeDecodeError as error:
                evidence += error.start - len(chunk[: error.start].decode("utf-8"))
                if evidence >= _UTF8_EVIDENCE_BYTES:
                    raise reader.error(chunk, error, "not valid UTF-8, though the text before it is") from None
                line_start = chunk.rfind(eol, 0, error.start) + 1
                found = guess(evidence_lines(chunk[line_start:], eol))
                if found is None:
                    raise reader.error(chunk, error, "not UTF-8, GB18030, Big5 or Windows-1252 text") from None
                break
        else:
            if reader.crlf:
                return _transcoded(path, "utf-8")
            return TextFile(path, "utf-8", False, eol.decode(), reader.total_lines)
    return _transcoded(path, found.codec, guessed=found)


def _transcoded(path: Path, codec: str, *, confidence: float | None = 1.0, guessed: Guess | None = None) -> TextFile:
    """Stream `path` from `codec` into a temporary UTF-8 file (in a CR-only file, CRLF as CR).
    A `guessed` codec that fails further on says it was a guess, and how to set another."""
    eol = _sniff_eol(path)
    what = (
        f"not valid {codec} text, the encoding guessed from earlier lines; set `encoding:` in the input"
        if guessed
        else f"not valid {codec} text"
    )
    fd, name = tempfile.mkstemp(prefix="toolkit-", suffix=".utf8.csv")
    target = Path(name)
    remember_temporary(target)
    try:
        with path.open("rb") as f, os.fdopen(fd, "wb") as out:
            reader = _ChunkReader(path, f, eol)
            after_cr = False  # chunks end after a CR: the LF of a CRLF may start the next one
            for chunk in reader:
                try:
                    text = chunk.decode(codec)
                except UnicodeDecodeError as error:
                    raise reader.error(chunk, error, what) from None
                if eol == b"\r":
                    text = text[1:] if after_cr and text.startswith("\n") else text
                    text, after_cr = text.replace("\r\n", "\r"), text.endswith("\r")
                out.write(text.encode("utf-8"))
    except BaseException:
        discard_temporary(target)
        raise
    if guessed is None:
        return TextFile(target, codec, True, eol.decode(), reader.total_lines, confidence)
    notes = (guessed.note(),) if guessed.low else ()
    return TextFile(target, codec, True, eol.decode(), reader.total_lines, guessed.confidence, notes)


def _utf16_bom(head: bytes) -> str | None:
    return next((codec for bom, codec in _UTF16_BOMS.items() if head.startswith(bom)), None)


def _utf16_by_zeros(head: bytes) -> tuple[str, float] | None:
    """(utf-16-le or -be, confidence) where the zero bytes of `head` say UTF-16 without a BOM:
    enough of them, nearly all on one side of the code units; the confidence is the share on
    that side."""
    units = len(head) // 2
    even, odd = head[0 : units * 2 : 2].count(0), head[1 : units * 2 : 2].count(0)
    if not units or max(even, odd) < _UTF16_ZEROS * units:
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    confidence = round(max(even, odd) / (even + odd), 3)
    return (codec, confidence) if confidence >= 0.9 else None


def _from_utf16(path: Path, codec: str, *, confidence: float | None, notes: tuple[str, ...] = ()) -> TextFile:
    """Stream UTF-16 `path` into a temporary UTF-8 file, then count its lines as UTF-8's are.

    UTF-16 is not ASCII-compatible (a line end is two bytes, either way round), so the file is
    decoded in fixed blocks by an incremental decoder rather than cut after line ends. `codec`
    utf-16-le or -be; the byte-order mark, if any, is left out of the copy."""
    fd, name = tempfile.mkstemp(prefix="toolkit-", suffix=".utf8.csv")
    target = Path(name)
    remember_temporary(target)
    try:
        with path.open("rb") as f, os.fdopen(fd, "wb") as out:
            decoder = codecs.getincrementaldecoder("utf-16" if _utf16_bom(f.read(2)) else codec)()
            f.seek(0)
            offset, lines = 0, 0
            while True:
                block = f.read(CHUNK_BYTES)
                pending = len(decoder.getstate()[0])
                try:
                    text = decoder.decode(block, final=not block)
                except UnicodeDecodeError as error:
                    raise InputError(
                        f"byte offset {offset - pending + error.start}: not valid {codec} text",
                        path=path,
                        line=lines + 1,
                    ) from None
                out.write(text.encode("utf-8"))
                offset, lines = offset + len(block), lines + text.count("\n")
                if not block:
                    break
        copy = _checked_utf8(target, "utf-8")  # line ends and count; a CR-only file's CRLFs made CRs
    except BaseException:
        discard_temporary(target)
        raise
    if copy.path != target:
        discard_temporary(target)
    return replace(copy, encoding=codec, transcoded=True, confidence=confidence, notes=notes)


# Temporary files still on disk are removed when the interpreter exits, in case a caller never
# closed its Table. Closing early is still right: a long batch reads many files.
_temporary: set[Path] = set()


def remember_temporary(path: Path) -> None:
    """Remove `path` with the other temporary copies (`discard_temporary`, or at exit)."""
    _temporary.add(path)


def discard_temporary(path: Path) -> None:
    """Delete a temporary file this module made; any other path is left alone."""
    if path in _temporary:
        _temporary.discard(path)
        path.unlink(missing_ok=True)


@atexit.register
def _remove_all() -> None:
    for path in list(_temporary):
        discard_temporary(path)
