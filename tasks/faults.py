"""Deterministic fault injection for the reliability tests.

``CHUXIN_PAUSE=<point>:<seconds>`` instead pauses there (after touching the file named by
``CHUXIN_PAUSE_MARKER``, if set), so a test can break something around a live run.

``CHUXIN_FAULT=<point>`` makes the process kill itself with SIGKILL (no cleanup, no
``finally``, no atexit: exactly what ``kill -9`` or the OOM killer does) the first time
the code passes ``checkpoint("<point>")``. Unset, a checkpoint costs one dict lookup.

Points (see docs/reliability.md):
    extract   tasks/process.py, after a batch's Parquet parts are written
    load      tasks/steps.py, after extraction, before the warehouse copy is loaded
    commit    tasks/warehouse.py load_run, just before COMMIT
    publish   tasks/warehouse.py publish, just before the atomic os.replace
"""

from __future__ import annotations

import os
import signal

ENV = "CHUXIN_FAULT"
POINTS = ("extract", "load", "commit", "publish")


def checkpoint(point: str) -> None:
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    pause = os.environ.get("CHUXIN_PAUSE", "")
    if pause.startswith(point + ":"):
        import pathlib
        import time

        marker = os.environ.get("CHUXIN_PAUSE_MARKER")
        if marker:
            pathlib.Path(marker).touch()
        time.sleep(float(pause.split(":", 1)[1]))
