"""Write typed Parquet atomically: a temp name in the same folder, then rename.

A killed write leaves a footer-less file that breaks every later read; a rename
is atomic, so readers see either no file or a whole one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


class AtomicParquetWriter:
    """One Parquet file written a row group at a time under a temporary name, renamed into
    place by ``close`` (``abort`` removes it). Streaming row groups keeps a batch's memory
    bounded by what was written since the last flush, not by the batch size."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = Path(path), schema
        self._tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, self.schema, compression="zstd")
        self._writer.write_table(table)

    def close(self) -> Path:
        if self._writer is None:  # no rows at all: still a valid file with the schema
            self.write(self.schema.empty_table())
        self._writer.close()
        with open(self._tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(self._tmp, self.path)
        return self.path

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        finally:
            self._tmp.unlink(missing_ok=True)


def write_parquet_atomic(table: pa.Table, path: Path) -> Path:
    writer = AtomicParquetWriter(path, table.schema)
    try:
        writer.write(table)
        return writer.close()
    except BaseException:
        writer.abort()
        raise
