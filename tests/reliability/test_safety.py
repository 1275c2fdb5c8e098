"""Safety: input names never steer where files are written; values never become SQL text;
``chuxin query`` cannot change the warehouse."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

import tasks.process

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"

# Names a hostile or careless scrape could produce (no "/" or NUL: the file system forbids them).
HOSTILE = ["...txt",  # doc_id ".."
           "..\\..\\..\\etc\\passwd.txt", "~root.txt", "-rf .txt", "$(touch pwned).txt", "`id`.txt",
           "C:\\Windows\\x.txt", "%2e%2e%2fup.txt", "it's \"quoted\"; DROP TABLE reports; --.txt",
           "' OR '1'='1.txt"]


def snapshot_tree(root: Path) -> dict[str, str]:
    out = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if not p.is_symlink():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def hostile_run(prefect_api, tmp_path_factory):
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("safety")
    raw, data = tmp / "raw", tmp / "box" / "data"
    shutil.copytree(SAMPLES, raw)
    text = next(SAMPLES.glob("273*.txt")).read_text(encoding="utf-8")
    for i, name in enumerate(HOSTILE):
        (raw / name).write_text(text.replace("273", str(950 + i), 1), encoding="utf-8")
    (tmp / "box").mkdir()
    (tmp / "box" / "neighbour.txt").write_text("must stay as it is", encoding="utf-8")
    outside_before = {k: v for k, v in snapshot_tree(tmp).items() if not k.startswith(("box/data", "raw"))}
    raw_before = snapshot_tree(raw)
    written: list[str] = []
    real = tasks.process.AtomicParquetWriter

    def record(path, table_schema):
        written.append(str(path))
        return real(path, table_schema)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tasks.process, "AtomicParquetWriter", record)
        summary = chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    return tmp, raw, data, summary, written, outside_before, raw_before


def test_hostile_names_load_and_write_nothing_outside_the_data_dir(hostile_run):
    tmp, raw, data, summary, written, outside_before, raw_before = hostile_run
    assert summary["counts"]["loaded"] == 5 + len(HOSTILE)
    outside_after = {k: v for k, v in snapshot_tree(tmp).items() if not k.startswith(("box/data", "raw"))}
    assert outside_after == outside_before
    assert snapshot_tree(raw) == raw_before  # the raw dir is only read
    staging = (data / "staging").resolve()
    for path in written:  # Parquet parts are named by table and batch number, never by input names
        rel = Path(path).resolve().relative_to(staging)
        assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{8}/[a-z_]+/part-\d{6}\.parquet", rel.as_posix()), path
    assert not (tmp / "pwned").exists() and not Path("pwned").exists()


def test_hostile_names_are_stored_verbatim(hostile_run):
    _, _, data, *_ = hostile_run
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT source_path FROM reports").fetchall()}
        assert set(HOSTILE) <= stored
        assert con.execute("SELECT doc_id FROM reports WHERE source_path = '...txt'").fetchall() == [("..",)]
    finally:
        con.close()


def test_chuxin_query_is_read_only_and_binds_parameters(hostile_run, capsys):
    pytest.importorskip("chuxin.cmd_query")
    from chuxin.cli import main

    _, _, data, *_ = hostile_run
    wh = data / "warehouse.duckdb"
    before = hashlib.sha256(wh.read_bytes()).hexdigest()
    for sql in ("CREATE TABLE x (i INTEGER)", "DELETE FROM reports", "DROP TABLE reports",
                "UPDATE reports SET province = NULL", "INSERT INTO quarantine VALUES ('a','b','c','d','e','f')",
                f"COPY reports TO '{data / 'out.csv'}'"):
        assert main(["query", sql, "--data-dir", str(data)]) != 0, sql
    assert hashlib.sha256(wh.read_bytes()).hexdigest() == before
    assert not (data / "out.csv").exists()
    capsys.readouterr()
    # A parameter is a value, whatever it holds.
    evil = "x' OR '1'='1"
    assert main(["query", "SELECT count(*) AS n FROM reports WHERE doc_id = $d", "--param", f"d={evil}",
                 "--data-dir", str(data), "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "0"]
    assert main(["query", "SELECT count(*) AS n FROM reports WHERE doc_id = $d", "--param", "d=' OR '1'='1",
                 "--data-dir", str(data), "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["n", "1"]  # the file literally named so
