"""Map the headers people write to canonical column names.

Headers match after normalising both sides: Unicode NFKC (full-width letters, digits and
parentheses become their ASCII forms, `m³` becomes `m3`), whitespace stripped at both ends
(including the ideographic space and a byte-order mark) and collapsed inside, and case folded.
So `收货地址 `, `重量（公斤）` and `Order  ID` find `收货地址`, `重量(公斤)` and `order id`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError
from toolkit.fields import ROW

_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """The form two headers are compared in: `" 重量（ＫＧ） "` → `"重量(kg)"`."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip().casefold()


def display_header(text: str | None) -> str:
    """A header as it is kept for an unmapped column: stripped, otherwise as written."""
    return (text or "").replace("\ufeff", "").strip()


@dataclass(frozen=True)
class ColumnMap:
    names: list[str]
    """The frame's name for each file column, in file order."""
    headers: dict[str, str]
    """Frame name → the header text in the file; for a column renamed because its header is
    doubled, the name it was given (`备注_2`), so that no two columns show the same header."""
    notes: tuple[str, ...] = ()
    """One line per doubled header, saying what the columns were named."""


def map_columns(
    headers: Sequence[str | None],
    aliases: Mapping[str, Sequence[str]],
    overrides: Mapping[str, str],
    required: Iterable[str],
    path: Path,
) -> ColumnMap:
    """Name each file column: canonical where an override or alias matches, else its header.

    `overrides` (the source's `columns:`) win over `aliases`; a column an alias would map to a
    field that an override already claims keeps its own header. Unmapped headers that collide
    get `_2`, `_3` in file order, and a note says so (two columns mapped to one field are an
    error instead); an empty header becomes `column_<n>` (1-based position).
    """
    texts = [h or "" for h in headers]
    keys = [normalise_header(t) for t in texts]
    explicit = _explicit_names(keys, texts, overrides, path)
    by_alias = _alias_lookup(aliases)
    implicit = {i: by_alias[k] for i, k in enumerate(keys) if i not in explicit and k in by_alias}

    names: list[str | None] = [None] * len(texts)
    claimed: dict[str, int] = {}
    for source in (explicit, implicit):
        for i, canonical in source.items():
            if canonical in claimed and source is implicit and claimed[canonical] in explicit:
                continue  # the override wins; this column stays unmapped
            if canonical in claimed:
                first = texts[claimed[canonical]]
                raise InputError(
                    f"columns {first!r} and {texts[i]!r} both map to field {canonical!r}; "
                    "remove one or map one to another name under `columns:`",
                    path=path,
                )
            claimed[canonical] = i
            names[i] = canonical

    _check_required(required, claimed, aliases, overrides, texts, path)
    taken = set(claimed) | {ROW}
    given: dict[str, list[str]] = {}  # the name an unmapped header asks for → the names its columns got
    for i, name in enumerate(names):
        if name is None:
            wanted = display_header(texts[i]) or f"column_{i + 1}"
            names[i] = _unique(wanted, taken)
            taken.add(names[i])  # type: ignore[arg-type]
            given.setdefault(wanted, []).append(names[i])  # type: ignore[arg-type]
    final = [n for n in names if n is not None]
    renamed = {n for wanted, got in given.items() for n in got if n != wanted}
    headers = {name: name if name in renamed else texts[i] for i, name in enumerate(final)}
    notes = tuple(_renamed_note(wanted, got) for wanted, got in given.items() if got != [wanted])
    return ColumnMap(final, headers, notes)


def _renamed_note(wanted: str, got: list[str]) -> str:
    named = ", ".join(repr(n) for n in got)
    if len(got) == 1:
        return f"the column headed {wanted!r} is read as {named}: {wanted!r} is already the name of a column"
    return f"{len(got)} columns are headed {wanted!r}: read as {named}, in file order"


def _explicit_names(keys: list[str], texts: list[str], overrides: Mapping[str, str], path: Path) -> dict[int, str]:
    explicit: dict[int, str] = {}
    for header, canonical in overrides.items():
        matches = [i for i, k in enumerate(keys) if k == normalise_header(header)]
        if not matches:
            raise InputError(
                f"header {header!r} named under `columns:` is not in the file; headers found: {_listing(texts)}",
                path=path,
            )
        explicit.update((i, canonical) for i in matches)
    return explicit


def _alias_lookup(aliases: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Normalised header → canonical name. A canonical name matches itself."""
    lookup: dict[str, str] = {}
    for canonical, accepted in aliases.items():
        for header in (canonical, *accepted):
            key = normalise_header(header)
            if lookup.setdefault(key, canonical) != canonical:
                raise ValueError(f"header {header!r} is an alias of both {lookup[key]!r} and {canonical!r}")
    return lookup


def _check_required(
    required: Iterable[str],
    claimed: Mapping[str, int],
    aliases: Mapping[str, Sequence[str]],
    overrides: Mapping[str, str],
    texts: list[str],
    path: Path,
) -> None:
    missing = [name for name in required if name not in claimed]
    if not missing:
        return
    parts = []
    for name in missing:
        accepted = [*aliases.get(name, ()), *(h for h, c in overrides.items() if c == name)]
        accepted = list(dict.fromkeys(accepted or [name]))
        parts.append(f"no column for {name!r} (accepted headers: {', '.join(accepted)})")
    raise InputError(f"{'; '.join(parts)}; headers found: {_listing(texts)}", path=path)


def _listing(texts: list[str]) -> str:
    return ", ".join(repr(t) for t in texts) if texts else "none"


def _unique(name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    n = 2
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"
