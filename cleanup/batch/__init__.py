"""Batches: many articles from files, folders and JSON Lines, cleaned in input order, in
worker processes or on a Dask cluster, with outputs written atomically and resumable.

- ``units``: what is worked on (a file, or a chunk of JSONL records) and the per-article
  function ``run_unit(cleaner, job, unit)``, the same everywhere; one bad article is a
  ``Failure``, never the end of the batch.
- ``outputs``: where the corrected text goes; collisions refused before anything is written.
- ``executors``: this process, or worker processes each building its Cleaner once;
  ``dask_engine``: a Dask cluster (optional, ``cleanup[dask]``).
- ``journal``: what a run writing to an output folder has finished, for ``--resume``.
- ``run``: ``Batch``, streaming units to an executor with a bounded window and taking the
  outcomes back in order.
"""

from .executors import PoolExecutor, SerialExecutor, cores
from .outputs import InPlace, Stdout, ToDir, ToFile, plan_outputs
from .run import Batch
from .units import Failure, Job, Outcome, run_unit

__all__ = ["Batch", "Failure", "InPlace", "Job", "Outcome", "PoolExecutor", "SerialExecutor", "Stdout", "ToDir",
           "ToFile", "cores", "plan_outputs", "run_unit"]
