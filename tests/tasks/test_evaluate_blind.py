"""The blind corpus (tests/gold_blind): 27 reports written and annotated from DOMAIN.md,
issue 3 and the five samples only, before the extractor was read or run on them (see
tests/gold_blind/README.md). Exactness on it is one case of test_evaluate_gold.py; here, its
variety, and that the harness notices a wrong value there too."""

from __future__ import annotations

import copy
from pathlib import Path

from tasks.evaluate import compare, extract_dir, load_gold

ROOT = Path(__file__).resolve().parents[2]
BLIND = ROOT / "tests" / "gold_blind"


def test_blind_corpus_covers_the_variants_it_was_written_for():
    gold = load_gold(BLIND / "gold.json")
    assert len(gold) >= 25
    provincial = [g for g in gold.values() if g["kind"] == "provincial_meeting"]
    other = [g for g in gold.values() if g["kind"] == "other"]
    assert len(other) >= 5 and all(g["organisation"] and g["province"] is None for g in other)
    assert all(not g["people"][r] for g in other for r in ("party_secretary", "governor", "cppcc_chair"))
    codes = {g["province_code"] for g in provincial}
    assert {"11", "12", "31", "50"} <= codes and {"15", "45", "54", "64", "65"} <= codes
    assert any(g["circuit_group_no"] for g in provincial) and any(g["circuit_group_no"] for g in other)
    assert {g["meeting_date"][:4] for g in gold.values() if g["meeting_date"]} == {"2019", "2023"}
    assert any(g["date_inferred"] is False for g in provincial)
    assert any(g["meeting_date"] is None and g["time_of_day"] for g in provincial)  # day only
    assert any(g["meeting_date"] is None and not g["time_of_day"] for g in provincial)  # 日前
    assert {g["meeting_format"] for g in provincial} == {None, "视频会议", "电视电话会议"}
    assert {"南京市", "西宁市", "长沙市", "长春市"} <= {g["venue_city"] for g in provincial}
    assert any(g["people"]["group_deputy"] and not g["people"]["group_leader"] for g in provincial)
    assert any("·" in n for g in provincial for n in g["people"]["governor"])


def test_harness_fails_on_a_wrong_blind_value():
    gold = load_gold(BLIND / "gold.json")
    extracted = extract_dir(BLIND / "raw")
    bad = copy.deepcopy(gold)
    doc = "513青海省“不忘初心、牢记使命”主题教育工作会议召开"
    bad[doc]["venue_city"] = "南京市"  # 在宁 is 西宁 in Qinghai
    bad[doc]["people"]["group_deputy"] = ["王晓"]  # the provincial group's 常务副组长, not the central group's
    ev = compare(bad, extracted)
    assert {(m.doc_id, m.field) for m in ev.mismatches} == {(doc, "venue_city"), (doc, "people.group_deputy")}
