"""The extractor is exact on the hand-annotated gold corpus and on the five samples, and the
harness itself notices a wrong gold value (so "exact" means something)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from chuxin.cli import main
from tasks.evaluate import ALL_FIELDS, compare, evaluate, extract_dir, format_report, load_gold

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT / "tests" / "gold"
BLIND = ROOT / "tests" / "gold_blind"  # written blind, see tests/gold_blind/README.md
CASES = {
    "gold corpus": (GOLD_DIR / "raw", GOLD_DIR / "gold.json"),
    "blind corpus": (BLIND / "raw", BLIND / "gold.json"),
    "five samples": (ROOT / "data" / "raw", GOLD_DIR / "samples_gold.json"),
    "hard corpus": (ROOT / "tests" / "gold_hard" / "raw", ROOT / "tests" / "gold_hard" / "gold.json"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_field_is_exact(case):
    raw, gold = CASES[case]
    ev = evaluate(raw, gold)
    assert ev.n_gold == ev.n_extracted and not ev.not_in_gold, format_report(ev)
    assert ev.exact, format_report(ev)
    for name, score in ev.scores.items():
        assert (score.precision, score.recall, score.exact_docs) == (1.0, 1.0, score.docs), name


def test_gold_corpus_has_the_required_variety():
    gold = load_gold(GOLD_DIR / "gold.json")
    assert len(gold) >= 30
    provincial = [g for g in gold.values() if g["kind"] == "provincial_meeting"]
    other = [g for g in gold.values() if g["kind"] == "other"]
    assert len(other) >= 6 and all(g["organisation"] for g in other)
    assert all(not g["people"][r] for g in other for r in ("party_secretary", "governor", "cppcc_chair"))
    codes = {g["province_code"] for g in provincial}
    assert {"11", "12", "31", "50"} <= codes  # all four municipalities
    assert len(codes & {"15", "45", "54", "64", "65"}) >= 4  # autonomous regions
    assert any(g["circuit_group_no"] for g in provincial)
    assert any(g["meeting_date"] and g["meeting_date"].startswith("2023") for g in provincial)
    assert any(g["date_inferred"] is False for g in provincial)
    assert any(g["meeting_date"] is None and g["time_of_day"] for g in provincial)  # day only
    assert any(g["meeting_date"] is None and not g["time_of_day"] for g in provincial)  # no date
    assert any(g["venue_city"] is None for g in provincial)
    assert {g["meeting_format"] for g in provincial} == {None, "视频会议", "电视电话会议"}
    assert max(g["guidance_group_no"] or 0 for g in gold.values()) >= 40
    assert any("·" in n for g in provincial for n in g["people"]["governor"])
    raw = GOLD_DIR / "raw"
    nested = [p for p in raw.rglob("*.txt") if p.parent.name == p.stem]
    assert nested and all((p.parent / "图片").is_dir() for p in nested)
    data = {p: p.read_bytes() for p in raw.rglob("*.txt")}
    assert any(b.startswith(b"\xef\xbb\xbf") for b in data.values())
    assert any(b"\r\n" in b for b in data.values())
    assert sum(1 for b in data.values() if _is_gbk_only(b)) >= 2
    lines = [b.split(b"\n") for b in data.values()]
    assert any(len(ls) > 3 and "这里有图片".encode() in ls[2] and ls[1].startswith(b"-----") for ls in lines)
    assert any(b"</div>-----" in b for b in data.values())  # a picture glued mid-body


def _is_gbk_only(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        return data.decode("gbk") is not None


def test_harness_fails_on_a_deliberately_wrong_gold_value():
    raw, gold_path = CASES["gold corpus"]
    gold = load_gold(gold_path)
    extracted = extract_dir(raw)
    bad = copy.deepcopy(gold)
    doc = "110北京市“不忘初心、牢记使命”主题教育工作会议召开"
    bad[doc]["guidance_group_no"] = 3  # the text says 中央第二指导组
    bad[doc]["people"]["cppcc_chair"] = ["吉林省"]  # the chair is 吉林, not the province
    bad[doc]["speeches"].append([6, "蔡奇", "强调"])  # paragraph 6 is the closing paragraph
    ev = compare(bad, extracted)
    assert not ev.exact
    got = {(m.doc_id, m.field) for m in ev.mismatches}
    assert got == {(doc, "guidance_group_no"), (doc, "people.cppcc_chair"), (doc, "speeches")}
    assert ev.scores["guidance_group_no"].precision < 1 and ev.scores["guidance_group_no"].recall < 1
    assert ev.scores["people.cppcc_chair"].recall < 1
    assert ev.scores["speeches"].recall < 1 and ev.scores["speeches"].precision == 1
    # A document the gold file expects but the raw dir lacks is a mismatch too.
    missing = copy.deepcopy(gold) | {"999不存在的报道": gold[doc]}
    ev = compare(missing, extracted)
    assert [(m.doc_id, m.field) for m in ev.mismatches] == [("999不存在的报道", "document")]
    assert ev.scores["province"].recall < 1


def test_cli_exit_codes_and_output(tmp_path, capsys):
    raw, gold_path = CASES["gold corpus"]
    assert main(["evaluate", "--raw-dir", str(raw), "--gold", str(gold_path)]) == 0
    out = capsys.readouterr().out
    assert "precision" in out and "every scored field matches" in out
    assert all(f in out for f in ALL_FIELDS)
    bad = load_gold(gold_path)
    doc = "115江西省“不忘初心、牢记使命”主题教育工作会议召开"
    bad[doc]["meeting_date"] = "2019-06-05"  # the report says only 5日: the gold must not guess
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", "--raw-dir", str(raw), "--gold", str(path)]) == 1
    out = capsys.readouterr().out
    assert f'{doc} | meeting_date | expected "2019-06-05" | got null' in out
    assert main(["evaluate", "--raw-dir", str(tmp_path / "nope"), "--gold", str(path)]) == 2
