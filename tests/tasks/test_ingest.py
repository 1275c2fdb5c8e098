from __future__ import annotations

import codecs

import pytest

from tasks.ingest import decode, doc_id_for, list_files, parse_source, parse_title_line, read_source
from tasks.records import RejectedInput

TEXT = "227河南省会议召开.txt\n<div><span> 　　6月6日，河南省委召开会议。</span></div>"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
])
def test_decode_round_trips(data, encoding):
    text, enc = decode(data)
    assert (text, enc) == (TEXT, encoding)


def test_crlf_is_normalised_and_title_split():
    doc = parse_source(TEXT.replace("\n", "\r\n").encode(), "227河南省会议召开.txt")
    assert (doc.listing_no, doc.title) == (227, "河南省会议召开")
    assert "\r" not in doc.body and doc.body.startswith("<div>")


@pytest.mark.parametrize("line, expected", [
    ("273江苏省动员会议召开.txt", (273, "江苏省动员会议召开")),
    ("江苏省动员会议召开.txt", (None, "江苏省动员会议召开")),
    ("  12 标题 ", (12, "标题")),
])
def test_title_line(line, expected):
    assert parse_title_line(line, "x.txt") == expected


def test_title_falls_back_to_file_name():
    assert parse_title_line("", "sub/305某某会议.txt") == (305, "某某会议")


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (bytes(range(256)) * 20, "binary"),
    # text that decodes (UTF-8, GB18030) but is full of control or replacement characters
    ("标题\n".encode() + "会议\x01\x02\x1b召开".encode() * 200, "binary"),
    ("标题\n".encode("gb18030") + "会议\x01\x02\x1b召开".encode("gb18030") * 200, "binary"),
    ("标题\n".encode() + "会议\ufffd\ufffd召开".encode() * 200, "binary"),
])
def test_bad_bytes_are_rejected_with_a_reason(data, words):
    with pytest.raises(RejectedInput) as info:
        parse_source(data, "bad.txt")
    assert words in info.value.reason and info.value.stage == "ingest"


def test_a_few_control_characters_do_not_make_a_report_binary():
    body = "<div>会议在福州召开。</div>" * 100
    doc = parse_source(("123某会议\n" + body[:50] + "\x0c\x1b" + body[50:]).encode(), "123某会议.txt")
    assert doc.title == "某会议" and "\x1b" in doc.body


def test_nested_article_counts_its_images(tmp_path):
    folder = tmp_path / "306标题"
    (folder / "图片").mkdir(parents=True)
    for i in range(3):
        (folder / "图片" / f"{i}.jpg").write_bytes(b"\xff\xd8")
    (folder / "306标题.txt").write_text(TEXT, encoding="utf-8")
    listing = list_files(tmp_path)
    assert listing.files == ["306标题/306标题.txt"]
    doc = read_source(tmp_path, listing.files[0])
    assert (doc.doc_id, doc.n_images) == ("306标题/306标题", 3)


def test_doc_id_rule():
    assert doc_id_for("a/b/227标题.txt") == "a/b/227标题"


def test_symlinks_are_reported_not_followed(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(TEXT, encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "link.txt").symlink_to(outside)
    listing = list_files(raw)
    assert listing.files == [] and listing.skipped[0][0] == "link.txt"
    assert "symbolic link" in listing.skipped[0][1]
