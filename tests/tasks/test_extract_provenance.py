"""Evidence, speeches and slogans on the gold corpus and the samples: every value can be checked
against its sentence, speeches are attributed per paragraph, slogans are counted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tasks.clean import clean_body
from tasks.evaluate import extract_dir
from tasks.ingest import list_files, read_source

ROOT = Path(__file__).resolve().parents[2]
RAW_DIRS = [ROOT / "tests" / "gold" / "raw", ROOT / "data" / "raw"]
REPORT_FIELDS = ("organisation", "province", "meeting_date", "time_of_day", "venue_city", "meeting_format",
                 "guidance_group_no", "circuit_group_no")


def _documents():
    for raw in RAW_DIRS:
        extracted = extract_dir(raw)
        for rel in list_files(raw).files:
            doc = read_source(raw, rel)
            yield doc.doc_id, [doc.title, *clean_body(doc.body).paragraphs], extracted[doc.doc_id]


DOCS = list(_documents())


@pytest.mark.parametrize("doc_id, paras, ex", DOCS, ids=[d[0][:12] for d in DOCS])
def test_every_value_has_evidence_that_points_at_it(doc_id, paras, ex):
    by_field = {}
    for e in ex.evidence:
        assert e.doc_id == doc_id
        text = paras[e.paragraph_no]
        assert 0 <= e.start < e.end <= len(text), e
        by_field.setdefault(e.field, []).append((e, text[e.start:e.end]))
    r = ex.report
    for name in REPORT_FIELDS:
        value = getattr(r, name)
        assert (value is not None) == (name in by_field), (name, value)
    for p in ex.people:
        spans = [s for e, s in by_field.get(f"people.{p.role}", []) if e.value == p.name]
        assert spans and all(s == p.name for s in spans), p
        assert [e.paragraph_no for e, _ in by_field[f"people.{p.role}"] if e.value == p.name] == [p.paragraph_no]
    for e, span in by_field.get("organisation", []):
        assert span == r.organisation
    for e, span in by_field.get("province", []):
        assert span in r.province
    for key in ("guidance_group_no", "circuit_group_no"):
        for e, span in by_field.get(key, []):
            assert "指导组" in span or "督导组" in span
            assert e.value == str(getattr(r, key))
    for e, span in by_field.get("meeting_date", []):
        assert span.endswith(("日", "上午", "下午", "晚上")) and str(r.meeting_date.day) in span
    for e, span in by_field.get("time_of_day", []):
        assert r.time_of_day in span or (r.time_of_day == "晚上" and "晚" in span)
    for e, span in by_field.get("meeting_format", []):
        assert span in ("视频会议", "电视电话会议", "视频", "网络视频", "电视电话", "网络视频会议")


@pytest.mark.parametrize("doc_id, paras, ex", DOCS, ids=[d[0][:12] for d in DOCS])
def test_speeches_are_whole_paragraphs_opened_by_their_speaker(doc_id, paras, ex):
    for s in ex.speeches:
        assert s.doc_id == doc_id and s.text == paras[s.paragraph_no]
        assert s.paragraph_no >= 1 and s.verb in s.text[: len(s.speaker) + 24]
        assert s.text.startswith((s.speaker, "他", "她"))
    assert len({s.paragraph_no for s in ex.speeches}) == len(ex.speeches)  # one row per paragraph


def test_pronoun_speech_goes_to_the_previous_speaker():
    ex = next(ex for doc_id, _, ex in DOCS if doc_id.startswith("102福建省"))
    assert [(s.paragraph_no, s.speaker, s.verb) for s in ex.speeches][:2] == [(3, "于伟国", "强调"), (4, "于伟国", "要求")]


@pytest.mark.parametrize("doc_id, paras, ex", DOCS, ids=[d[0][:12] for d in DOCS])
def test_slogans_are_quoted_formulas_counted_over_the_body(doc_id, paras, ex):
    body = "\n".join(paras[1:])
    for s in ex.slogans:
        assert s.n == len(re.findall("“" + re.escape(s.slogan) + "”", body)), s
        assert s.slogan != "不忘初心、牢记使命"  # the campaign's name is not a slogan
    assert len({s.slogan for s in ex.slogans}) == len(ex.slogans)


def test_slogans_of_a_sample():
    ex = next(ex for doc_id, _, ex in DOCS if doc_id.startswith("227河南省"))
    got = {s.slogan: s.n for s in ex.slogans}
    # Counted by hand in the report: paragraphs 2–6.
    assert {k: got.get(k) for k in ("四个意识", "四个自信", "两个维护", "四个迫切需要", "十二字", "两张皮")} == {
        "四个意识": 1, "四个自信": 1, "两个维护": 1, "四个迫切需要": 1, "十二字": 1, "两张皮": 1}
    assert "不忘初心、牢记使命" not in got
