"""Runs and analysts sharing one data dir: real second processes, real DuckDB files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from flows.etl import chuxin_etl

pytestmark = pytest.mark.integration
BIN = Path(sys.executable).parent

ANALYST = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("before", con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the read-only session open until told to go on
    print("after", con.execute("SELECT count(*) FROM reports").fetchone()[0], flush=True)
""")

HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from tasks.warehouse import writer_lock
    from pathlib import Path
    with writer_lock(Path(sys.argv[1]), timeout=5):
        print("locked", flush=True)
        sys.stdin.readline()
""")


def count(data: Path) -> int:
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM reports").fetchone()[0]
    finally:
        con.close()


def test_open_analyst_session_neither_blocks_a_run_nor_sees_half_a_run(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(data / "warehouse.duckdb")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().split() == ["before", "5"]
        src = next(raw_dir.glob("273*.txt"))
        (raw_dir / "901江苏省主题教育会议召开.txt").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
        summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))  # must not fail
        assert summary["counts"]["loaded"] == 1
        analyst.stdin.write("\n")
        analyst.stdin.flush()
        # The open session keeps its consistent snapshot; a new session sees the new run.
        assert analyst.stdout.readline().split() == ["after", "5"]
    finally:
        analyst.kill()
        analyst.wait()
    assert count(data) == 6


def test_second_writer_is_refused_with_a_clear_message(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(data / ".chuxin.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline().strip() == "locked"
        state = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), lock_timeout=1, return_state=True)
        assert state.is_failed()
        assert "another chuxin run is writing" in state.message and "pid" in state.message
    finally:
        holder.kill()
        holder.wait()
    assert not (data / "warehouse.duckdb").exists()
    # Once the holder is gone (even killed), the lock is free: no stale lock.
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), lock_timeout=1)
    assert count(data) == 5


def test_two_runs_started_at_once_give_one_clean_result(raw_dir, tmp_path):
    data = tmp_path / "data"
    procs = []
    for i in range(2):
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / f"home{i}"),
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        procs.append(subprocess.Popen([str(BIN / "chuxin"), "run", "--raw-dir", str(raw_dir),
                                       "--data-dir", str(data), "--lock-timeout", "300"],
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        time.sleep(0.2)
    outputs = [p.communicate(timeout=400)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert count(data) == 5
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        runs = con.execute("SELECT n_new + n_changed, outcome FROM runs ORDER BY started_at").fetchall()
        assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM people").fetchone()[0] > 0
    finally:
        con.close()
    # One run did the work, the other found nothing new: nothing doubled.
    assert sorted(runs) == [(0, "completed"), (5, "completed")]
