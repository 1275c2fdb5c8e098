"""The chuxin-etl flow end to end against a real Prefect API, DuckDB file and GX validation."""

from __future__ import annotations

import argparse

import duckdb
import pytest

from flows.etl import chuxin_etl

pytestmark = pytest.mark.integration

TABLES = ["reports", "people", "speeches", "slogans", "evidence", "quarantine", "sources"]


def counts(data_dir) -> dict[str, int]:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def query(data_dir, sql, params=None):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_samples_load_with_contract_types_and_values(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert summary["counts"]["loaded"] == 5 and summary["counts"]["quarantined"] == 0
    types = dict(query(data, "SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'reports'"))
    assert types["meeting_date"] == "DATE" and types["guidance_group_no"] == "INTEGER"
    assert types["listing_no"] == "INTEGER" and types["has_images"] == "BOOLEAN"
    rows = query(data, "SELECT listing_no, province, meeting_date::VARCHAR, venue_city, guidance_group_no "
                       "FROM reports ORDER BY listing_no")
    assert rows == [(227, "河南省", "2019-06-06", None, 1), (230, "山西省", "2019-06-06", "太原市", 8),
                    (273, "江苏省", "2019-06-04", "南京市", 3), (274, "黑龙江省", "2019-06-04", "哈尔滨市", 7),
                    (306, "吉林省", "2019-06-03", "长春市", 7)]
    hosts = query(data, "SELECT r.listing_no, p.name FROM people p JOIN reports r USING (doc_id) "
                        "WHERE role = 'host' ORDER BY 1")
    assert hosts == [(227, "陈润儿"), (230, "林武"), (273, "吴政隆"), (274, "陈海波"), (306, "景俊海")]
    assert query(data, "SELECT count(*) FROM dq_failures") == [(0,)]
    assert query(data, "SELECT outcome, n_loaded FROM runs") == [("completed", 5)]
    assert (data / "dq" / f"{summary['run_id']}.json").exists()


def test_rerun_is_idempotent_and_a_noop(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    first = counts(data)
    second_summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert counts(data) == first
    assert second_summary["plan"] == {"seen": 5, "new": 0, "changed": 0, "unchanged": 5, "removed": 0}
    # Touching a file without changing it is recognised by its hash: still nothing to redo.
    for path in raw_dir.glob("*.txt"):
        path.touch()
    third = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert third["plan"]["unchanged"] == 5 and counts(data) == first
    # A real no-op: the runs are recorded, nothing was loaded, validated or snapshotted again.
    assert second_summary["noop"] and third["noop"]
    assert query(data, "SELECT n_new, n_unchanged, n_loaded, outcome FROM runs ORDER BY started_at") == [
        (5, 0, 5, "completed"), (0, 5, 0, "completed"), (0, 5, 0, "completed")]
    assert query(data, "SELECT count(DISTINCT run_id) FROM dq_results") == [(1,)]
    assert len(second_summary["outcomes"]) == len(query(data, "SELECT * FROM dq_results"))  # the standing results


def test_noop_rerun_validates_again_when_the_suites_changed(prefect_api, raw_dir, tmp_path, monkeypatch):
    from tasks import planning, steps

    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    for module in (planning, steps):  # the no-op check, and the fingerprint a validation records
        monkeypatch.setattr(module, "suites_fingerprint", lambda: "edited suites")
    again = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert not again.get("noop") and again["plan"]["unchanged"] == 5
    assert query(data, "SELECT count(DISTINCT run_id) FROM dq_results") == [(2,)]
    monkeypatch.undo()


def test_noop_rerun_with_an_analyst_session_open_publishes_by_copy(prefect_api, raw_dir, tmp_path):
    """Another process holding the warehouse open (DuckDB's file lock) makes the in-place write
    impossible: the run row then goes in through copy → publish, and the analyst is not disturbed."""
    import subprocess
    import sys

    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    analyst = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
                               "print(c.execute('SELECT count(*) FROM runs').fetchone()[0], flush=True); "
                               "sys.stdin.read(); print(c.execute('SELECT count(*) FROM runs').fetchone()[0])",
         str(data / "warehouse.duckdb")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout.readline().strip() == "1"
        again = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
        out, _ = analyst.communicate("", timeout=60)
    finally:
        if analyst.poll() is None:
            analyst.kill()
    assert out.strip() == "1"  # their snapshot, unchanged under them
    assert again["noop"]
    assert query(data, "SELECT n_new, n_loaded FROM runs ORDER BY started_at") == [(5, 5), (0, 0)]


def test_garbage_is_quarantined_and_the_rest_loads(prefect_api, raw_dir, tmp_path):
    (raw_dir / "999垃圾.txt").write_bytes(bytes(range(256)) * 40)
    (raw_dir / "998空.txt").write_bytes(b"")
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert summary["counts"]["loaded"] == 5 and summary["counts"]["quarantined"] == 2
    rows = dict(query(data, "SELECT source_path, reason FROM quarantine"))
    assert "binary" in rows["999垃圾.txt"] and "empty" in rows["998空.txt"]
    assert query(data, "SELECT count(*) FROM reports") == [(5,)]


def test_a_summary_lists_the_first_quarantined_files_and_counts_the_rest(prefect_api, raw_dir, tmp_path,
                                                                          monkeypatch, capsys):
    from chuxin.cli import _report
    from tasks import steps

    monkeypatch.setattr(steps, "MAX_QUARANTINE_LISTED", 1)
    for name in ("997空.txt", "998空.txt", "999空.txt"):
        (raw_dir / name).write_bytes(b"")
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert [q["source_path"] for q in summary["quarantine"]] == ["997空.txt"]
    assert summary["quarantine_more"] == 2
    assert query(data, "SELECT count(*) FROM quarantine") == [(3,)]  # the table keeps them all
    _report(summary, argparse.Namespace(data_dir=str(data)), interactive=False)
    out = capsys.readouterr().out
    assert "quarantined 997空.txt" in out and "998空.txt" not in out
    assert f"… and 2 more quarantined this run: SELECT * FROM quarantine WHERE run_id = '{summary['run_id']}'" in out


def test_a_failing_report_is_visible_in_sql_and_does_not_block_others(prefect_api, raw_dir, tmp_path):
    src = next(raw_dir.glob("273*.txt"))
    text = src.read_text(encoding="utf-8").replace("中央第3指导组副组长姜平出席动员会议并讲话。", "")
    (raw_dir / "900江苏省主题教育动员会议召开.txt").write_text(
        text.replace("273江苏省", "900江苏省", 1), encoding="utf-8")
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    failures = query(data, "SELECT doc_id, expectation, severity FROM dq_failures ORDER BY 1, 2")
    assert ("900江苏省主题教育动员会议召开", "one_guidance_group", "critical") in failures
    assert {f[0] for f in failures} == {"900江苏省主题教育动员会议召开"}
    assert query(data, "SELECT count(*) FROM reports") == [(6,)]


def test_changed_file_replaces_rows_and_removed_file_needs_prune(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    path = next(raw_dir.glob("230*.txt"))
    path.write_text(path.read_text(encoding="utf-8").replace("在太原召开", "在大同召开"), encoding="utf-8")
    next(raw_dir.glob("227*.txt")).unlink()
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert summary["plan"]["changed"] == 1 and summary["plan"]["removed"] == 1
    assert query(data, "SELECT venue_city FROM reports WHERE listing_no = 230") == [("大同市",)]
    assert query(data, "SELECT count(*) FROM reports") == [(5,)]  # removed file kept without --prune
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), prune=True)
    assert query(data, "SELECT count(*) FROM reports") == [(4,)]
    assert query(data, "SELECT count(*) FROM people WHERE doc_id LIKE '227%'") == [(0,)]


def keys(data) -> dict[int, int]:
    """listing_no → doc_key, after checking every row of every document table carries its report's key."""
    bad = query(data, """SELECT count(*) FROM (
        SELECT doc_id, doc_key FROM people UNION ALL SELECT doc_id, doc_key FROM speeches
        UNION ALL SELECT doc_id, doc_key FROM slogans UNION ALL SELECT doc_id, doc_key FROM evidence) t
        LEFT JOIN reports r USING (doc_id) WHERE t.doc_key IS DISTINCT FROM r.doc_key""")
    assert bad == [(0,)], "rows whose doc_key is not their report's"
    rows = query(data, "SELECT listing_no, doc_key FROM reports ORDER BY doc_id")
    assert len({k for _, k in rows}) == len(rows) and None not in {k for _, k in rows}
    return dict(rows)


def test_doc_keys_are_kept_by_changed_files_and_never_given_again(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    first = keys(data)
    assert sorted(first.values()) == [1, 2, 3, 4, 5]  # dense, in doc_id order
    path = next(raw_dir.glob("230*.txt"))
    path.write_text(path.read_text(encoding="utf-8").replace("在太原召开", "在大同召开"), encoding="utf-8")
    next(raw_dir.glob("227*.txt")).unlink()
    new = next(raw_dir.glob("273*.txt"))
    (raw_dir / ("901" + new.name[3:])).write_text("901" + new.read_text(encoding="utf-8")[3:], encoding="utf-8")
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), prune=True)
    second = keys(data)
    assert second[230] == first[230]  # changed: same document, same key
    assert second[901] == 6 and 227 not in second
    (raw_dir / ("901" + new.name[3:])).unlink()
    (raw_dir / ("902" + new.name[3:])).write_text("902" + new.read_text(encoding="utf-8")[3:], encoding="utf-8")
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), prune=True)
    assert keys(data)[902] == 7  # 6 left with 901 and is not given again
    assert {k: v for k, v in keys(data).items() if k != 902} == {k: v for k, v in second.items() if k != 901}


