"""The intake rule file (config/rules/orders.yaml) as a pydantic model: the settings of
`toolkit.orders.settings`, with the defaults of docs/DOMAIN.md §1, and the rule ids it names
(`severity:`, `fail_when.per_rule_*`), which must be those of declared checks. A team may leave
out anything; what it writes must be well-formed."""

from __future__ import annotations

from pydantic import model_validator

from toolkit.orders.checks import CHECKS
from toolkit.orders.settings import OrderSettings


class OrderRules(OrderSettings):
    """The rule file: every setting, naming only the rules of `toolkit.orders.checks`."""

    @model_validator(mode="after")
    def _known_rules(self) -> OrderRules:
        named = {
            "severity": self.severity,
            "fail_when.per_rule_share": self.fail_when.per_rule_share,
            "fail_when.per_rule_count": self.fail_when.per_rule_count,
        }
        for where, table in named.items():
            unknown = sorted(set(table) - set(CHECKS))
            if unknown:
                raise ValueError(f"{where}: unknown rule(s) {', '.join(unknown)}; rules: {', '.join(CHECKS)}")
        return self
