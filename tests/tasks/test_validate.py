"""Every expectation in every suite file fails on a crafted bad row and passes on the samples.

Real DuckDB files in tmp dirs, real GX (pandas datasource). A new expectation without a
bad case below fails ``test_every_expectation_fails_on_a_bad_row``.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest

from tasks import dq_datasets, warehouse
from tasks.validate import SUITES_DIR, SuiteSpec, load_suites, run_suites
from tests.tasks.dq_helpers import Case, build_good_warehouse, doc, outcome, validate_case

C19, C23 = dq_datasets.CAMPAIGN_2019, dq_datasets.CAMPAIGN_2023


def _r(listing_no: int) -> str:
    return f"doc_id = '{doc(listing_no)}'"


# (suite, expectation) → (how to break the samples, the failing doc_id, text the observed value must show)
BAD_CASES: dict[tuple[str, str], tuple[Case, int | None, str]] = {
    ("reports", "doc_id_unique"): (
        Case(f"INSERT INTO reports SELECT * FROM reports WHERE {_r(273)}"), 273, "273江苏省"),
    ("reports", "doc_id_present"): (
        Case(f"UPDATE reports SET doc_id = NULL WHERE {_r(273)}"), None, "273江苏省"),
    ("reports", "kind_in_vocabulary"): (
        Case(f"UPDATE reports SET kind = 'provincial' WHERE {_r(273)}"), 273, "provincial"),
    ("reports", "one_meeting_date"): (
        Case(f"UPDATE reports SET n_date_candidates = 2 WHERE {_r(273)}"), 273,
        "n_date_candidates=2; meeting_date=2019-06-04"),
    ("reports", "meeting_date_resolved"): (
        Case(f"UPDATE reports SET meeting_date = NULL WHERE {_r(274)}"), 274, f"campaign={C19}"),
    ("reports", "campaign_known"): (
        Case(f"UPDATE reports SET campaign = NULL WHERE {_r(230)}"), 230, "山西省"),
    ("reports", "meeting_date_in_2019_campaign"): (
        Case(f"UPDATE reports SET meeting_date = DATE '2019-05-01' WHERE {_r(227)}"), 227, "meeting_date=2019-05-01"),
    ("reports", "meeting_date_in_2023_campaign"): (
        Case(f"UPDATE reports SET campaign = '{C23}' WHERE {_r(227)}"), 227, "meeting_date=2019-06-06"),
    ("reports", "one_guidance_group"): (
        Case(f"UPDATE reports SET n_group_candidates = 2 WHERE {_r(306)}"), 306, "n_group_candidates=2"),
    ("reports", "province_in_31_units"): (
        Case(f"UPDATE reports SET province = '江苏' WHERE {_r(273)}"), 273, "江苏"),
    ("reports", "province_present"): (
        Case(f"UPDATE reports SET province = NULL, province_code = NULL WHERE {_r(273)}"), 273, "江苏省"),
    ("reports", "province_code_consistent"): (
        Case(f"UPDATE reports SET province_code = '33' WHERE {_r(273)}"), 273,
        "province=江苏省; province_code=33; expected_code=32"),
    ("reports", "group_no_positive"): (
        Case(f"UPDATE reports SET guidance_group_no = 0 WHERE {_r(273)}"), 273, "0"),
    ("reports", "names_party_secretary"): (
        Case(f"DELETE FROM people WHERE role = 'party_secretary' AND {_r(230)}"), 230, "0"),
    ("reports", "names_governor_or_host"): (
        Case(f"DELETE FROM people WHERE role IN ('governor', 'host') AND {_r(230)}"), 230, "0"),
    ("people", "role_in_vocabulary"): (
        Case(f"UPDATE people SET role = 'mayor' WHERE role = 'host' AND {_r(273)}"), 273, "name=吴政隆; role=mayor"),
    ("people", "name_shape"): (
        Case(f"UPDATE people SET name = '黄' WHERE role = 'cppcc_chair' AND {_r(273)}"), 273,
        "name=黄; role=cppcc_chair"),
    ("people", "one_province_office_per_person"): (
        Case(f"INSERT INTO people (doc_id, name, role, paragraph_no) VALUES ('{doc(273)}', '娄勤俭', 'governor', 1)"), 273,
        "name=娄勤俭; province_offices=governor + party_secretary"),
    ("cross_reports", "group_has_one_leader"): (
        Case(f"UPDATE people SET name = '张三' WHERE role = 'group_leader' AND {_r(306)}"), 274,
        "group_leaders=张三 in 306"),
    ("cross_reports", "secretary_of_one_province"): (
        Case(f"UPDATE people SET name = '娄勤俭' WHERE role = 'party_secretary' AND {_r(230)}"), 230,
        "娄勤俭: 山西省 in 230"),
    ("cross_reports", "group_covers_few_provinces"): (
        Case("UPDATE reports SET guidance_group_no = 7"), 227, "吉林省; 山西省; 江苏省; 河南省; 黑龙江省"),
    ("cross_reports", "not_a_duplicate_article"): (
        Case(f"INSERT INTO reports SELECT * REPLACE ('999转载' AS doc_id) FROM reports WHERE {_r(273)}"), None,
        f"duplicate_of={doc(273)}"),
    ("warehouse_agreement", "parquet_matches_duckdb"): (
        Case(after=f"DELETE FROM people WHERE role = 'host' AND {_r(273)}"), 273,
        f"table_name=people; key={doc(273)}; n_duckdb=4; n_parquet=5"),
}

ALL_EXPECTATIONS = [(s.name, e["meta"]["name"]) for s in load_suites() for e in s.expectations]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build_good_warehouse(tmp_path_factory.mktemp("good"))


@pytest.mark.parametrize("suite,name", ALL_EXPECTATIONS, ids=[f"{s}.{n}" for s, n in ALL_EXPECTATIONS])
def test_every_expectation_fails_on_a_bad_row(good, tmp_path, suite, name):
    assert (suite, name) in BAD_CASES, f"{suite}.{name} has no bad case in BAD_CASES: add one"
    case, listing_no, shown = BAD_CASES[(suite, name)]
    o = outcome(validate_case(good, tmp_path, case, [suite]), suite, name)
    # A failure, evaluated: not an error that would read as "not evaluated".
    assert o.error is None, o.error
    assert not o.success and o.n_failed >= 1
    expected_doc = doc(listing_no) if listing_no else None
    if suite == "cross_reports" and name == "not_a_duplicate_article":
        expected_doc = "999转载"  # the later copy; the original stays
    observed = [obs for d, obs in o.failures if d == expected_doc]
    assert observed, f"no failure names {expected_doc}: {o.failures}"
    assert any(shown in obs for obs in observed), observed


def test_no_bad_case_for_an_expectation_that_does_not_exist():
    assert set(BAD_CASES) <= set(ALL_EXPECTATIONS)


def test_every_expectation_passes_on_the_sample_corpus(good, tmp_path):
    outcomes = validate_case(good, tmp_path, Case())
    assert sorted((o.suite, o.expectation) for o in outcomes) == sorted(ALL_EXPECTATIONS)
    failed = [(o.suite, o.expectation, o.error, o.failures[:3]) for o in outcomes if not o.success]
    assert failed == []
    assert all(o.n_checked > 0 for o in outcomes)


def test_suite_files_name_their_dataset_and_observed_columns(good, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(good, db)
    con = warehouse.connect(db)
    try:
        warehouse.write_snapshot(con, tmp_path / "parquet", "t")  # the agreement dataset reads it
        columns = {name: set(frame.columns)
                   for name, frame in warehouse.dq_frames(con, warehouse.DQ_DATASETS).items()}
    finally:
        con.close()
    files = sorted(p.stem for p in SUITES_DIR.glob("*.json"))
    assert files == sorted(s.name for s in load_suites()) == sorted(warehouse.DQ_DATASETS)
    for spec in load_suites():
        assert spec.dataset in warehouse.DQ_DATASETS
        for exp in spec.expectations:
            meta, kwargs = exp["meta"], exp["kwargs"]
            assert meta["description"], meta["name"]
            used = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
            for col in used + meta.get("observed", []):
                assert col in columns[spec.dataset], (spec.name, meta["name"], col)
            assert "doc_id" in columns[spec.dataset]


def test_datasets_are_ordered_once_by_their_reader():
    """Each dataset declares its row order, doc_id first, and leaves ORDER BY to its reader: a
    query sorted inside and again outside made DuckDB hold two sorts (out of memory at 1M)."""
    assert set(dq_datasets.ORDER_BY) == set(dq_datasets.DATASETS)
    for name, sql in dq_datasets.DATASETS.items():
        assert dq_datasets.ORDER_BY[name].startswith("doc_id"), name
        last_line = sql.strip().splitlines()[-1]
        assert not last_line.lstrip().upper().startswith("ORDER BY"), (name, last_line)


def test_date_windows_match_the_campaign_batches():
    spec = next(s for s in load_suites() if s.name == "reports")
    windows = {}
    for exp in spec.expectations:
        cond = exp["kwargs"].get("row_condition", "")
        if exp["kwargs"].get("column") == "meeting_date" and cond.startswith("campaign == "):
            windows[cond.split("'")[1]] = (exp["kwargs"]["min_value"], exp["kwargs"]["max_value"])
    batches = {}
    for campaign, _, first, last in dq_datasets.CAMPAIGN_BATCHES:
        lo, hi = batches.get(campaign, (first, last))
        batches[campaign] = (min(lo, first), max(hi, last))
    assert windows == {c: (lo.isoformat(), hi.isoformat()) for c, (lo, hi) in batches.items()}
    assert dt.date.fromisoformat(windows[C19][0]) == dt.date(2019, 5, 31)


def test_an_expectation_gx_cannot_evaluate_is_a_failure_with_its_error(good, tmp_path):
    """The opposite of the cases above: an error is reported as one, and never as a pass."""
    broken = SuiteSpec("reports", "reports", [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "no_such_column"},
         "meta": {"name": "broken", "severity": "critical", "description": "refers to a missing column"}},
        {"type": "expect_column_values_to_be_between",
         "kwargs": {"column": "meeting_date", "min_value": 1, "max_value": 2},
         "meta": {"name": "dates_against_numbers", "severity": "warning", "description": "cannot compare"}},
    ])
    con = warehouse.connect(good, read_only=True)
    try:
        frames = warehouse.dq_frames(con, ["reports"])
    finally:
        con.close()
    outcomes = run_suites([broken], frames, run_id="t")
    for o in outcomes:
        assert not o.success and o.error, o
        assert o.failures == []
    db = tmp_path / "w.duckdb"
    shutil.copyfile(good, db)
    con = warehouse.connect(db)
    try:
        warehouse.write_dq(con, "t", outcomes)
        rows = con.execute("SELECT doc_id, expectation, observed FROM dq_failures ORDER BY expectation").fetchall()
        results = con.execute("SELECT success, description FROM dq_results").fetchall()
    finally:
        con.close()
    assert [(d, e) for d, e, _ in rows] == [(None, "broken"), (None, "dates_against_numbers")]
    assert all(obs.startswith("not evaluated: ") for _, _, obs in rows)
    assert all(not ok and "(not evaluated: " in desc for ok, desc in results)


def test_load_suites_refuses_an_expectation_without_severity(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"name": "x", "dataset": "reports", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "doc_id"},
         "meta": {"name": "n"}}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="severity"):
        load_suites(tmp_path)


def test_chunked_validation_gives_the_results_of_one_frame(good, tmp_path, monkeypatch):
    """Datasets reach GX in chunks that end on a doc_id boundary (warehouse.dq_chunks), and the
    chunks' results are merged: with chunks of a few rows, every outcome (counts and failing rows)
    must be that of the dataset in one piece. Every bad case is applied, so failures are merged too."""
    from tasks import steps

    bad = Case(before=";".join(c.before for c, _, _ in BAD_CASES.values() if c.before),
               after=";".join(c.after for c, _, _ in BAD_CASES.values() if c.after))

    def outcomes(tag: str) -> list[tuple]:
        return sorted((o.suite, o.expectation, o.success, o.n_checked, o.n_failed, sorted(o.failures, key=repr), o.error)
                      for o in validate_case(good, tmp_path / tag, bad))

    whole = outcomes("whole")
    assert sum(not o[2] for o in whole) >= 5  # the bad cases do fail (some overwrite others)
    monkeypatch.setattr(warehouse, "READ_BATCH_ROWS", 2)
    monkeypatch.setattr(steps, "CHUNK_BYTES", 1)  # every Arrow batch is a chunk, as far as docs allow
    parts: list[list[set]] = []  # per dataset query: the doc_ids of each chunk
    real_frames = warehouse._doc_aligned_frames

    def recording(reader, chunk_bytes, by_doc):
        parts.append([])
        for frame in real_frames(reader, chunk_bytes, by_doc):
            if by_doc:
                parts[-1].append(set(frame["doc_id"].astype(object).where(frame["doc_id"].notna(), None)))
            yield frame

    monkeypatch.setattr(warehouse, "_doc_aligned_frames", recording)
    assert outcomes("chunked") == whole
    assert sum(len(chunks) for chunks in parts) > 20  # the tiny chunks were in force
    for chunks in parts:  # no document's rows are split over two chunks
        assert all(not (a & b) for i, a in enumerate(chunks) for b in chunks[i + 1:])
