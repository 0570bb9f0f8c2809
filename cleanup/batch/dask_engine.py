"""``--engine dask``: a batch's units run on a Dask cluster (``distributed``) with the same
per-unit function as local workers, ``cleanup.batch.run_unit``.

The Cleaner is built here, its glossaries loaded and its signatures computed, and shipped to
every worker once in a worker plugin (pickled: the workers never read glossary files, and
results name the same glossaries as a local run); a model folder given with ``--model`` is
shipped with it and unpacked once per worker. Each worker thread builds its Cleaner from the
shipped bytes on first use. JSONL records travel through the scheduler; text files are read
and written by the workers, so on several machines they need shared storage mounted at the
same path (relative paths are made absolute here; messages still name inputs as given).

``distributed`` is imported only when this engine is used (``pip install cleanup[dask]``).
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
import threading
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from .executors import set_model_threads
from .outputs import ToDir, ToFile
from .units import FileUnit, Job, run_unit

try:
    from distributed import WorkerPlugin
except ImportError:  # the engine is optional; _client() says how to install it
    WorkerPlugin = object


class CleanupPlugin(WorkerPlugin):
    """Installed on every worker once: the shipped Cleaner, the job, the model."""

    def __init__(self, name: str, cleaner: bytes, job: Job, model: bytes | None, model_name: str,
                 workers_per_host: dict[str, int]):
        self.name, self.blob, self.job = name, cleaner, job
        self.model, self.model_name = model, model_name
        self.workers_per_host = workers_per_host

    def setup(self, worker) -> None:
        import tempfile

        self.local = threading.local()
        self.folder = None
        if self.model is not None:  # unpacked once per worker
            self.folder = tempfile.mkdtemp(prefix="cleanup-model-")
            with tarfile.open(fileobj=io.BytesIO(self.model)) as tar:
                tar.extractall(self.folder, filter="data")
            self.job = replace(self.job, model=os.path.join(self.folder, self.model_name))
        host = worker.address.rsplit("://", 1)[-1].rsplit(":", 1)[0]
        self.threads = max(1, (os.cpu_count() or 1) // self.workers_per_host.get(host, 1))

    def cleaner(self):
        cleaner = getattr(self.local, "cleaner", None)
        if cleaner is None:  # one per worker thread: a Cleaner is not shared between threads
            cleaner = self.local.cleaner = pickle.loads(self.blob)
            set_model_threads(cleaner, self.job, self.threads)
        return cleaner

    def teardown(self, worker) -> None:
        if self.folder:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)


def _work(name: str, unit):
    from distributed import get_worker

    plugin = get_worker().plugins[name]
    return run_unit(plugin.cleaner(), plugin.job, unit)


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--engine dask needs the dask extra: pip install 'cleanup[dask]'") from None
    try:
        return Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def _pack_model(job: Job) -> tuple[bytes | None, str]:
    """The model folder (or .argosmodel file) as a tar, and its name inside it."""
    if not job.uses_model or job.model is None:
        return None, ""
    path = Path(job.model)
    if not path.exists():  # a registered name: its folder
        from ..models import resolve_model

        path = resolve_model(job.model).path
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        tar.add(path, arcname=path.name)
    return buffer.getvalue(), path.name


class DaskExecutor:
    """Submits units to a Dask cluster; results come back as futures (``.result()``)."""

    def __init__(self, address: str, cleaner, job: Job):
        self.client = _client(address)
        try:
            for code in cleaner.languages:  # everything the workers need, loaded here
                cleaner.fix("Warm-up.", code)
                cleaner.signature(code)
            workers = self.client.scheduler_info()["workers"].values()
            if not workers:
                raise UsageError(f"the Dask scheduler at {address} has no workers")
            per_host = Counter(w["host"] for w in workers)
            threads = sum(w.get("nthreads", 1) for w in workers)
            target = job.target
            if isinstance(target, ToDir):
                target = ToDir(target.folder.absolute())
            elif isinstance(target, ToFile):
                target = ToFile(os.path.abspath(target.path))
            model, model_name = _pack_model(job)
            self.name = f"cleanup-{uuid.uuid4().hex}"
            plugin = CleanupPlugin(self.name, pickle.dumps(cleaner), replace(job, target=target), model,
                                   model_name, dict(per_host))
            self.client.register_plugin(plugin, name=self.name)
        except BaseException:
            self.client.close()
            raise
        self.workers = len(workers)
        self.window = 2 * threads + 2

    def submit(self, unit):
        if isinstance(unit, FileUnit) and unit.item.path != "-" and not os.path.isabs(unit.item.path):
            item = unit.item
            unit = replace(unit, item=replace(item, path=os.path.abspath(item.path), name=item.display))
        return self.client.submit(_work, self.name, unit, pure=False)

    def close(self) -> None:
        if self.client.status == "closed":
            return
        try:
            self.client.unregister_worker_plugin(self.name)
        except Exception:  # noqa: BLE001 (the cluster may be gone; closing must not fail)
            pass
        self.client.close()
