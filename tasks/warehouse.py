"""The DuckDB warehouse: one writer at a time, built beside the live file, published by rename.

Why this shape:
- DuckDB allows one writing process per file, and an analyst's open read-only
  session in another process makes an in-place write fail at once. So a run
  never writes the live ``warehouse.duckdb``: it copies it to a building file,
  loads and validates there, and publishes with an atomic ``os.replace``.
  Analysts keep reading the old snapshot until they reconnect, and never see a
  half-loaded run. The one exception is a no-op run (``planning.record_noop``): it appends its
  ``runs`` row in place, in one transaction, when no other process holds the file.
- Two runs against one data dir are serialised by an exclusive ``flock`` on a
  lock file; the kernel drops it when the holder dies, so a killed run leaves no
  stale lock.
- A run killed before the rename leaves the live warehouse untouched; the next
  run discards the stale building file and starts again from the live one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from tasks import dq_datasets, schema
from tasks.faults import checkpoint

EXTRA_TABLES = {
    "sources": """CREATE TABLE IF NOT EXISTS sources (
        source_path VARCHAR PRIMARY KEY, doc_id VARCHAR, source_sha256 VARCHAR,
        size BIGINT, mtime_ns BIGINT, status VARCHAR, run_id VARCHAR)""",
    "runs": """CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR, flow_run_id VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
        raw_dir VARCHAR, n_seen INTEGER, n_new INTEGER, n_changed INTEGER, n_unchanged INTEGER,
        n_removed INTEGER, n_pruned INTEGER, n_loaded INTEGER, n_quarantined INTEGER,
        n_dq_failures INTEGER, outcome VARCHAR)""",
    "dq_results": """CREATE TABLE IF NOT EXISTS dq_results (
        run_id VARCHAR, suite VARCHAR, expectation VARCHAR, severity VARCHAR, success BOOLEAN,
        n_checked INTEGER, n_failed INTEGER, description VARCHAR)""",
    "dq_failures": """CREATE TABLE IF NOT EXISTS dq_failures (
        doc_id VARCHAR, expectation VARCHAR, severity VARCHAR, observed VARCHAR, suite VARCHAR,
        run_id VARCHAR)""",
    # Which expectation suites (a hash of expectations/*.json and the dataset SQL) validated the
    # warehouse as it stands: a no-op rerun may skip validation only while they are unchanged.
    "dq_suites": """CREATE TABLE IF NOT EXISTS dq_suites (run_id VARCHAR, fingerprint VARCHAR,
        finished_at TIMESTAMPTZ)""",
    # The last doc_key handed out (load_run): keys of removed documents are never given again.
    "counters": """CREATE TABLE IF NOT EXISTS counters (name VARCHAR PRIMARY KEY, last_value BIGINT)""",
    "dq_runs": """CREATE TABLE IF NOT EXISTS dq_runs (
        run_id VARCHAR, suite VARCHAR, n_expectations INTEGER, n_passed INTEGER, n_failed INTEGER,
        n_critical_failed INTEGER, finished_at TIMESTAMPTZ)""",
}


VIEWS_SQL = Path(__file__).with_name("views.sql")


class LockTimeout(RuntimeError):
    pass



def new_run_id() -> str:
    """Sortable and unique: the start time to the second, then 8 random hex digits."""
    import uuid

    return f"{now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@contextmanager
def writer_lock(lock_file: Path, timeout: float):
    """Hold the data dir's exclusive writer lock, waiting up to ``timeout`` seconds."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                    raise LockTimeout(
                        f"another chuxin run is writing to {lock_file.parent} ({holder}); "
                        f"waited {timeout:.0f} s. Try again when it has finished.") from None
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _ddl_statements() -> list[str]:
    stmts = [schema.ddl(name, schema.warehouse_schema(name)) for name in schema.DOC_TABLES]
    stmts.append(schema.ddl("quarantine", schema.QUARANTINE).removesuffix(")") + ", run_id VARCHAR)")
    stmts.extend(EXTRA_TABLES.values())
    return stmts


# DuckDB's own default is 80 % of RAM for its buffers. A run's connection (load, Parquet
# snapshot, data-quality queries) stays within a fixed budget whatever the warehouse size, so
# that 1M reports end to end stay under 2 GB in all (BENCHMARKS.md); bigger sorts, groupings
# and joins spill to a temporary folder beside the database file. Read-only sessions (the HTML
# report, the planner's look at ``sources``) keep DuckDB's default.
MEMORY_LIMIT = os.environ.get("CHUXIN_DUCKDB_MEMORY_LIMIT", "500MB")


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    config = {"enable_external_access": True}
    if not read_only:
        config["memory_limit"] = MEMORY_LIMIT
    return duckdb.connect(str(path), read_only=read_only, config=config)


