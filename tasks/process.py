"""Process one batch of raw files end to end up to Parquet: read → clean → extract → write.

This is the unit of parallel work (a process pool locally, Dask workers on a
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
from tasks.store import write_parquet_atomic


@dataclass
class BatchResult:
    batch_no: int
    parts: dict[str, str] = field(default_factory=dict)  # table -> parquet path
    n_loaded: int = 0
    n_quarantined: int = 0
    doc_ids: list[str] = field(default_factory=list)
    source_paths: list[str] = field(default_factory=list)
    sha256: dict[str, str] = field(default_factory=dict)  # source_path -> hash of what was read


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
    rows: dict[str, list] = {name: [] for name in schema.ALL_TABLES}
    result = BatchResult(batch_no)
    for rel in rel_paths:
        out = process_document(Path(raw_dir), rel)
        result.source_paths.append(rel)
        if isinstance(out, Quarantined):
            rows["quarantine"].append(out)
            result.n_quarantined += 1
            if out.source_sha256:
                result.sha256[rel] = out.source_sha256
            continue
        result.n_loaded += 1
        result.doc_ids.append(out.report.doc_id)
        result.sha256[rel] = out.report.source_sha256
        rows["reports"].append(out.report)
        rows["people"].extend(out.people)
        rows["speeches"].extend(out.speeches)
        rows["slogans"].extend(out.slogans)
        rows["evidence"].extend(out.evidence)
    for name, table_schema in schema.ALL_TABLES.items():
        path = Path(out_dir) / name / f"part-{batch_no:06d}.parquet"
        write_parquet_atomic(schema.to_table(rows[name], table_schema), path)
        result.parts[name] = str(path)
    checkpoint("extract")
    return result
