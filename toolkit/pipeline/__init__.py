"""Running a batch: the jobs in order in a staging folder, under a lock, with a manifest, swapped
into place at the end; the notice mail when a job fails."""

from toolkit.pipeline.record import BatchRun, JobRecord
from toolkit.pipeline.run import Reporter, run_batch

__all__ = ["BatchRun", "JobRecord", "Reporter", "run_batch"]
