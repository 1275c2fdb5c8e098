"""Faults injected into real runs: ``kill -9`` at named points, a full disk, a killed lock holder.

Each faulted run is the real ``chuxin run`` in a subprocess; ``CHUXIN_FAULT=<point>`` makes it
SIGKILL itself at that point (tasks/faults.py), which is what ``kill -9`` or the OOM killer do:
no ``finally``, no atexit. The subprocesses talk to the session's Prefect test server, so the
killed flow runs are visible there, stuck in Running, as they would be on a real server.

After each kill: the live warehouse file is byte for byte what it was before the run, the lock
is free, and a normal run gives a warehouse equal, row for row, to that of a run that was
never interrupted (every table, less run ids and timestamps), Parquet snapshot included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tasks.warehouse import writer_lock

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"
BIN = Path(sys.executable).parent
VOLATILE = {"run_id", "flow_run_id", "started_at", "finished_at"}  # differ between any two runs


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def api_url() -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def cli_run(raw: Path, data: Path, home: Path, fault: str | None = None, timeout: float = 300):
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url(),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("CHUXIN_FAULT", None)
    if fault:
        env["CHUXIN_FAULT"] = fault
    # batch size 2, one worker: three extraction batches run one after another in the run's process
    return subprocess.run([str(BIN / "chuxin"), "run", "--raw-dir", str(raw), "--data-dir", str(data),
                           "--batch-size", "2", "--workers", "1", "--lock-timeout", "5"],
                          env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def grow_raw(raw: Path) -> None:
    """The second run's input: three new reports, one changed, one broken."""
    for src, new in (("273", "801"), ("306", "802"), ("227", "803")):
        text = next(SAMPLES.glob(f"{src}*.txt")).read_text(encoding="utf-8").replace(src, new, 1)
        (raw / f"{new}第二次抓取的报道.txt").write_text(text, encoding="utf-8")
    path = next(raw.glob("230*.txt"))
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8").replace("在太原召开", "在大同召开"), encoding="utf-8")
    (raw / "804坏文件.txt").write_bytes(bytes(range(256)) * 20)


def tables(data: Path) -> dict[str, list[tuple]]:
    """Every base table, sorted, without the columns that differ between any two runs."""
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        out = {}
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        for name in names:
            cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_name = ? ORDER BY ordinal_position", [name]).fetchall()]
            keep = ", ".join(f'"{c}"' for c in cols if c not in VOLATILE)
            out[name] = con.execute(f"SELECT {keep} FROM {name} ORDER BY ALL").fetchall()
        for path in sorted((data / "parquet").glob("*.parquet")):
            out[f"parquet:{path.name}"] = con.execute(
                "SELECT * EXCLUDE (run_id) FROM read_parquet(?) ORDER BY ALL" if "run_id" in
                [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
                else "SELECT * FROM read_parquet(?) ORDER BY ALL", [str(path)]).fetchall()
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def history(prefect_api, tmp_path_factory):
    """A raw dir, the warehouse after a first run over the samples, and the reference result
    of a second, uninterrupted run over the grown raw dir."""
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("faults")
    raw, first = tmp / "raw", tmp / "first"
    shutil.copytree(SAMPLES, raw)
    chuxin_etl(raw_dir=str(raw), data_dir=str(first))
    grow_raw(raw)
    reference = tmp / "reference"
    shutil.copytree(first, reference)
    summary = chuxin_etl(raw_dir=str(raw), data_dir=str(reference))
    assert summary["counts"]["loaded"] == 4 and summary["counts"]["quarantined"] == 1
    return raw, first, tables(reference)


def flow_run_states() -> dict[str, str]:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {str(r.id): r.state.type.value for r in client.read_flow_runs() if r.state}


@pytest.mark.parametrize("point", ["extract", "load", "commit", "publish"])
def test_kill_9_then_a_normal_run_equals_an_uninterrupted_one(history, tmp_path, point):
    from flows.etl import chuxin_etl

    raw, first, reference = history
    data = tmp_path / "data"
    shutil.copytree(first, data)
    before = sha(data / "warehouse.duckdb")
    running_before = {k for k, v in flow_run_states().items() if v == "RUNNING"}

    killed = cli_run(raw, data, tmp_path / "home", fault=point)
    assert killed.returncode == -9, killed.stderr[-3000:]
    # The crashed run changed nothing that readers see.
    assert sha(data / "warehouse.duckdb") == before
    # flock is released by the kernel when the holder dies: no stale lock.
    with writer_lock(data / ".chuxin.lock", timeout=0):
        pass
    # What Prefect shows: the killed flow run stays Running (nobody is left to report its end).
    stuck = {k for k, v in flow_run_states().items() if v == "RUNNING"} - running_before
    assert len(stuck) >= 1

    summary = chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    assert summary["outcome"] == "completed"
    assert summary["plan"]["new"] + summary["plan"]["changed"] == 5  # the killed run's work, redone
    assert tables(data) == reference
    assert not any((data / "staging").iterdir())  # the killed run's staging was cleared
    assert not list((data / "parquet").glob(".*.tmp"))  # and its unpublished snapshot files
    assert not (data / ".warehouse.building.duckdb").exists()


def test_a_lock_holder_killed_outright_leaves_no_stale_lock(tmp_path):
    lock = tmp_path / ".chuxin.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import sys; from pathlib import Path; "
                               "from tasks.warehouse import writer_lock\n"
                               "with writer_lock(Path(sys.argv[1]), 5):\n"
                               "    print('locked', flush=True); sys.stdin.readline()", str(lock)],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        from tasks.warehouse import LockTimeout

        with pytest.raises(LockTimeout, match=f"pid {holder.pid}"):
            with writer_lock(lock, timeout=0):
                pass
    finally:
        holder.kill()
        holder.wait()
    assert lock.exists()  # the file stays; the lock on it does not
    with writer_lock(lock, timeout=0):
        pass