def connect_unless_held(path: Path) -> duckdb.DuckDBPyConnection | None:
    """A writing connection to ``path``, or None when another process holds the file (DuckDB
    refuses a second process at once, e.g. an analyst's read-only session)."""
    try:
        return connect(path)
    except duckdb.IOException:
        return None


def start_building(live: Path, building: Path) -> duckdb.DuckDBPyConnection:
    """Copy the live warehouse to the building path (or create it) and ensure the tables."""
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    building.parent.mkdir(parents=True, exist_ok=True)
    con = None
    try:
        if live.exists():
            shutil.copyfile(live, building)
        con = connect(building)
        # Rows need no stored order (every reader sorts with ORDER BY); without it DuckDB
        # inserts and copies in parallel and buffers less: the 100k load ~2 s faster.
        con.execute("SET preserve_insertion_order = false")
        for stmt in _ddl_statements():
            con.execute(stmt)
        _add_doc_keys(con)
        if VIEWS_SQL.exists():  # analysis views; CREATE OR REPLACE, so re-running is harmless
            con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
    except BaseException:
        # e.g. the disk filled up during the copy: do not leave a partial copy taking the space
        if con is not None:
            con.close()
        for stale in (building, building.with_name(building.name + ".wal")):
            stale.unlink(missing_ok=True)
        raise
    return con


def publish(con: duckdb.DuckDBPyConnection, building: Path, live: Path) -> None:
    """Checkpoint, close and atomically replace the live warehouse."""
    con.execute("CHECKPOINT")
    con.close()
    with open(building, "rb") as fh:
        os.fsync(fh.fileno())
    checkpoint("publish")
    os.replace(building, live)
    dir_fd = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass
class KnownSource:
    doc_id: str
    sha256: str | None
    size: int
    mtime_ns: int
    status: str


def known_sources(con: duckdb.DuckDBPyConnection) -> dict[str, KnownSource]:
    rows = con.execute("SELECT source_path, doc_id, source_sha256, size, mtime_ns, status FROM sources").fetchall()
    return {r[0]: KnownSource(r[1], r[2], r[3], r[4], r[5]) for r in rows}


@dataclass
class LoadCounts:
    loaded: int = 0
    quarantined: int = 0
    pruned: int = 0
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessedFiles:
    """A run's files as the load reads them, inside DuckDB: the batches' ``files`` parts
    (``schema.FILES``) joined with the plan's sizes and mtimes (``schema.PLAN_STATS``). At 1M
    files, building this table in Python (Arrow) took ~0.7 GB of the flow's memory."""
    file_parts: list[str]
    plan_stats: str


def _number_documents(con: duckdb.DuckDBPyConnection, doc_ids_sql: str, params: dict | None = None) -> None:
    """Give each doc_id of ``doc_ids_sql`` the next unused ``doc_key``, into the temp table ``_keys``.

    Numbered in doc_id order, so the same input gets the same keys (a run on Dask and a local
    run build the same warehouse); ``counters`` remembers the last key handed out.
    """
    base = con.execute("SELECT coalesce(max(last_value), 0) FROM counters WHERE name = 'doc_key'").fetchone()[0]
    con.execute(f"""INSERT INTO _keys SELECT doc_id, ({int(base)} + row_number() OVER (ORDER BY doc_id))::INTEGER
        FROM ({doc_ids_sql})""", params or {})
    con.execute("""INSERT OR REPLACE INTO counters
        SELECT 'doc_key', greatest(?, (SELECT coalesce(max(doc_key), 0) FROM _keys))""", [base])


