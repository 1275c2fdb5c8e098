"""What a run has to do, and the no-op fast path: no Prefect here.

``chuxin run`` calls ``noop_before_prefect`` before it imports Prefect (importing it was ~1.2 s
of a ~5 s no-op over 100,000 files); the flow's ``plan-run`` task (tasks/steps.py) wraps
``plan_run``.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from chuxin.settings import Settings
from tasks import fsio, schema, store, warehouse
from tasks.ingest import doc_id_for, fs_path, list_files
from tasks.validate import ExpectationOutcome, suites_fingerprint


@dataclass
class Plan:
    run_id: str
    n_seen: int
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # listing-stage quarantine rows
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    stats_file: str | None = None  # where ``spill`` put the stats of the files to process
    spilled_counts: tuple[int, int] | None = None  # (new, changed) once spilled

    @property
    def n_new(self) -> int:
        return self.spilled_counts[0] if self.spilled_counts else len(self.new)

    @property
    def n_changed(self) -> int:
        return self.spilled_counts[1] if self.spilled_counts else len(self.changed)

    @property
    def to_process(self) -> list[str]:
        return self.new + self.changed

    def batches(self, size: int) -> list[list[str]]:
        todo = self.to_process
        return [todo[i: i + size] for i in range(0, len(todo), size)]

    def spill(self, folder: Path) -> None:
        """Move the per-file facts to disk once the batches are in their manifest: the size and
        mtime of each file to process go to ``folder/plan-stats.parquet`` (``schema.PLAN_STATS``,
        which the load joins inside DuckDB); the lists are dropped. At 1M files they held ~400 MB
        of the flow's memory through loading and validation (Prefect keeps a task's result, so
        the same object is emptied rather than replaced)."""
        import pyarrow as pa

        todo = self.to_process
        stats = [self.stats.get(rel, (None, None)) for rel in todo]
        table = pa.table({"source_path": pa.array(todo, pa.string()),
                          "size": pa.array([s[0] for s in stats], pa.int64()),
                          "mtime_ns": pa.array([s[1] for s in stats], pa.int64())}, schema=schema.PLAN_STATS)
        path = store.write_parquet_atomic(table, Path(folder) / "plan-stats.parquet")
        self.spilled_counts = (len(self.new), len(self.changed))
        self.stats_file = str(path)
        self.new, self.changed, self.stats = [], [], {}


def plan_run(settings: Settings, run_id: str) -> Plan:
    """List the raw dir (a local folder or an fsspec URL) and compare with the warehouse.

    A file is unchanged when its size and mtime match the last run (like rsync);
    otherwise its SHA-256 decides, so a touched but identical file is not redone.
    """
    if fsio.is_url(settings.raw_dir):
        url = str(settings.raw_dir)
        listing, url_stats = fsio.list_url(url)
        stat = url_stats.__getitem__

        def digest(rel: str) -> str:
            return hashlib.sha256(fsio.read_bytes(url, rel)).hexdigest()
    else:
        if not settings.raw_dir.is_dir():
            raise FileNotFoundError(f"raw directory {settings.raw_dir} does not exist")
        listing = list_files(settings.raw_dir, settings.follow_symlinks)

        def stat(rel: str) -> tuple[int, int]:
            known = listing.stats.get(rel)  # the listing's own stat: no second syscall per file
            if known is not None:
                return known
            st = fs_path(settings.raw_dir, rel).stat()
            return st.st_size, st.st_mtime_ns

        def digest(rel: str) -> str:
            with open(fs_path(settings.raw_dir, rel), "rb") as fh:
                return hashlib.file_digest(fh, "sha256").hexdigest()
    _discard_stale_staging(settings)
    return _compare(run_id, listing, _known_sources(settings), stat, digest, settings.prune)


def _known_sources(settings: Settings) -> dict[str, warehouse.KnownSource]:
    if not settings.warehouse.exists():
        return {}
    con = warehouse.connect(settings.warehouse, read_only=True)
    try:
        if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name='sources'").fetchone()[0]:
            return warehouse.known_sources(con)
        return {}
    finally:
        con.close()


def _compare(run_id: str, listing, known: dict[str, warehouse.KnownSource], stat, digest, prune: bool) -> Plan:
    """Sort listed files into new / changed / unchanged; removed and refused files are reported."""
    plan = Plan(run_id=run_id, n_seen=len(listing.files))
    removed = set(known) - set(listing.files) - {rel for rel, _ in listing.skipped}
    owners, duplicates = _one_file_per_doc_id(listing.files, known, held_back=set() if prune else removed)
    for rel in owners:
        try:
            plan.stats[rel] = stat(rel)
        except OSError:
            plan.new.append(rel)  # let processing report it with a proper reason
            continue
        old = known.get(rel)
        if old is None:
            plan.new.append(rel)
        elif old.sha256 is None:  # never read (quarantined before reading): try again
            plan.changed.append(rel)
        elif (old.size, old.mtime_ns) == plan.stats[rel]:
            plan.unchanged += 1
        else:
            try:
                same = old.status == "loaded" and digest(rel) == old.sha256
            except OSError:
                same = False
            if same:
                plan.unchanged += 1
            else:
                plan.changed.append(rel)
    seen = set(listing.files) | {rel for rel, _ in listing.skipped}
    plan.removed = sorted(p for p in known if p not in seen)
    plan.skipped = [{"source_path": rel, "doc_id": doc_id_for(rel), "sha256": None, "stage": "list",
                     "reason": reason, "status": "quarantined"} for rel, reason in listing.skipped + duplicates]
    return plan


def _one_file_per_doc_id(files: list[str], known: dict[str, warehouse.KnownSource],
                         held_back: set[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Give each doc_id to one file; the others are refused with a reason.

    Two names can make one doc_id (``a.txt`` and ``a.TXT``: the suffix is dropped in any
    letter case). The file that already holds the doc_id in the warehouse keeps it, else
    the first in sorted order. A removed file whose rows are kept (no --prune) still holds
    its doc_id, so a new file cannot silently take it over.
    """
    holder = {k.doc_id: path for path, k in known.items() if k.status == "loaded"}
    by_doc: dict[str, list[str]] = {}
    for rel in files:
        by_doc.setdefault(doc_id_for(rel), []).append(rel)
    owners: list[str] = []
    refused: list[tuple[str, str]] = []
    for doc_id, rels in by_doc.items():
        old = holder.get(doc_id)
        if old is not None and old in held_back and old not in rels:
            refused += [(rel, f"doc_id {doc_id!r} still belongs to {old}, which left the raw directory but "
                              f"whose rows are kept; run with --prune to drop them, or rename this file")
                        for rel in rels]
            continue
        owner = old if old in rels else rels[0]
        owners.append(owner)
        refused += [(rel, f"another file, {owner}, has the same doc_id {doc_id!r} (the path without its "
                          f".txt suffix, in any letter case) and was loaded instead; rename one of them")
                    for rel in rels if rel != owner]
    owners.sort()
    return owners, refused


