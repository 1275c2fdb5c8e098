"""``chuxin report``: write the self-contained HTML report of the warehouse."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="write a self-contained HTML report (<data-dir>/report/index.html)",
                              description=__doc__)
    p.add_argument("--data-dir", default="data", help="folder holding warehouse.duckdb (default: data)")
    p.add_argument("--output", "-o", default=None,
                   help="write the page here instead of <data-dir>/report/index.html "
                        "(the Data Docs link is relative: ../docs/index.html)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from tasks.report import build_report

    try:
        out = build_report(args.data_dir, args.output)
    except FileNotFoundError as exc:
        print(f"chuxin report: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        first = next((ln for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
        print(f"chuxin report: cannot read the warehouse ({first}); rebuild it with `make run`", file=sys.stderr)
        return 1
    print(f"report written to {out}")
    return 0
