"""The scheduled deployment against a real Prefect server and process worker.

Starts `prefect server start` on a free loopback port with a temporary home,
registers chuxin-etl/scheduled with `chuxin deploy`, starts a worker, triggers
runs with the real `prefect deployment run` CLI and checks the outcome through
the Prefect API and the warehouse. Everything is torn down even on failure.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def background(cmd: list[str], env: dict, log: Path):
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


def wait_healthy(url: str, proc, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"prefect server exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"prefect server not healthy after {timeout} s: {log.read_text(errors='replace')[-3000:]}")


def run_cli(args: list[str], env: dict, timeout: float = 300) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture
def server_env(tmp_path):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect_home"), "PREFECT_API_URL": api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
           "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_WORKER_PREFETCH_SECONDS": "5",
           "PREFECT_LOGGING_LEVEL": "INFO"}
    env.pop("PREFECT_API_KEY", None)
    server_cmd = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "server.log"
    with background(server_cmd, {k: v for k, v in env.items() if k != "PREFECT_API_URL"}, log) as server:
        wait_healthy(api, server, log)
        yield env, api


def flow_runs(api: str) -> list:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs()
            out = []
            for run in runs:
                if run.parent_task_run_id is not None:
                    continue  # the extraction subflow
                artifacts = client.read_artifacts(
                    flow_run_filter=__import__("prefect.client.schemas.filters", fromlist=["x"]).FlowRunFilter(
                        id={"any_": [run.id]}))
                out.append((run, {a.key: a for a in artifacts if a.key}))
            return sorted(out, key=lambda r: r[0].expected_start_time or r[0].created)


def test_deployment_runs_via_cli_and_second_run_is_a_noop(server_env, raw_dir, tmp_path):
    env, api = server_env
    data = tmp_path / "data"
    out = run_cli([str(BIN / "chuxin"), "deploy", "--raw-dir", str(raw_dir), "--data-dir", str(data),
                   "--paused"], env)
    assert "chuxin-etl/scheduled" in out
    with background([str(BIN / "prefect"), "worker", "start", "--pool", "chuxin", "--type", "process"],
                    env, tmp_path / "worker.log"):
        for _ in range(2):
            run_cli([str(BIN / "prefect"), "deployment", "run", "chuxin-etl/scheduled", "--watch",
                     "--watch-timeout", "240"], env, timeout=300)
        runs = flow_runs(api)

    worker_log = (tmp_path / "worker.log").read_text(errors="replace")
    assert len(runs) == 2, worker_log[-3000:]
    for run, artifacts in runs:
        assert run.state.is_completed(), f"{run.state}\n{worker_log[-3000:]}"
        assert {"chuxin-run-summary", "chuxin-data-quality"} <= set(artifacts)
    first_md = runs[0][1]["chuxin-run-summary"].data
    second_md = runs[1][1]["chuxin-run-summary"].data
    assert "| 5 | 5 | 0 | 0 | 0 | 5 | 0 |" in first_md  # seen, new, changed, unchanged, removed, loaded, quarantined
    assert "| 5 | 0 | 0 | 5 | 0 | 0 | 0 |" in second_md  # the second run had nothing to do

    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone() == (5,)
        runs_table = con.execute("SELECT flow_run_id, n_new, n_unchanged, outcome FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()
    assert [r[1:] for r in runs_table] == [(5, 0, "completed"), (0, 5, "completed")]
    assert [r[0] for r in runs_table] == [str(run.id) for run, _ in runs]
    assert "Traceback" not in worker_log
