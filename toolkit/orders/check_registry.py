"""How an order check is declared: once, with its id, default severity, message and the function
that finds its failures, registered under its id (as pandera registers its built-in checks).
`toolkit.orders.checks` declares the checks; `CheckRegistry.rules` turns them into the rules of
one rule file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from operator import attrgetter

import polars as pl

from toolkit.i18n import Text
from toolkit.orders.fields import FIELDS_BY_NAME, ORDER_FIELDS
from toolkit.orders.settings import OrderSettings
from toolkit.rules import Check, Rule, Severity

FIELD_POSITION = {f.name: i for i, f in enumerate(ORDER_FIELDS)}


@dataclass(frozen=True)
class Failure:
    """The rows that break a check on one column, and the values its message names."""

    column: str  # the order field the findings point at
    failed: pl.Expr
    values: Mapping[str, object] = field(default_factory=dict)


FindFailures = Callable[[OrderSettings, datetime], Iterable[Failure]]
"""A check's failures under one rule file, for orders checked at a time (`as_of`)."""


@dataclass(frozen=True)
class OrderCheck(Check):
    """A declared order check: its id, default severity and message, and what finds its failures.

    The message may name `{label}`, the label of the column a failure points at, besides the
    failure's own values. `by_field` checks are listed field by field (see `CheckRegistry.rules`).
    """

    find: FindFailures
    by_field: bool = False

    def rules(self, settings: OrderSettings, *, as_of: datetime, locale: str) -> Iterator[Rule]:
        """One rule per failure, at the severity the rule file gives this check (or its default)."""
        severity = settings.severity.get(self.id)
        for failure in self.find(settings, as_of):
            label = FIELDS_BY_NAME[failure.column].label(locale)
            yield self.rule(failure.column, failure.failed, locale, severity, label=label, **failure.values)


class CheckRegistry(dict[str, OrderCheck]):
    """The declared checks by id, in the order they were declared."""

    def declare(
        self, id: str, severity: Severity, message: Text, *, by_field: bool = False
    ) -> Callable[[FindFailures], OrderCheck]:
        """A decorator that declares the function under it as the check `id`, and replaces it by the check."""

        def register(find: FindFailures) -> OrderCheck:
            if id in self:
                raise ValueError(f"order check {id!r} is declared twice")
            self[id] = OrderCheck(id, severity, message, find, by_field)
            return self[id]

        return register

    def rules(self, settings: OrderSettings, *, as_of: datetime, locale: str) -> list[Rule]:
        """Every check's rules under one rule file, in the order a row's findings are listed: as the
        checks are declared, except that a run of `by_field` checks declared one after the other
        is listed field by field, in the order of the order fields (a row's unreadable cells are
        reported column by column, whatever their kind)."""
        listed: list[Rule] = []
        for by_field, run in groupby(self.values(), key=attrgetter("by_field")):
            built = [rule for check in run for rule in check.rules(settings, as_of=as_of, locale=locale)]
            listed += sorted(built, key=lambda rule: FIELD_POSITION[rule.column]) if by_field else built
        return listed
