"""Safe YAML reading that remembers where every value stands, so errors can say file:line:col.

Values are built by PyYAML's SafeLoader (no object construction, aliases bounded: `yaml_parse`);
a walk over the node tree, before the values are built, records the position of each key path
(`<<: *defaults` brings the keys of the anchor, which the mapping's own keys override). `${VAR}`
in a string is replaced from the environment; a missing variable is a config error at that
value, and the values used are never printed (`secrets`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from toolkit.config.secrets import Secrets
from toolkit.config.yaml_parse import BoundedLoader, syntax_error
from toolkit.errors import ConfigError

KeyPath = tuple[str | int, ...]
_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and the (line, column) of every key path, both 1-based."""

    path: Path
    display: str
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    secrets: Secrets = field(default_factory=Secrets)  # the `${VAR}` values used, hidden in every message

    def locate(self, loc: KeyPath) -> tuple[KeyPath, int | None, int | None]:
        """The part of `loc` that exists in the document, and where its deepest key stands.

        Parts of `loc` that are not keys of the data (pydantic adds union tags) are skipped;
        a missing key points at its parent.
        """
        line, column = self.positions.get((), (None, None))
        node: Any = self.data
        walked: KeyPath = ()
        for index, part in enumerate(loc):
            if (
                isinstance(node, dict)
                and part in node
                or isinstance(node, list)
                and isinstance(part, int)
                and 0 <= part < len(node)
            ):
                node, walked = node[part], (*walked, part)
            elif index < len(loc) - 1:
                continue  # a union tag or validator name that pydantic puts in the location
            else:
                if isinstance(node, dict):
                    walked = (*walked, part)  # a missing key: point at its parent
                break
            line, column = self.positions.get(walked, (line, column))
        return walked, line, column

    def error(self, loc: KeyPath, message: str) -> ConfigError:
        walked, line, column = self.locate(loc)
        return ConfigError(
            self.secrets.hide(message), path=self.display, line=line, column=column, key=format_key(walked) or None
        )


def format_key(loc: KeyPath) -> str:
    """`('jobs', 'orders', 'input')` → `jobs.orders.input`; list indexes as `[1]`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    display = display or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("file not found", path=display) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", path=display) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=display) from None
    document = YamlDocument(path=path, display=display, data=None)
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _record_positions(node, (), document)  # before construction, which merges `<<:` in place
            document.data = loader.construct_document(node)
            document.data = _substitute_env(document.data, (), document)  # a missing variable located in the data
    except yaml.MarkedYAMLError as exc:
        raise syntax_error(exc, display, loader.marks) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=display) from None
    finally:
        loader.dispose()
    return document


def _merged(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    """The pairs `<<:` brings into a mapping, in the order PyYAML applies them (a later one wins,
    and the first of `<<: [*a, *b]` wins over the second). A merge of something other than
    mappings is left to the constructor to refuse."""
    pairs: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in reversed(sources):
                if isinstance(source, yaml.MappingNode):
                    pairs += _merged(source) + _own(source)
    return pairs


def _own(node: yaml.MappingNode) -> list[tuple[yaml.Node, yaml.Node]]:
    return [(key_node, value_node) for key_node, value_node in node.value if key_node.tag != _MERGE]


def _record_positions(node: yaml.Node, loc: KeyPath, document: YamlDocument) -> None:
    document.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in _merged(node):
            _record_pair(key_node, value_node, loc, document)
        seen: set[Any] = set()
        for key_node, value_node in _own(node):
            key = _record_pair(key_node, value_node, loc, document)
            if key in seen:
                raise _error_at(key_node, f"duplicate key {key!r}", loc, document)
            seen.add(key)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_positions(item, (*loc, index), document)


def _record_pair(key_node: yaml.Node, value_node: yaml.Node, loc: KeyPath, document: YamlDocument) -> Any:
    if not isinstance(key_node, yaml.ScalarNode):
        raise _error_at(key_node, f"invalid YAML: a key must be a plain value, not a {key_node.id}", loc, document)
    key = _scalar_key(key_node)
    _record_positions(value_node, (*loc, key), document)
    document.positions[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return key


def _error_at(node: yaml.Node, message: str, loc: KeyPath, document: YamlDocument) -> ConfigError:
    """An error at the node's line and column, under the key path of the mapping it is in."""
    mark = node.start_mark
    return ConfigError(
        message, path=document.display, line=mark.line + 1, column=mark.column + 1, key=format_key(loc) or None
    )


def _scalar_key(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    finally:
        loader.dispose()


def _substitute_env(value: Any, loc: KeyPath, document: YamlDocument) -> Any:
    if isinstance(value, dict):
        return {k: _substitute_env(v, (*loc, k), document) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_env(v, (*loc, i), document) for i, v in enumerate(value)]
    if isinstance(value, str) and "${" in value:

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise document.error(loc, f"environment variable {name} is not set")
            document.secrets.add(name, os.environ[name], document.path.parent)
            return os.environ[name]

        return _ENV_VAR.sub(replace, value)
    return value
