"""Extraction processes on this machine, for the batches of one run.

Prefect's task runs stay in the flow's process (one thread each, on a ThreadPoolTaskRunner, with
the usual states, retries and UI); each hands its batch to one of these processes, which import
only the pure extraction code (``PRELOAD``, ~0.2 s) besides the parent's main module (as any
spawned process does; ``chuxin run``'s is a few lines). Prefect's ProcessPoolTaskRunner started
processes that each imported Prefect and ran its task engine: ~1.5 s before the first batch, and
~0.4 s more to shut down (BENCHMARKS.md). The processes end with the run's extraction
(``local_processes``), before loading and validation, where a run's memory peaks. On Dask no
pool is open and the batch runs where Prefect's Dask task runner put it.

Nothing here imports Prefect.
"""

from __future__ import annotations

import importlib
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Callable, TypeVar

PRELOAD = ["tasks.fsio", "tasks.process"]
DIED = ("an extraction process died while working on this batch (killed, or out of memory?); "
        "a retry runs the batch again in new processes")

T = TypeVar("T")


class _Pool:
    """A process pool that replaces itself once broken, so that a retried batch finds live processes."""

    def __init__(self, n: int):
        self.n = n
        self._lock = threading.Lock()
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_preload)

    def run(self, fn: Callable[..., T], *args) -> T:
        executor = self._executor
        try:
            return executor.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._executor is executor:  # the first batch to see it replaces it
                    self._executor = self._new()
                    executor.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError(DIED) from None

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _preload() -> None:
    for module in PRELOAD:
        importlib.import_module(module)


_open: list[_Pool] = []  # the pool of the run in this process, while ``local_processes`` is open


@contextmanager
def local_processes(n: int):
    """Open ``n`` extraction processes for the batches run inside this block."""
    pool = _Pool(n)
    _open.append(pool)
    try:
        yield pool
    finally:
        _open.remove(pool)
        pool.close()


def run(fn: Callable[..., T], *args) -> T:
    """``fn(*args)`` in the open extraction processes, or in this process when none are open."""
    return _open[-1].run(fn, *args) if _open else fn(*args)
