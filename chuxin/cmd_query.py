"""``chuxin query``: read-only SQL against the warehouse, printed as a table or written to a file.

    chuxin query "SELECT province, meeting_date FROM v_meetings"
    chuxin query "SELECT * FROM v_meetings WHERE guidance_group_no = $g" --param g=7
    chuxin query "SELECT * FROM v_slogans" --format csv --output slogans.csv
    chuxin query --list

The warehouse is always opened read-only, and by default without access to other files
(no COPY … TO, no read_csv of local files); ``--allow-files`` lifts the latter.
Exit codes: 0 ok, 1 no warehouse / output file problem, 2 bad SQL or arguments.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import decimal
import json
import sys
import unicodedata
from pathlib import Path

EXIT_OK, EXIT_NO_WAREHOUSE, EXIT_BAD_QUERY = 0, 1, 2
FORMATS = ("table", "csv", "json", "parquet")


class QueryError(Exception):
    """A problem the user can fix, reported as one line."""

    def __init__(self, message: str, code: int = EXIT_BAD_QUERY):
        super().__init__(message)
        self.code = code


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "query", help="run read-only SQL against the warehouse (chuxin query --list shows the tables and views)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sql", nargs="?", help="the SQL to run; '-' reads it from standard input")
    p.add_argument("--list", action="store_true", help="list the tables and views with their descriptions")
    p.add_argument("--data-dir", default="data", help="folder holding warehouse.duckdb (default: data)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind $NAME in the SQL to VALUE (a string; DuckDB casts it where compared with "
                        "a typed column; use CAST($NAME AS INTEGER) for arithmetic). Repeatable")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="output format (default: table on standard output; parquet needs --output)")
    p.add_argument("--output", "-o", default=None, help="write the result to this file")
    p.add_argument("--max-rows", type=int, default=200,
                   help="rows printed in table format (default 200, 0 = all)")
    p.add_argument("--max-width", type=int, default=40,
                   help="display width of a table cell before it is cut with … (default 40, 0 = no limit)")
    p.add_argument("--allow-files", action="store_true",
                   help="let the SQL read and write other files (read_csv, COPY … TO); the warehouse stays read-only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.list:
            if args.sql:
                raise QueryError("give either SQL or --list, not both")
            cols, rows = list_objects(Path(args.data_dir))
            fmt = args.format or ("table" if not args.output else _format_from_suffix(args.output))
            if fmt == "parquet":
                raise QueryError("--list prints a table, csv or json")
            _emit(cols, rows, fmt, args.output, max_rows=0, max_width=100, null="")
            return EXIT_OK
        if not args.sql:
            raise QueryError("no SQL given (chuxin query \"SELECT …\", or --list to see the tables and views)")
        sql = sys.stdin.read() if args.sql == "-" else args.sql
        params = parse_params(args.param)
        fmt = args.format or (_format_from_suffix(args.output) if args.output else "table")
        if fmt == "parquet" and not args.output:
            raise QueryError("--format parquet needs --output FILE")
        if fmt == "parquet":
            table = query_arrow(Path(args.data_dir), sql, params, allow_files=args.allow_files)
            _write_parquet(table, args.output)
            print(f"{table.num_rows} rows written to {args.output}", file=sys.stderr)
            return EXIT_OK
        cols, rows = query(Path(args.data_dir), sql, params, allow_files=args.allow_files)
        _emit(cols, rows, fmt, args.output, max_rows=args.max_rows, max_width=args.max_width)
        if args.output:
            print(f"{len(rows)} rows written to {args.output}", file=sys.stderr)
        return EXIT_OK
    except QueryError as exc:
        print(f"chuxin query: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:  # `chuxin query … | head`
        sys.stderr.close()
        return EXIT_OK


# --- database ------------------------------------------------------------------------------------

def warehouse_path(data_dir: Path) -> Path:
    return Path(data_dir) / "warehouse.duckdb"


def connect(data_dir: Path, allow_files: bool = False):
    """Open the warehouse read-only (always)."""
    import duckdb

    path = warehouse_path(data_dir)
    if not path.is_file():
        raise QueryError(f"no warehouse at {path}: run `make run` (or `chuxin run --data-dir {data_dir}`) first",
                         EXIT_NO_WAREHOUSE)
    try:
        return duckdb.connect(str(path), read_only=True,
                              config={"enable_external_access": bool(allow_files)})
    except duckdb.Error as exc:
        raise QueryError(f"cannot open {path}: {one_line(exc)}", EXIT_NO_WAREHOUSE) from None


def one_line(exc: BaseException) -> str:
    """DuckDB's multi-line messages (with a LINE n: caret display) folded into one line."""
    parts = []
    for line in str(exc).splitlines():
        line = line.strip()
        if line.startswith("LINE ") or line == "^":
            break
        if line:
            parts.append(line)
    return " ".join(parts) or type(exc).__name__


