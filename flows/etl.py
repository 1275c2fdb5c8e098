"""The ``chuxin-etl`` flow: raw reports → Parquet → DuckDB → expectations.

The outer flow plans the run, hands extraction batches to a subflow whose task
runner is chosen at run time (this process, the run's own extraction processes —
flows/processes.py — or an existing Dask cluster), then loads, validates and
publishes the warehouse.
"""

from __future__ import annotations

import shutil
from contextlib import contextmanager, nullcontext
from urllib.parse import quote

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote as opaque

from chuxin.settings import Settings
from flows import processes
from tasks import fsio, warehouse
from tasks.planning import Plan, nothing_to_do, plan_counts, record_noop, run_meta
from tasks.process import BatchResult
from tasks.steps import IO_RETRIES, load_validate_publish, more_quarantined, plan_run


@task(name="extract-batch", cache_policy=NO_CACHE, **IO_RETRIES)
def extract_batch(raw_dir: str, rel_paths: list[str], out_dir: str, batch_no: int) -> BatchResult:
    """One batch: read (local path or fsspec URL) → clean → extract → Parquet parts under out_dir.

    Runs in one of the run's extraction processes when they are open (flows/processes.py),
    else here: on a Dask worker, or in the flow's process for a single batch."""
    return processes.run(fsio.run_batch, raw_dir, rel_paths, out_dir, batch_no)


@flow(name="chuxin-extract")
def extract_batches(raw_dir: str, manifest: str, out_dir: str) -> list[BatchResult]:
    """Run every batch of the manifest as a task on the flow's task runner.

    The batches travel in a manifest file, not as a parameter: Prefect refuses flow-run
    parameters over 512 KB, which a list of file names passes at a few thousand files.
    """
    batches = fsio.read_manifest(manifest)
    progress = create_progress_artifact(progress=0.0, description="extraction batches done (%)")
    futures = [extract_batch.submit(raw_dir, batch, out_dir, i) for i, batch in enumerate(batches)]
    del batches
    results = []
    logger = get_run_logger()
    step = max(1, len(futures) // 100)
    for done, fut in enumerate(futures, start=1):
        results.append(fut.result())
        if done % step == 0 or done == len(futures):
            update_progress_artifact(progress, progress=100.0 * done / len(futures))
            logger.info("extracted batch %d of %d", done, len(futures), extra=_progress("extract", done, len(futures)))
    return results


def _progress(phase: str, done: int, total: int) -> dict:
    """Log-record extras that drive the terminal progress bar (chuxin/progress.py)."""
    return {"chuxin_progress": (phase, done, total)}


@contextmanager
def no_heartbeats():
    """Flow runs started inside this block send no heartbeats.

    Heartbeats let a Prefect server mark a flow run as crashed when they stop. Prefect 3.8
    joins a flow run's heartbeat thread when the run ends, and that thread sleeps in 1-s steps:
    every flow run ended up to a second late (BENCHMARKS.md). Used where nothing can act on them:
    the extraction subflow, whose parent sends its own, and runs on a temporary server, which
    stops with the run.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _extraction(settings: Settings, n_batches: int):
    """The extraction subflow's task runner, and what must be open while it runs."""
    if settings.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address), nullcontext()
    n = min(settings.n_workers, n_batches)  # one task-run thread per extraction process
    # One batch (or one worker) runs here: starting a process would cost more than it saves.
    return ThreadPoolTaskRunner(max_workers=n), processes.local_processes(n) if n > 1 else nullcontext()


@flow(name="chuxin-etl")
def chuxin_etl(raw_dir: str = "data/raw", data_dir: str = "data", prune: bool = False, strict: bool = False,
               batch_size: int = 0, workers: int = 0, dask_address: str | None = None,
               follow_symlinks: bool = False, lock_timeout: float = 60.0,
               staging_url: str | None = None) -> dict:
    """Run the pipeline once. Returns the run summary (also stored in the ``runs`` table)."""
    settings = Settings.build(raw_dir=raw_dir, data_dir=data_dir, prune=prune, strict=strict,
                              batch_size=batch_size, workers=workers, dask_address=dask_address,
                              follow_symlinks=follow_symlinks, lock_timeout=lock_timeout,
                              staging_url=staging_url)
    logger = get_run_logger()
    if not fsio.exists_dir(settings.raw_dir):
        # An expected condition: a clear message and a Failed state, not a traceback.
        return Failed(message=f"raw directory {settings.raw_dir} does not exist or is not a directory")
    flow_run = get_run_context().flow_run
    run_id = warehouse.new_run_id()
    meta = run_meta(settings, run_id, str(flow_run.id) if flow_run else None)
    try:
        summary = _locked_run(settings, run_id, meta)
    except warehouse.LockTimeout as exc:
        return Failed(message=str(exc))
    _artifacts(summary)
    failed = [o for o in summary["outcomes"] if not o["success"]]
    for o in failed:
        docs = ", ".join(sorted({str(d) for d, _ in o["failures"]})[:5])
        logger.warning("expectation %s/%s (%s) failed on %d rows: %s", o["suite"], o["expectation"],
                       o["severity"], o["n_failed"], docs)
    if summary["outcome"] == "failed_dq":
        n = sum(1 for o in failed if o["severity"] == "critical")
        return Failed(message=f"{n} critical expectations failed (--strict); the data were loaded and the "
                              f"failures are in the dq_failures table", data=summary)
    return summary


