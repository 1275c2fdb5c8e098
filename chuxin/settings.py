"""The one settings object: built once from CLI flags or flow parameters, passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    raw_dir: Path | str = Path("data/raw")  # a local path, or an fsspec URL (s3://…, file://…)
    data_dir: Path = Path("data")
    batch_size: int = 2000  # documents per task run: Prefect costs ~0.3 s per task run (BENCHMARKS.md)
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
