"""The synthetic corpus: deterministic per seed, well-formed, and the extractor scores high against its gold."""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import json

import pytest

from tasks import synth
from tasks.clean import clean_body
from tasks.extract import extract
from tasks.ingest import list_files, parse_source, read_source
from tasks.records import RejectedInput
from tasks.regions import UNITS

N = 1500

# Phrasings the current extractor (tasks/extract.py, tasks/regions.py) does not handle yet. The
# generator writes them because real reports use them; they are scored apart and reported, so
# that a fix shows up here as a rise, not as a surprise. See the report printed by
# test_extractor_accuracy_against_gold (pytest -s).
KNOWN_GAPS = {
    # 江苏省学习贯彻习近平新时代中国特色社会主义思想主题教育工作会议召开: no quote and no 省委 between
    # the unit and the 2023 campaign name, so the unit is not recognised as the organiser.
    "lead=L1-2023",
}


def _digest(n: int, seed: int) -> str:
    h = hashlib.sha256()
    for doc in synth.generate(n, seed):
        h.update(doc.rel_path.encode())
        h.update(doc.data)
        h.update(json.dumps(doc.gold, ensure_ascii=False, sort_keys=True).encode())
        h.update("|".join(doc.images).encode())
    return h.hexdigest()


def test_same_seed_same_corpus_other_seed_other_corpus():
    assert _digest(300, 7) == _digest(300, 7)
    assert _digest(300, 7) != _digest(300, 8)
    # Any slice can be rebuilt alone: document i depends only on (seed, i).
    whole = list(synth.generate(50, 3))
    tail = list(synth.generate(10, 3, start=40))
    assert [d.data for d in whole[40:]] == [d.data for d in tail]


