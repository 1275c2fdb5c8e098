"""Shared fixtures: offline settings, a real (temporary) Prefect API, the sample corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "raw"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("TQDM_DISABLE", "1")


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory):
    """A real Prefect server on a temporary database, shared by the session's flow tests."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    """A private copy of the five sample reports."""
    dst = tmp_path / "raw"
    shutil.copytree(SAMPLES, dst)
    return dst
