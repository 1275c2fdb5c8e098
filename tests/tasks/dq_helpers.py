"""A real warehouse of the sample corpus for the data-quality tests, and a way to break it.

The good warehouse is built once (extraction → DuckDB file, no Prefect); each case works
on its own copy in a tmp dir, changes rows with SQL, snapshots to Parquet, and validates
with real GX.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from tasks import warehouse
from tasks.ingest import doc_id_for, list_files
from tasks.planning import Plan
from tasks.process import process_batch
from tasks.steps import validate_connection
from tasks.validate import ExpectationOutcome, load_suites

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"


def build_good_warehouse(workdir: Path) -> Path:
    """The five sample reports loaded into ``workdir/warehouse.duckdb``."""
    files = list_files(SAMPLES, False).files
    res = process_batch(str(SAMPLES), files, str(workdir / "staging"), 0)
    live = workdir / "warehouse.duckdb"
    con = warehouse.start_building(live, workdir / "building.duckdb")
    plan = Plan("good", len(files), new=list(files), stats={f: (1, 1) for f in files})
    plan.spill(workdir)  # the plan-stats file the load joins, as a run writes it
    processed = warehouse.ProcessedFiles([res.parts["files"]], plan.stats_file)
    warehouse.load_run(con, "good", res.parts, processed, [], [])
    warehouse.publish(con, workdir / "building.duckdb", live)
    return live


def doc(listing_no: int) -> str:
    """The doc_id of the sample report with this listing number."""
    return next(doc_id_for(p.name) for p in SAMPLES.glob(f"{listing_no}*.txt"))


@dataclass
class Case:
    """Rows changed by ``before`` (then snapshotted) and ``after`` (after the Parquet snapshot)."""

    before: str = ""
    after: str = ""


def validate_case(good: Path, tmp_path: Path, case: Case, suite_names: list[str] | None = None,
                  docs_dir: Path | None = None) -> list[ExpectationOutcome]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "warehouse.duckdb"
    shutil.copyfile(good, db)
    con = warehouse.connect(db)
    try:
        if case.before:
            con.execute(case.before)
        warehouse.write_snapshot(con, tmp_path / "parquet", "case")
        if case.after:
            con.execute(case.after)
        suites = [s for s in load_suites() if suite_names is None or s.name in suite_names]
        return validate_connection(con, "case", docs_dir=docs_dir, suites=suites)
    finally:
        con.close()


def outcome(outcomes: list[ExpectationOutcome], suite: str, name: str) -> ExpectationOutcome:
    return next(o for o in outcomes if (o.suite, o.expectation) == (suite, name))
