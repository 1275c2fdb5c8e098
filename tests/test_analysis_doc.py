"""docs/analysis.md is executed: every SQL block must still produce the answer table printed after it.

If this fails because extraction improved on purpose, run `.venv/bin/python docs/regen_analysis.py`
and review the diff of docs/analysis.md.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLES

DOC = ROOT / "docs" / "analysis.md"


def _load_regen():
    spec = importlib.util.spec_from_file_location("regen_analysis", ROOT / "docs" / "regen_analysis.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


regen = _load_regen()


@pytest.fixture(scope="module")
def con(prefect_api, tmp_path_factory):
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("analysis")
    shutil.copytree(SAMPLES, tmp / "raw")
    chuxin_etl(raw_dir=str(tmp / "raw"), data_dir=str(tmp / "data"))
    c = duckdb.connect(str(tmp / "data" / "warehouse.duckdb"), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_doc_has_a_dozen_worked_questions(doc, con):
    blocks = regen.parse(doc)
    assert len(blocks) >= 12
    assert all(b.table is not None for b in blocks), [b.line for b in blocks if b.table is None]
    for b in blocks:  # an answer of several rows is only reproducible in a fixed order
        _, rows = regen.run_sql(con, b)
        assert len(rows) <= 1 or re.search(r"\bORDER BY\b", b.sql), f"line {b.line}: add an ORDER BY"


def test_every_answer_matches_a_fresh_warehouse(doc, con):
    problems = regen.check(doc, con)
    assert not problems, ("docs/analysis.md has drifted; run `.venv/bin/python docs/regen_analysis.py` "
                          "and review the diff:\n" + "\n".join(problems))


def test_an_altered_answer_is_caught(doc, con):
    """Crafted bad cases: change one cell, drop a row, break the SQL; each must be reported."""
    assert "| 吉林省 | 2019-06-03 | 下午 |" in doc  # question 1's answer: Jilin met first
    wrong_cell = doc.replace("| 吉林省 | 2019-06-03 | 下午 |", "| 吉林省 | 2019-06-04 | 下午 |", 1)
    problems = regen.check(wrong_cell, con)
    assert len(problems) == 1 and "block 1 " in problems[0] and "2019-06-04" in problems[0]

    blocks = regen.parse(doc)
    b = blocks[2]  # meetings per day: drop the last row of its table
    table_lines = b.table.rstrip("\n").split("\n")
    short = doc[:b.table_start] + "\n".join(table_lines[:-1]) + "\n" + doc[b.table_end:]
    problems = regen.check(short, con)
    assert len(problems) == 1 and "block 3 " in problems[0]

    broken = doc.replace("FROM v_timeline", "FROM v_no_such_view", 1)
    assert any("SQL failed" in p for p in regen.check(broken, con))

    # The regeneration script repairs all of them back to the committed doc.
    for bad in (wrong_cell, short):
        assert regen.regenerate(bad, con) == doc


def test_regenerate_inserts_a_missing_table(con):
    text = "# t\n\n```sql\nSELECT 1 AS a, 'x|y' AS b, NULL AS c\n```\n\nAfter.\n"
    out = regen.regenerate(text, con)
    assert out == "# t\n\n```sql\nSELECT 1 AS a, 'x|y' AS b, NULL AS c\n```\n\n| a | b | c |\n|---|---|---|\n" \
                  "| 1 | x\\|y | NULL |\n\nAfter.\n"
    assert regen.check(out, con) == []
    assert regen.table_cells("| a | b |\n|:--|--:|\n| 1 | x\\|y |\n") == [["a", "b"], ["1", "x|y"]]
