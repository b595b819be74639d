"""The keys a config model accepts at a key path, for "did you mean" on an unknown key.

The walk follows pydantic's error location through the model's annotations: a field name
steps into its type, a dict key or list index into the item type; the other parts pydantic
puts in a location (a union member's tag such as a job kind, `file`, `function-after[...]`)
pick the union member whose `kind` they name, or are stepped over.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from toolkit.config.yaml_source import KeyPath

_SEQUENCES = (list, tuple, set, frozenset)


def accepted_keys(model: type[BaseModel], loc: KeyPath) -> list[str]:
    """The keys the mapping at `loc[:-1]` accepts (field names and aliases), sorted."""
    candidates: list[Any] = [model]
    for part in loc[:-1]:
        candidates = _step(_members(candidates), part)
    return sorted({key for kind in _members(candidates) if _is_model(kind) for key in _keys(kind)})


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _members(kinds: list[Any]) -> list[Any]:
    """The types a value may have: Annotated unwrapped, unions and Optional spread out."""
    found: list[Any] = []
    for kind in kinds:
        origin = get_origin(kind)
        if origin is Annotated:
            found += _members([get_args(kind)[0]])
        elif origin is Union or origin is types.UnionType:
            found += _members(list(get_args(kind)))
        else:
            found.append(kind)
    return found


def _field_type(model: type[BaseModel], key: str) -> Any | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


def _kinds(model: type[BaseModel]) -> tuple[Any, ...]:
    """The `kind` values a model's Literal allows (a job kind's name), else ()."""
    annotation = _field_type(model, "kind")
    return get_args(annotation) if get_origin(annotation) is Literal else ()


def _items(kind: Any) -> list[Any]:
    """The item type of a dict (its values) or a sequence."""
    origin, args = get_origin(kind), get_args(kind)
    if isinstance(origin, type) and issubclass(origin, Mapping) and len(args) == 2:
        return [args[1]]
    if origin in _SEQUENCES:
        return [arg for arg in args if arg is not Ellipsis]
    return []


def _step(kinds: list[Any], part: str | int) -> list[Any]:
    models = [kind for kind in kinds if _is_model(kind)]
    if isinstance(part, str):
        fields = [found for model in models if (found := _field_type(model, part)) is not None]
        if fields:
            return fields
        named = [model for model in models if part in _kinds(model)]
        if named:
            return named
    items = [item for kind in kinds for item in _items(kind)]
    return items or kinds  # neither a field nor an item: a tag pydantic adds, stepped over


def _keys(model: type[BaseModel]) -> set[str]:
    return {key for name, info in model.model_fields.items() for key in (name, info.alias) if key}
