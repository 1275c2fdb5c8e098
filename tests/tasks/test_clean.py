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
