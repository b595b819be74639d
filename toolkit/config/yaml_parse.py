"""YAML text → node tree, through PyYAML's SafeLoader with aliases bounded; its errors as one line.

An alias stands for a copy of its anchor's value wherever the tree is walked (the positions of
the keys, `${VAR}`, pydantic), so nested aliases (a "billion laughs" file: 9 levels of 9 aliases,
387 million strings) cost nothing to parse and everything after. `BoundedLoader` counts, as
the nodes are built, how many values the aliases stand for, and refuses past `MAX_ALIASED`;
and values nested deeper than `MAX_DEPTH` (each level a frame of every walk: 3,000 `[` are a
RecursionError).
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from yaml.composer import ComposerError

from toolkit.errors import ConfigError

MAX_ALIASED = 10_000
"""Values all aliases of a file may stand for: `<<: *defaults` of 20 keys in 200 jobs is 8,200."""
MAX_DEPTH = 50
"""Levels of nesting: a shipped config or preset is 6 deep at most (`jobs.claim_letters.letters.apology.template`)."""

_OPENERS = "[{\"'"


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses a file whose aliases stand for more than MAX_ALIASED values, an
    alias inside its own anchor's value (a value without end), or values nested deeper than
    MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}  # id of a finished node → values it stands for, itself included
        self._aliased = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        alias = self.peek_event() if self.check_event(yaml.AliasEvent) else None
        if self._depth == MAX_DEPTH:
            raise ComposerError(
                None,
                None,
                f"values nested more than {MAX_DEPTH} levels deep; a config needs far fewer",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if alias is None:
            self._sizes[id(node)] = 1 + sum(self._sizes[id(child)] for child in _children(node))
            return node
        size = self._sizes.get(id(node))
        if size is None:
            raise ComposerError(
                None, None, f"alias *{alias.anchor} stands inside its own anchor's value", alias.start_mark
            )
        self._aliased += size
        if self._aliased > MAX_ALIASED:
            raise ComposerError(
                None,
                None,
                f"the aliases up to here stand for more than {MAX_ALIASED:,} values (nested aliases, "
                'as in a "billion laughs" file); a config needs far fewer',
                alias.start_mark,
            )
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _at(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _opener(mark: yaml.Mark | None) -> str | None:
    """The bracket or quote at `mark`, if one is there."""
    if mark is None or mark.buffer is None:
        return None
    char = mark.buffer[mark.pointer]
    return char if char in _OPENERS else None


def _error(message: str, mark: yaml.Mark | None, display: str) -> ConfigError:
    return ConfigError(
        f"invalid YAML: {message}",
        path=display,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def syntax_error(exc: yaml.MarkedYAMLError, display: str, open_marks: Sequence[yaml.Mark] = ()) -> ConfigError:
    """The error at the place to fix, with the other place PyYAML names. A parser that gives up
    inside a bracket or quote (not closed, most often) is reported where that opens, with where
    it gave up: the opening is the error's context, or else the innermost of `open_marks` (the
    parser's `marks`, where the collections it is inside begin: `[` at the end of a file)."""
    context, opened, problem, gave_up = exc.context, exc.context_mark, exc.problem, exc.problem_mark
    if context and context.startswith("while ") and gave_up:
        inside = opened if _opener(opened) else next((mark for mark in open_marks[-1:] if _opener(mark)), None)
        if inside is not None:
            return _error(
                f"{context} inside the {_opener(inside)!r} that opens here: {problem} at {_at(gave_up)}",
                inside,
                display,
            )
    if context and opened and gave_up and (opened.line, opened.column) != (gave_up.line, gave_up.column):
        return _error(f"{context} ({_at(opened)}): {problem}", gave_up, display)
    return _error(" ".join(filter(None, [context, problem])), gave_up or opened, display)
