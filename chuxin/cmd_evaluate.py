"""``chuxin evaluate``: extraction accuracy against a hand-annotated gold file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _evaluate(args: argparse.Namespace) -> int:
    from tasks.evaluate import evaluate, format_report

    raw, gold = Path(args.raw_dir), Path(args.gold)
    for path, what in ((raw, "raw dir"), (gold, "gold file")):
        if not path.exists():
            print(f"chuxin evaluate: the {what} {path} does not exist", file=sys.stderr)
            return 2
    try:
        ev = evaluate(raw, gold)
    except ValueError as exc:  # includes json.JSONDecodeError
        print(f"chuxin evaluate: cannot read the gold file {gold}: {exc}", file=sys.stderr)
        return 2
    print(format_report(ev))
    return 0 if ev.exact else 1


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "evaluate", help="score extraction against a gold file: per-field precision/recall and every mismatch",
        description="Run ingest, clean and extract over RAW_DIR and compare with GOLD (JSON keyed by doc_id). "
                    "Exit code 1 if any scored field differs from the gold value.")
    p.add_argument("--raw-dir", required=True, help="folder of raw report files")
    p.add_argument("--gold", required=True, help="gold JSON file (see tests/gold/gold.json)")
    p.set_defaults(func=_evaluate)
