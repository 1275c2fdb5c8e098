"""Cross-report checks (SQL in DuckDB, validated by GX), the Parquet snapshot, and what
write_dq leaves in dq_failures / dq_runs."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tasks import dq_datasets, warehouse
from tests.tasks.dq_helpers import Case, build_good_warehouse, doc, outcome, validate_case


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return build_good_warehouse(tmp_path_factory.mktemp("good"))


def failures_of(outcomes, suite, name) -> dict[str, str]:
    return dict(outcome(outcomes, suite, name).failures)


def test_a_duplicated_article_holds_back_only_the_later_copies(good, tmp_path):
    case = Case(f"INSERT INTO reports SELECT * REPLACE (doc_id || '·转载' AS doc_id) FROM reports "
                f"WHERE doc_id = '{doc(306)}'; "
                f"INSERT INTO reports SELECT * REPLACE ('999' || doc_id AS doc_id) FROM reports "
                f"WHERE doc_id = '{doc(306)}'")
    failures = failures_of(validate_case(good, tmp_path, case, ["cross_reports"]),
                           "cross_reports", "not_a_duplicate_article")
    assert set(failures) == {doc(306) + "·转载", "999" + doc(306)}  # the first copy by doc_id stays
    sha = next(iter(failures.values())).split("source_sha256=")[1]
    assert all(obs == f"duplicate_of={doc(306)}; source_sha256={sha}" for obs in failures.values())


def test_a_group_with_two_leaders_names_both_reports_and_both_leaders(good, tmp_path):
    case = Case(f"UPDATE people SET name = '张三' WHERE role = 'group_leader' AND doc_id = '{doc(306)}'")
    outcomes = validate_case(good, tmp_path, case, ["cross_reports"])
    failures = failures_of(outcomes, "cross_reports", "group_has_one_leader")
    assert set(failures) == {doc(274), doc(306)}
    for observed in failures.values():
        assert observed.startswith("campaign_batch=2019-1; guidance_group=中央第7指导组; group_leaders=")
        assert f"张三 in {doc(306)}" in observed and f"薛延忠 in {doc(274)}" in observed
    assert outcome(outcomes, "cross_reports", "group_has_one_leader").severity == "critical"


def test_the_same_group_number_in_another_batch_is_another_group(good, tmp_path):
    # Group 7 in September 2019 is a circuit-group batch: a different leader is no conflict.
    case = Case(f"UPDATE people SET name = '张三' WHERE role = 'group_leader' AND doc_id = '{doc(306)}'; "
                f"UPDATE reports SET meeting_date = DATE '2019-09-20' WHERE doc_id = '{doc(306)}'")
    outcomes = validate_case(good, tmp_path, case, ["cross_reports"])
    assert outcome(outcomes, "cross_reports", "group_has_one_leader").success


def test_a_secretary_of_two_provinces_is_a_warning_naming_both(good, tmp_path):
    case = Case(f"UPDATE people SET name = '娄勤俭' WHERE role = 'party_secretary' AND doc_id = '{doc(230)}'")
    outcomes = validate_case(good, tmp_path, case, ["cross_reports"])
    o = outcome(outcomes, "cross_reports", "secretary_of_one_province")
    assert o.severity == "warning" and set(dict(o.failures)) == {doc(230), doc(273)}
    assert dict(o.failures)[doc(273)] == f"娄勤俭: 山西省 in {doc(230)}; 江苏省 in {doc(273)}"


def test_a_group_may_cover_four_provinces_but_not_five(good, tmp_path):
    four = Case(f"UPDATE reports SET guidance_group_no = 7 WHERE doc_id IN ('{doc(227)}', '{doc(230)}')")
    assert outcome(validate_case(good, tmp_path / "4", four, ["cross_reports"]),
                   "cross_reports", "group_covers_few_provinces").success
    five = Case("UPDATE reports SET guidance_group_no = 7")
    o = outcome(validate_case(good, tmp_path / "5", five, ["cross_reports"]),
                "cross_reports", "group_covers_few_provinces")
    assert not o.success and len(o.failures) == 5


def test_snapshot_is_written_beside_its_final_name_and_renamed(good, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(good, db)
    con = warehouse.connect(db)
    try:
        tmp = warehouse.write_snapshot(con, tmp_path / "parquet", "r1")
        assert set(tmp) == set(dq_datasets.SNAPSHOT_KEYS)
        assert not list((tmp_path / "parquet").glob("*.parquet"))  # nothing final before publish
        expected = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tmp}
    finally:
        con.close()
    final = warehouse.commit_snapshot(tmp)
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == sorted(f"{t}.parquet" for t in tmp)
    for table, path in final.items():
        assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchone()[0] == expected[table]
    assert expected["reports"] == 5 and expected["people"] > 5


def test_discarded_snapshot_leaves_no_files(good, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(good, db)
    con = warehouse.connect(db)
    try:
        tmp = warehouse.write_snapshot(con, tmp_path / "parquet", "r1")
    finally:
        con.close()
    warehouse.discard_snapshot(tmp)
    assert list((tmp_path / "parquet").iterdir()) == []


def test_a_key_missing_from_parquet_is_a_disagreement(good, tmp_path):
    case = Case(after=f"INSERT INTO slogans (doc_id, slogan, n) VALUES ('{doc(227)}', '新口号', 1)")
    o = outcome(validate_case(good, tmp_path, case, ["warehouse_agreement"]),
                "warehouse_agreement", "parquet_matches_duckdb")
    assert dict(o.failures)[doc(227)] == f"table_name=slogans; key={doc(227)}; n_duckdb={_n(good, 'slogans', 227) + 1}; " \
                                         f"n_parquet={_n(good, 'slogans', 227)}"


def _n(db, table, listing_no) -> int:
    con = warehouse.connect(db, read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table} WHERE doc_id = ?", [doc(listing_no)]).fetchone()[0]
    finally:
        con.close()


def test_write_dq_records_failures_with_observed_values_and_a_run_summary(good, tmp_path):
    case = Case(f"UPDATE people SET name = '张三' WHERE role = 'group_leader' AND doc_id = '{doc(306)}'; "
                f"UPDATE reports SET kind = 'x' WHERE doc_id = '{doc(230)}'")
    outcomes = validate_case(good, tmp_path, case)
    con = warehouse.connect(tmp_path / "warehouse.duckdb")
    try:
        warehouse.write_dq(con, "r9", outcomes)
        failures = con.execute("SELECT doc_id, expectation, severity, observed, suite, run_id FROM dq_failures "
                               "ORDER BY suite, doc_id").fetchall()
        runs = con.execute("SELECT suite, n_expectations, n_passed, n_failed, n_critical_failed, "
                           "finished_at IS NOT NULL FROM dq_runs WHERE run_id = 'r9' ORDER BY suite").fetchall()
    finally:
        con.close()
    assert [(f[0], f[1], f[2], f[4], f[5]) for f in failures] == [
        (doc(274), "group_has_one_leader", "critical", "cross_reports", "r9"),
        (doc(306), "group_has_one_leader", "critical", "cross_reports", "r9"),
        (doc(230), "kind_in_vocabulary", "critical", "reports", "r9"),
    ]
    assert all(f[3] for f in failures) and failures[2][3] == "x"
    assert runs == [("cross_reports", 4, 3, 1, 1, True), ("people", 3, 3, 0, 0, True),
                    ("reports", 15, 14, 1, 1, True), ("warehouse_agreement", 1, 1, 0, 0, True)]
