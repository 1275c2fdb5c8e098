"""``chuxin synth``: write a deterministic synthetic corpus of raw reports and its gold file."""

from __future__ import annotations

import argparse
import sys
import time


def _synth(args: argparse.Namespace) -> int:
    from tasks.synth import write_corpus

    t0 = time.perf_counter()
    counts = write_corpus(args.out, args.n, seed=args.seed, gold_path=args.gold, start=args.start)
    took = time.perf_counter() - t0
    gold = args.gold or f"{args.out}/gold.jsonl"
    print(f"wrote {counts['files']} reports ({counts['bytes'] / 2**20:.1f} MiB, {counts['images']} pictures, "
          f"{counts['broken']} deliberately broken) under {args.out} in {took:.1f} s "
          f"({counts['files'] / max(took, 1e-9):.0f} files/s); truth in {gold}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("synth", help="write a seeded synthetic corpus of raw reports with a gold file")
    p.add_argument("--n", type=int, required=True, help="number of reports to write")
    p.add_argument("--out", required=True, help="folder to write the raw files into (created if missing)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed: the same seed gives the same bytes (default 0)")
    p.add_argument("--start", type=int, default=0, help="index of the first report (to extend a corpus)")
    p.add_argument("--gold", default=None, help="gold JSONL path (default: OUT/gold.jsonl)")
    p.set_defaults(func=_synth)
