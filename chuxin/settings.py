"""The one settings object: built once from CLI flags or flow parameters, passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MIN_AUTO_BATCH = 2000  # below this, one in-process batch beats starting worker processes
MAX_AUTO_BATCH = 10_000


@dataclass(frozen=True)
class Settings:
    raw_dir: Path | str = Path("data/raw")  # a local path, or an fsspec URL (s3://…, file://…)
    data_dir: Path = Path("data")
    batch_size: int = 0  # documents per task run; 0 = automatic (batch_size_for)
    workers: int = 0  # extraction processes; 0 = one per core
    prune: bool = False  # drop rows of files that left the raw dir
    strict: bool = False  # fail the run when a critical expectation fails
    follow_symlinks: bool = False
    lock_timeout: float = 60.0  # seconds a run waits for another run to finish
    dask_address: str | None = None
    staging_url: str | None = None  # fsspec URL for the Parquet parts (default: data_dir/staging)

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def building(self) -> Path:
        """Where a run builds the next warehouse before publishing it by rename."""
        return self.data_dir / ".warehouse.building.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.data_dir / ".chuxin.lock"

    def staging(self, run_id: str) -> Path:
        return self.data_dir / "staging" / run_id

    def staging_location(self, run_id: str) -> str:
        """Where workers write this run's Parquet parts: a local path or an fsspec URL."""
        if self.staging_url:
            return self.staging_url.rstrip("/") + "/" + run_id
        return str(self.staging(run_id))

    @property
    def parquet_dir(self) -> Path:
        return self.data_dir / "parquet"

    @property
    def dq_dir(self) -> Path:
        return self.data_dir / "dq"

    def batch_size_for(self, n_files: int) -> int:
        """Documents per extraction task: the configured size, or else two batches per worker,
        between MIN_AUTO_BATCH and MAX_AUTO_BATCH.

        Fewer, larger task runs: Prefect costs a fixed ~0.2-0.5 s of worker CPU per task run
        (BENCHMARKS.md: 2,000-document batches spent a third of the workers' time on it).
        The cap keeps the progress steps and the work a retried batch redoes small. It no longer
        bounds memory: a batch streams its rows to Parquet every ``process.FLUSH_DOCS`` documents.
        """
        if self.batch_size:
            return self.batch_size
        return max(MIN_AUTO_BATCH, min(MAX_AUTO_BATCH, -(-n_files // (2 * self.n_workers))))

    @property
    def n_workers(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)

    @classmethod
    def build(cls, **overrides) -> "Settings":
        """Settings from keyword overrides, ignoring Nones (unset CLI flags)."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("raw_dir", "data_dir"):
            if key in clean and not (key == "raw_dir" and "://" in str(clean[key])):
                clean[key] = Path(clean[key])
        return cls(**clean)
