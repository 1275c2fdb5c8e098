import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.numerals import parse_int

CN = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Reference writer for 1..99 in the forms reports use (十二, 二十一, 四十)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN[tens] + "十")
    return head + (CN[ones] if ones else "") if n >= 10 else CN[n]


@pytest.mark.parametrize("text, value", [("3", 3), ("３", 3), ("七", 7), ("十二", 12), ("二十一", 21),
                                         ("四十五", 45), ("十", 10), ("一百", 100)])
def test_known_numerals(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["", "abc", "三三", "百"])
def test_not_numerals(text):
    assert parse_int(text) is None


@given(st.integers(min_value=1, max_value=99))
def test_chinese_round_trip(n):
    assert parse_int(to_chinese(n)) == n
