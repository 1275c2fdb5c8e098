"""The ``chuxin`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager

# Offline by default: no telemetry, no analytics, whatever the user's shell says.
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
    "TQDM_DISABLE": "1",  # GX's metric progress bars
}

# Further subcommands live in their own modules, each with ``register(subparsers)``.
COMMAND_MODULES = ("chuxin.cmd_evaluate", "chuxin.cmd_synth", "chuxin.cmd_query", "chuxin.cmd_report")


def set_offline_env() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def _run(args: argparse.Namespace) -> int:
    from chuxin import temp_server

    # Before importing Prefect: the server boots while this process imports (temp_server.py).
    if not temp_server.wanted():
        return _run_flow(args, None)
    server = temp_server.TemporaryServer().start()
    try:
        # Prefect reads its settings once, at import: the URL must be in the environment first.
        # Process-pool workers inherit it. No UI is served, so no "View at" links to one.
        with _environ("PREFECT_API_URL", server.api_url), _environ("PREFECT_UI_URL", ""):
            return _run_flow(args, server)
    finally:
        server.stop()


def _run_flow(args: argparse.Namespace, server) -> int:
    from contextlib import ExitStack

    interactive = sys.stderr.isatty() and not args.plain
    if interactive:
        from chuxin.progress import TerminalProgress
    if not args.force_flow:
        from chuxin.settings import Settings
        from tasks.planning import noop_before_prefect

        settings = Settings.build(raw_dir=args.raw_dir, data_dir=args.data_dir, prune=args.prune,
                                  strict=args.strict, follow_symlinks=args.follow_symlinks)
        summary = noop_before_prefect(settings)
        if summary is not None:
            if server is not None:
                server.stop(graceful=False)  # never used
            print(f"chuxin: nothing new or changed: the warehouse is up to date (validated by run "
                  f"{summary['validated_by']}); recorded this run in its runs table without starting "
                  "a Prefect flow (--force-flow to run one anyway)", file=sys.stderr)
            if summary["outcome"] == "failed_dq":
                print("chuxin: run failed: critical expectations fail on the current data (--strict); "
                      "see the dq_failures table", file=sys.stderr)
                return 1
            return _report(summary, args, interactive)
    # Only now: importing Prefect was a quarter of a no-op run (the check above needs none of it).
    from prefect.states import State

    from flows.etl import chuxin_etl, no_heartbeats

    with ExitStack() as stack:
        if server is not None:
            stack.enter_context(no_heartbeats())  # the temporary server stops with this run
            # This process would idle until the server answers (~2 s): import Great Expectations
            # meanwhile, instead of during the load, where it competes with DuckDB for the cores.
            from tasks.validate import import_gx_in_background

            import_gx_in_background()
            server.wait_ready(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "60")))
            print(f"chuxin: started a temporary Prefect server for this run ({server.api_url}); "
                  "set PREFECT_API_URL to report to a running one", file=sys.stderr)
            stack.callback(_drain_prefect_workers)  # logs and events reach the server before it stops
        if interactive:
            stack.enter_context(TerminalProgress())
        state: State = chuxin_etl(raw_dir=args.raw_dir, data_dir=args.data_dir, prune=args.prune,
                                  strict=args.strict, batch_size=args.batch_size, workers=args.workers,
                                  dask_address=args.dask_address, follow_symlinks=args.follow_symlinks,
                                  lock_timeout=args.lock_timeout, staging_url=args.staging_url,
                                  return_state=True)
        if state.is_failed():
            print(f"chuxin: run failed: {state.message}", file=sys.stderr)
            return 1
        summary = state.result()
    return _report(summary, args, interactive)


def _report(summary: dict, args: argparse.Namespace, interactive: bool) -> int:
    if interactive:
        from chuxin.progress import print_summary

        print_summary(summary, os.path.join(args.data_dir, "warehouse.duckdb"))
        return 0
    plan, counts = summary["plan"], summary["counts"]
    failed = [o for o in summary["outcomes"] if not o["success"]]
    print(f"run {summary['run_id']}: {plan['seen']} files seen ({plan['new']} new, {plan['changed']} changed, "
          f"{plan['unchanged']} unchanged, {plan['removed']} removed); {counts['loaded']} loaded, "
          f"{counts['quarantined']} quarantined")
    print(f"warehouse: {os.path.join(args.data_dir, 'warehouse.duckdb')} — "
          + (", ".join(f"{k} {v}" for k, v in counts["rows"].items()) or "unchanged"))
    print(f"expectations: {len(summary['outcomes']) - len(failed)} passed, {len(failed)} failed"
          + "".join(f"\n  FAILED {o['suite']}.{o['expectation']} ({o['severity']}): {o['n_failed']} rows"
                    for o in failed))
    for q in summary["quarantine"]:
        print(f"  quarantined {q['source_path']} ({q['stage']}): {q['reason']}")
    if summary.get("quarantine_more"):
        from tasks.steps import more_quarantined

        print("  " + more_quarantined(summary["quarantine_more"], summary["run_id"]))
    return 0


def _drain_prefect_workers() -> None:
    """Send Prefect's buffered logs and events now (it would at exit, after the server has gone)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


