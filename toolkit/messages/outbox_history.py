"""The SMS outbox history in the state folder (`sms_outbox_history.parquet`): what each job's
runs charged to the per-number daily cap, a row per day, job, cap key and distinct message with
the most lines of that message one run had. `compliance.reserve_daily` reads and replaces it
under a lock on a sibling file (runs may be concurrent).

One message is counted once a day per job, whichever run of the job made it (`message_ids`), so
that a re-run of the day charges nothing twice while a later run's new messages add up.

A table rather than JSON: 1,000,000 orders' dispatch SMS (2,000,000 lines to 200 numbers) took
9.9 s to reserve with a nested {day: {job: {key: {message: lines}}}} JSON of 66 MB (the dicts
built and dumped line by line), and 2.3 s this way, read, joined and written by polars (the
BLAKE2b of the texts, 1.4 s of it, is the rest).

The file of the toolkit before messages were told apart (`sms_outbox_history.json`, `{day: {cap
key: lines}}`, every run's lines added) is still read: its counts become rows of the job
`LEGACY` (no job's name, which always has a `/`), kept until they age out, and the JSON file is
removed once the table holds them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from hashlib import blake2b
from pathlib import Path
from typing import Annotated

import polars as pl
from pydantic import Field, TypeAdapter, ValidationError

from toolkit.errors import InputError
from toolkit.io.state import write_parquet_durably

HISTORY_FILE = "sms_outbox_history.parquet"
LEGACY_FILE = "sms_outbox_history.json"
LOCK_FILE = ".sms_outbox_history.lock"
HISTORY_DAYS = 7
"""Days kept in the history before its newest (the cap needs only today's; a week helps to look back)."""
LEGACY = "legacy"
"""The job of the counts read from the previous version's file, which cannot tell messages apart."""

SCHEMA = pl.Schema({"day": pl.Date, "job": pl.String, "cap_key": pl.String, "message": pl.UInt64, "lines": pl.Int64})

_OLD_FILE = TypeAdapter(dict[date, dict[str, Annotated[int, Field(ge=0, strict=True)]]])


@dataclass(frozen=True)
class OutboxHistory:
    """What the runs have charged to the daily cap (`SCHEMA`'s rows)."""

    charges: pl.DataFrame

    @classmethod
    def empty(cls) -> OutboxHistory:
        return cls(pl.DataFrame(schema=SCHEMA))

    def sent(self, day: date) -> dict[str, int]:
        """The day's messages per cap key, over every job (the legacy counts included)."""
        totals = self.charges.filter(pl.col("day") == day).group_by("cap_key").agg(pl.col("lines").sum())
        return dict(totals.sort("cap_key").iter_rows())

    def per_key(self, days: list[date]) -> pl.DataFrame:
        """`day`, `cap_key`, `sent`: what every job charged on each of `days`."""
        todays = self.charges.filter(pl.col("day").is_in(days))
        return todays.group_by("day", "cap_key").agg(sent=pl.col("lines").sum())

    def of_job(self, job: str, days: list[date]) -> pl.DataFrame:
        """`message`, `charged`: what `job`'s runs charged on each of `days` (a message is of one
        cap key, and so of one day: `message_ids`)."""
        mine = self.charges.filter(pl.col("job") == job, pl.col("day").is_in(days))
        return mine.select("message", charged="lines")

    def with_charges(self, job: str, counted: pl.DataFrame) -> OutboxHistory | None:
        """The history with `counted` (`day`, `cap_key`, `message`, `lines`: one run's) added as
        `job`'s, each message keeping its most lines; None where nothing changes."""
        new = counted.select(
            pl.col("day"), job=pl.lit(job), cap_key="cap_key", message="message", lines=pl.col("lines").cast(pl.Int64)
        )
        before = self.of_job(job, new["day"].unique().to_list())
        known = new.join(before, on="message", how="left")
        if not known.filter(pl.col("charged").is_null() | (pl.col("lines") > pl.col("charged"))).height:
            return None
        others = self.charges.filter(pl.col("job") != job)
        mine = pl.concat([self.charges.filter(pl.col("job") == job), new])
        merged = mine.group_by("message").agg(pl.col("day", "job", "cap_key").first(), pl.col("lines").max())
        return OutboxHistory(pl.concat([others, merged.select(SCHEMA.names())]))


def message_ids(lines: pl.DataFrame) -> pl.Series:
    """Each line's message as the cap tells messages apart: its cap key (`cap_key`) and its text
    (`content`) without its `serial`, as 64 bits of BLAKE2b (the same in every process and
    version; a number, so that the joins and groups over 2,000,000 lines take a tenth of what
    they took over the key and the bytes).

    This is the key that tells "the same run again" from "a later run", and why it is not the
    run: a run is known by its batch, run date and as-of, but a re-run after fixing an input or
    with `--only` has a new as-of (now) while it makes the same messages, and the tickets batch
    every 30 minutes replaces the same run folder while it makes new ones. A message is what the
    platform counts: a re-run renders the same rows to the same texts and only the serials are
    new, so it charges nothing twice; a later run's new orders, reminders with other counts or
    follow-ups overdue for longer are other texts and add up. Two things it cannot know: a fixed
    row's earlier text stays counted (it may have been uploaded), and a job sending the very
    same text to a number twice a day on purpose is charged once for it."""
    content, serial = pl.col("content"), pl.col("serial")
    without_serial = pl.when(serial.is_null()).then(content).otherwise(content.str.split(serial).list.join(""))
    keyed = lines.select(pl.concat_str(pl.col("cap_key"), pl.lit("\x1f"), without_serial)).to_series()
    digests = [blake2b(text.encode(), digest_size=8).digest() for text in keyed.to_list()]
    return pl.Series(digests, dtype=pl.Binary).bin.reinterpret(dtype=pl.UInt64, endianness="big").alias("message")


def _bad(path: Path, detail: str) -> InputError:
    return InputError(f"SMS outbox history {detail}; delete it to start counting afresh", path=path)


def read_history(state_dir: Path) -> OutboxHistory:
    """The history; none yet is empty; anything unreadable an error (a silent reset would let a
    number past its cap)."""
    path = Path(state_dir) / HISTORY_FILE
    if path.exists():
        try:
            charges = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as error:
            raise _bad(path, f"is not a parquet table ({type(error).__name__})") from None
        if charges.schema != SCHEMA:
            raise _bad(path, f"is not as the toolkit writes it (columns {dict(charges.schema)})")
        if charges["lines"].lt(0).any() or any(charges.null_count().row(0)):
            raise _bad(path, "has negative or empty entries")
        history = OutboxHistory(charges)
    else:
        history = OutboxHistory.empty()
    return _with_legacy(history, Path(state_dir) / LEGACY_FILE)


def _with_legacy(history: OutboxHistory, path: Path) -> OutboxHistory:
    """The previous version's `{day: {cap key: lines}}` added as the job `LEGACY`'s counts."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return history
    except UnicodeDecodeError:
        raise _bad(path, "is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise _bad(path, f"is not JSON ({error})") from None
    try:
        old = _OLD_FILE.validate_python(value)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise _bad(path, f"is not {{day: {{key: count}}}} ({where}: {first['msg']})") from None
    rows = [(day, LEGACY, key, 0, count) for day, counts in old.items() for key, count in counts.items()]
    legacy = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    return OutboxHistory(pl.concat([history.charges.filter(pl.col("job") != LEGACY), legacy]))


def write_history(state_dir: Path, history: OutboxHistory) -> None:
    """Durably (a temporary file renamed, the folder fsynced after), the days older than
    `HISTORY_DAYS` before the newest one dropped; the previous version's file, now held by the
    table, removed."""
    charges = history.charges
    if charges.height:
        oldest = charges["day"].max() - timedelta(days=HISTORY_DAYS)  # type: ignore[operator]
        charges = charges.filter(pl.col("day") >= oldest)
    write_parquet_durably(charges, Path(state_dir) / HISTORY_FILE)
    (Path(state_dir) / LEGACY_FILE).unlink(missing_ok=True)


__all__ = [
    "HISTORY_DAYS",
    "HISTORY_FILE",
    "LEGACY",
    "LEGACY_FILE",
    "LOCK_FILE",
    "OutboxHistory",
    "message_ids",
    "read_history",
    "write_history",
]
