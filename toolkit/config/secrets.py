"""Values a config took from the environment (`${VAR}`), kept out of every line the toolkit prints.

A value sits in the environment so that it is in no file: a password, a token, a host. When it
lands in the wrong key (`port: ${SMTP_PASSWORD}`), the error about that key must not print it.
Config errors, `toolkit check` lines and `toolkit run` log lines pass through `Secrets.hide`,
which writes `(the value of ${SMTP_PASSWORD}, hidden)` where the value stood.

A value is hidden as written, as `repr` escapes it, and as the toolkit prints a path made of it
(absolute, and relative to the working folder: the config resolves every path against its own
folder). A value of fewer than MIN_HIDDEN characters is hidden only where a message echoes the
value it refused (`Secrets.got`): hiding `25` or `en` in every line would garble every count
and date of a run log and guard nothing.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

MIN_HIDDEN = 4
_HIDDEN = re.compile(r"\(the value of \$\{[A-Za-z_][A-Za-z0-9_]*\}, hidden\)")


def hidden(name: str) -> str:
    return f"(the value of ${{{name}}}, hidden)"


def _forms(value: str, base: Path) -> set[str]:
    """The texts a value may be printed as: itself, escaped, and as a path from `base`."""
    if len(value.strip()) < MIN_HIDDEN or "\0" in value:
        return set()
    forms = {value, repr(value)[1:-1]}
    with suppress(OSError, RuntimeError):
        absolute = (base / value).resolve()
        forms.add(str(absolute))
        with suppress(ValueError):
            forms.add(str(absolute.relative_to(Path.cwd())))
    return {form for form in forms if len(form) >= MIN_HIDDEN}


@dataclass
class Secrets:
    """The environment variables a config used, by name, with their values and the texts they
    may be printed as."""

    values: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # a text to hide → the variable's name

    def add(self, name: str, value: str, base: Path) -> None:
        """`${name}` gave `value` in a config whose folder is `base`."""
        self.values[name] = value
        self.forms.update(dict.fromkeys(_forms(value, base), name))

    def hide(self, text: str) -> str:
        """`text` with each form of each value in its hidden form. A text hidden already is left
        as it is, so hiding twice is hiding once."""
        if not self.forms:
            return text
        pattern = "|".join([_HIDDEN.pattern, *(re.escape(form) for form in sorted(self.forms, key=len, reverse=True))])

        def replace(match: re.Match[str]) -> str:
            name = self.forms.get(match.group())
            return match.group() if name is None else hidden(name)

        return re.sub(pattern, replace, text)

    def got(self, value: str | float) -> str:
        """What a message says of the value it refused: `(got 'x')`, or the hidden form of a value
        that is all one variable's."""
        for name, secret in self.values.items():
            if str(value) == secret:
                return hidden(name)
        return self.hide(f"(got {value!r})")
