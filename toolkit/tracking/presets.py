"""Carrier presets: which headers an export uses for each canonical column, and its status words.

A preset is a YAML file. The built-in ones live in toolkit/tracking/presets/ (generic, sf, jd,
ems, zto, yto, sto, jt, yunda, and the code tables kuaidi100, kdniao, sf_opcode, cainiao); a team writes its own and may start
from a built-in one::

    name: our_sf
    extends: sf                 # a built-in name, or a path relative to this file
    columns:
      events:
        status: [节点状态]       # added to the aliases sf already knows
    rules:                      # checked before the rules of sf
      - {stage: awaiting_collection, keywords: [菜鸟柜]}

Merging: the file's rules come first, then the parent's; its header aliases come first, and a
header it assigns to a column is taken away from any other column of the parent.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from toolkit.config.loader import shown, validate_document
from toolkit.config.yaml_source import load_yaml
from toolkit.errors import ConfigError
from toolkit.fields import Field, Kind
from toolkit.io.headers import normalise_header
from toolkit.labels import SHIPMENT_LABELS, field
from toolkit.tracking.vocabulary import StatusRule, StatusVocabulary

SHIPMENT_FIELDS: tuple[Field, ...] = tuple(
    field(name, kind, vocabulary=SHIPMENT_LABELS)
    for name, kind in (
        ("waybill", Kind.TEXT),
        ("order_id", Kind.TEXT),
        ("order_time", Kind.DATETIME),
        ("carrier", Kind.TEXT),
        ("service", Kind.TEXT),
        ("origin", Kind.TEXT),
        ("destination", Kind.TEXT),
        ("urgent", Kind.TEXT),
        ("declared_value", Kind.NUMBER),
        ("customer_name", Kind.TEXT),
        ("customer_phone", Kind.PHONE),
        ("branch", Kind.TEXT),
        ("promised_at", Kind.DATETIME),
        ("status", Kind.TEXT),  # its own status, read with the preset's rules
    )
)

EVENT_FIELDS: tuple[Field, ...] = tuple(
    field(name, kind)
    for name, kind in (
        ("waybill", Kind.TEXT),
        ("event_time", Kind.DATETIME),
        ("status", Kind.TEXT),
        ("location", Kind.TEXT),
        ("description", Kind.TEXT),
        ("code", Kind.TEXT),
    )
)
"""The headers each field is read from are its labels (`toolkit.labels`) and the preset's
`columns:` aliases (presets/generic.yaml)."""

BUILTIN_FOLDER = resources.files("toolkit.tracking") / "presets"


def builtin_presets() -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".yaml") for p in BUILTIN_FOLDER.iterdir() if p.name.endswith(".yaml")))


ShipmentColumn = Literal[tuple(f.name for f in SHIPMENT_FIELDS)]  # type: ignore[valid-type]
EventColumn = Literal[tuple(f.name for f in EVENT_FIELDS)]  # type: ignore[valid-type]


class Columns(BaseModel):
    """Canonical column → headers an export uses for it, for the shipments and the events table."""

    model_config = ConfigDict(extra="forbid")

    shipments: dict[ShipmentColumn, list[str]] = {}
    events: dict[EventColumn, list[str]] = {}

    @field_validator("shipments", "events", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value

    @field_validator("shipments", "events")
    @classmethod
    def _one_column_per_header(cls, aliases: dict[str, list[str]]) -> dict[str, list[str]]:
        owner: dict[str, str] = {}
        for name, headers in aliases.items():
            for header in headers:
                key = normalise_header(header)
                if owner.setdefault(key, name) != name:
                    raise ValueError(f"header {header!r} is given for both {owner[key]!r} and {name!r}")
        return aliases


class Preset(BaseModel):
    """A carrier's column map and status vocabulary, after `extends:` is resolved."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    extends: str | None = None
    columns: Columns = Columns()
    code_column: str | None = None
    """The event column the rules' `codes` are looked up in; default `code`."""
    rules: list[StatusRule] = []

    def vocabulary(self) -> StatusVocabulary:
        return StatusVocabulary(tuple(self.rules), code_column=self.code_column or "code")

    def shipment_aliases(self) -> dict[str, tuple[str, ...]]:
        """`{canonical name: headers}` for `toolkit.io.read_table`: the labels plus the preset's aliases."""
        return _aliases(SHIPMENT_FIELDS, self.columns.shipments)

    def event_aliases(self) -> dict[str, tuple[str, ...]]:
        return _aliases(EVENT_FIELDS, self.columns.events)


def _aliases(fields: tuple[Field, ...], extra: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    claimed = {normalise_header(h): name for name, headers in extra.items() for h in headers}
    table: dict[str, tuple[str, ...]] = {}
    for f in fields:
        own = [h for h in f.headers if claimed.get(normalise_header(h), f.name) == f.name]
        table[f.name] = tuple(dict.fromkeys([*own, *extra.get(f.name, [])]))
    return table


def load_preset(name_or_path: str | Path) -> Preset:
    """A built-in preset by name (`sf`), or a team's YAML file by path; `extends:` resolved.

    Every problem is a ConfigError naming the file and line.
    """
    try:
        path = _locate(name_or_path, None)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return _load(path, chain=())


def _locate(name_or_path: str | Path, base: Path | None) -> Path:
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = Path(text)
        return path if path.is_absolute() or base is None else base / path
    builtin = BUILTIN_FOLDER / f"{text}.yaml"
    if not builtin.is_file():
        raise ValueError(
            f"unknown preset {text!r} (built-in: {', '.join(builtin_presets())}; or a path to a .yaml file)"
        )
    return Path(str(builtin))


def _load(path: Path, chain: tuple[Path, ...]) -> Preset:
    document = load_yaml(path, shown(path))
    preset = validate_document(document, Preset)
    if preset.extends is None:
        return preset
    try:
        parent_path = _locate(preset.extends, path.parent)
    except ValueError as exc:
        raise document.error(("extends",), str(exc)) from None
    if parent_path.resolve() in {p.resolve() for p in (*chain, path)}:
        raise document.error(
            ("extends",),
            f"preset {preset.extends!r} extends itself (through {' → '.join(p.name for p in (*chain, path))})",
        )
    if not parent_path.is_file():
        raise document.error(("extends",), f"preset file {str(parent_path)!r} not found")
    return merge(_load(parent_path, (*chain, path)), preset)


def merge(parent: Preset, child: Preset) -> Preset:
    """`child` on top of `parent`: child rules first, child aliases first and winning a header."""
    columns = Columns.model_construct(
        shipments=_merge_aliases(parent.columns.shipments, child.columns.shipments),
        events=_merge_aliases(parent.columns.events, child.columns.events),
    )
    return Preset.model_construct(
        name=child.name,
        description=child.description or parent.description,
        extends=child.extends,
        columns=columns,
        code_column=child.code_column or parent.code_column,
        rules=[*child.rules, *parent.rules],
    )


def _merge_aliases(parent: dict[str, list[str]], child: dict[str, list[str]]) -> dict[str, list[str]]:
    taken = {normalise_header(h) for headers in child.values() for h in headers}
    merged = {name: [h for h in headers if normalise_header(h) not in taken] for name, headers in parent.items()}
    for name, headers in child.items():
        merged[name] = list(dict.fromkeys([*headers, *merged.get(name, [])]))
    return merged
