"""The registry of job kinds: each kind is its config model and its run function, and the batch
config whose `jobs:` are one of them.

Adding a job kind means writing its folder (config model + run + `JobKind`) and adding it to
`JOB_KINDS` here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Union

from pydantic import Field

from toolkit.care.job import ACCOUNT_CARE
from toolkit.config.loader import LoadedConfig, load_batch
from toolkit.config.models import BatchSettings, JobName
from toolkit.job import JobKind
from toolkit.letters.job import RENDER_LETTERS
from toolkit.mail.job import EMAIL
from toolkit.messages.job import RENDER_MESSAGES
from toolkit.orders.job import VALIDATE_ORDERS
from toolkit.reports.notebook import NOTEBOOK
from toolkit.tickets.job import TICKETS
from toolkit.tracking.job import FLAG_OVERDUE

JOB_KINDS: dict[str, JobKind] = {
    kind.name: kind
    for kind in (VALIDATE_ORDERS, RENDER_MESSAGES, NOTEBOOK, EMAIL, RENDER_LETTERS, FLAG_OVERDUE, TICKETS, ACCOUNT_CARE)
}

JobUnion = Annotated[Union[tuple(kind.model for kind in JOB_KINDS.values())], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
"""One entry under `jobs:`, chosen by its `kind`."""


class BatchConfig(BatchSettings):
    """A batch config as a team writes it: the batch's settings and its jobs, each one of the
    registered kinds."""

    jobs: dict[JobName, JobUnion]


def load_config(path: str | Path) -> LoadedConfig[BatchConfig]:
    """A batch config file, validated (every error one `file:line:col: key: message` line)."""
    return load_batch(path, BatchConfig)
