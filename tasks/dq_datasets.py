"""What each expectation suite validates: one SQL query per suite ``dataset``.

The queries run in DuckDB over the building warehouse; their results reach Great
Expectations as DataFrames (tasks/validate.py). Facts that a single row cannot
show (a group led by two people, a duplicated article, a Parquet snapshot that
disagrees with DuckDB) are computed here into ordinary columns, one row per
document, so that every failing row names a ``doc_id`` and an observed value.

Pure strings and constants: no database or framework import.
"""

from __future__ import annotations

import datetime as dt

from tasks import regions, schema

CAMPAIGN_2019 = "不忘初心、牢记使命"
CAMPAIGN_2023 = "学习贯彻习近平新时代中国特色社会主义思想主题教育"

# The campaigns' batches, as meeting-date windows (first day, last day), inclusive.
# 2019: the central meeting of 31 May 2019 opened batch 1 (provincial meetings in early
# June); batch 2 (circuit guidance groups) was mobilised in September 2019 and closed in
# January 2020. 2023: batch 1 opened in April 2023 (March kept as slack for early
# preparatory meetings), batch 2 in September 2023, and the campaign closed in early 2024.
# The reports suite's date windows (expectations/reports.json) are each campaign's
# first to last day; tests/tasks/test_validate.py checks that the two agree.
CAMPAIGN_BATCHES: tuple[tuple[str, str, dt.date, dt.date], ...] = (
    (CAMPAIGN_2019, "2019-1", dt.date(2019, 5, 31), dt.date(2019, 8, 31)),
    (CAMPAIGN_2019, "2019-2", dt.date(2019, 9, 1), dt.date(2020, 1, 31)),
    (CAMPAIGN_2023, "2023-1", dt.date(2023, 3, 1), dt.date(2023, 8, 31)),
    (CAMPAIGN_2023, "2023-2", dt.date(2023, 9, 1), dt.date(2024, 2, 29)),
)

PROVINCE_OFFICES = ("party_secretary", "governor", "cppcc_chair")
# A central group visiting more provinces than this in one batch is suspicious.
MAX_GROUP_PROVINCES = 4

