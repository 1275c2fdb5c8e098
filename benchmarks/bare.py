"""The pipeline's own step functions called without Prefect: the orchestration baseline.

    python -m benchmarks.bare RAW_DIR DATA_DIR [--plan-only] [--no-validate]

Same plan, same batches (tasks.fsio.run_batch → tasks.process.process_batch) in a plain
multiprocessing pool of one process per core, same load/validate/publish function; only
Prefect (API server, task runs, state tracking, artifacts) is left out. Prints the phase
times as one JSON line. ``--no-validate`` also leaves out the expectation suites (Great
Expectations), to measure extraction, loading and publishing at sizes whose validation
does not fit in memory.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import sys
import time


def main(argv: list[str]) -> int:
    from chuxin.settings import Settings
    from tasks import fsio, planning, steps, warehouse

    raw, data = argv[0], argv[1]
    settings = Settings.build(raw_dir=raw, data_dir=data)
    steps.get_run_logger = lambda: logging.getLogger("chuxin.bare")  # outside a flow there is no run logger
    if "--no-validate" in argv:
        from tasks.validate import ExpectationOutcome

        skipped = ExpectationOutcome("benchmark", "suites_skipped", "warning", True, 0, 0,
                                     "expectation suites skipped by benchmarks/bare.py --no-validate")
        steps.validate_connection = lambda *args, **kwargs: [skipped]
    run_id = warehouse.new_run_id()
    t0 = time.perf_counter()
    plan = planning.plan_run(settings, run_id)
    t_plan = time.perf_counter() - t0
    if "--plan-only" in argv:
        print(json.dumps({"plan_s": t_plan, "seen": plan.n_seen, "unchanged": plan.unchanged}))
        return 0
    if planning.nothing_to_do(settings, plan):  # the flow's no-op fast path, without Prefect
        meta = planning.run_meta(settings, run_id)
        if planning.record_noop(settings, plan, meta) is not None:
            print(json.dumps({"plan": t_plan, "noop": True, "total": time.perf_counter() - t0, "loaded": 0}))
            return 0
    staging = settings.staging_location(run_id)
    batches = plan.batches(settings.batch_size_for(len(plan.to_process)))
    plan.spill(settings.staging(run_id))  # as the flow does once the batches are in their manifest
    with multiprocessing.Pool(settings.n_workers) as pool:
        results = pool.starmap(fsio.run_batch, [(str(settings.raw_dir), b, staging, i) for i, b in enumerate(batches)],
                               chunksize=1)
    t_extract = time.perf_counter() - t0 - t_plan
    meta = planning.run_meta(settings, run_id)
    summary = steps.load_validate_publish.fn(settings, plan, results, meta)
    t_load = time.perf_counter() - t0 - t_plan - t_extract
    shutil.rmtree(settings.staging(run_id), ignore_errors=True)
    print(json.dumps({"plan": t_plan, "extract": t_extract, "load_validate_publish": t_load,
                      "total": time.perf_counter() - t0, "loaded": summary["counts"]["loaded"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
