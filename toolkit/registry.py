"""The registry of job kinds: each kind is its config model and its run function.

Adding a job kind means writing its folder (config model + run) and adding one line here.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Union

from pydantic import Field

from toolkit.job import JobKind


@cache
def job_kinds() -> dict[str, JobKind]:
    from toolkit.letters.job import RENDER_LETTERS
    from toolkit.messages.job import RENDER_MESSAGES
    from toolkit.orders.job import VALIDATE_ORDERS
    from toolkit.reports.mail_job import EMAIL
    from toolkit.reports.notebook import NOTEBOOK
    from toolkit.tracking.job import FLAG_OVERDUE

    kinds = (VALIDATE_ORDERS, RENDER_MESSAGES, NOTEBOOK, EMAIL, RENDER_LETTERS, FLAG_OVERDUE)
    return {kind.name: kind for kind in kinds}


def job_union() -> Any:
    """The pydantic type of one entry under `jobs:`, chosen by its `kind`."""
    models = tuple(kind.model for kind in job_kinds().values())
    if len(models) == 1:
        return models[0]
    return Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007