# Tables snapshotted to Parquet after each run, with the key the agreement suite compares.
SNAPSHOT_KEYS: dict[str, str] = {**{name: "doc_id" for name in schema.DOC_TABLES},
                                 "quarantine": "source_path", "sources": "source_path"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _values(rows) -> str:
    return ", ".join("(" + ", ".join(_quote(str(v)) for v in row) + ")" for row in rows)


_CODES = f"_codes(province, expected_code) AS (VALUES {_values(sorted(regions.PROVINCE_CODES.items()))})"
_BATCHES = ("_batches(campaign, campaign_batch, first_day, last_day) AS (SELECT campaign, campaign_batch, "
            "first_day::DATE, last_day::DATE FROM (VALUES " + _values(CAMPAIGN_BATCHES)
            + ") v(campaign, campaign_batch, first_day, last_day))")
_OFFICES = ", ".join(map(_quote, PROVINCE_OFFICES))

# Example reports named per (group, leader) or (secretary, province) in an observed value. The
# checks count every report; the text that explains a failure lists the first few reports by doc_id
# and how many more there are. Listing them all grew with the square of the corpus (every report of
# a group repeated its group's whole list): 82 KB per row, 1.6 GB of strings at 20,000 reports.
MAX_EXAMPLES = 3


def _examples(entry: str, order: str = "doc_id", limit: int = MAX_EXAMPLES) -> str:
    """SQL aggregate: the first ``limit`` entries by ``order``, '; '-separated, then '(+N more)'.
    min_by(…, n) keeps n entries per group; list(… ORDER BY …)[1:n] held them all, and did not
    fit DuckDB's memory limit at 1M reports."""
    return (f"array_to_string(min_by({entry}, {order}, {limit}), '; ') "
            f"|| CASE WHEN count(*) > {limit} THEN ' (+' || (count(*) - {limit}) || ' more)' "
            f"ELSE '' END")


# Leaders per group and provinces per secretary named in an observed value (each with its example
# reports). A corpus where a name recurs in every province made each row's text several KB, and
# sorting 1M such rows did not fit DuckDB's memory limit.
MAX_LISTED = 5


REPORTS = f"""
WITH {_CODES},
_roles AS (
    SELECT doc_id,
           count(DISTINCT name) FILTER (WHERE role = 'party_secretary') AS n_party_secretary,
           count(DISTINCT name) FILTER (WHERE role IN ('governor', 'host')) AS n_governor_or_host
    FROM people GROUP BY doc_id)
SELECT r.*,
       coalesce(_roles.n_party_secretary, 0) AS n_party_secretary,
       coalesce(_roles.n_governor_or_host, 0) AS n_governor_or_host,
       -- NULL when there is nothing to compare (no province, no code)
       CASE WHEN r.province IS NULL AND r.province_code IS NULL THEN NULL
            ELSE coalesce(r.province_code = _codes.expected_code, false) END AS province_code_ok,
       _codes.expected_code
FROM reports r
LEFT JOIN _roles USING (doc_id)
LEFT JOIN _codes ON _codes.province = r.province"""

PEOPLE = f"""
WITH _offices AS (
    -- concat_ws over the fixed roles instead of string_agg(DISTINCT … ORDER BY …): the same
    -- text, from aggregates DuckDB can spill (the ordered one ran out of memory at 1M reports)
    SELECT doc_id, name, count(DISTINCT role) AS n_province_offices,
           concat_ws(' + ', {", ".join(f"CASE WHEN bool_or(role = {_quote(r)}) THEN {_quote(r)} END"
                                       for r in sorted(PROVINCE_OFFICES))}) AS province_offices
    FROM people WHERE role IN ({_OFFICES}) GROUP BY doc_id, name)
SELECT p.*, coalesce(o.n_province_offices, 0) AS n_province_offices, o.province_offices
FROM people p LEFT JOIN _offices o USING (doc_id, name)"""

# One row per report. A report outside every campaign batch (no campaign or no date; the
# reports suite flags those) takes part only in the duplicate-content check.
CROSS_REPORTS = f"""
WITH {_BATCHES},
-- used three times below: NOT MATERIALIZED recomputes it (a scan and a small join) rather than
-- holding its 1M rows in memory, which DuckDB does for a CTE used more than once
_r AS NOT MATERIALIZED (
    SELECT r.doc_id, r.province, r.campaign, r.source_sha256, b.campaign_batch,
           CASE WHEN r.guidance_group_no IS NOT NULL THEN '中央第' || r.guidance_group_no || '指导组'
                WHEN r.circuit_group_no IS NOT NULL THEN '中央第' || r.circuit_group_no || '巡回指导组'
           END AS guidance_group
    FROM reports r
    LEFT JOIN _batches b ON b.campaign = r.campaign AND r.meeting_date BETWEEN b.first_day AND b.last_day),
_group_rows AS (
    SELECT _r.campaign_batch, _r.guidance_group, _r.doc_id, _r.province, p.name
    FROM _r LEFT JOIN people p ON p.doc_id = _r.doc_id AND p.role = 'group_leader'
    WHERE _r.campaign_batch IS NOT NULL AND _r.guidance_group IS NOT NULL),
_leader_docs AS (
    -- each leader of a group with at most MAX_EXAMPLES example reports (see _examples)
    SELECT campaign_batch, guidance_group, name, {_examples("name || ' in ' || doc_id")} AS entries
    FROM (SELECT DISTINCT campaign_batch, guidance_group, name, doc_id FROM _group_rows WHERE name IS NOT NULL)
    GROUP BY ALL),
_groups AS (
    SELECT g.campaign_batch, g.guidance_group, g.n_group_leaders, l.group_leaders, g.n_group_provinces,
           g.group_provinces
    FROM (SELECT campaign_batch, guidance_group, count(DISTINCT name) AS n_group_leaders,
                 count(DISTINCT province) AS n_group_provinces,
                 string_agg(DISTINCT province, '; ' ORDER BY province) AS group_provinces
          FROM _group_rows GROUP BY ALL) g
    LEFT JOIN (SELECT campaign_batch, guidance_group, {_examples("entries", "name", MAX_LISTED)} AS group_leaders
               FROM _leader_docs GROUP BY ALL) l USING (campaign_batch, guidance_group)),
_secretaries AS (
    SELECT _r.doc_id, _r.campaign, _r.province, p.name
    FROM _r JOIN people p ON p.doc_id = _r.doc_id AND p.role = 'party_secretary'
    WHERE _r.campaign IS NOT NULL),
_secretary_places AS (
    SELECT campaign, name, province, {_examples("province || ' in ' || doc_id")} AS entries
    FROM (SELECT DISTINCT campaign, name, province, doc_id FROM _secretaries) GROUP BY ALL),
_secretary_span AS (
    SELECT campaign, name, count(DISTINCT province) AS n_provinces,
           {_examples("entries", "province", MAX_LISTED)} AS provinces
    FROM _secretary_places GROUP BY ALL),
_secretary_doc AS (
    SELECT s.doc_id, max(sp.n_provinces) AS n_secretary_provinces,
           -- only the secretaries seen in several provinces, whom a failure is about: naming every
           -- secretary on every row made 1M rows of text that did not fit DuckDB's memory limit
           array_to_string(list_sort(list(s.name || ': ' || sp.provinces) FILTER (WHERE sp.n_provinces > 1)),
                           ' | ') AS secretary_provinces
    FROM _secretaries s JOIN _secretary_span sp USING (campaign, name)
    GROUP BY s.doc_id),
_copies AS (
    SELECT doc_id, first_value(doc_id) OVER (PARTITION BY source_sha256 ORDER BY doc_id) AS first_doc
    FROM reports WHERE source_sha256 IS NOT NULL)
SELECT _r.doc_id, _r.campaign_batch, _r.guidance_group,
       g.n_group_leaders, g.group_leaders, g.n_group_provinces, g.group_provinces,
       s.n_secretary_provinces, s.secretary_provinces,
       CASE WHEN c.first_doc <> _r.doc_id THEN c.first_doc END AS duplicate_of,
       _r.source_sha256
FROM _r
LEFT JOIN _groups g USING (campaign_batch, guidance_group)
LEFT JOIN _secretary_doc s USING (doc_id)
LEFT JOIN _copies c USING (doc_id)"""


def snapshot_view(table: str) -> str:
    """The temporary view through which the agreement suite reads a table's Parquet snapshot."""
    return f"snapshot_{table}"


def _agreement_part(table: str, key: str) -> str:
    # One grouping over both sides (UNION ALL) rather than a full outer join of two groupings, and
    # grouped by plain columns: DuckDB spills such a grouping to disk (any_value(doc_id), a string
    # state, kept it in memory: out of 500 MB at 1M reports).
    keys = "doc_id" if key == "doc_id" else f"{key}, doc_id"
    return f"""
SELECT {_quote(table)} AS table_name, {key} AS key, doc_id,
       count(*) FILTER (WHERE in_duckdb) AS n_duckdb, count(*) FILTER (WHERE NOT in_duckdb) AS n_parquet
FROM (SELECT {keys}, true AS in_duckdb FROM {table}
      UNION ALL
      SELECT {keys}, false FROM {snapshot_view(table)})
GROUP BY {keys}"""


# One row per (table, key) present in DuckDB or in the Parquet snapshot, with its row count
# on each side: a key missing on one side, or a different count, is a disagreement.
WAREHOUSE_AGREEMENT = "\nUNION ALL".join(_agreement_part(t, k) for t, k in SNAPSHOT_KEYS.items())

# A dataset may also be streamed as parts, one query each, in this order (warehouse.dq_chunks):
# the agreement dataset's seven tables, sorted as one, ran out of DuckDB's 1 GB at 1M reports;
# table by table each takes about a second.
DATASET_PARTS: dict[str, list[str]] = {
    "warehouse_agreement": [_agreement_part(t, k) for t, k in SNAPSHOT_KEYS.items()],
}

# How each dataset's rows are read (warehouse.dq_chunks, dq_frames): doc_id first, so that a chunk
# never splits one report's rows, then enough to make the order (and the failing rows that Data
# Docs show first) the same every run. Kept out of the queries: an ORDER BY inside a query, sorted
# again by its reader, made DuckDB hold two sorts at once (out of 500 MB at 1M reports).
ORDER_BY: dict[str, str] = {
    "reports": "doc_id NULLS LAST",
    "people": "doc_id NULLS LAST, role, name",
    "cross_reports": "doc_id NULLS LAST",
    "warehouse_agreement": "doc_id NULLS LAST, table_name, key",
}

DATASETS: dict[str, str] = {
    "reports": REPORTS,
    "people": PEOPLE,
    "cross_reports": CROSS_REPORTS,
    "warehouse_agreement": WAREHOUSE_AGREEMENT,
}