def parse_params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not name.isidentifier():
            raise QueryError(f"--param expects NAME=VALUE, got {item!r}")
        params[name] = value
    return params


def _execute(con, sql: str, params: dict[str, str]):
    import duckdb

    try:
        return con.execute(sql, params) if params else con.execute(sql)
    except duckdb.Error as exc:
        raise QueryError(one_line(exc)) from None


def query(data_dir: Path, sql: str, params: dict[str, str] | None = None,
          allow_files: bool = False) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` read-only with named parameters; returns (column names, rows)."""
    import duckdb

    con = connect(data_dir, allow_files)
    try:
        cur = _execute(con, sql, params or {})
        if cur.description is None:
            return [], []
        cols = [d[0] for d in cur.description]
        try:
            rows = cur.fetchall()
        except duckdb.Error as exc:
            raise QueryError(one_line(exc)) from None
        return cols, rows
    finally:
        con.close()


def query_arrow(data_dir: Path, sql: str, params: dict[str, str] | None = None, allow_files: bool = False):
    import duckdb

    con = connect(data_dir, allow_files)
    try:
        cur = _execute(con, sql, params or {})
        try:
            return cur.to_arrow_table()
        except duckdb.Error as exc:
            raise QueryError(one_line(exc)) from None
    finally:
        con.close()


LIST_SQL = """
    SELECT table_name AS name, 'table' AS type, estimated_size AS "rows", comment AS description
    FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
    UNION ALL
    SELECT view_name, 'view', NULL, comment
    FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal
    ORDER BY type, name
"""


def list_objects(data_dir: Path) -> tuple[list[str], list[tuple]]:
    con = connect(data_dir)
    try:
        cur = _execute(con, LIST_SQL, {})
        cols = [d[0] for d in cur.description]
        rows = []
        for name, kind, n, desc in cur.fetchall():
            if kind == "table":  # estimated_size is approximate; the tables are small enough to count
                n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            rows.append((name, kind, n, desc))
        return cols, rows
    finally:
        con.close()


# --- output --------------------------------------------------------------------------------------

def _format_from_suffix(path: str) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in ("csv", "json", "parquet") else "table"


def _emit(cols, rows, fmt, output, max_rows, max_width, null: str = "NULL") -> None:
    if fmt == "table":
        text = render_table(cols, rows, max_rows=max_rows, max_width=max_width, null=null)
    elif fmt == "csv":
        text = to_csv(cols, rows)
    elif fmt == "json":
        text = to_json(cols, rows)
    else:
        raise QueryError(f"unknown format {fmt}")
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"cannot write {output}: {exc.strerror}", EXIT_NO_WAREHOUSE) from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _write_parquet(table, output: str) -> None:
    import pyarrow.parquet as pq

    try:
        pq.write_table(table, output)
    except OSError as exc:
        raise QueryError(f"cannot write {output}: {exc}", EXIT_NO_WAREHOUSE) from None


def cell_text(value, null: str = "NULL") -> str:
    if value is None:
        return null
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cell_text(v) for v in value) + "]"
    return str(value).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and fullwidth characters take two, combining marks none."""
    w = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def truncate(text: str, width: int) -> str:
    if width <= 0 or display_width(text) <= width:
        return text
    out, w = [], 0
    for ch in text:
        cw = 0 if unicodedata.combining(ch) else (2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def render_table(cols: list[str], rows: list[tuple], max_rows: int = 0, max_width: int = 0,
                 null: str = "NULL") -> str:
    """Aligned plain-text table; numbers right-aligned; CJK characters count as two columns."""
    if not cols:
        return "(no result)\n"
    shown = rows if max_rows <= 0 else rows[:max_rows]
    cells = [[truncate(cell_text(v, null), max_width) for v in row] for row in shown]
    numeric = [bool(shown) and all(isinstance(r[i], (int, float, decimal.Decimal)) and not isinstance(r[i], bool)
                                   for r in shown if r[i] is not None) for i in range(len(cols))]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(_pad(c, widths[i], numeric[i]) for i, c in enumerate(cols)).rstrip(),
             "  ".join("─" * w for w in widths)]
    lines += ["  ".join(_pad(r[i], widths[i], numeric[i]) for i in range(len(cols))).rstrip() for r in cells]
    n = len(rows)
    footer = f"({n} row{'s' if n != 1 else ''}"
    if len(shown) < n:
        footer += f", {len(shown)} shown; --max-rows 0 shows all, --format csv --output FILE saves them"
    lines.append(footer + ")")
    return "\n".join(lines) + "\n"


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return str(value)


def to_json(cols: list[str], rows: list[tuple]) -> str:
    records = [dict(zip(cols, row)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1, default=_jsonable) + "\n"


def to_csv(cols: list[str], rows: list[tuple]) -> str:
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow(["" if v is None else (cell_text(v) if isinstance(v, (bool, dt.date, list)) else v)
                    for v in row])
    return buf.getvalue()
