"""A flow run killed under a real Prefect server and process worker does not block the next one.

The deployment has ``concurrency_limit=1``. When the flow's process is killed (here by
``CHUXIN_FAULT=load``, a SIGKILL after extraction), the worker sees its child exit with -9
and reports the run Crashed, which frees the concurrency slot; the warehouse lock went with
the process. The next run of the deployment completes normally.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from tests.flows import test_deployment
from tests.flows.test_deployment import BIN, background, run_cli

server_env = test_deployment.server_env  # the fixture: a real `prefect server start` on a free port

pytestmark = pytest.mark.integration


def states(api: str) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        with get_client(sync_client=True) as client:
            runs = [r for r in client.read_flow_runs() if r.parent_task_run_id is None]
            return [r.state.type.value for r in sorted(runs, key=lambda r: r.created)]


def test_a_killed_deployment_run_is_crashed_and_does_not_block_the_next(server_env, raw_dir, tmp_path):
    env, api = server_env
    data = tmp_path / "data"
    run_cli([str(BIN / "chuxin"), "deploy", "--raw-dir", str(raw_dir), "--data-dir", str(data), "--paused"], env)
    trigger = [str(BIN / "prefect"), "deployment", "run", "chuxin-etl/scheduled", "--watch",
               "--watch-timeout", "240"]
    with background([str(BIN / "prefect"), "worker", "start", "--pool", "chuxin", "--type", "process"],
                    {**env, "CHUXIN_FAULT": "load"}, tmp_path / "worker1.log"):
        killed = subprocess.run(trigger, env=env, capture_output=True, text=True, timeout=300)
    log = (tmp_path / "worker1.log").read_text(errors="replace")
    assert states(api) == ["CRASHED"], log[-3000:]
    assert "-9" in log or "SIGKILL" in log or "Crashed" in log, log[-3000:]
    assert killed.returncode != 0  # what `prefect deployment run --watch` tells the operator
    assert not (data / "warehouse.duckdb").exists()  # nothing was published

    with background([str(BIN / "prefect"), "worker", "start", "--pool", "chuxin", "--type", "process"],
                    env, tmp_path / "worker2.log"):
        run_cli(trigger, env, timeout=300)
    assert states(api) == ["CRASHED", "COMPLETED"], (tmp_path / "worker2.log").read_text(errors="replace")[-3000:]
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (5,)
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)  # the crashed run left no row
    finally:
        con.close()