def _discard_stale_staging(settings: Settings) -> None:
    """Leftovers of runs that were killed (a normal run removes its own); we hold the lock, so
    no other run is using them: staging folders and unpublished Parquet snapshot files."""
    root = settings.staging("-").parent
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
    if settings.parquet_dir.is_dir():
        for tmp in settings.parquet_dir.glob(".*.parquet.tmp"):
            tmp.unlink(missing_ok=True)


def nothing_to_do(settings: Settings, plan: Plan) -> bool:
    """Nothing new, changed, refused at listing or to prune: the warehouse already holds this
    raw dir, so loading, validating and publishing would rebuild the same thing."""
    return (settings.warehouse.exists() and not plan.to_process and not plan.skipped
            and not (settings.prune and plan.removed))


def record_noop(settings: Settings, plan: Plan, run_meta: dict) -> dict | None:
    """The no-op fast path: record the run in ``runs`` and change nothing else.

    No copy of the warehouse, no load, no validation, no Parquet snapshot, no Data Docs: the
    data are those the last validation checked, so its results (dq_results, dq_failures,
    the docs) still describe them. Returns None, and the caller takes the full path, when the
    expectation suites changed since that validation (their fingerprint in ``dq_suites``), or
    the warehouse predates ``dq_suites``.

    The one row goes into the live file in place: one DuckDB transaction, which DuckDB makes
    durable and atomic (its WAL), so a crash leaves the warehouse with or without the row, never
    half of it. An analyst's open session holds DuckDB's file lock and makes the in-place open
    fail; then the row goes in through the usual copy → publish (still without validation).
    """
    con = warehouse.connect_unless_held(settings.warehouse)
    building = con is None
    try:
        if building:
            con = warehouse.start_building(settings.warehouse, settings.building)
        if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'dq_suites'"
                           ).fetchone()[0]:
            return _abandon(con, settings, building)
        last = con.execute("SELECT run_id, fingerprint FROM dq_suites ORDER BY finished_at DESC LIMIT 1").fetchone()
        if last is None or last[1] != suites_fingerprint():
            return _abandon(con, settings, building)
        outcomes = _standing_outcomes(con, last[0])
        n_failures = con.execute("SELECT count(*) FROM dq_failures").fetchone()[0]
        critical = [o for o in outcomes if not o["success"] and o["severity"] == "critical"]
        outcome = "failed_dq" if settings.strict and critical else "completed"
        con.execute("BEGIN TRANSACTION")
        warehouse.record_run(con, {**run_meta, "n_seen": plan.n_seen, "n_new": 0, "n_changed": 0,
                                   "n_unchanged": plan.unchanged, "n_removed": len(plan.removed), "n_pruned": 0,
                                   "n_loaded": 0, "n_quarantined": 0, "n_dq_failures": n_failures,
                                   "outcome": outcome, "finished_at": warehouse.now()})
        con.execute("COMMIT")
        if building:
            warehouse.publish(con, settings.building, settings.warehouse)
        else:
            con.execute("CHECKPOINT")
            con.close()
        con = None
    finally:
        if con is not None:
            con.close()
            if building:
                settings.building.unlink(missing_ok=True)
    docs = settings.data_dir / "docs" / "index.html"
    parquet = {t: settings.parquet_dir / f"{t}.parquet" for t in warehouse.dq_datasets.SNAPSHOT_KEYS}
    return {"counts": asdict(warehouse.LoadCounts()), "outcomes": outcomes, "outcome": outcome, "quarantine": [],
            "data_docs": str(docs.resolve()) if docs.exists() else None,
            "parquet": {t: str(path) for t, path in parquet.items() if path.exists()}, "noop": True,
            "validated_by": last[0]}