def _locked_run(settings: Settings, run_id: str, meta: dict) -> dict:
    logger = get_run_logger()
    with warehouse.writer_lock(settings.lock_file, settings.lock_timeout):
        plan: Plan = plan_run(settings, run_id)
        logger.info("%d files seen: %d new, %d changed, %d unchanged, %d removed from the raw dir",
                    plan.n_seen, plan.n_new, plan.n_changed, plan.unchanged, len(plan.removed),
                    extra=_progress("plan", 1, 1))
        if plan.removed and not settings.prune:
            logger.info("rows of %d removed files are kept; run with --prune to drop them", len(plan.removed))
        if nothing_to_do(settings, plan):
            summary = record_noop_task(settings, opaque(plan), meta)
            if summary is not None:
                logger.info("nothing new or changed: the warehouse is up to date (validated by run %s); "
                            "recorded this run only", summary["validated_by"])
                summary["plan"] = plan_counts(plan)
                summary["run_id"] = run_id
                return summary
            logger.info("nothing new or changed, but the expectation suites changed since the last "
                        "validation: validating again")
        staging = settings.staging_location(run_id)
        local_staging = settings.staging(run_id)
        batches = plan.batches(settings.batch_size_for(len(plan.to_process)))
        try:
            results: list[BatchResult] = []
            if batches:
                runner, open_processes = _extraction(settings, len(batches))
                manifest = fsio.write_manifest(staging, batches)
                n_batches = len(batches)
                del batches
                plan.spill(local_staging)
                with open_processes, no_heartbeats():  # this flow's own heartbeats cover the subflow
                    results = extract_batches.with_options(task_runner=runner)(
                        str(settings.raw_dir), manifest, staging)
                if fsio.is_url(staging):  # DuckDB loads from a local disk
                    results = fsio.localize_parts(results, local_staging)
                logger.info("extracted %d batches", n_batches)
            elif not (plan.skipped or (settings.prune and plan.removed)):
                logger.info("nothing new or changed: the warehouse is up to date")
            logger.info("loading, validating and publishing", extra=_progress("load", 0, 1))
            # opaque (Prefect's quote): otherwise Prefect walks these per-file structures (100k+ items).
            summary = load_validate_publish(settings, opaque(plan), opaque(results), meta)
            logger.info("published the warehouse", extra=_progress("load", 1, 1))
        finally:
            fsio.remove_tree(staging)
            shutil.rmtree(local_staging, ignore_errors=True)
    summary["plan"] = plan_counts(plan)
    summary["run_id"] = run_id
    return summary


@task(name="record-noop-run", cache_policy=NO_CACHE)
def record_noop_task(settings: Settings, plan: Plan, meta: dict) -> dict | None:
    """Nothing to load: record the run without copying, validating or publishing (planning.record_noop)."""
    return record_noop(settings, plan, meta)


def _artifacts(summary: dict) -> None:
    plan, counts = summary["plan"], summary["counts"]
    failed = [o for o in summary["outcomes"] if not o["success"]]
    lines = [
        f"# chuxin run {summary['run_id']}",
        "",
        "| files seen | new | changed | unchanged | removed | loaded | quarantined | expectations passed | failed |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| {plan['seen']} | {plan['new']} | {plan['changed']} | {plan['unchanged']} | {plan['removed']} | "
        f"{counts['loaded']} | {counts['quarantined']} | {len(summary['outcomes']) - len(failed)} | {len(failed)} |",
        "",
    ]
    if summary.get("data_docs"):
        lines += [f"Data Docs (suites and results of this run): [{summary['data_docs']}]"
                  f"(file://{quote(summary['data_docs'])})", ""]
    if failed:
        lines += ["## Failed expectations", ""]
        for o in failed:
            docs = ", ".join(sorted({str(d) for d, _ in o["failures"]}))
            lines.append(f"- **{o['suite']}.{o['expectation']}** ({o['severity']}): {o['n_failed']} rows — {docs}")
    if summary["quarantine"]:
        lines += ["", "## Quarantined this run", ""]
        lines += [f"- `{q['source_path']}` ({q['stage']}): {q['reason']}" for q in summary["quarantine"]]
        if summary.get("quarantine_more"):
            lines.append("- " + more_quarantined(summary["quarantine_more"], summary["run_id"]))
    create_markdown_artifact(markdown="\n".join(lines), key="chuxin-run-summary",
                             description="what this run did")
    create_table_artifact(
        key="chuxin-data-quality",
        table=[{"suite": o["suite"], "expectation": o["expectation"], "severity": o["severity"],
                "success": o["success"], "checked": o["n_checked"], "failed": o["n_failed"]}
               for o in summary["outcomes"]],
        description="expectation results of this run")