def _add_doc_keys(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse built before ``doc_key`` existed: add the column and number its documents."""
    have = {t for (t,) in con.execute("""SELECT table_name FROM duckdb_columns()
        WHERE schema_name = 'main' AND column_name = 'doc_key'""").fetchall()}
    missing = [name for name in schema.DOC_TABLES if name not in have]
    if not missing:
        return
    for name in missing:
        con.execute(f"ALTER TABLE {name} ADD COLUMN doc_key INTEGER")
    con.execute("CREATE TEMP TABLE _keys (doc_id VARCHAR, doc_key INTEGER)")
    _number_documents(con, "SELECT DISTINCT doc_id FROM reports WHERE doc_key IS NULL")
    for name in schema.DOC_TABLES:
        con.execute(f"""UPDATE {name} SET doc_key = k.doc_key FROM _keys k
            WHERE {name}.doc_id = k.doc_id AND {name}.doc_key IS NULL""")
    con.execute("DROP TABLE _keys")


def load_run(con: duckdb.DuckDBPyConnection, run_id: str, parts: dict[str, list[str]],
             processed: ProcessedFiles, listing_quarantine: list[dict], prune_paths: list[str]) -> LoadCounts:
    """Replace the rows of every processed file, in one transaction.

    ``processed``: the files read this run (source_path, doc_id, sha256, status from the
    batches; size and mtime_ns from the plan). Re-running with the same input leaves the same
    rows: each file's old rows are deleted before its new rows go in. Every insert is set-based
    (``read_parquet`` or a registered Arrow table), never one row at a time.
    """
    counts = LoadCounts()
    listed = pa.table({
        "source_path": pa.array([q["source_path"] for q in listing_quarantine], pa.string()),
        "doc_id": pa.array([q.get("doc_id") for q in listing_quarantine], pa.string()),
        "sha256": pa.array([q.get("sha256") for q in listing_quarantine], pa.string()),
        "stage": pa.array([q["stage"] for q in listing_quarantine], pa.string()),
        "reason": pa.array([q["reason"] for q in listing_quarantine], pa.string()),
    })
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_listed", listed)
        con.execute("""CREATE TEMP TABLE _processed AS
            SELECT f.source_path, f.doc_id, f.sha256, s.size, s.mtime_ns, f.status
            FROM read_parquet($files) f LEFT JOIN read_parquet($stats) s USING (source_path)""",
                    {"files": processed.file_parts, "stats": processed.plan_stats})
        con.execute("""CREATE TEMP TABLE _touched AS
            SELECT source_path FROM _processed UNION ALL SELECT source_path FROM _listed
            UNION ALL SELECT unnest($prune::VARCHAR[])""", {"prune": list(prune_paths)})
        # Only a file that owned its doc_id (status 'loaded') takes rows with it: a quarantined
        # file may share the doc_id of another, loaded file whose rows must stay.
        con.execute("""CREATE TEMP TABLE _touched_docs AS
            SELECT DISTINCT s.doc_id FROM sources s JOIN _touched t USING (source_path)
            WHERE s.status = 'loaded'""")
        # A document loaded again keeps its doc_key; new documents get the next ones.
        con.execute("""CREATE TEMP TABLE _keys AS SELECT DISTINCT doc_id, doc_key FROM reports
            WHERE doc_id IN (SELECT doc_id FROM _touched_docs) AND doc_key IS NOT NULL""")
        for name in schema.DOC_TABLES:
            con.execute(f"DELETE FROM {name} WHERE doc_id IN (SELECT doc_id FROM _touched_docs)")
        con.execute("DELETE FROM quarantine WHERE source_path IN (SELECT source_path FROM _touched)")
        con.execute("DELETE FROM sources WHERE source_path IN (SELECT source_path FROM _touched)")
        if parts.get("reports"):
            _number_documents(con, """SELECT DISTINCT doc_id FROM read_parquet($reports)
                WHERE doc_id NOT IN (SELECT doc_id FROM _keys)""", {"reports": parts["reports"]})
        for name in schema.ALL_TABLES:
            files = parts.get(name) or []
            if not files:
                continue
            if name == "quarantine":
                con.execute("INSERT INTO quarantine SELECT *, ? FROM read_parquet(?)", [run_id, files])
            else:
                con.execute(f"INSERT INTO {name} SELECT t.*, k.doc_key FROM read_parquet(?) t "
                            "LEFT JOIN _keys k USING (doc_id)", [files])
        if parts.get("reports"):
            # plan_run gives every doc_id one file; should two files still bring the same doc_id,
            # fail the run (the warehouse stays as it was) rather than double its rows.
            dup = con.execute("""SELECT doc_id, count(*) FROM reports
                WHERE doc_id IN (SELECT doc_id FROM read_parquet(?)) GROUP BY doc_id HAVING count(*) > 1
                ORDER BY doc_id LIMIT 5""", [parts["reports"]]).fetchall()
            if dup:
                raise RuntimeError(f"refusing to load duplicate rows for doc_id {dup}; nothing was changed")
        if listed.num_rows:
            con.execute("INSERT INTO quarantine SELECT source_path, doc_id, sha256, stage, reason, ? FROM _listed",
                        [run_id])
        con.execute("""INSERT INTO sources
            SELECT source_path, doc_id, sha256, size, mtime_ns, status, $run_id FROM _processed
            UNION ALL
            SELECT source_path, doc_id, sha256, NULL, NULL, 'quarantined', $run_id FROM _listed""",
                    {"run_id": run_id})
        n_loaded, n_processed = con.execute(
            "SELECT count(*) FILTER (WHERE status = 'loaded'), count(*) FROM _processed").fetchone()
        for table in ("_keys", "_touched_docs", "_touched", "_processed"):
            con.execute(f"DROP TABLE {table}")
        con.unregister("_listed")
        checkpoint("commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    counts.loaded = n_loaded
    counts.quarantined = n_processed + listed.num_rows - n_loaded
    counts.pruned = len(prune_paths)
    counts.rows = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in schema.ALL_TABLES}
    return counts


def record_run(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    cols = ["run_id", "flow_run_id", "started_at", "finished_at", "raw_dir", "n_seen", "n_new", "n_changed",
            "n_unchanged", "n_removed", "n_pruned", "n_loaded", "n_quarantined", "n_dq_failures", "outcome"]
    con.execute(f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row.get(c) for c in cols])


# What each expectation suite validates (suite "dataset" → SQL over the building warehouse).
DQ_DATASETS = dq_datasets.DATASETS


def now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def dq_frames(con: duckdb.DuckDBPyConnection, datasets) -> dict:
    """Each named DQ dataset as one pandas DataFrame (all columns), dates as ``datetime.date``
    (GX compares those with the ISO dates of an expectation; pandas Timestamps make it raise).
    For small warehouses and tests; runs validate through ``dq_chunks``."""
    return {name: con.execute(f"SELECT * FROM ({DQ_DATASETS[name]}) ORDER BY {dq_datasets.ORDER_BY[name]}")
            .fetch_arrow_table().to_pandas(date_as_object=True)
            for name in datasets}


# Rows per Arrow batch read from DuckDB; batches are gathered into chunks of about
# ``validate.CHUNK_BYTES``.
READ_BATCH_ROWS = 8192


def dq_chunks(con: duckdb.DuckDBPyConnection, dataset: str, chunk_bytes: int):
    """A callable for ``validate.run_suites``: given a suite, stream the dataset with only the
    suite's columns, ordered by doc_id, as DataFrames of about ``chunk_bytes`` of Arrow data that
    never split the rows of one doc_id. Memory is bounded by the chunk, not the warehouse."""
    from tasks.validate import needed_columns

    parts = dq_datasets.DATASET_PARTS.get(dataset) or [DQ_DATASETS[dataset]]

    def chunks(spec):
        yielded = False
        for sql in parts:
            # binding the query names its columns without running it (LIMIT 0 ran the CTEs)
            available = con.sql(f"SELECT * FROM ({sql})").columns
            cols = needed_columns(spec, available)
            select = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
            order = f" ORDER BY {dq_datasets.ORDER_BY[dataset]}" if "doc_id" in cols else ""
            reader = con.execute(f"SELECT {select} FROM ({sql}){order}").to_arrow_reader(READ_BATCH_ROWS)
            for frame in _doc_aligned_frames(reader, chunk_bytes, "doc_id" in cols):
                yielded = True
                yield frame
        if not yielded:  # an empty dataset is still validated (GX reports on zero rows)
            yield reader.schema.empty_table().to_pandas(date_as_object=True)

    return chunks


def _doc_aligned_frames(reader, chunk_bytes: int, by_doc: bool):
    """DataFrames of about ``chunk_bytes`` from an ordered record batch reader, never splitting
    the rows of one doc_id (when ``by_doc``)."""
    pending: list[pa.RecordBatch] = []
    n_pending = 0
    for batch in reader:
        pending.append(batch)
        n_pending += batch.nbytes
        if n_pending < chunk_bytes:
            continue
        table = pa.Table.from_batches(pending)
        keep = _tail_of_last_doc(table) if by_doc else 0
        if keep == table.num_rows:  # one doc_id so far: keep collecting
            continue
        yield table.slice(0, table.num_rows - keep).to_pandas(date_as_object=True)
        pending = table.slice(table.num_rows - keep).to_batches() if keep else []
        n_pending = sum(b.nbytes for b in pending)
    if pending:
        yield pa.Table.from_batches(pending, schema=reader.schema).to_pandas(date_as_object=True)


def _tail_of_last_doc(table: pa.Table) -> int:
    """How many rows at the end of a doc_id-ordered table share its last doc_id (NULLs count as one)."""
    import pyarrow.compute as pc

    col = table.column("doc_id")
    last = col[-1]
    same = pc.is_null(col) if not last.is_valid else pc.fill_null(pc.equal(col, last), False)
    return int(pc.sum(same).as_py() or 0)


def write_dq(con: duckdb.DuckDBPyConnection, run_id: str, outcomes) -> None:
    """Record this run's expectation results; dq_failures always shows the current state."""
    con.execute("BEGIN TRANSACTION")
    if outcomes:
        con.executemany("INSERT INTO dq_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [[run_id, o.suite, o.expectation, o.severity, o.success, o.n_checked, o.n_failed,
                          o.description + (f" (not evaluated: {o.error})" if o.error else "")]
                         for o in outcomes])
    con.execute("DELETE FROM dq_failures")
    cols: dict[str, list] = {"doc_id": [], "expectation": [], "severity": [], "observed": [], "suite": []}

    def add(doc_id, o, observed):
        for key, value in (("doc_id", doc_id), ("expectation", o.expectation), ("severity", o.severity),
                           ("observed", observed), ("suite", o.suite)):
            cols[key].append(value)

    for o in outcomes:
        if o.success:
            continue
        if o.failures:
            for doc_id, observed in o.failures:
                add(doc_id, o, observed)
        elif o.error:  # GX could not evaluate it: no document to blame, and not a pass
            add(None, o, f"not evaluated: {o.error}")
        else:  # a table-level failure
            add(None, o, o.observed or f"{o.n_failed} rows failed")
    if cols["expectation"]:  # every failing row, set-based (one Arrow table, not a row at a time)
        con.register("_dq_failures", pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()}))
        con.execute("INSERT INTO dq_failures SELECT doc_id, expectation, severity, observed, suite, ? "
                    "FROM _dq_failures", [run_id])
        con.unregister("_dq_failures")
    finished = now()
    by_suite: dict[str, list] = {}
    for o in outcomes:
        by_suite.setdefault(o.suite, []).append(o)
    con.executemany("INSERT INTO dq_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [[run_id, suite, len(group), sum(o.success for o in group),
                      sum(not o.success for o in group),
                      sum(not o.success and o.severity == "critical" for o in group), finished]
                     for suite, group in sorted(by_suite.items())])
    con.execute("COMMIT")


