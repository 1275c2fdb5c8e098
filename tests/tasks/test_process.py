"""process_batch streams each table to Parquet in row groups of FLUSH_DOCS documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import tasks.process
from tasks import schema
from tasks.process import process_batch
from tasks.store import AtomicParquetWriter

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"


@pytest.fixture()
def raw(tmp_path) -> tuple[Path, list[str]]:
    """The shipped samples, each three times under another name, plus an empty file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    names = []
    for i, src in enumerate(sorted(SAMPLES.glob("*.txt"))):
        for copy in range(3):
            name = f"{copy}{src.name}"
            shutil.copy(src, raw / name)
            names.append(name)
    (raw / "9empty.txt").write_bytes(b"")
    return raw, sorted(names + ["9empty.txt"])


def _tables(parts: dict[str, str]) -> dict[str, pa.Table]:
    return {name: pq.read_table(path) for name, path in parts.items()}


def test_streamed_row_groups_hold_the_same_rows_as_one_write(raw, tmp_path, monkeypatch):
    raw_dir, names = raw
    whole = process_batch(str(raw_dir), names, str(tmp_path / "whole"), 0)
    monkeypatch.setattr(tasks.process, "FLUSH_DOCS", 2)
    streamed = process_batch(str(raw_dir), names, str(tmp_path / "streamed"), 0)

    assert (streamed.n_loaded, streamed.n_quarantined) == (whole.n_loaded, whole.n_quarantined) == (15, 1)
    assert set(streamed.parts) == set(schema.ALL_TABLES) | {"files"}
    assert _tables(streamed.parts) == _tables(whole.parts)
    reports = pq.ParquetFile(streamed.parts["reports"])
    assert reports.metadata.num_row_groups == 8  # 16 files, flushed every 2
    assert reports.schema_arrow == schema.REPORTS
    assert pq.read_table(streamed.parts["files"]).column("status").to_pylist().count("quarantined") == 1


def test_a_failed_batch_leaves_no_part_and_no_temporary_file(raw, tmp_path, monkeypatch):
    raw_dir, names = raw
    monkeypatch.setattr(tasks.process, "FLUSH_DOCS", 2)
    calls = []

    def fail_third(self, table):
        calls.append(self.path.name)
        if len(calls) == 3 * len(schema.ALL_TABLES):
            raise OSError(28, "No space left on device")
        return real(self, table)

    real = AtomicParquetWriter.write
    monkeypatch.setattr(AtomicParquetWriter, "write", fail_third)
    with pytest.raises(OSError, match="No space left"):
        process_batch(str(raw_dir), names, str(tmp_path / "out"), 0)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_a_writer_without_rows_writes_the_schema(tmp_path):
    path = AtomicParquetWriter(tmp_path / "t" / "part.parquet", schema.SLOGANS).close()
    table = pq.read_table(path)
    assert table.num_rows == 0 and table.schema == schema.SLOGANS
    assert [p.name for p in (tmp_path / "t").iterdir()] == ["part.parquet"]
