"""Which legacy encoding a text file that is not UTF-8 is in, with how sure the guess is.

Every byte string decodes as Latin-1, and most Latin-1 text decodes as GB18030 too (`Année` →
`Ann閑`), so "it decodes" is no evidence. Each candidate's decoding of a sample is scored by
charset-normalizer's mess detector (`chaos`: 0 reads like text, 0.2 and up is what it rules
out); the least messy one is picked, GB18030 first on a tie (Chinese exports are the house's
usual non-UTF-8 files). UTF-8 is not a candidate: the caller has already found a byte that is
not UTF-8; UTF-16 is told by its byte-order mark or zero bytes (`toolkit.io.encoding`).

The sample is the lines with a byte of 0x80 or more, from the first line that is not UTF-8 on:
ASCII lines read the same in every candidate, and the detector only measures 5 pieces of 512
bytes of what it is given, which should all be evidence. Up to 64 KiB of such lines, looked for
in the first MiB from there, are scored in 0.7 ms (samples/orders_gbk.csv, 2,000 rows) to
1.0 ms (a 1,000,000-row GBK export, whose transcode takes 1.2 s), whatever the size of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes

CANDIDATES = ("gb18030", "big5", "cp1252", "latin-1")
"""In order of preference on a tie. cp1252 (Windows-1252) is Latin-1 with € œ Œ ‘ ’ … where
Latin-1 has control characters; Latin-1 wins only where a byte is not in cp1252."""
SAMPLE_BYTES = 64 * 1024
_RULED_OUT = 0.2  # charset-normalizer's default threshold: a candidate this much messier is out
LOW_CONFIDENCE = 0.5
_REGION_BYTES = 16 * SAMPLE_BYTES  # where the sample lines are looked for
# No candidate has a trail byte below 0x30 (GB18030's lowest, its 4-byte digits): a cut after
# such a byte is a character boundary in all of them.
_NOT_BELOW_0X30 = bytes(range(0x30, 0x100))


@dataclass(frozen=True)
class Guess:
    codec: str
    """One of CANDIDATES."""
    confidence: float
    """0–1: how readable the pick is (1 − its chaos), times how far behind the runner-up falls
    (in full at a gap of 0.2, the detector's own cut-off; 0 when both read as well)."""
    rival: str | None
    """The best other candidate that reads the sample as different text, if any does."""

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def note(self) -> str:
        """The warning for a low-confidence pick, naming the `encoding:` line to set."""
        other = f" (or `encoding: {self.rival}`)" if self.rival else ""
        return (
            f"encoding guessed as {self.codec} with low confidence ({self.confidence:.2f}"
            f"{f'; {self.rival} reads it almost as well' if self.rival else ''}): check the text, "
            f"and set `encoding: {self.codec}`{other} in the input to decide"
        )


def evidence_lines(text: bytes, eol: bytes) -> bytes:
    """The lines of `text` (bytes from a line start on) that have a byte of 0x80 or more, up to
    SAMPLE_BYTES of them, from the first _REGION_BYTES of `text`."""
    region = text[:_REGION_BYTES]
    if len(text) > _REGION_BYTES:  # whole lines only; a line that long, up to a byte no trail byte is
        region = region[: region.rfind(eol) + 1] or region.rstrip(_NOT_BELOW_0X30)
    kept: list[bytes] = []
    size = 0
    for line in region.split(eol):
        if not line.isascii():
            kept.append(line)
            size += len(line) + len(eol)
            if size >= SAMPLE_BYTES:
                break
    return eol.join(kept)


def guess(sample: bytes) -> Guess | None:
    """The candidate that reads `sample` best, or None when none decodes it."""
    scored: list[tuple[float, int, str, str]] = []  # chaos, preference, codec, text
    for preference, codec in enumerate(CANDIDATES):
        match = from_bytes(
            sample, cp_isolation=[codec], threshold=10.0, preemptive_behaviour=False, enable_fallback=False
        ).best()
        if match is not None:
            scored.append((match.chaos, preference, codec, str(match)))
    if not scored:
        return None
    scored.sort()
    chaos, _, codec, text = scored[0]
    rivals = [(c, name) for c, _, name, other in scored[1:] if other != text]
    readable = max(0.0, 1.0 - chaos)
    if not rivals:
        return Guess(codec, round(readable, 3), None)
    rival_chaos, rival = rivals[0]
    gap = min(1.0, (rival_chaos - chaos) / _RULED_OUT)
    return Guess(codec, round(readable * gap, 3), rival)
