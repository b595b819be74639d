""" "Did you mean": the closest of the names a user could have meant, for one-line errors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word` (difflib's ratio of at least 0.6), or None."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean input?)` to append to a message, or `""` when nothing is close."""
    near = closest(word, candidates)
    return f" (did you mean {near}?)" if near is not None else ""
