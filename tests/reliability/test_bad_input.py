"""Bad input: one real flow run over a raw dir holding every kind of bad file beside the samples.

The invariant checked for every input path: it is in exactly one of ``reports`` (loaded, rows
matching the hash of the file's bytes, ``sources.status = 'loaded'``) or ``quarantine`` (with
the stage and a reason a person can act on). Nothing crashes the run, nothing is dropped.

Three cases need something to happen *during* the run. They are made deterministic by
wrapping the real functions in this process (one batch runs on Prefect's thread runner):
- a file that disappears between listing and reading: deleted right after ``list_files``;
- a file that changes between listing and reading: rewritten just before ``read_source``;
- an unreadable file: ``chmod 000`` when not root. Root ignores file permissions, so as root
  (the usual container case) the open of that one file raises the PermissionError the kernel
  would give a normal user. Either way the code path under test is the same ``except``.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import tracemalloc
from pathlib import Path

import duckdb
import pytest

import tasks.ingest
import tasks.planning
import tasks.process
from tasks.ingest import fs_path, list_files, read_source
from tasks.records import RejectedInput

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "raw"
IS_ROOT = os.geteuid() == 0
BIG_MB = 50

GBK_NAME = "917".encode() + "山东省".encode("gbk") + b".txt"  # a name that is not UTF-8
GBK_REL = GBK_NAME.decode("utf-8", errors="backslashreplace")  # how the pipeline names it


def sample(prefix: str) -> bytes:
    return next(SAMPLES.glob(f"{prefix}*.txt")).read_bytes()


def retitled(prefix: str, new_prefix: str) -> str:
    """A sample with its listing number changed, so that its content differs from the original."""
    return sample(prefix).decode("utf-8").replace(prefix, new_prefix, 1)


# name -> ("loaded", None) or (stage, words the reason must contain)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "901空.txt": ("ingest", "empty"),
    "902只有标题.txt": ("ingest", "only its title line"),
    "903二进制.txt": ("ingest", "binary"),
    "904截断.txt": ("loaded", None),
    "905GBK.txt": ("loaded", None),
    "906GB18030.txt": ("loaded", None),
    "907UTF16.txt": ("loaded", None),
    "908UTF8BOM.txt": ("loaded", None),
    "909混合换行.txt": ("loaded", None),
    "910巨大.txt": ("ingest", "larger than any article"),
    "江苏省无编号会议召开.txt": ("loaded", None),
    "911重名.TXT": ("loaded", None),  # sorts before 911重名.txt, so it keeps the doc_id
    "911重名.txt": ("list", "same doc_id"),
    "912同内容甲.txt": ("loaded", None),
    "913同内容乙.txt": ("loaded", None),
    "914 有 空 格 .txt": ("loaded", None),
    "915“引号”.txt": ("loaded", None),
    "916'; DROP TABLE reports; --\".txt": ("loaded", None),
    GBK_REL: ("loaded", None),
    "918a\\xffb.txt": ("loaded", None),  # a literal backslash-x in the name, not an escape
    "919链接到外面.txt": ("list", "symbolic link not followed"),
    "920断链.txt": ("list", "symbolic link not followed"),
    "921目录.txt": ("list", "directory named like a .txt file"),
    "921目录.txt/922目录里的.txt": ("loaded", None),
    "923消失.txt": ("ingest", "disappeared between listing and reading"),
    "924变化.txt": ("loaded", None),
    "925不可读.txt": ("ingest", "permission denied"),
    "926管道.txt": ("list", "not a regular file"),
    "927只有标记.txt": ("clean", "no text is left"),
    "928UTF16无BOM.txt": ("loaded", None),
    "929链接的目录": ("list", "symbolic link to a folder"),
}
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.txt"))
CHANGED_TEXT = retitled("274", "924")


def build_raw(raw: Path, outside: Path) -> None:
    shutil.copytree(SAMPLES, raw)
    w = lambda name, data: (raw / name).write_bytes(data)  # noqa: E731
    s273 = sample("273")
    w("901空.txt", b"")
    w("902只有标题.txt", "902只有标题.txt\r\n".encode())
    w("903二进制.txt", bytes((i * 7919 + 13) % 256 for i in range(20000)))
    cut = retitled("273", "904").encode()
    w("904截断.txt", cut[: cut.index(b"<span", len(cut) // 2) + 9])  # ends inside "<span sty"
    w("905GBK.txt", retitled("230", "905").encode("gbk"))
    w("906GB18030.txt", (retitled("227", "906") + "<div>䶮𠀀</div>").encode("gb18030"))
    w("907UTF16.txt", retitled("306", "907").encode("utf-16"))
    w("908UTF8BOM.txt", codecs.BOM_UTF8 + retitled("274", "908").encode())
    lines = retitled("273", "909").split("\n")
    w("909混合换行.txt", "".join(ln + ("\r\n" if i % 2 else "\n") for i, ln in enumerate(lines)).encode())
    head, _, body = s273.partition(b"\n")
    with open(raw / "910巨大.txt", "wb") as fh:
        fh.write(b"910" + head[3:] + b"\n")
        block = body * 64
        for _ in range(BIG_MB * 2**20 // len(block) + 1):
            fh.write(block)
    w("江苏省无编号会议召开.txt", s273.decode().replace("273", "", 1).encode())
    w("911重名.txt", retitled("230", "911").encode())
    w("911重名.TXT", retitled("227", "911").encode())
    w("912同内容甲.txt", retitled("306", "912").encode())
    w("913同内容乙.txt", retitled("306", "912").encode())  # the very same bytes
    w("914 有 空 格 .txt", retitled("230", "914").encode())
    w("915“引号”.txt", retitled("227", "915").encode())
    w("916'; DROP TABLE reports; --\".txt", retitled("274", "916").encode())
    with open(os.path.join(os.fsencode(raw), GBK_NAME), "wb") as fh:
        fh.write(retitled("306", "917").encode())
    w("918a\\xffb.txt", retitled("230", "918").encode())
    (outside / "secret.txt").write_text("919机密.txt\n<div>不该读到</div>", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "930外面的.txt").write_bytes(retitled("273", "930").encode())
    (raw / "919链接到外面.txt").symlink_to(outside / "secret.txt")
    (raw / "920断链.txt").symlink_to(raw / "no-such-file.txt")
    (raw / "929链接的目录").symlink_to(outside / "folder", target_is_directory=True)
    (raw / "921目录.txt").mkdir()
    (raw / "921目录.txt" / "922目录里的.txt").write_bytes(retitled("227", "922").encode())
    w("923消失.txt", retitled("273", "923").encode())
    w("924变化.txt", retitled("306", "924").encode())  # replaced by CHANGED_TEXT during the run
    w("925不可读.txt", retitled("230", "925").encode())
    os.mkfifo(raw / "926管道.txt")
    w("927只有标记.txt", b"927\n<div>&nbsp;</div><div><span style='x'>   </span></div>\n")
    w("928UTF16无BOM.txt", retitled("274", "928").encode("utf-16-le"))


def query(data: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def bad_run(prefect_api, tmp_path_factory):
    """Build the raw dir, run the real flow once with the three in-run events, return its dirs."""
    from flows.etl import chuxin_etl

    tmp = tmp_path_factory.mktemp("bad_input")
    raw, data, outside = tmp / "raw", tmp / "data", tmp / "outside"
    outside.mkdir()
    build_raw(raw, outside)
    unreadable = raw / "925不可读.txt"
    if not IS_ROOT:
        unreadable.chmod(0)
    real_list, real_read, real_open = tasks.planning.list_files, tasks.process.read_source, tasks.ingest._read_bounded

    def list_then_delete(raw_dir, follow_symlinks=False):
        listing = real_list(raw_dir, follow_symlinks)
        (raw / "923消失.txt").unlink(missing_ok=True)  # gone after it was listed
        return listing

    def change_then_read(raw_dir, rel_path):
        if rel_path == "924变化.txt":
            (raw / rel_path).write_text(CHANGED_TEXT, encoding="utf-8")  # changed after it was listed
        return real_read(raw_dir, rel_path)

    def open_as_unprivileged(path):
        if Path(path).name == unreadable.name:
            raise PermissionError(13, "Permission denied", str(path))  # what a non-root user gets
        return real_open(path)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tasks.planning, "list_files", list_then_delete)
        mp.setattr(tasks.process, "read_source", change_then_read)
        if IS_ROOT:
            mp.setattr(tasks.ingest, "_read_bounded", open_as_unprivileged)
        summary = chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    return raw, data, summary


def outcome(data: Path) -> dict[str, tuple]:
    """source_path -> ('loaded', sha) or (stage, reason), failing on a path in both or twice."""
    loaded = query(data, "SELECT source_path, source_sha256 FROM reports")
    quarantined = query(data, "SELECT source_path, stage, reason FROM quarantine")
    paths = [r[0] for r in loaded] + [r[0] for r in quarantined]
    assert len(paths) == len(set(paths)), sorted(p for p in paths if paths.count(p) > 1)
    return {**{p: ("loaded", sha) for p, sha in loaded}, **{p: (stage, reason) for p, stage, reason in quarantined}}


def test_the_run_completes(bad_run):
    _, data, summary = bad_run
    assert summary["outcome"] == "completed"
    n_loaded = sum(1 for v in EXPECTED.values() if v[0] == "loaded") + len(SAMPLE_NAMES)
    assert summary["counts"]["loaded"] == n_loaded
    assert summary["counts"]["quarantined"] == len(EXPECTED) + len(SAMPLE_NAMES) - n_loaded


def test_every_input_path_is_loaded_or_quarantined_exactly_once(bad_run):
    raw, data, _ = bad_run
    seen = outcome(data)
    inputs = set(EXPECTED) | set(SAMPLE_NAMES)
    assert set(seen) == inputs  # nothing dropped, nothing invented (the link target is not read)
    sources = dict(query(data, "SELECT source_path, status FROM sources"))
    assert set(sources) == inputs
    for path, (state, _) in seen.items():
        assert sources[path] == ("loaded" if state == "loaded" else "quarantined"), path


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input(bad_run, name):
    raw, data, _ = bad_run
    state, detail = outcome(data)[name]
    want_state, words = EXPECTED[name]
    assert state == want_state, (name, state, detail)
    if state == "loaded":
        # the rows belong to the bytes now on disk (for 924变化 that is the changed content)
        assert detail == hashlib.sha256(fs_path(raw, name).read_bytes()).hexdigest()
    else:
        assert words in detail, detail
        assert len(detail) > 30  # a sentence, not a code


def test_samples_load_unchanged_beside_the_bad_files(bad_run):
    _, data, _ = bad_run
    rows = query(data, "SELECT listing_no, province, guidance_group_no FROM reports "
                       "WHERE source_path IN (SELECT unnest(?)) ORDER BY 1", [SAMPLE_NAMES])
    assert rows == [(227, "河南省", 1), (230, "山西省", 8), (273, "江苏省", 3), (274, "黑龙江省", 7),
                    (306, "吉林省", 7)]


def test_encodings_are_recorded(bad_run):
    _, data, _ = bad_run
    enc = dict(query(data, "SELECT listing_no, encoding FROM reports WHERE listing_no BETWEEN 904 AND 929"))
    assert enc[905] == enc[906] == "gb18030"
    assert enc[907] == enc[928] == "utf-16"
    assert enc[908] == "utf-8-sig" and enc[909] == "utf-8"
    # every decoded file reads like the sample it came from
    prov = dict(query(data, "SELECT listing_no, province FROM reports WHERE listing_no BETWEEN 904 AND 929"))
    assert (prov[905], prov[906], prov[907], prov[908], prov[909], prov[928]) == (
        "山西省", "河南省", "吉林省", "黑龙江省", "江苏省", "黑龙江省")


def test_no_prefix_title_and_odd_names_round_trip(bad_run):
    raw, data, _ = bad_run
    row = query(data, "SELECT listing_no, doc_id FROM reports WHERE source_path = '江苏省无编号会议召开.txt'")
    assert row == [(None, "江苏省无编号会议召开")]
    # the \\xNN-escaped name maps back to the very file on disk
    # (some GBK byte pairs happen to be valid UTF-8: 山 is C9 BD, which reads as ɽ)
    assert GBK_REL == "917ɽ\\xb6\\xabʡ.txt"
    assert query(data, "SELECT count(*) FROM reports WHERE source_path = ?", [GBK_REL]) == [(1,)]
    assert fs_path(raw, GBK_REL).read_bytes() == retitled("306", "917").encode()
    assert query(data, "SELECT count(*) FROM reports WHERE doc_id = ?", ["916'; DROP TABLE reports; --\""]) == [(1,)]


def test_same_doc_id_second_file_is_refused_not_overwriting(bad_run):
    _, data, _ = bad_run
    rows = query(data, "SELECT source_path, province FROM reports WHERE doc_id = '911重名'")
    assert rows == [("911重名.TXT", "河南省")]
    reason = query(data, "SELECT reason FROM quarantine WHERE source_path = '911重名.txt'")[0][0]
    assert "911重名.TXT" in reason and "rename" in reason


def test_same_content_under_two_names_both_load(bad_run):
    _, data, _ = bad_run
    rows = query(data, "SELECT doc_id, source_sha256 FROM reports WHERE listing_no = 912 ORDER BY 1")
    assert [r[0] for r in rows] == ["912同内容甲", "913同内容乙"] and rows[0][1] == rows[1][1]


def test_symlink_target_is_not_read(bad_run):
    _, data, _ = bad_run
    assert query(data, "SELECT count(*) FROM reports WHERE title LIKE '%机密%' OR listing_no = 930") == [(0,)]


def test_a_second_run_doubles_nothing_and_completes_the_transient_ones(bad_run, tmp_path):
    """Re-run after the transient causes are gone: they load, everything else stays as it was."""
    from flows.etl import chuxin_etl

    raw, data, _ = bad_run
    before = outcome(data)
    (raw / "923消失.txt").write_text(retitled("273", "923"), encoding="utf-8")  # came back
    (raw / "925不可读.txt").chmod(0o644)  # permissions fixed
    tables = ["reports", "people", "speeches", "slogans", "evidence"]
    counts_before = {t: query(data, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    summary = chuxin_etl(raw_dir=str(raw), data_dir=str(data))
    after = outcome(data)
    assert after["923消失.txt"][0] == after["925不可读.txt"][0] == "loaded"
    assert {k: v for k, v in after.items() if k not in ("923消失.txt", "925不可读.txt")} == \
        {k: v for k, v in before.items() if k not in ("923消失.txt", "925不可读.txt")}
    assert summary["plan"]["new"] == 0
    # the 2 files now loaded add their rows; nothing else changed or doubled
    assert query(data, "SELECT count(*) - count(DISTINCT doc_id) FROM reports") == [(0,)]
    assert query(data, "SELECT count(*) FROM reports")[0][0] == counts_before["reports"] + 2
    dup = query(data, "SELECT count(*) FROM (SELECT doc_id, name, role, paragraph_no, count(*) c FROM people "
                      "GROUP BY ALL HAVING c > 1)")
    assert dup == [(0,)]


# --- the pieces behind the flow results, checked directly ---------------------------------

def test_a_50mb_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "910巨大.txt"
    with open(path, "wb") as fh:
        fh.truncate(BIG_MB * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(RejectedInput) as info:
            read_source(tmp_path, path.name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "50.0 MiB" in info.value.reason and "not read" in info.value.reason
    assert peak < 1 * 2**20  # bytes allocated while refusing it


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks.ingest, "MAX_BYTES", 1000)
    path = tmp_path / "x.txt"
    path.write_bytes(b"1\n" + b"a" * 10_000)  # fstat says too big: refused before reading
    with pytest.raises(RejectedInput, match="larger than any article"):
        read_source(tmp_path, "x.txt")


def test_a_file_changing_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "x.txt"
    path.write_bytes(retitled("273", "1").encode())
    real_fstat = os.fstat
    calls = []

    def fstat_then_append(fd):
        calls.append(fd)
        if len(calls) == 2:  # between the read and the second fstat, a writer appends
            with open(path, "ab") as fh:
                fh.write(b"<div>more</div>")
        return real_fstat(fd)

    monkeypatch.setattr(tasks.ingest.os, "fstat", fstat_then_append)
    with pytest.raises(RejectedInput, match="changed while it was being read"):
        read_source(tmp_path, "x.txt")


@pytest.mark.skipif(IS_ROOT, reason="root ignores file permissions; the flow test simulates the error")
def test_chmod_000_is_permission_denied(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"1\n<div>x</div>")
    path.chmod(0)
    with pytest.raises(RejectedInput, match="permission denied"):
        read_source(tmp_path, "x.txt")


def test_symlink_loops_do_not_hang_the_listing(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1x.txt").write_text("1x\n<div>x</div>", encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert list_files(tmp_path, follow_symlinks=False).files == ["a/1x.txt"]
    followed = list_files(tmp_path, follow_symlinks=True)
    assert followed.files == ["a/1x.txt"]


def test_a_fifo_swapped_in_after_listing_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "x.txt")
    with pytest.raises(RejectedInput, match="no longer a regular file"):
        read_source(tmp_path, "x.txt")
