"""The reminder log (`ticket_reminders.json` in the batch's state folder): the reminders the
`tickets` job has put in its `reminders` table, a ticket and escalation step at a time, so that
a ticket is reminded once as it becomes due soon, once as it breaches (to its agent), once as it
becomes its team supervisor's and once as it becomes the manager's, not at every 30-minute run.

One file for every tickets job keeping its state in the folder, a section per batch and job
(and `foreach` value), each entry a reminder with the as-of of the run that made it:

    {"tickets/tickets": [{"ticket_id": "GD202611209002", "step": "due_soon",
                          "as_of": "2026-11-23T08:30:00+08:00", "notify_name": "李敏"}, …]}

The file is read and replaced under a lock on a sibling file, durably (`toolkit.io.state`, as
the SMS serials and outbox history are). A run counts only the entries of earlier as-ofs as sent;
a re-run of the same as-of replaces that run's entries with its own, so it reminds of what that
run reminded, neither twice in the log nor dropped. A ticket closed as of the run, or gone from
the export, leaves the log.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import InputError
from toolkit.io.state import exclusive, write_json_durably
from toolkit.tickets.worklist import STEPS

LOG_FILE = "ticket_reminders.json"
_LOCK_FILE = ".ticket_reminders.lock"
LOG_SCHEMA: dict[str, pl.DataType] = {
    "ticket_id": pl.String(),
    "step": pl.String(),
    "as_of": pl.Datetime("us", "UTC"),
    "notify_name": pl.String(),
}
_FIX = "delete it to start afresh (each open ticket breached or due soon is then reminded once more)"


def _corrupt(path: Path, detail: str) -> InputError:
    return InputError(f"ticket reminder log {detail}; {_FIX}", path=path)


def _read_sections(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every section of the file; none yet is empty, anything unreadable an error (a silent reset
    would send every reminder again, to supervisors and the manager too)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise _corrupt(path, f"is not JSON ({error})") from None
    if not isinstance(value, dict) or not all(isinstance(rows, list) for rows in value.values()):
        raise _corrupt(path, "is not {job: [reminders]}")
    return value


def _entry(row: Any, path: Path) -> dict[str, Any]:
    """One reminder of the file, its time read back as an aware datetime."""
    try:
        entry = {
            "ticket_id": str(row["ticket_id"]),
            "step": row["step"],
            "as_of": datetime.fromisoformat(row["as_of"]),
            "notify_name": row.get("notify_name"),
        }
    except (TypeError, KeyError, ValueError) as error:
        raise _corrupt(path, f"has an entry that is not a reminder ({type(error).__name__}: {error})") from None
    if entry["step"] not in STEPS or entry["as_of"].tzinfo is None:
        raise _corrupt(path, f"has an entry with step {entry['step']!r} at {row['as_of']!r}")
    return entry


def read_log(state_dir: Path, key: str) -> pl.DataFrame:
    """The reminders of the section `key` (`<batch>/<job>`), with LOG_SCHEMA's columns."""
    path = Path(state_dir) / LOG_FILE
    with exclusive(Path(state_dir) / _LOCK_FILE):
        rows = _read_sections(path).get(key, [])
    return pl.DataFrame([_entry(row, path) for row in rows], schema=LOG_SCHEMA)


def write_log(state_dir: Path, key: str, log: pl.DataFrame, timezone: str) -> Path:
    """Replace the section `key` with `log` (its times written in the batch's `timezone`),
    leaving the other sections as they are: under the lock, since another job may change its own
    section meanwhile."""
    path = Path(state_dir) / LOG_FILE
    rows = log.select(
        "ticket_id",
        "step",
        pl.col("as_of").dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%:z"),
        "notify_name",
    ).to_dicts()
    with exclusive(Path(state_dir) / _LOCK_FILE):
        sections = _read_sections(path)
        sections[key] = rows
        write_json_durably({name: sections[name] for name in sorted(sections) if sections[name]}, path)
    return path


def _utc(as_of: datetime) -> pl.Expr:
    return pl.lit(as_of).dt.convert_time_zone("UTC").dt.cast_time_unit("us")


def earlier(log: pl.DataFrame, as_of: datetime) -> pl.DataFrame:
    """The reminders runs before `as_of` made: those a run counts as sent."""
    return log.filter(pl.col("as_of") < _utc(as_of))


def updated_log(log: pl.DataFrame, sent: pl.DataFrame, still_open: pl.Series, as_of: datetime) -> pl.DataFrame:
    """The log with the reminders of this run (`sent`: `ticket_id`, `step`, `notify_name`) at
    `as_of`, in place of those an earlier run of the same as-of made, and only for the tickets
    `still_open` (not closed as of the run: a re-run of an earlier as-of keeps the tickets
    created after it)."""
    now = _utc(as_of)
    entries = sent.select("ticket_id", "step", as_of=now, notify_name="notify_name").cast(LOG_SCHEMA)
    return (
        pl.concat([log.filter(pl.col("as_of") != now), entries])
        .filter(pl.col("ticket_id").is_in(still_open.implode()))
        .sort("as_of", "ticket_id", maintain_order=True)
    )


__all__ = ["LOG_FILE", "LOG_SCHEMA", "earlier", "read_log", "updated_log", "write_log"]
