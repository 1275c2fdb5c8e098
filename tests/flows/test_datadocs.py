"""Data quality end to end: the flow publishes GX Data Docs, the Parquet snapshot and dq_runs;
--strict fails a run on a critical failure only; the docs render in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from flows.etl import chuxin_etl
from tasks import dq_datasets
from tasks.validate import load_suites

pytestmark = pytest.mark.integration

SUITES = sorted(s.name for s in load_suites())


def query(data_dir: Path, sql: str, params=None):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def add_report(raw_dir: Path, listing_no: int, new_no: int, *replacements: tuple[str, str]) -> str:
    """A copy of a sample report under a new listing number, with some text replaced; its doc_id."""
    src = next(raw_dir.glob(f"{listing_no}*.txt"))
    text = src.read_text(encoding="utf-8").replace(str(listing_no), str(new_no), 1)
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    dst = raw_dir / src.name.replace(str(listing_no), str(new_no), 1)
    dst.write_text(text, encoding="utf-8")
    return dst.stem


def no_group(raw_dir: Path) -> str:
    """A Jiangsu report without its central guidance group: a critical failure."""
    return add_report(raw_dir, 273, 900, ("中央第3指导组副组长姜平出席动员会议并讲话。", ""))


def test_a_run_publishes_data_docs_the_parquet_snapshot_and_dq_runs(prefect_api, raw_dir, tmp_path):
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    index = Path(summary["data_docs"])
    assert index == (data / "docs" / "index.html").resolve() and index.is_file()
    assert f"run {summary['run_id']}" in index.read_text(encoding="utf-8")
    for suite in SUITES:
        assert (data / "docs" / "expectations" / f"{suite}.html").is_file()
        assert list((data / "docs" / "validations" / suite / summary["run_id"]).rglob("*.html"))

    parquet = sorted(p.name for p in (data / "parquet").iterdir())
    assert parquet == sorted(f"{t}.parquet" for t in dq_datasets.SNAPSHOT_KEYS)  # no temp files left
    for table in dq_datasets.SNAPSHOT_KEYS:
        n_parquet = duckdb.sql(f"SELECT count(*) FROM read_parquet('{data / 'parquet' / table}.parquet')")
        assert n_parquet.fetchone()[0] == query(data, f"SELECT count(*) FROM {table}")[0][0]

    runs = query(data, "SELECT suite, n_expectations, n_passed, n_failed, n_critical_failed FROM dq_runs "
                       "WHERE run_id = ? ORDER BY suite", [summary["run_id"]])
    assert [r[0] for r in runs] == SUITES
    assert all(n == passed and failed == critical == 0 for _, n, passed, failed, critical in runs)
    assert not (data / ".docs.building").exists() and not (data / ".docs.old").exists()

    # A no-op rerun changes nothing, so the docs of the validation that checked these data stand.
    same = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert same["noop"] and same["data_docs"] == summary["data_docs"]
    assert f"run {summary['run_id']}" in index.read_text(encoding="utf-8")
    # Any run that loads something validates again and rebuilds the docs.
    add_report(raw_dir, 273, 902)
    again = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    assert not again.get("noop") and again["plan"]["new"] == 1
    assert f"run {again['run_id']}" in index.read_text(encoding="utf-8")
    assert not list((data / "docs" / "validations" / "reports").glob(summary["run_id"]))


def test_strict_fails_the_run_on_a_critical_failure_but_still_publishes(prefect_api, raw_dir, tmp_path):
    bad = no_group(raw_dir)
    data = tmp_path / "data"
    state = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), strict=True, return_state=True)
    assert state.is_failed() and "critical expectations failed (--strict)" in state.message
    assert query(data, "SELECT outcome, n_loaded FROM runs") == [("failed_dq", 6)]
    assert query(data, "SELECT doc_id, expectation, severity, observed FROM dq_failures") == [
        (bad, "one_guidance_group", "critical", "n_group_candidates=0; guidance_group_no=NULL; circuit_group_no=NULL")]
    assert (data / "docs" / "index.html").is_file()


def test_strict_passes_a_run_with_warnings_only(prefect_api, raw_dir, tmp_path):
    # Shanxi's party secretary named as Jiangsu's too: a warning on both reports, nothing critical.
    copy = add_report(raw_dir, 273, 901, ("娄勤俭", "骆惠宁"))
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data), strict=True)
    assert summary["outcome"] == "completed"
    rows = query(data, "SELECT doc_id, expectation, severity FROM dq_failures ORDER BY doc_id")
    shanxi = next(raw_dir.glob("230*.txt")).stem
    assert rows == [(shanxi, "secretary_of_one_province", "warning"),
                    (copy, "secretary_of_one_province", "warning")]


# --- a real headless browser -----------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, *args: str) -> str:
    """Run headless Chromium once, offline; kill its whole process group if it hangs."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                            text=True)
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, f"chromium exited with {proc.returncode}"
    return out


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium)")
def test_data_docs_render_in_headless_chromium(prefect_api, raw_dir, tmp_path, record_property):
    bad = no_group(raw_dir)
    data = tmp_path / "data"
    summary = chuxin_etl(raw_dir=str(raw_dir), data_dir=str(data))
    url = Path(summary["data_docs"]).as_uri()

    shot = tmp_path / "datadocs.png"
    chromium(tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1400,1000", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    record_property("screenshot", str(shot))
    print(f"Data Docs screenshot: {shot}")

    dom = chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert "Data Docs" in dom  # GX's own page around our section
    for suite in SUITES:
        assert f'data-suite="{suite}"' in dom
    assert dom.count('class="chuxin-suite"') == len(SUITES)
    assert "failed (critical)" in dom and dom.count("passed</td>") == len(SUITES) - 1
    assert "reports.one_guidance_group" in dom and bad in dom

    # The linked per-suite validation page is GX's own static rendering of the results.
    page = next((data / "docs" / "validations" / "reports").rglob("*.html"))
    assert f'href="{page.relative_to(data / "docs").as_posix()}"' in dom
    result = chromium(tmp_path / "profile-page", "--dump-dom", page.as_uri())
    assert "Expectation Suite:" in result and "reports" in result and "Failed" in result
    assert "n_group_candidates" in result and bad in result  # the failing row, by doc_id