def test_a_warehouse_from_before_doc_keys_gets_them(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    for table in ("reports", "people", "speeches", "slogans", "evidence"):
        con.execute(f"ALTER TABLE {table} DROP COLUMN doc_key")
    con.execute("DROP TABLE counters")
    con.close()
    path = next(raw_dir.glob("230*.txt"))
    path.write_text(path.read_text(encoding="utf-8").replace("在太原召开", "在大同召开"), encoding="utf-8")
    chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert sorted(keys(data).values()) == [1, 2, 3, 4, 5]
    assert query(data, "SELECT last_value FROM counters WHERE name = 'doc_key'") == [(5,)]


def _heartbeat_threads() -> int:
    """Live heartbeat threads: Prefect 3.8 runs each flow run's in a thread on flow_engine's heartbeat_loop."""
    import threading

    return sum(1 for t in threading.enumerate()
               if any(getattr(a, "__name__", "") == "heartbeat_loop" for a in getattr(t, "_args", ())))


def test_flow_runs_under_no_heartbeats_start_no_heartbeat_thread(prefect_api):
    from prefect import flow

    from flows.etl import no_heartbeats

    @flow
    def probe() -> int:
        return _heartbeat_threads()

    assert probe() == 1  # Prefect's default: one per flow run, joined (up to 1 s late) when it ends
    with no_heartbeats():
        assert probe() == 0
    assert probe() == 1  # the setting is restored
