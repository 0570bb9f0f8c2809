"""Executors: the same per-unit function in this process or in worker processes, results
taken back in input order with a bounded number of units in flight. (Dask: ``dask_engine``.)

Workers get the Cleaner's construction arguments and build it once each in the pool's
initializer, so the pool works with the ``spawn`` start method as well as ``fork``.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from .units import ChunkUnit, FileUnit, Job, Outcome, run_unit


_WORKER: dict[str, Any] = {}  # this process's Cleaner and Job (set by the pool initializer)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def set_model_threads(cleaner, job: Job, threads: int) -> None:
    """Give the model this many threads (workers x threads fit the cores); it is loaded on
    first use, once per worker."""
    if job.uses_model:
        cleaner.model_stage(job.model).threads = threads


def _init_worker(cleaner_args: dict, job: Job, threads: int) -> None:
    """Pool initializer."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the batch
    setup_worker(cleaner_args, job, threads)


def setup_worker(cleaner_args: dict, job: Job, threads: int) -> None:
    """This process's Cleaner, built once per worker (or, with the ``fork`` start method,
    inherited from the parent, where it was built from the same arguments), and its job."""
    if _WORKER.get("args") != cleaner_args or "cleaner" not in _WORKER:
        from ..pipeline import Cleaner

        _WORKER["cleaner"] = Cleaner(**cleaner_args)
        _WORKER["args"] = cleaner_args
        _WORKER["built"] = _WORKER.get("built", 0) + 1
    _WORKER["job"] = job
    set_model_threads(_WORKER["cleaner"], job, threads)


def _work(unit) -> Outcome:
    return run_unit(_WORKER["cleaner"], _WORKER["job"], unit)


class _Ready:
    """A result computed in this process, shaped like a future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class SerialExecutor:
    """Units run in this process, one after the other."""

    window = workers = 1

    def __init__(self, cleaner, job: Job):
        self.cleaner, self.job = cleaner, job
        set_model_threads(cleaner, job, cores())

    def submit(self, unit) -> _Ready:
        return _Ready(run_unit(self.cleaner, self.job, unit))

    def close(self) -> None:
        pass


class PoolExecutor:
    """Units run in ``jobs`` worker processes; each builds its Cleaner once (initializer)."""

    def __init__(self, jobs: int, cleaner, cleaner_args: dict, job: Job, start_method: str | None = None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context(start_method)
        if context.get_start_method() == "fork":  # forked workers inherit a warm Cleaner
            for code in [job.lang] if job.lang else list(cleaner.languages):
                cleaner.fix("Warm-up.", code)
        _WORKER.update(cleaner=cleaner, args=cleaner_args)
        self.workers = jobs
        self.window = 2 * jobs + 2
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                                        initargs=(cleaner_args, job, max(1, cores() // jobs)))
        self.pool.submit(int).result()  # workers start now, before any other thread does

    def submit(self, unit):
        return self.pool.submit(_work, unit)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


def ordered(stream: Iterable, submit: Callable, window: int) -> Iterator:
    """Results in the order of ``stream``, with at most ``window`` units in flight; elements
    that are not units (markers) pass through in their place."""
    pending: deque = deque()
    for element in stream:
        pending.append(submit(element) if isinstance(element, (FileUnit, ChunkUnit)) else _Ready(element))
        while len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
