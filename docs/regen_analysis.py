"""Re-run every SQL block of docs/analysis.md and rewrite the answer table after it.

    .venv/bin/python docs/regen_analysis.py            # fresh warehouse of the samples → rewrite the doc
    .venv/bin/python docs/regen_analysis.py --check    # only report drift (exit 1 if any)
    .venv/bin/python docs/regen_analysis.py --warehouse data/warehouse.duckdb   # use an existing warehouse

A worked question in the doc is a ```sql block followed (after blank lines) by a markdown
table: the answer on the five samples. Lines ``-- param NAME=VALUE`` in a block bind ``$NAME``
exactly as ``chuxin query --param NAME=VALUE`` does. tests/test_analysis_doc.py uses the same
functions, so the doc and its test cannot disagree about formatting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "analysis.md"
SAMPLES = ROOT / "data" / "raw"

_FENCE_RE = re.compile(r"^```sql[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
_PARAM_RE = re.compile(r"^\s*--\s*param\s+([A-Za-z_]\w*)=(.*?)\s*$", re.M)


@dataclass
class Block:
    sql: str
    params: dict[str, str]
    line: int  # 1-based line of the ```sql fence
    fence_end: int  # offset just after the closing fence
    table_start: int | None  # offset of the answer table, None if missing
    table_end: int | None
    table: str | None


def parse(text: str) -> list[Block]:
    blocks = []
    for m in _FENCE_RE.finditer(text):
        sql = m.group(1)
        params = dict(_PARAM_RE.findall(sql))
        end = m.end()
        # The answer: the markdown table that follows, separated only by blank lines.
        rest = text[end:]
        lead = re.match(r"[ \t]*\n(?:[ \t]*\n)*", rest)
        pos = end + (lead.end() if lead else 0)
        tm = re.compile(r"(?:\|[^\n]*(?:\n|$))+").match(text, pos)
        if tm:
            blocks.append(Block(sql, params, text.count("\n", 0, m.start()) + 1, end, tm.start(), tm.end(),
                                tm.group()))
        else:
            blocks.append(Block(sql, params, text.count("\n", 0, m.start()) + 1, end, None, None, None))
    return blocks


def cell(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (float, decimal.Decimal)):
        return f"{float(value):.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cell(v) for v in value) + "]"
    return str(value).replace("\n", " ").replace("|", "\\|")


def render(cols: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(c.replace("|", "\\|") for c in cols) + " |",
             "|" + "|".join("---" for _ in cols) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def table_cells(table: str) -> list[list[str]]:
    """A markdown table as rows of stripped cells, the separator row dropped (alignment-insensitive)."""
    out = []
    for line in table.strip().splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip("|"))]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            continue
        out.append(cells)
    return out


def run_sql(con, block: Block) -> tuple[list[str], list[tuple]]:
    cur = con.execute(block.sql, block.params) if block.params else con.execute(block.sql)
    return [d[0] for d in cur.description], cur.fetchall()


def check(text: str, con) -> list[str]:
    """Every way the doc's answers differ from the warehouse, one message per block."""
    problems = []
    for i, b in enumerate(parse(text), start=1):
        try:
            cols, rows = run_sql(con, b)
        except Exception as exc:  # noqa: BLE001 - report any SQL failure as drift
            problems.append(f"block {i} (line {b.line}): SQL failed: {str(exc).splitlines()[0]}")
            continue
        expected = table_cells(render(cols, rows))
        if b.table is None:
            problems.append(f"block {i} (line {b.line}): no answer table after the SQL")
        elif table_cells(b.table) != expected:
            got = table_cells(b.table)
            diff = next((f"row {k}: doc {g} ≠ warehouse {x}" for k, (g, x) in enumerate(zip(got, expected))
                         if g != x), f"doc has {len(got) - 1} rows, warehouse {len(expected) - 1}")
            problems.append(f"block {i} (line {b.line}): answer differs: {diff}")
    return problems


def regenerate(text: str, con) -> str:
    """The doc with every answer table replaced (or inserted) from the warehouse."""
    out, last = [], 0
    for b in parse(text):
        table = render(*run_sql(con, b))
        if b.table is None:
            out.append(text[last:b.fence_end] + "\n\n" + table.rstrip("\n"))
            last = b.fence_end
        else:
            out.append(text[last:b.table_start] + (table if b.table.endswith("\n") else table.rstrip("\n")))
            last = b.table_end
    out.append(text[last:])
    return "".join(out)


def build_sample_warehouse(workdir: Path, raw_dir: Path = SAMPLES) -> Path:
    """A fresh warehouse of the sample corpus, built by the real flow; returns its path."""
    from chuxin.cli import set_offline_env

    set_offline_env()
    from flows.etl import chuxin_etl

    shutil.copytree(raw_dir, workdir / "raw")
    state = chuxin_etl(raw_dir=str(workdir / "raw"), data_dir=str(workdir / "data"), return_state=True)
    if state.is_failed():
        raise SystemExit(f"building the sample warehouse failed: {state.message}")
    return workdir / "data" / "warehouse.duckdb"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from tasks import warehouse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", help="use this warehouse instead of building one from the samples")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the doc has drifted")
    ap.add_argument("--doc", default=str(DOC))
    args = ap.parse_args(argv)
    doc = Path(args.doc)
    text = doc.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="chuxin-analysis-") as tmp:
        wh = Path(args.warehouse) if args.warehouse else build_sample_warehouse(Path(tmp))
        con = warehouse.connect(wh, read_only=True)
        try:
            problems = check(text, con)
            if args.check:
                print("\n".join(problems) or f"{doc}: all {len(parse(text))} answers match")
                return 1 if problems else 0
            new = regenerate(text, con)
        finally:
            con.close()
    if new != text:
        doc.write_text(new, encoding="utf-8")
        print(f"{doc}: {len(problems)} answers updated")
        for p in problems:
            print("  " + p)
    else:
        print(f"{doc}: up to date ({len(parse(text))} answers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