# --- the Parquet snapshot of the published tables ------------------------------------------

def write_snapshot(con: duckdb.DuckDBPyConnection, parquet_dir: Path, run_id: str) -> dict[str, Path]:
    """Copy each snapshot table to a temporary Parquet file beside its final name and expose it
    to this connection as ``snapshot_<table>`` (the agreement suite compares the two).

    Returns table → temporary path; ``commit_snapshot`` renames them once the warehouse is
    published, so readers of ``<table>.parquet`` never see a half-written or unpublished file.
    """
    parquet_dir.mkdir(parents=True, exist_ok=True)
    tmp_paths: dict[str, Path] = {}
    for table in dq_datasets.SNAPSHOT_KEYS:
        tmp = parquet_dir / f".{table}.{run_id}.parquet.tmp"
        # Row groups of 32k rows, not DuckDB's 122k: each writing thread buffers one, and a
        # speeches row group of 122k paragraphs (~100 MB) did not fit a 500 MB memory limit.
        con.execute(f"COPY (SELECT * FROM {table}) TO '{_sql_path(tmp)}' (FORMAT parquet, ROW_GROUP_SIZE 32768)")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {dq_datasets.snapshot_view(table)} AS "
                    f"SELECT * FROM read_parquet('{_sql_path(tmp)}')")
        tmp_paths[table] = tmp
    return tmp_paths


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def commit_snapshot(tmp_paths: dict[str, Path]) -> dict[str, Path]:
    """Atomically move each temporary snapshot file to ``<table>.parquet``."""
    final = {}
    for table, tmp in tmp_paths.items():
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        final[table] = tmp.with_name(f"{table}.parquet")
        os.replace(tmp, final[table])
    return final


def discard_snapshot(tmp_paths: dict[str, Path]) -> None:
    for tmp in tmp_paths.values():
        tmp.unlink(missing_ok=True)
