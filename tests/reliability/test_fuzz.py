"""Property tests: any bytes a raw file can hold go end to end to records or a quarantine reason.

The path under test is the one process_batch takes for every file: parse_source (bytes → text
and title) → clean_body (HTML → paragraphs) → extract (paragraphs → records) → schema.to_table
(records → typed Arrow tables, as written to Parquet). The only exception allowed is
RejectedInput, the quarantine signal, with a stage and a sentence. Anything else escaping
would become an 'extraction failed unexpectedly' quarantine row in a real run: a bug.

Longer, coverage-guided runs: benchmarks/fuzz_atheris.py (docs/reliability.md).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasks import schema
from tasks.clean import clean_body
from tasks.extract import extract
from tasks.ingest import doc_id_for, fs_path, list_files, parse_source, parse_title_line
from tasks.records import RejectedInput

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = next((ROOT / "data" / "raw").glob("273*.txt")).read_bytes()
FUZZ = settings(max_examples=int(os.environ.get("CHUXIN_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces the scraper's files are made of, so that generated input reaches deep into extraction.
WORDS = ["<div>", "</div>", "<span style='font-size:16px'>", "</span>", "<div>&nbsp;</div>", "&nbsp;",
         "&amp;", "&#", "<br/>", "<!--", "-->", "<", ">", " 　　", "\n", "\r\n", "\r",
         "------------------------------", "-------------------这里有图片------------ ",
         "江苏省", "吉林省", "新疆维吾尔自治区", "省委书记", "省长", "省政协主席", "自治区党委书记", "区党委书记",
         "中央第", "第七", "第3", "第十二", "第一百", "第9999999999", "指导组", "巡回指导组", "组长", "副组长",
         "主持", "出席", "讲话", "指出", "强调", "要求", "在讲话中指出", "6月4日", "6月3日下午", "13月45日", "2019年",
         "“不忘初心、牢记使命”", "主题教育", "学习贯彻习近平新时代中国特色社会主义思想", "工作会议", "动员会议",
         "在宁举行", "在长春召开", "以视频会议形式召开", "召开", "·", "巴音朝鲁", "娄勤俭", "、", "，", "。",
         "０１２３", "二〇一九年", "（记者 张三）", "（责编：李四）", "\u3000", "\ufeff", "\u200b", "\ufffd"]

fragments = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=60).map("".join)


def end_to_end(data: bytes, rel_path: str = "1测试.txt") -> None:
    try:
        doc = parse_source(data, rel_path)
    except RejectedInput as exc:
        assert exc.stage == "ingest" and len(exc.reason) > 10
        return
    assert doc.doc_id == doc_id_for(rel_path) and "\r" not in doc.body
    cleaned = clean_body(doc.body)
    assert all(p and p == p.strip() and "\n" not in p for p in cleaned.paragraphs)
    out = extract(doc, cleaned)
    assert out.report.doc_id == doc.doc_id and out.report.source_sha256 == doc.source_sha256
    for name, (table_schema, _) in schema.DOC_TABLES.items():
        rows = [out.report] if name == "reports" else getattr(out, name)
        assert all(r.doc_id == doc.doc_id for r in rows)
        schema.to_table(rows, table_schema)  # types and ranges fit the Parquet/DuckDB schema


@FUZZ
@given(st.binary(max_size=4096))
@example(b"")
@example(b"\xff\xfe")
@example(codecs.BOM_UTF8)
@example(b"\x00" * 64)
@example(b"1\n" + b"\x00a" * 100)
def test_any_bytes(data):
    end_to_end(data)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le",
                                                 "utf-16-be"]))
def test_any_text_in_any_encoding(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates
        data = text.encode(encoding, errors="replace") if encoding != "utf-8" else text.encode("utf-8", "replace")
    end_to_end(data)


@FUZZ
@given(st.text(max_size=40), fragments, st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_scraper_shaped_html(title, body, encoding):
    text = f"{title}\n<div><span style='x'> 　　{body}</span></div><div>&nbsp;</div>"
    end_to_end(text.encode(encoding, errors="replace"))


@FUZZ
@given(st.integers(0, len(SAMPLE)), st.binary(max_size=64), st.integers(0, len(SAMPLE)))
def test_a_real_report_cut_and_spliced(cut, junk, at):
    data = SAMPLE[:cut]
    end_to_end(data[:at] + junk + data[at:])


@FUZZ
@given(st.text(max_size=60), st.text(max_size=60))
def test_title_lines_and_file_names(line, name):
    rel = (name.replace("/", "_").replace("\x00", "") or "x") + ".txt"
    listing_no, title = parse_title_line(line, rel)
    assert listing_no is None or 0 <= listing_no < 10**6
    assert isinstance(title, str)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                 and b not in (b".", b"..")))
def test_any_file_name_round_trips(tmp_path_factory, stem):
    """Whatever bytes a name holds, the name the pipeline records leads back to the same file."""
    raw = tmp_path_factory.mktemp("names")
    name = stem + b".txt"
    try:
        fd = os.open(os.path.join(os.fsencode(raw), name), os.O_CREAT | os.O_WRONLY, 0o644)
    except OSError:  # e.g. a name too long for the file system
        return
    os.write(fd, b"1\n<div>x</div>" + stem)
    os.close(fd)
    listing = list_files(raw)
    assert len(listing.files) == 1 and not listing.skipped
    rel = listing.files[0]
    rel.encode("utf-8")  # storable as VARCHAR: no lone surrogates
    assert fs_path(raw, rel).read_bytes() == b"1\n<div>x</div>" + stem
    assert ".." not in Path(doc_id_for(rel)).parts[:-1]  # one path component, never a parent
