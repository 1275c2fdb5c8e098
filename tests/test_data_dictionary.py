"""Every warehouse table and column is explained in docs/data_dictionary.md."""

from __future__ import annotations

import re

import pytest

from tasks import warehouse
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    parts = re.split(r"^## ", DOC, flags=re.M)
    return {p.split()[0]: p for p in parts[1:]}


def tables(tmp_path) -> dict[str, list[str]]:
    con = warehouse.start_building(tmp_path / "none.duckdb", tmp_path / "w.duckdb")
    try:
        rows = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = 'main' AND table_name IN "
                           "(SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')"
                           " ORDER BY table_name, ordinal_position").fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_every_table_and_column_is_documented(tmp_path):
    docs = sections()
    missing = []
    for table, columns in tables(tmp_path).items():
        if table not in docs:
            missing.append(table)
            continue
        missing += [f"{table}.{c}" for c in columns if not re.search(rf"^\| `?{re.escape(c)}`? \|", docs[table], re.M)]
    assert not missing, f"not in docs/data_dictionary.md: {missing}"


def test_the_check_sees_a_missing_column(tmp_path, monkeypatch):
    monkeypatch.setitem(globals(), "DOC", DOC.replace("| n_critical_failed |", "| something_else |"))
    with pytest.raises(AssertionError, match="dq_runs.n_critical_failed"):
        test_every_table_and_column_is_documented(tmp_path)