def noop_before_prefect(settings: Settings) -> dict | None:
    """``chuxin run``'s check before it starts Prefect (the flow makes the same one).

    When nothing is new, changed, refused or to prune and the suites are those that validated
    the data, record the run in ``runs`` (with no flow run id) and return its summary. Most
    runs of a frequent schedule are like this, and starting Prefect's temporary server costs
    more than the whole check. Otherwise — or when another run holds the lock — return None:
    the flow then runs as usual. A deployment run already has its server and uses the flow.
    """
    if not settings.warehouse.exists() or not fsio.exists_dir(settings.raw_dir):
        return None
    run_id = warehouse.new_run_id()
    meta = run_meta(settings, run_id)
    try:
        with warehouse.writer_lock(settings.lock_file, 0):
            plan = plan_run(settings, run_id)
            summary = record_noop(settings, plan, meta) if nothing_to_do(settings, plan) else None
    except warehouse.LockTimeout:
        return None
    if summary is not None:
        summary.update(plan=plan_counts(plan), run_id=run_id)
    return summary


def run_meta(settings: Settings, run_id: str, flow_run_id: str | None = None) -> dict:
    """The facts of a run known at its start, for its ``runs`` row."""
    return {"run_id": run_id, "flow_run_id": flow_run_id, "started_at": warehouse.now(),
            "raw_dir": str(settings.raw_dir)}


def plan_counts(plan: Plan) -> dict:
    return {"seen": plan.n_seen, "new": plan.n_new, "changed": plan.n_changed,
            "unchanged": plan.unchanged, "removed": len(plan.removed)}


def _abandon(con, settings: Settings, building: bool) -> None:
    con.close()
    if building:
        settings.building.unlink(missing_ok=True)
    return None


def _standing_outcomes(con, run_id: str) -> list[dict]:
    """The results of the validation that checked the current data (run ``run_id``), with the
    failing rows as dq_failures holds them now."""
    failures: dict[tuple[str, str], list] = {}
    for suite, exp, doc_id, observed in con.execute(
            "SELECT suite, expectation, doc_id, observed FROM dq_failures ORDER BY suite, expectation, doc_id"
    ).fetchall():
        failures.setdefault((suite, exp), []).append((doc_id, observed))
    rows = con.execute("SELECT suite, expectation, severity, success, n_checked, n_failed, description "
                       "FROM dq_results WHERE run_id = ?", [run_id]).fetchall()
    return [asdict(ExpectationOutcome(suite, exp, severity, bool(ok), n_checked, n_failed, description,
                                      failures=failures.get((suite, exp), [])))
            for suite, exp, severity, ok, n_checked, n_failed, description in rows]