# --- disk full ------------------------------------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """A real 24 MiB file system that can fill up (tests run as root)."""
    mnt = tmp_path / "data"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mount: Path, leave: int) -> Path:
    """Fill the file system until ``leave`` bytes are free (0: completely full)."""
    filler = mount / "filler.bin"
    chunk = b"\0" * 65536
    with open(filler, "wb") as fh:
        try:
            while True:
                free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
                if free <= leave:
                    break
                fh.write(chunk[: max(4096, min(len(chunk), free - leave))])
                fh.flush()
        except OSError:
            pass
    return filler


def test_disk_full_fails_the_run_clearly_and_leaves_the_warehouse_unchanged(prefect_api, tmpfs, tmp_path):
    from flows.etl import chuxin_etl

    raw, data = tmp_path / "raw", tmpfs
    shutil.copytree(SAMPLES, raw)
    chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    grow_raw(raw)
    before = sha(data / "warehouse.duckdb")

    # 1. Full while writing the Parquet parts (extraction): retried, then the run fails.
    #    16 KiB stay free: enough for the batch manifest, not for the parts.
    filler = fill(data, leave=16384)
    full = cli_run(raw, data, tmp_path / "home")
    assert full.returncode == 1, full.stdout + full.stderr
    assert "run failed" in full.stderr and "No space left on device" in full.stderr, full.stderr[-3000:]
    assert "tasks/store.py" in full.stderr  # it was the Parquet write that failed
    assert sha(data / "warehouse.duckdb") == before
    assert not any((data / "staging").iterdir())
    filler.unlink()

    # 2. Room for the Parquet parts but not for the copy of the warehouse a run loads into.
    size = (data / "warehouse.duckdb").stat().st_size
    filler = fill(data, leave=size // 2)
    full = cli_run(raw, data, tmp_path / "home")
    assert full.returncode == 1 and "No space left on device" in full.stderr, full.stderr[-3000:]
    assert sha(data / "warehouse.duckdb") == before
    assert not (data / ".warehouse.building.duckdb").exists()  # the partial copy is not left behind
    filler.unlink()

    # 3. Space again: the next run completes the work.
    summary = chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    assert summary["counts"]["loaded"] == 4 and summary["counts"]["quarantined"] == 1
