"""The references of a batch that do not point back: a job reads only earlier jobs' outputs.

Each one is reported at its own key (`jobs.first.input`), saying why: the job's own output, a
cycle of jobs reading each other (named in order), or simply a job that comes later.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from toolkit.job import JobFileRef, JobOutputRef, Key, located_references


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
