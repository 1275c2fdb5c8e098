"""The run's extraction processes (flows/processes.py): real spawned processes, a real dying one."""

from __future__ import annotations

import os
import signal
from contextlib import nullcontext

import pytest

from flows import processes


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does


def test_batches_run_in_other_processes_only_while_the_pool_is_open():
    with processes.local_processes(2):
        pids = {processes.run(os.getpid) for _ in range(6)}
    assert pids and os.getpid() not in pids
    assert processes.run(os.getpid) == os.getpid()  # closed: back in this process


def test_a_dying_process_fails_its_batch_clearly_and_a_retry_gets_new_processes():
    with processes.local_processes(2):
        before = processes.run(os.getpid)
        with pytest.raises(RuntimeError, match="an extraction process died"):
            processes.run(_die)
        after = processes.run(os.getpid)
    assert after != before and after != os.getpid()


def test_several_batches_use_one_process_per_core_of_the_setting():
    from chuxin.settings import Settings
    from flows.etl import _extraction

    runner, opened = _extraction(Settings(workers=2), n_batches=5)
    assert runner._max_workers == 2 and not isinstance(opened, nullcontext)
    runner, opened = _extraction(Settings(workers=2), n_batches=1)
    assert runner._max_workers == 1 and isinstance(opened, nullcontext)  # one batch: no processes
