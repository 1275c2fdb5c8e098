"""The Prefect API goes away for a while during a deployment run, then comes back.

A real server and process worker; the run pauses inside its load step (CHUXIN_PAUSE), the
server is stopped for 20 s and restarted on the same port and database. What the operator
sees: connection warnings in the logs, then the run finishes Completed and the warehouse
holds the data. (A longer outage, past the client's ~75 s of retries, fails the run cleanly;
see docs/reliability.md.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import duckdb
import pytest

from tests.flows.test_deployment import BIN, background, free_port, run_cli, wait_healthy

pytestmark = pytest.mark.integration


def _state(api: str) -> str | None:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        with get_client(sync_client=True) as client:
            runs = [r for r in client.read_flow_runs() if r.parent_task_run_id is None]
            return runs[0].state.type.value if runs else None


def test_run_survives_a_short_api_outage(raw_dir, tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    home = tmp_path / "prefect_home"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "5"}
    server_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    server_cmd = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    marker = tmp_path / "paused"
    data = tmp_path / "data"
    worker_env = {**env, "CHUXIN_PAUSE": "load:30", "CHUXIN_PAUSE_MARKER": str(marker)}
    with background(server_cmd, server_env, tmp_path / "server1.log") as server:
        wait_healthy(api, server, tmp_path / "server1.log")
        run_cli([str(BIN / "chuxin"), "deploy", "--raw-dir", str(raw_dir), "--data-dir", str(data), "--paused"], env)
        worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "chuxin", "--type", "process"],
                                  env=worker_env, stdout=open(tmp_path / "worker.log", "wb"),
                                  stderr=subprocess.STDOUT, start_new_session=True)
        try:
            run_cli([str(BIN / "prefect"), "deployment", "run", "chuxin-etl/scheduled"], env)
            deadline = time.monotonic() + 120
            while not marker.exists():
                assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
                time.sleep(0.5)
            # The run is inside its load step: take the API away.
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            time.sleep(20)
            with background(server_cmd, server_env, tmp_path / "server2.log") as server2:
                wait_healthy(api, server2, tmp_path / "server2.log")
                deadline = time.monotonic() + 180
                while _state(api) not in ("COMPLETED", "FAILED", "CRASHED"):
                    assert time.monotonic() < deadline, "run did not finish after the API came back"
                    time.sleep(2)
                assert _state(api) == "COMPLETED", (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (5,)
        assert con.execute("SELECT outcome FROM runs").fetchall() == [("completed",)]
    finally:
        con.close()
