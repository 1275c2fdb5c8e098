"""`chuxin run` outside a deployment: its own temporary Prefect server, and the no-op check
that records a run with nothing to do without starting a Prefect flow."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from chuxin.settings import Settings
from chuxin.temp_server import no_api_configured

CHUXIN = str(Path(sys.executable).parent / "chuxin")


def env(tmp_path) -> dict:
    e = {**os.environ, "PREFECT_HOME": str(tmp_path / "home")}
    e.pop("PREFECT_API_URL", None)
    return e


def run(raw_dir, tmp_path, *flags) -> subprocess.CompletedProcess:
    return subprocess.run([CHUXIN, "run", "--raw-dir", str(raw_dir), "--data-dir", str(tmp_path / "d"), "--plain",
                           *flags], capture_output=True, text=True, env=env(tmp_path), timeout=300)


def runs(tmp_path) -> list[tuple]:
    con = duckdb.connect(str(tmp_path / "d" / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute("SELECT flow_run_id, n_loaded, n_unchanged, outcome FROM runs ORDER BY started_at").fetchall()
    finally:
        con.close()


@pytest.mark.integration
def test_noop_run_is_recorded_without_a_flow_and_force_flow_runs_one(raw_dir, tmp_path):
    first = run(raw_dir, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "started a temporary Prefect server" in first.stderr
    assert "View at http" not in first.stdout + first.stderr  # the temporary server serves no UI
    second = run(raw_dir, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "without starting a Prefect flow" in second.stderr
    assert "Beginning flow run" not in second.stdout + second.stderr
    assert re.search(r"5 files seen \(0 new, 0 changed, 5 unchanged", second.stdout)
    forced = run(raw_dir, tmp_path, "--force-flow")
    assert forced.returncode == 0, forced.stderr
    assert "Beginning flow run" in forced.stdout + forced.stderr
    (first_run, noop, forced_run) = runs(tmp_path)
    assert first_run[0] is not None and first_run[1] == 5
    assert noop == (None, 0, 5, "completed")  # recorded in the warehouse, with no Prefect flow run
    assert forced_run[0] is not None and forced_run[1:] == (0, 5, "completed")
    # A changed file is not a no-op: the flow runs and reloads it.
    victim = sorted(raw_dir.glob("*.txt"))[0]
    victim.write_bytes(victim.read_bytes() + "\n补充一段。".encode())
    changed = run(raw_dir, tmp_path)
    assert changed.returncode == 0, changed.stderr
    assert "without starting a Prefect flow" not in changed.stderr
    assert runs(tmp_path)[-1][0] is not None and runs(tmp_path)[-1][1] == 1


@pytest.mark.integration
def test_strict_noop_fails_while_critical_expectations_fail(raw_dir, tmp_path):
    """--strict's exit code must not depend on whether Prefect was started."""
    bad = sorted(raw_dir.glob("*.txt"))[0]
    text = bad.read_text(encoding="utf-8")
    bad.write_text(re.sub(r"\d{1,2}月\d{1,2}日", "", text), encoding="utf-8")  # no meeting date left
    assert run(raw_dir, tmp_path).returncode == 0  # not strict: loaded, failures recorded
    strict = run(raw_dir, tmp_path, "--strict")
    assert strict.returncode == 1
    assert "without starting a Prefect flow" in strict.stderr and "run failed" in strict.stderr


def test_temporary_server_only_where_prefect_would_start_one(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    base = {"PREFECT_HOME": str(home)}
    assert no_api_configured(base, tmp_path)
    assert not no_api_configured({**base, "PREFECT_API_URL": "http://127.0.0.1:4200/api"}, tmp_path)
    assert not no_api_configured({**base, "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false"}, tmp_path)
    assert not no_api_configured({**base, "PREFECT_PROFILE": "local"}, tmp_path)
    (home / "profiles.toml").write_text('active = "ephemeral"\n[profiles.ephemeral]\n'
                                        'PREFECT_API_URL = "http://10.0.0.1:4200/api"\n')
    assert not no_api_configured(base, tmp_path)
    (home / "profiles.toml").write_text('active = "ephemeral"\n[profiles.ephemeral]\n')
    assert no_api_configured(base, tmp_path)
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "http://10.0.0.1:4200/api"\n')
    assert not no_api_configured(base, tmp_path)


def test_automatic_batch_size():
    two = Settings(workers=2)
    assert two.batch_size_for(5) == 2000  # one in-process batch
    assert two.batch_size_for(12_000) == 3000  # two batches per worker
    assert two.batch_size_for(1_000_000) == 10_000  # capped: progress steps, retry cost
    assert Settings(workers=2, batch_size=40).batch_size_for(1_000_000) == 40


def test_the_noop_check_needs_neither_prefect_nor_great_expectations():
    """`chuxin run` checks for a no-op before it imports Prefect (a quarter of a no-op's time at
    100,000 files, BENCHMARKS.md): the check's module must not pull either framework in."""
    code = ("import sys, tasks.planning, chuxin.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'prefect', 'great_expectations'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
