from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.clean import clean_body

PLACEHOLDER = ("----------------------------------------\n"
               "-------------------这里有图片------------ \n"
               "----------------------------------------")


def test_paragraphs_entities_and_indentation():
    body = "<div><span style='x'> 　　第一段&amp;“引号”</span></div><div>&nbsp;</div><div><span> 　　第二段</span></div>"
    cleaned = clean_body(body)
    assert cleaned.paragraphs == ["第一段&“引号”", "第二段"]
    assert cleaned.has_images is False


def test_picture_placeholder_at_top_is_dropped():
    cleaned = clean_body(PLACEHOLDER + "\n<div><span> 　　正文</span></div>")
    assert cleaned.paragraphs == ["正文"] and cleaned.has_images


def test_picture_placeholder_glued_mid_body():
    body = "<div><span> 　　甲</span></div>" + PLACEHOLDER + "\n<div><span> 　　乙</span></div>"
    cleaned = clean_body(body)
    assert cleaned.paragraphs == ["甲", "乙"] and cleaned.has_images


def test_padded_two_character_names_are_joined():
    assert clean_body("<div>省长刘 伟主持</div>").paragraphs == ["省长刘伟主持"]


# The scraper's own markup takes str.replace fast paths; the same body with that markup spelt
# differently (which only the general regexes remove) must clean to the same paragraphs. Text
# holding a stray "<" is left out: there the general tag rule runs from that "<" to the next ">"
# and eats the text between (PM2.5<35微克</span> loses "<35微克"), which the fast paths spare.
_SCRAPER = ["<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'>",
            "</span></div>", "<div>&nbsp;</div>"]
_SPELT_DIFFERENTLY = ["<div ><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px' >",
                      "</span ></div >", "<div >&nbsp;</div >"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SCRAPER), st.sampled_from(["<br/>", "<p>", "</p>", ">", "&amp;",
                                                                      "\n", " 　　", "刘 伟", "正文。", "６"]),
                          st.text(max_size=5).filter(lambda t: "<" not in t)), max_size=40))
def test_scraper_markup_fast_paths_clean_as_the_general_rules(pieces):
    body = "".join(pieces)
    respelt = "".join(_SPELT_DIFFERENTLY[_SCRAPER.index(p)] if p in _SCRAPER else p for p in pieces)
    assert clean_body(body) == clean_body(respelt)