@contextmanager
def _environ(key: str, value: str):
    old = os.environ.get(key)
    os.environ[key] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = old


def _deploy(args: argparse.Namespace) -> int:
    if not os.environ.get("PREFECT_API_URL"):
        print("chuxin: set PREFECT_API_URL to your Prefect server (make server prints it), e.g.\n"
              "  export PREFECT_API_URL=http://127.0.0.1:4200/api", file=sys.stderr)
        return 2
    from flows.deploy import deploy

    deployment_id = deploy(pool=args.pool, cron=args.cron, timezone=args.timezone,
                           raw_dir=args.raw_dir, data_dir=args.data_dir, paused=args.paused)
    print(f"deployment chuxin-etl/scheduled registered ({deployment_id}) on work pool {args.pool!r}, "
          f"cron {args.cron!r} in {args.timezone}.\n"
          f"Start a worker:  prefect worker start --pool {args.pool}\n"
          f"Run it now:      prefect deployment run 'chuxin-etl/scheduled'")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from flows.deploy import serve

    serve(cron=args.cron, timezone=args.timezone, raw_dir=args.raw_dir, data_dir=args.data_dir)
    return 0


def _schedule_args(p: argparse.ArgumentParser) -> None:
    from_env = os.environ.get
    p.add_argument("--cron", default=from_env("CHUXIN_CRON", "0 2 * * *"),
                   help="cron schedule (default: $CHUXIN_CRON or daily at 02:00)")
    p.add_argument("--timezone", default=from_env("CHUXIN_TIMEZONE", "Asia/Shanghai"),
                   help="time zone of the schedule (default: $CHUXIN_TIMEZONE or Asia/Shanghai)")
    p.add_argument("--raw-dir", default=None, help="raw_dir parameter (default: <repo>/data/raw)")
    p.add_argument("--data-dir", default=None, help="data_dir parameter (default: <repo>/data)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chuxin", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the ETL flow once (Prefect flow chuxin-etl)")
    run.add_argument("--raw-dir", default="data/raw", help="folder of raw report files (default: data/raw)")
    run.add_argument("--data-dir", default="data", help="folder for the warehouse and outputs (default: data)")
    run.add_argument("--prune", action="store_true", help="drop rows of files no longer in the raw dir")
    run.add_argument("--strict", action="store_true", help="fail the run if a critical expectation fails")
    run.add_argument("--batch-size", type=int, default=0,
                     help="documents per extraction task (default: automatic, 2,000-10,000)")
    run.add_argument("--workers", type=int, default=0, help="extraction processes (default: one per core)")
    run.add_argument("--dask-address", default=None, help="run extraction on this Dask scheduler (tcp://host:port)")
    run.add_argument("--staging-url", default=None,
                     help="fsspec URL for the Parquet parts, e.g. s3://bucket/chuxin-staging (default: DATA_DIR/staging)")
    run.add_argument("--follow-symlinks", action="store_true", help="read files behind symbolic links")
    run.add_argument("--force-flow", action="store_true",
                     help="run the Prefect flow even when nothing is new or changed (by default such a run is "
                          "recorded in the warehouse without starting Prefect)")
    run.add_argument("--plain", action="store_true", help="plain logs even on a terminal (no progress bar)")
    run.add_argument("--lock-timeout", type=float, default=60.0,
                     help="seconds to wait for another run on the same data dir (default: 60)")
    run.set_defaults(func=_run)

    dep = sub.add_parser("deploy", help="register the scheduled deployment chuxin-etl/scheduled (needs PREFECT_API_URL)")
    _schedule_args(dep)
    dep.add_argument("--pool", default="chuxin", help="process work pool (created if missing; default: chuxin)")
    dep.add_argument("--paused", action="store_true", help="register with the schedule paused")
    dep.set_defaults(func=_deploy)
    srv = sub.add_parser("serve", help="serve the scheduled deployment from this process (no worker needed)")
    _schedule_args(srv)
    srv.set_defaults(func=_serve)
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    set_offline_env()
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (`chuxin evaluate | head`): stop quietly, as other Unix tools do.
        # stdout is pointed at /dev/null so that Python's flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the closed pipe


if __name__ == "__main__":
    sys.exit(main())