def test_written_corpus_is_byte_identical_across_runs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    synth.write_corpus(a, 200, seed=11)
    synth.write_corpus(b, 200, seed=11)
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)
    gold = [json.loads(line) for line in (a / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    listed = list_files(a).files
    assert sorted(g["source_path"] for g in gold) == sorted(listed)  # one gold row per .txt, nothing else


@pytest.fixture(scope="module")
def corpus():
    return list(synth.generate(N, seed=2024))


def test_corpus_has_the_variety_the_domain_needs(corpus):
    gold = [d.gold for d in corpus]
    provincial = [g for g in gold if g.get("kind") == "provincial_meeting"]
    assert {g["province"] for g in provincial} == {u.name for u in UNITS}
    forms = collections.Counter(g["form"]["group"].rsplit("-", 1)[0] for g in provincial)
    assert set(forms) == {"G1-deputy-only", "G2-plain", "G3-campaign-then-deputy", "G4-leading-group",
                          "G5-campaign-first"}
    assert {g["form"]["group"].rsplit("-", 1)[1] for g in provincial} == {"ar", "cn"}
    assert {g["form"]["venue"] for g in provincial} == {"none", "abbrev", "full", "short", "city"}
    assert {g["campaign"] for g in provincial} == {synth.CAMPAIGN_2019, synth.CAMPAIGN_2023}
    assert {g["time_of_day"] for g in provincial} == {None, "上午", "下午"}
    assert {g["meeting_format"] for g in provincial} == {None, "视频会议", "电视电话会议"}
    assert {g["broken"] for g in gold} == {None, "empty", "binary", "truncated"}
    assert {g.get("encoding") for g in gold if not g["broken"]} == {"utf-8", "utf-8-sig", "gb18030"}
    assert any(g["kind"] == "other" for g in gold)
    assert any(g.get("n_images") for g in gold) and any("/图片/" in i for d in corpus for i in d.images)
    names = {n for g in provincial for ns in g["people"].values() for n in ns}
    assert any("·" in n for n in names) and any(n in synth._MINORITY for n in names)
    # Titles follow the unit's kind.
    jiangsu = next(d for d in corpus if d.gold.get("province") == "江苏省" and d.gold["encoding"] == "utf-8")
    assert "省委书记" in jiangsu.data.decode()
    region = next(d for d in corpus if d.gold.get("province") == "广西壮族自治区" and d.gold["encoding"] == "utf-8")
    assert "区党委书记" in region.data.decode()
    # The sizes of real reports (~8 KB), on one body line unless a picture block splits it.
    sizes = sorted(len(d.data) for d in corpus if not d.gold["broken"])
    assert 6000 < sizes[len(sizes) // 2] < 11000
    plain = next(d for d in corpus if not d.gold["broken"] and not d.gold["has_images"]
                 and d.gold["encoding"] == "utf-8" and b"\r" not in d.data)
    assert plain.data.count(b"\n") == 1 and plain.data.decode().split("\n")[0].endswith(".txt")


def _run_extractor(doc: synth.SynthDoc):
    try:
        src = parse_source(doc.data, doc.rel_path, len(doc.images))
    except RejectedInput:
        return None, []
    ex = extract(src, clean_body(src.body))
    rep = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dataclasses.asdict(ex.report).items()}
    return rep, [(p.role, p.name) for p in ex.people]


def test_extractor_accuracy_against_gold(corpus):
    totals: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    by_form: dict[str, dict[str, list[int]]] = collections.defaultdict(lambda: collections.defaultdict(lambda: [0, 0]))
    quarantined_broken = 0
    n_broken = 0
    for doc in corpus:
        rep, people = _run_extractor(doc)
        if doc.gold["broken"]:
            n_broken += 1
            quarantined_broken += rep is None
            continue
        gap = any(f"{k}={v}" in KNOWN_GAPS for k, v in doc.gold["form"].items())
        for field, ok in synth.score(rep, people, doc.gold).items():
            key = f"{field}{' (known gap)' if gap else ''}"
            totals[key][0] += ok
            totals[key][1] += 1
            if gap:
                continue
            for k, v in doc.gold["form"].items():
                by_form[field][f"{k}={v}"][0] += not ok
                by_form[field][f"{k}={v}"][1] += 1
    acc = {k: a / n for k, (a, n) in totals.items()}
    print(f"\nextractor accuracy on {N} synthetic reports (seed 2024), gold vs extracted:")
    for k in sorted(acc):
        print(f"  {k:40s} {acc[k]:.3f}  (n={totals[k][1]})")
    print("phrasings with errors outside the known gaps (field: form errors/n):")
    for field, forms in sorted(by_form.items()):
        worst = sorted(((e / n, f, e, n) for f, (e, n) in forms.items() if e), reverse=True)[:3]
        if worst:
            print(f"  {field}: " + "; ".join(f"{f} {e}/{n}" for _, f, e, n in worst))
    print(f"broken files quarantined: {quarantined_broken}/{n_broken}")

    # Fields the extractor gets right for every generated phrasing, scored on all documents.
    for field in ("meeting_date", "guidance_group_no", "campaign", "meeting_format", "time_of_day",
                  "has_images", "n_images", "encoding", "people.group_leader", "people.group_deputy"):
        assert acc[field] >= 0.95, (field, acc[field])
    # Fields that depend on recognising the province: scored outside the known gaps.
    for field in ("kind", "province", "province_code"):
        assert acc[field] >= 0.95, (field, acc[field])
    for field in ("venue_city", "people.party_secretary", "people.governor", "people.cppcc_chair", "people.host"):
        assert acc[field] >= 0.9, (field, acc[field])
    # Empty and binary files must be quarantined; a truncated one may still yield its lead.
    assert quarantined_broken >= sum(1 for d in corpus if d.gold["broken"] in ("empty", "binary"))


def test_samples_still_read_like_the_generated_format(tmp_path):
    """The generator's files go through the same reader as the real samples."""
    synth.write_corpus(tmp_path, 40, seed=1)
    for rel in list_files(tmp_path).files:
        try:
            doc = read_source(tmp_path, rel)
        except RejectedInput:
            continue
        assert doc.title and doc.listing_no is not None and doc.listing_no < synth.SHARD_SIZE
