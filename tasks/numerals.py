"""Small numerals as written in the reports: 3, ３, 七, 十二, 二十一, 四十五.

Only the numerals extraction captured are converted; running prose is never
touched (a whole-text converter turns 十分 into 10分).
"""

from __future__ import annotations

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}

_FULLWIDTH_TO_ASCII = str.maketrans("０１２３４５６７８９", "0123456789")  # built once, not per call

# Characters a group-number capture may contain.
NUMERAL_CHARS = "0-9０-９〇零一二两三四五六七八九十百"


def parse_int(text: str) -> int | None:
    """Parse an Arabic (half or full width) or Chinese numeral below 1000.

    Returns None for anything that is not a well-formed numeral.
    """
    if not text:
        return None
    ascii_digits = text.translate(_FULLWIDTH_TO_ASCII)
    if ascii_digits.isdigit():
        return int(ascii_digits)
    total, current = 0, None
    for ch in text:
        if ch in _DIGITS:
            if current is not None:  # two digits in a row: only valid as 二〇, not here
                return None
            current = _DIGITS[ch]
        elif ch == "十":
            total += (1 if current is None else current) * 10
            current = None
        elif ch == "百":
            if current is None:
                return None
            total += current * 100
            current = None
        else:
            return None
    return total + (current or 0)
