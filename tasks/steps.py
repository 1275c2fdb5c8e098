"""Prefect tasks: thin wrappers that do I/O and call the pure modules.

Tasks work on batches of documents, never one task per file: Prefect costs
milliseconds per task run, extraction costs a fraction of one per document.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from chuxin.settings import Settings
from tasks import planning, schema, store, warehouse
from tasks.faults import checkpoint
from tasks.planning import Plan
from tasks.process import BatchResult
from tasks.validate import (
    CHUNK_BYTES,
    ExpectationOutcome,
    SuiteSpec,
    import_gx_in_background,
    load_suites,
    run_suites,
    suites_fingerprint,
)

# Transient I/O (NFS hiccups, a file briefly locked) is retried; extraction is
# deterministic, and its errors become quarantine rows instead of exceptions.
IO_RETRIES = dict(retries=2, retry_delay_seconds=[1, 5])
# A run names at most this many quarantined files in its log, summary and artifact; the quarantine
# table holds them all. At 1M reports, 6,603 warnings outran the log's delivery to Prefect's server.
MAX_QUARANTINE_LISTED = 20


@task(name="plan-run", **IO_RETRIES)
def plan_run(settings: Settings, run_id: str) -> Plan:
    """``planning.plan_run`` as a task: list the raw dir and compare it with the warehouse."""
    return planning.plan_run(settings, run_id)


@task(name="load-validate-publish", cache_policy=NO_CACHE)
def load_validate_publish(settings: Settings, plan: Plan, results: list[BatchResult],
                          run_meta: dict) -> dict:
    """Load every batch into a copy of the warehouse, validate it, and publish it atomically."""
    logger = get_run_logger()
    parts: dict[str, list[str]] = {}
    for res in results:
        for name, path in res.parts.items():
            parts.setdefault(name, []).append(path)
    prune = plan.removed if settings.prune else []
    docs_live = settings.data_dir / "docs"
    docs_building = settings.data_dir / ".docs.building"
    shutil.rmtree(docs_building, ignore_errors=True)
    snapshot: dict[str, Path] = {}
    checkpoint("load")
    import_gx_in_background()
    con = warehouse.start_building(settings.warehouse, settings.building)
    try:
        counts = warehouse.load_run(con, plan.run_id, parts, _processed_files(settings, plan, results),
                                    plan.skipped, prune)
        snapshot = warehouse.write_snapshot(con, settings.parquet_dir, plan.run_id)
        outcomes = validate_connection(con, plan.run_id, docs_dir=docs_building)
        n_failures = sum(len(o.failures) or o.n_failed for o in outcomes if not o.success)
        warehouse.write_dq(con, plan.run_id, outcomes)
        con.execute("INSERT INTO dq_suites VALUES (?, ?, ?)", [plan.run_id, suites_fingerprint(), warehouse.now()])
        critical = [o for o in outcomes if not o.success and o.severity == "critical"]
        outcome = "completed" if not (settings.strict and critical) else "failed_dq"
        warehouse.record_run(con, {**run_meta, "n_seen": plan.n_seen, "n_new": plan.n_new,
                                   "n_changed": plan.n_changed, "n_unchanged": plan.unchanged,
                                   "n_removed": len(plan.removed), "n_pruned": counts.pruned,
                                   "n_loaded": counts.loaded, "n_quarantined": counts.quarantined,
                                   "n_dq_failures": n_failures, "outcome": outcome,
                                   "finished_at": warehouse.now()})
        quarantine = con.execute(
            "SELECT source_path, stage, reason FROM quarantine WHERE run_id = ? ORDER BY source_path LIMIT ?",
            [plan.run_id, MAX_QUARANTINE_LISTED]).fetchall()
        warehouse.publish(con, settings.building, settings.warehouse)
    except BaseException:
        try:
            con.close()
        finally:
            settings.building.unlink(missing_ok=True)
            warehouse.discard_snapshot(snapshot)
            shutil.rmtree(docs_building, ignore_errors=True)
        raise
    parquet = warehouse.commit_snapshot(snapshot)
    data_docs = _publish_docs(docs_building, docs_live)
    if data_docs is None:
        logger.warning("GX Data Docs could not be built this run; see the log above")
    _write_dq_json(settings, plan.run_id, outcomes)
    for path, stage, reason in quarantine:
        logger.warning("quarantined %s at %s: %s", path, stage, reason)
    if counts.quarantined > len(quarantine):
        logger.warning("%s", more_quarantined(counts.quarantined - len(quarantine), plan.run_id))
    return {"counts": asdict(counts), "outcomes": [asdict(o) for o in outcomes], "outcome": outcome,
            "quarantine": [{"source_path": p, "stage": s, "reason": r} for p, s, r in quarantine],
            "quarantine_more": counts.quarantined - len(quarantine),
            "data_docs": str(data_docs) if data_docs else None,
            "parquet": {table: str(path) for table, path in parquet.items()}}


def more_quarantined(n: int, run_id: str) -> str:
    """The line that stands for the quarantined files a summary does not list."""
    return f"… and {n:,} more quarantined this run: SELECT * FROM quarantine WHERE run_id = '{run_id}'"


def _processed_files(settings: Settings, plan: Plan, results: list[BatchResult]) -> warehouse.ProcessedFiles:
    """The files read this run, for ``warehouse.load_run`` to join inside DuckDB: the batches'
    ``files`` parts with the size and mtime the plan listed (spilled to Parquet if not yet)."""
    if not plan.stats_file:
        plan.spill(settings.staging(plan.run_id))
    parts = [res.parts["files"] for res in results if "files" in res.parts]
    if not parts:  # nothing read this run: an empty part keeps the query the same
        parts = [str(store.write_parquet_atomic(schema.FILES.empty_table(),
                                                settings.staging(plan.run_id) / "files-none.parquet"))]
    return warehouse.ProcessedFiles(parts, plan.stats_file)


def validate_connection(con, run_id: str, docs_dir: Path | None = None,
                        suites: list[SuiteSpec] | None = None) -> list[ExpectationOutcome]:
    """Run the expectation suites on the building warehouse.

    The warehouse_agreement suite reads the Parquet snapshot through the
    ``snapshot_<table>`` views that ``warehouse.write_snapshot`` creates on ``con``.
    """
    suites = load_suites() if suites is None else suites
    frames = {s.dataset: warehouse.dq_chunks(con, s.dataset, CHUNK_BYTES) for s in suites}
    return run_suites(suites, frames, run_id=run_id, docs_dir=docs_dir)


def _publish_docs(building: Path, live: Path) -> Path | None:
    """Replace ``live`` (the Data Docs site) with the one built this run; return its index page."""
    if not (building / "index.html").exists():
        shutil.rmtree(building, ignore_errors=True)
        return None
    old = live.with_name(".docs.old")
    shutil.rmtree(old, ignore_errors=True)
    if live.exists():
        os.replace(live, old)
    os.replace(building, live)
    shutil.rmtree(old, ignore_errors=True)
    return (live / "index.html").resolve()


def _write_dq_json(settings: Settings, run_id: str, outcomes: list[ExpectationOutcome]) -> None:
    settings.dq_dir.mkdir(parents=True, exist_ok=True)
    path = settings.dq_dir / f"{run_id}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(o) for o in outcomes], ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
