"""Extraction, cleaning and reading never raise on odd input: they return None fields, not exceptions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.clean import clean_body
from tasks.extract import _SPEECH_RE, _SPEECH_VERBS, extract, speech_head
from tasks.ingest import parse_source
from tasks.records import RejectedInput, SourceDoc
from tasks.regions import PROVINCE_CODES, PROVINCE_NAMES

GOLD_RAW = Path(__file__).resolve().parents[2] / "tests" / "gold" / "raw"
SAMPLES = sorted(GOLD_RAW.rglob("*.txt"))

# Pieces of real reports, so that generated text reaches the extractor's deeper paths.
FRAGMENTS = [
    "6月4日", "6月3日下午", "5日上午", "2019年6月5日", "5月31日", "6月中旬", "新华社南宁6月6日电", "召开", "举行",
    "江苏省", "吉林省委", "吉林市委", "广西壮族自治区", "区党委书记", "自治区主席", "主席", "市委书记", "省长", "代省长",
    "省政协主席", "省政协党组书记、主席", "“不忘初心、牢记使命”主题教育工作会议", "学习贯彻习近平新时代中国特色社会主义思想主题教育",
    "中央第", "第十二", "第二十一", "第3", "第〇", "第百", "第十十", "指导组", "巡回指导组", "督导组", "组长", "副组长", "常务副组长",
    "省委巡回指导组", "中央指导组有关负责同志", "中央指导组副组长", "在宁", "在榕", "在京", "在乌市", "在", "主持", "由", "出席会议并讲话",
    "以视频会议形式召开", "以电视电话会议形式召开", "雪克来提·扎克尔", "·", "··", "、", "，", "。", "“", "”", "他强调，", "指出，",
    "张三", "李四五", "王", "会议", "中心组", "座谈会", "教育部", "召开", "【", "】", "\u3000", " ", "&nbsp;", "&amp;", "&#x4e00;",
]
HTML_TAGS = ["<div>", "</div>", "<span style='font-size:16px'>", "</span>", "<br/>", "<p>", "</p>", "<!--", "-->",
             "<div><span style='x'> 　　", "</span></div><div>&nbsp;</div>", "<", ">", "\n", "\r\n",
             "---------------------------------------- \n-------------------这里有图片------------ \n"
             "---------------------------------------- \n"]

prose = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join)
html = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(HTML_TAGS), st.text(max_size=4)),
                max_size=60).map("".join)


def _doc(title: str, body: str) -> SourceDoc:
    return SourceDoc(doc_id="x", source_path="x.txt", source_sha256="0" * 64, encoding="utf-8",
                     listing_no=None, title=title, body=body)


def _check(doc: SourceDoc) -> None:
    cleaned = clean_body(doc.body)
    assert all(isinstance(p, str) and p and "\n" not in p for p in cleaned.paragraphs)
    ex = extract(doc, cleaned)
    r = ex.report
    assert r.kind in ("provincial_meeting", "other")
    assert r.province is None or r.province in PROVINCE_NAMES
    assert r.province_code is None or r.province_code == PROVINCE_CODES[r.province]
    assert r.meeting_date is None or isinstance(r.meeting_date, dt.date)
    assert (r.date_inferred is None) == (r.meeting_date is None)
    for value in (r.guidance_group_no, r.circuit_group_no):
        assert value is None or (isinstance(value, int) and value > 0)
    if r.kind == "other":
        assert r.province is None
        assert not {p.role for p in ex.people} & {"party_secretary", "governor", "cppcc_chair"}
    paras = [doc.title, *cleaned.paragraphs]
    for e in ex.evidence:
        assert 0 <= e.paragraph_no < len(paras)
        assert 0 <= e.start <= e.end <= len(paras[e.paragraph_no])
    for s in ex.speeches:
        assert s.text == paras[s.paragraph_no]
    assert all(s.n > 0 for s in ex.slogans)
    # slogans' grain is one row per (doc_id, slogan): SQL counts reports with count(*)
    assert len({s.slogan for s in ex.slogans}) == len(ex.slogans)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=40), body=st.text(max_size=400))
def test_arbitrary_text_never_raises(title, body):
    _check(_doc(title, body))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=prose, body=html)
def test_arbitrary_report_like_html_never_raises(title, body):
    _check(_doc(title, body))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_are_read_or_rejected_with_a_reason(data):
    try:
        doc = parse_source(data, "123某某.txt")
    except RejectedInput as exc:
        assert exc.stage == "ingest" and exc.reason
        return
    _check(doc)


@settings(max_examples=200, deadline=None)
@given(index=st.integers(0, len(SAMPLES) - 1), cut=st.floats(0, 1))
def test_truncated_reports_never_raise(index, cut):
    data = SAMPLES[index].read_bytes()
    data = data[: int(len(data) * cut)]  # may end mid-tag, mid-character or mid-line
    try:
        doc = parse_source(data, SAMPLES[index].name)
    except RejectedInput as exc:
        assert exc.reason
        return
    _check(doc)


def test_utf8_cut_inside_a_character_keeps_the_text_before_the_cut():
    text = "227河南省会议召开.txt\n<div><span> 　　6月6日，河南省委召开会议。</span></div>"
    data = text.encode("utf-8")[:-len("</span></div>".encode()) - 2]  # cut inside 。
    for prefix, encoding in ((b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8-sig")):
        doc = parse_source(prefix + data, "227河南省会议召开.txt")
        assert doc.encoding == encoding and doc.body.endswith("河南省委召开会议")


@settings(max_examples=500, deadline=None)
@given(text=prose, verb=st.sampled_from(_SPEECH_VERBS.split("|")), mark=st.sampled_from("，,：:"))
def test_speech_head_prefilter_finds_what_the_regex_finds(text, verb, mark):
    """speech_head skips the regex when the paragraph's first comma or colon follows no speech
    verb; it must agree with the regex on every paragraph."""
    for para in (text, "省委书记王国生" + text, text + verb + mark + text, "王国生在讲话中" + verb + mark + text):
        fast, slow = speech_head(para), _SPEECH_RE.match(para)
        assert (fast and fast.span(), fast and fast.groupdict()) == (slow and slow.span(), slow and slow.groupdict())
