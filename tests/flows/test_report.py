"""`chuxin report` on a real warehouse of the samples, checked in a real headless Chromium.

The screenshot is kept in the test's tmp dir (printed with -s; pytest keeps the last few
basetemp dirs) so a person can look at it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from chuxin.cli import main
from tasks.regions import UNITS
from tasks.report import FONT_STACK
from tests.conftest import SAMPLES

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SAMPLE_PROVINCES = ["江苏省", "吉林省", "山西省", "河南省", "黑龙江省"]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def data_dir(prefect_api, tmp_path_factory) -> Path:
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("report")
    shutil.copytree(SAMPLES, tmp / "raw")
    chuxin_etl(raw_dir=str(tmp / "raw"), data_dir=str(tmp / "data"))
    assert main(["report", "--data-dir", str(tmp / "data")]) == 0
    return tmp / "data"


@pytest.fixture(scope="module")
def page(data_dir) -> Path:
    path = data_dir / "report" / "index.html"
    assert path.is_file()
    return path


def test_page_is_self_contained(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in text
    assert "<script" not in text and "<link" not in text and "<img" not in text
    assert not re.search(r"https?://", text), "the page must not reference the network"
    assert not re.search(r"url\((?!#)", text), "no external resources in CSS or SVG"
    hrefs = set(re.findall(r'href="([^"]*)"', text))
    assert hrefs == {"../docs/index.html"}, hrefs  # the one link: GX Data Docs beside the report
    assert "Noto Sans CJK SC" in text and "WenQuanYi" in text


def test_page_content(page):
    text = page.read_text(encoding="utf-8")
    tiles = re.findall(r'<g class="tile" data-province="([^"]+)"', text)
    assert sorted(tiles) == sorted(u.name for u in UNITS) and len(tiles) == 31
    for province in SAMPLE_PROVINCES:
        assert province in text
    assert "吉林省、黑龙江省" in text and "薛延忠" in text  # group 7 covered two provinces
    for section in ("timeline", "map", "groups", "meetings", "officials", "slogans", "dq"):
        assert f'<section id="{section}">' in text


def test_missing_warehouse(tmp_path, capsys):
    assert main(["report", "--data-dir", str(tmp_path)]) == 1
    assert "make run" in capsys.readouterr().err


def test_held_back_reports_are_shown_hatched(data_dir, tmp_path):
    shutil.copyfile(data_dir / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("INSERT INTO dq_failures SELECT doc_id, 'one_meeting_date', 'critical', '2 dates', 'reports', 'r' "
                "FROM reports WHERE province = '河南省'")
    con.close()
    assert main(["report", "--data-dir", str(tmp_path)]) == 0
    text = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "暂缓的报告" in text and "one_meeting_date" in text
    henan = re.search(r'<g class="tile" data-province="河南省">.*?</g>', text).group()
    assert "url(#hatch)" in henan and "因数据质量问题暂缓" in henan


def _cjk_font_families() -> set[str]:
    if not shutil.which("fc-list"):
        return set()
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return {f.strip() for line in out.splitlines() for f in line.split(",")}


def test_renders_in_headless_chromium(page, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install -y chromium fonts-noto-cjk)")
    wanted = {f.strip().strip('"') for f in FONT_STACK.split(",")}
    assert wanted & _cjk_font_families(), (
        "no Chinese font of the page's font stack is installed, Chinese would render as boxes "
        "(Debian: apt-get install -y fonts-noto-cjk)")
    profile = tmp_path / "profile"
    shot = tmp_path / "report.png"
    url = page.resolve().as_uri()
    run = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,2000",
                          f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, "screenshot missing or blank"
    print(f"\nreport screenshot: {shot}")

    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert html.count('class="tile"') == 31  # the browser parsed the inline SVG tile map
    for province in SAMPLE_PROVINCES:
        assert province in html
    groups = re.search(r'<table class="groups">.*?</table>', html, re.S)
    assert groups, "group coverage table missing from the rendered DOM"
    cells = re.findall(r"<td>(.*?)</td>", groups.group())
    assert "吉林省、黑龙江省" in cells and "薛延忠" in cells and "姜平" in cells
