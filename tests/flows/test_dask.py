"""Extraction on a real multi-process Dask cluster, through fsspec URLs, gives exactly the local warehouse."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from flows.etl import chuxin_etl
from tasks.synth import write_corpus
from tests.conftest import SAMPLES

pytestmark = pytest.mark.integration

# Every table of the warehouse; run bookkeeping columns (run ids, timestamps) are left out.
TABLES = {
    "reports": "*", "people": "*", "speeches": "*", "slogans": "*", "evidence": "*",
    "quarantine": "* EXCLUDE (run_id)", "sources": "* EXCLUDE (run_id)",
    "dq_failures": "* EXCLUDE (run_id)",
    "dq_results": "* EXCLUDE (run_id)",
    "runs": "n_seen, n_new, n_changed, n_unchanged, n_removed, n_pruned, n_loaded, n_quarantined, "
            "n_dq_failures, outcome",
}


def snapshot(data_dir) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {t: sorted(con.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr)
                for t, cols in TABLES.items() if t in present}
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("dask") / "raw"
    shutil.copytree(SAMPLES, raw)
    write_corpus(raw / "synth", 240, seed=42, gold_path=raw.parent / "gold.jsonl")
    return raw


def test_dask_cluster_through_fsspec_urls_matches_local_run(prefect_api, corpus, tmp_path):
    distributed = pytest.importorskip("distributed")
    local = chuxin_etl(raw_dir=str(corpus), data_dir=str(tmp_path / "local"), batch_size=40, workers=1)
    assert local["counts"]["loaded"] > 200

    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = chuxin_etl(raw_dir=corpus.as_uri(), data_dir=str(tmp_path / "dask"), batch_size=40,
                            dask_address=cluster.scheduler_address,
                            staging_url=(tmp_path / "object-store" / "staging").as_uri())
        # The batches really ran on the cluster's worker processes.
        tasks_run = client.run(lambda dask_worker: len(dask_worker.state.tasks) + dask_worker.state.executed_count)
        assert len(tasks_run) == 2 and sum(tasks_run.values()) > 0

    assert remote["plan"] == local["plan"] and remote["counts"] == local["counts"]
    a, b = snapshot(tmp_path / "local"), snapshot(tmp_path / "dask")
    assert set(a) == set(b)
    for table in a:
        assert a[table] == b[table], table
    # Staging is cleaned up on both sides.
    assert not any((tmp_path / "object-store" / "staging").glob("*/manifest.json"))


def test_the_runs_own_extraction_processes_match_a_one_process_run(prefect_api, corpus, tmp_path):
    one = chuxin_etl(raw_dir=str(corpus), data_dir=str(tmp_path / "one"), batch_size=40, workers=1)
    two = chuxin_etl(raw_dir=str(corpus), data_dir=str(tmp_path / "two"), batch_size=40, workers=2)
    assert two["plan"] == one["plan"] and two["counts"] == one["counts"]
    a, b = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    for table in a:
        assert a[table] == b[table], table
