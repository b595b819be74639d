"""How a job names what an earlier job wrote, in one grammar, and the check that every such
reference points back.

    orders              the output folder of the job `orders` (a notebook parameter)
    orders.valid        the table `valid` the job `orders` publishes (orders/valid.parquet)
    daily_report/x.html a file the job `daily_report` writes

A job reads only earlier jobs' outputs; a reference that does not point back is reported at its
own key (`jobs.first.input`), saying why: the job's own output, a cycle of jobs reading each
other (named in order), or simply a job that comes later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

JOB_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
"""A job's name under `jobs:`; also the first part of every reference."""
_REFERENCE = re.compile(rf"^(?P<job>{JOB_NAME})(?:\.(?P<table>[A-Za-z_][A-Za-z0-9_]*)|/(?P<path>.+))?$")

Key = tuple[str | int, ...]
"""Where a value stands in a job's config: `("input",)`, `("letters", "apology", "template")`."""


@dataclass(frozen=True)
class JobOutputRef:
    """`input: orders.valid` in YAML: the table `valid` written by the earlier job `orders`."""

    job: str
    table: str

    def __str__(self) -> str:
        return f"{self.job}.{self.table}"


@dataclass(frozen=True)
class JobFileRef:
    """`daily_report/daily_report.html` in YAML: a file written by the earlier job `daily_report`."""

    job: str
    path: str

    def __str__(self) -> str:
        return f"{self.job}/{self.path}"


@dataclass(frozen=True)
class JobFolderRef(JobFileRef):
    """`orders` as a notebook parameter: the output folder of the earlier job `orders` (a
    JobFileRef, so that whatever finds a job's references finds this one too)."""

    path: str = "."

    def __str__(self) -> str:
        return self.job


def parse_reference(text: str) -> JobOutputRef | JobFileRef | JobFolderRef | None:
    """The reference `text` is written as, by its form alone, or None; whether it names a job
    of the batch, and whether that form is accepted where it stands, is for the caller."""
    match = _REFERENCE.match(text)
    if match is None:
        return None
    if match["table"] is not None:
        return JobOutputRef(match["job"], match["table"])
    if match["path"] is not None:
        return JobFileRef(match["job"], match["path"])
    return JobFolderRef(match["job"])


def located_references(job: BaseModel) -> list[tuple[Key, JobOutputRef | JobFileRef]]:
    """The earlier jobs' tables and files a job's config names, each with its key in the job:
    `("input",)`, `("parameters", "orders")`, `("attach", 0)`."""
    found: list[tuple[Key, JobOutputRef | JobFileRef]] = []
    for name, value in job:
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else [(None, value)]
        )
        for key, item in items:
            if isinstance(item, (JobOutputRef, JobFileRef)):
                found.append(((name,) if key is None else (name, key), item))
        if name == "foreach" and value is not None:  # `foreach: {table: orders.valid}` reads that job too
            found += [((name, *key), ref) for key, ref in located_references(value)]
    return found


def job_references(job: BaseModel) -> list[tuple[str, JobOutputRef | JobFileRef]]:
    """The earlier jobs' tables and files a job's config names, with the field naming each."""
    return [(str(key[0]), ref) for key, ref in located_references(job)]


def forward_references(jobs: Mapping[str, BaseModel]) -> list[tuple[Key, str]]:
    """Each reference to a job that does not come earlier, as its key in the batch and the message."""
    reads = {name: [ref.job for _, ref in located_references(job)] for name, job in jobs.items()}
    earlier: set[str] = set()
    found = []
    for name, job in jobs.items():
        for key, ref in located_references(job):
            if ref.job not in earlier:
                found.append((("jobs", name, *key), _why(name, ref, reads)))
        earlier.add(name)
    return found


def _why(name: str, ref: JobOutputRef | JobFileRef, reads: Mapping[str, list[str]]) -> str:
    if ref.job == name:
        return f"{ref} is this job's own output; a job reads the outputs of earlier jobs"
    cycle = _path(ref.job, name, reads)
    if cycle is not None:
        steps = ", ".join(f"{reader} reads {read}" for reader, read in zip([name, *cycle], cycle))
        return f"{ref}: the jobs read each other's output in a cycle ({steps})"
    return f"{ref} refers to job {ref.job!r}, which must come earlier in the batch"


def _path(start: str, goal: str, reads: Mapping[str, list[str]]) -> list[str] | None:
    """The shortest chain of jobs from `start` to `goal`, each reading the next one's output
    (`[start, ..., goal]`), or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for job in queue:
        if job == goal:
            chain = [job]
            while (previous := came_from[chain[-1]]) is not None:
                chain.append(previous)
            return chain[::-1]
        for read in reads.get(job, []):
            if read not in came_from:
                came_from[read] = job
                queue.append(read)
    return None
