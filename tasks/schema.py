"""Table schemas, declared once as pyarrow schemas; DuckDB DDL is derived from them.

Extra tables may be added freely; the names and meanings of the contract columns
(README, "Data dictionary") are fixed.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Iterable

import pyarrow as pa

from tasks import records

REPORTS = pa.schema([
    ("doc_id", pa.string()),
    ("listing_no", pa.int32()),
    ("title", pa.string()),
    ("source_path", pa.string()),
    ("source_sha256", pa.string()),
    ("encoding", pa.string()),
    ("kind", pa.string()),
    ("organisation", pa.string()),
    ("province", pa.string()),
    ("province_code", pa.string()),
    ("campaign", pa.string()),
    ("meeting_date", pa.date32()),
    ("date_inferred", pa.bool_()),
    ("time_of_day", pa.string()),
    ("venue_city", pa.string()),
    ("meeting_format", pa.string()),
    ("guidance_group_no", pa.int32()),
    ("circuit_group_no", pa.int32()),
    ("n_date_candidates", pa.int32()),
    ("n_group_candidates", pa.int32()),
    ("has_images", pa.bool_()),
    ("n_images", pa.int32()),
    ("n_paragraphs", pa.int32()),
])

PEOPLE = pa.schema([("doc_id", pa.string()), ("name", pa.string()), ("role", pa.string()),
                    ("paragraph_no", pa.int32())])
SPEECHES = pa.schema([("doc_id", pa.string()), ("paragraph_no", pa.int32()), ("speaker", pa.string()),
                      ("verb", pa.string()), ("text", pa.string())])
SLOGANS = pa.schema([("doc_id", pa.string()), ("slogan", pa.string()), ("n", pa.int32())])
EVIDENCE = pa.schema([("doc_id", pa.string()), ("field", pa.string()), ("value", pa.string()),
                      ("paragraph_no", pa.int32()), ("start", pa.int32()), ("end", pa.int32())])
QUARANTINE = pa.schema([("source_path", pa.string()), ("doc_id", pa.string()),
                        ("source_sha256", pa.string()), ("stage", pa.string()), ("reason", pa.string())])

# Not a warehouse table: one row per file an extraction batch read (its staging part "files"),
# from which the load builds the warehouse's ``sources`` rows.
FILES = pa.schema([("source_path", pa.string()), ("doc_id", pa.string()), ("sha256", pa.string()),
                   ("status", pa.string())])

# The size and mtime the plan listed for each file it hands to extraction (planning.Plan.spill).
PLAN_STATS = pa.schema([("source_path", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64())])

# Tables produced per document by extraction, keyed by doc_id, with their record types.
DOC_TABLES: dict[str, tuple[pa.Schema, type]] = {
    "reports": (REPORTS, records.Report),
    "people": (PEOPLE, records.Person),
    "speeches": (SPEECHES, records.Speech),
    "slogans": (SLOGANS, records.Slogan),
    "evidence": (EVIDENCE, records.Evidence),
}
ALL_TABLES: dict[str, pa.Schema] = {**{k: v[0] for k, v in DOC_TABLES.items()}, "quarantine": QUARANTINE}

# The warehouse adds one column to each DOC_TABLES table: a dense integer per document,
# assigned at load (warehouse.load_run), that a document keeps while it stays in the warehouse.
# Joins on it run several times faster than on the long doc_id string (DuckDB's perfect hash
# join: reports x people at 1M, ~320 -> ~130 ms; BENCHMARKS.md). Extraction does not know it.
DOC_KEY = pa.field("doc_key", pa.int32())


def warehouse_schema(name: str) -> pa.Schema:
    """The columns of warehouse table ``name``: the extraction schema, plus ``doc_key`` last."""
    return ALL_TABLES[name].append(DOC_KEY) if name in DOC_TABLES else ALL_TABLES[name]

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR", pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE", pa.float64(): "DOUBLE", pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
}


def duckdb_type(t: pa.DataType) -> str:
    return _DUCKDB_TYPES[t]


def ddl(name: str, schema: pa.Schema) -> str:
    cols = ", ".join(f'"{f.name}" {duckdb_type(f.type)}' for f in schema)
    return f"CREATE TABLE IF NOT EXISTS {name} ({cols})"


def to_table(rows: Iterable[object], schema: pa.Schema) -> pa.Table:
    """Dataclass records → Arrow table with exactly ``schema`` (types enforced, no inference)."""
    names = schema.names
    # The records are flat dataclasses: one C-level attrgetter per row, transposed with zip
    # (not dataclasses.asdict, whose recursive deep copy was 45 % of a batch's time, nor a
    # Python loop of getattr calls, 15 %; benchmarks/).
    get = attrgetter(*names) if len(names) > 1 else (lambda row, _g=attrgetter(names[0]): (_g(row),))
    columns = list(zip(*map(get, rows))) or [()] * len(names)
    cols = dict(zip(names, columns))
    return pa.table({n: pa.array(cols[n], type=schema.field(n).type) for n in names}, schema=schema)
