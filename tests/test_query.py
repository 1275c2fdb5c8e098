"""`chuxin query` against a real warehouse of the five samples: read-only, parameters, formats, errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pyarrow.parquet as pq
import pytest

from chuxin import cmd_query
from chuxin.cli import main
from tests.conftest import ROOT, SAMPLES


@pytest.fixture(scope="module")
def data_dir(prefect_api, tmp_path_factory):
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("query")
    raw = tmp / "raw"
    shutil.copytree(SAMPLES, raw)
    chuxin_etl(raw_dir=str(raw), data_dir=str(tmp / "data"))
    return tmp / "data"


def q(data_dir, *args):
    return main(["query", "--data-dir", str(data_dir), *args])


def test_table_output_is_aligned_and_cjk_aware(data_dir, capsys):
    assert q(data_dir, "SELECT province, host, guidance_group_no FROM v_meetings ORDER BY province_code") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["province", "host", "guidance_group_no"]
    body = lines[2:-1]
    assert [ln.split()[0] for ln in body] == ["山西省", "吉林省", "黑龙江省", "江苏省", "河南省"]
    # Every row has the same display width (CJK characters count as two columns).
    widths = {cmd_query.display_width(ln) for ln in lines[1:-1]}
    assert len(widths) == 1, lines
    assert lines[-1] == "(5 rows)"


def test_named_parameters_are_bound_not_formatted(data_dir, capsys):
    assert q(data_dir, "SELECT province FROM v_meetings WHERE guidance_group_no = $g ORDER BY meeting_date",
             "--param", "g=7", "--format", "csv") == 0
    assert capsys.readouterr().out == "province\n吉林省\n黑龙江省\n"
    # A value that would be an injection if pasted into the SQL is just a string that matches nothing.
    assert q(data_dir, "SELECT count(*) AS n FROM reports WHERE province = $p",
             "--param", "p=x' OR '1'='1", "--format", "csv") == 0
    assert capsys.readouterr().out == "n\n0\n"


def test_writes_are_refused_and_the_warehouse_is_untouched(data_dir, capsys):
    for sql in ("DROP TABLE reports", "DELETE FROM people", "CREATE TABLE x AS SELECT 1",
                "COPY reports TO '/tmp/chuxin_query_leak.csv'"):
        assert q(data_dir, sql) == 2, sql
        err = capsys.readouterr().err
        assert err.startswith("chuxin query: ") and len(err.strip().splitlines()) == 1, err
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
    assert con.execute("SELECT count(*) FROM people").fetchone()[0] > 0
    con.close()


def test_bad_sql_is_one_line_exit_2_without_traceback(data_dir):
    for sql in ("SELECT * FRM reports", "SELECT * FROM no_such_table", "SELECT $missing"):
        proc = subprocess.run([sys.executable, "-m", "chuxin.cli", "query", "--data-dir", str(data_dir), sql],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stdout == ""


def test_missing_warehouse_says_to_run_first(tmp_path, capsys):
    assert q(tmp_path, "SELECT 1") == 1
    err = capsys.readouterr().err
    assert "no warehouse" in err and "make run" in err


def test_list_shows_tables_and_views_with_descriptions(data_dir, capsys):
    assert q(data_dir, "--list", "--format", "json") == 0
    objs = {o["name"]: o for o in json.loads(capsys.readouterr().out)}
    for view in ("v_meetings", "v_group_coverage", "v_officials", "v_slogans", "v_timeline"):
        for name in (view, view + "_all"):
            assert objs[name]["type"] == "view" and objs[name]["description"], name
    for table in ("reports", "people", "speeches", "slogans", "evidence", "quarantine", "sources", "runs",
                  "dq_results", "dq_failures"):
        assert objs[table]["type"] == "table" and objs[table]["description"], table
    assert objs["reports"]["rows"] == 5


def test_output_files(data_dir, tmp_path, capsys):
    sql = "SELECT province, meeting_date, guidance_group_no FROM v_meetings ORDER BY meeting_date, province_code"
    assert q(data_dir, sql, "--format", "parquet", "--output", str(tmp_path / "m.parquet")) == 0
    t = pq.read_table(tmp_path / "m.parquet")
    assert t.num_rows == 5 and t.column("province").to_pylist()[0] == "吉林省"
    assert str(t.schema.field("meeting_date").type) == "date32[day]"
    assert q(data_dir, sql, "--output", str(tmp_path / "m.json")) == 0  # format from the suffix
    rows = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert rows[0] == {"province": "吉林省", "meeting_date": "2019-06-03", "guidance_group_no": 7}
    assert q(data_dir, sql, "--format", "parquet") == 2  # parquet needs a file
    assert "--output" in capsys.readouterr().err


def test_views_exclude_reports_held_back_by_critical_failures(data_dir, tmp_path):
    """Mark one report as failing a critical expectation (in a copy) and compare the views."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(data_dir / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy))
    jilin = con.execute("SELECT doc_id FROM reports WHERE province = '吉林省'").fetchone()[0]
    con.execute("INSERT INTO dq_failures VALUES (?, 'x', 'critical', 'obs', 'reports', 'r'), "
                "(?, 'y', 'warning', 'obs', 'reports', 'r'), (NULL, 'z', 'critical', '3 rows', 'reports', 'r')",
                [jilin, jilin])
    n = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert n("SELECT count(*) FROM v_meetings") == 4 and n("SELECT count(*) FROM v_meetings_all") == 5
    assert n("SELECT count(*) FROM v_held_back") == 1
    assert n("SELECT provinces FROM v_group_coverage WHERE guidance_group_no = 7") == "黑龙江省"
    assert n("SELECT provinces FROM v_group_coverage_all WHERE guidance_group_no = 7") == "吉林省、黑龙江省"
    assert n("SELECT count(*) FROM v_officials WHERE name = '巴音朝鲁'") == 0
    assert n("SELECT count(*) FROM v_officials_all WHERE name = '巴音朝鲁'") == 1
    assert n("SELECT count(*) FROM v_slogans WHERE province = '吉林省'") == 0
    assert n("SELECT count(*) FROM v_slogans_all WHERE province = '吉林省'") > 0
    assert n("SELECT sum(n_meetings) FROM v_timeline") == 4 and n("SELECT sum(n_meetings) FROM v_timeline_all") == 5
    con.close()


def test_render_table_helpers():
    assert cmd_query.display_width("吉林省ab") == 8
    assert cmd_query.truncate("黑龙江省委书记", 7) == "黑龙江…"
    out = cmd_query.render_table(["a", "n"], [("长春", 1), (None, 22)])
    assert out.splitlines()[2:4] == ["长春   1", "NULL  22"]
    with pytest.raises(cmd_query.QueryError):
        cmd_query.parse_params(["no-equals-sign"])
    assert cmd_query.parse_params(["$g=7", "p=a=b"]) == {"g": "7", "p": "a=b"}
