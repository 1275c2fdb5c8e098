"""Process one batch of raw files end to end up to Parquet: read → clean → extract → write.

This is the unit of parallel work (the run's extraction processes locally, Dask workers on a
cluster). It imports no framework, so it runs the same everywhere.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tasks import schema
from tasks.clean import clean_body
from tasks.extract import extract
from tasks.faults import checkpoint
from tasks.ingest import doc_id_for, read_source
from tasks.records import Extraction, Quarantined, RejectedInput
from tasks.store import AtomicParquetWriter

# Documents whose rows are written as one row group: a worker's memory is bounded by this,
# not by the batch size (~45 KB per document in flight).
FLUSH_DOCS = 1000


@dataclass(frozen=True)
class _FileRow:  # one row of the batch's ``files`` part (schema.FILES)
    source_path: str
    doc_id: str
    sha256: str | None
    status: str


@dataclass
class BatchResult:
    """What a batch hands back to the flow: small whatever the batch size. Per-file facts
    (path, doc_id, hash, loaded or not) are in the ``files`` part (``schema.FILES``), not in
    Python lists: at 1M files those lists cost the flow's process ~1 GB, and Prefect
    spent 14 s walking them when the extraction subflow returned."""
    batch_no: int
    parts: dict[str, str] = field(default_factory=dict)  # table (or "files") -> parquet path
    n_loaded: int = 0
    n_quarantined: int = 0


def process_document(raw_dir: Path, rel_path: str) -> Extraction | Quarantined:
    """One file → its extraction, or a quarantine record with a readable reason."""
    doc = None
    try:
        doc = read_source(raw_dir, rel_path)
        if not doc.body.strip():
            raise RejectedInput("ingest", "the file holds only its title line and no article text; "
                                          "re-export the article with its body")
        cleaned = clean_body(doc.body)
        if not cleaned.paragraphs:
            raise RejectedInput("clean", "no text is left once the HTML markup is removed; "
                                         "check the file holds the article, not just markup")
        return extract(doc, cleaned)
    except RejectedInput as exc:
        sha = doc.source_sha256 if doc else _content_hash(raw_dir, rel_path, exc)
        return Quarantined(rel_path, doc_id_for(rel_path), sha, exc.stage, exc.reason)
    except Exception as exc:  # a bug in extraction must not lose the file: quarantine it
        return Quarantined(rel_path, doc_id_for(rel_path), doc.source_sha256 if doc else None,
                           "extract", f"extraction failed unexpectedly ({type(exc).__name__}: {exc}); "
                                      "please report this file to the maintainers")


def _content_hash(raw_dir: Path, rel_path: str, exc: RejectedInput) -> str | None:
    """The SHA-256 of a file refused for its content (empty, binary, undecodable), so that the
    next run's plan sees it unchanged instead of reading it again every run — which also kept
    every rerun of a corpus with a broken file off the no-op path. Files that could not be read,
    or changed while being read, get no hash: the next run tries them again."""
    import hashlib

    from tasks.ingest import _read_bounded, fs_path

    if exc.stage != "ingest" or exc.reason.startswith("the file changed while it was being read"):
        return None
    try:
        data, before, after = _read_bounded(fs_path(raw_dir, rel_path))
    except OSError:
        return None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        return None
    return hashlib.sha256(data).hexdigest()


def process_batch(raw_dir: str, rel_paths: list[str], out_dir: str, batch_no: int) -> BatchResult:
    """Extract a batch and write one Parquet part per table under ``out_dir/<table>/``."""
    with _gc_paused():
        return _process_batch(raw_dir, rel_paths, out_dir, batch_no)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector for one batch.

    Extraction allocates many small records that all live until the batch is written, so
    the collector's passes find nothing to free, and each pass walks every object of the
    process — in a Prefect worker, the ~350k objects of Prefect itself. Pausing it made a
    batch ~15 % faster (BENCHMARKS.md). Reference counting still frees everything; the
    records hold no cycles, and the collector runs again as soon as the batch ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _process_batch(raw_dir: str, rel_paths: list[str], out_dir: str, batch_no: int) -> BatchResult:
    tables = {**schema.ALL_TABLES, "files": schema.FILES}
    writers = {name: AtomicParquetWriter(Path(out_dir) / name / f"part-{batch_no:06d}.parquet", table_schema)
               for name, table_schema in tables.items()}
    result = BatchResult(batch_no)
    try:
        rows: dict[str, list] = {name: [] for name in tables}
        for done, rel in enumerate(rel_paths, start=1):
            out = process_document(Path(raw_dir), rel)
            loaded = not isinstance(out, Quarantined)
            rows["files"].append(_FileRow(rel, doc_id_for(rel),
                                          out.report.source_sha256 if loaded else out.source_sha256,
                                          "loaded" if loaded else "quarantined"))
            if not loaded:
                rows["quarantine"].append(out)
                result.n_quarantined += 1
            else:
                result.n_loaded += 1
                rows["reports"].append(out.report)
                rows["people"].extend(out.people)
                rows["speeches"].extend(out.speeches)
                rows["slogans"].extend(out.slogans)
                rows["evidence"].extend(out.evidence)
            if done % FLUSH_DOCS == 0 or done == len(rel_paths):
                for name, table_rows in rows.items():
                    if table_rows:
                        writers[name].write(schema.to_table(table_rows, tables[name]))
                        table_rows.clear()
        result.parts = {name: str(writer.close()) for name, writer in writers.items()}
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    checkpoint("extract")
    return result
