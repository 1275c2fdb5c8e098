"""Turn a scraped body into plain paragraphs.

One pass of a few compiled regexes: an HTML parser per document costs more than
the whole extraction (measured in benchmarks/), and the scraper's markup is a
fixed, flat ``<div><span>…</span></div>`` pattern.
"""

from __future__ import annotations

import html
import re

from tasks.records import Cleaned

# The scraper's three-line picture block, possibly glued to the preceding </div>.
_PICTURE_RE = re.compile(r"-{3,}[ \t]*\n?[ \t]*-*[ \t]*这里有图片[ \t]*-*[ \t]*\n?[ \t]*-{3,}[ \t]*")
_BLOCK_END_RE = re.compile(r"</(?:div|p|h[1-6]|li|tr)\s*>|<br\s*/?>", re.IGNORECASE)
_TAG_RE = re.compile(r"<!--.*?-->|<[^>\n]{0,2000}>", re.DOTALL)
# A run of spaces, written [s][s]* rather than [s]+: the regex engine scans for the first
# character of the former much faster (2.5× on these reports, same matches).
_SPACE_CHARS = " \t\u00a0\u3000\u2002\u2003\u200b\ufeff"
_SPACE = f"[{_SPACE_CHARS}]"
_SPACE_RE = re.compile(_SPACE + _SPACE + "*")
_DASH_LINE_RE = re.compile(r"^-{10,}$")
# Typesetters pad two-character names to three cells ("刘  伟"); a space between two
# Han characters never carries meaning in this prose, so it goes. The literal space comes
# first so the regex engine jumps from space to space instead of testing the lookbehind at
# every character (15× faster; same matches as (?<=[一-鿿]) (?=[一-鿿])).
_HAN_GAP_RE = re.compile(r" (?<=[\u4e00-\u9fff] )(?=[\u4e00-\u9fff])")
_FULLWIDTH_DIGIT_CHARS = "０１２３４５６７８９"
_FULLWIDTH_DIGITS = str.maketrans(_FULLWIDTH_DIGIT_CHARS, "0123456789")
_EMPTY_BLOCK = "<div>&nbsp;</div>"
_SCRAPER_OPEN = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'>"
_SCRAPER_CLOSE = "</span></div>"  # a block end, as _BLOCK_END_RE + _TAG_RE would make it


def clean_body(body: str) -> Cleaned:
    """Body text (HTML fragments) → paragraphs and whether a picture stood there."""
    n_pictures = 0
    # A one-character test is ~10× faster than the five-character one and 图 is rare.
    if "图" in body and "这里有图片" in body:
        body, n_pictures = _PICTURE_RE.subn("\n", body)
    # Fast paths for the scraper's fixed markup (profiled in benchmarks/): plain str.replace of
    # its empty separator block, its opening and its closing tags. The general regexes run only
    # on markup left over; on the scraper's own they found nothing more.
    text = body.replace(_EMPTY_BLOCK, "\n").replace(_SCRAPER_OPEN, "").replace(_SCRAPER_CLOSE, "\n")
    if "<" in text:
        text = _BLOCK_END_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    # str.translate walks every character through a dict (it was 40% of clean+extract in the
    # profile): skip it when there is nothing to translate, which is nearly always.
    # The scraper's only entity is &nbsp;, replaced directly; html.unescape only if others remain.
    # Its separator blocks went above, so most reports have no & left at all.
    if "&" in text:
        text = text.replace("&nbsp;", "\u00a0")
        if "&" in text:
            text = html.unescape(text)
    if any(digit in text for digit in _FULLWIDTH_DIGIT_CHARS):  # ten one-character scans beat a regex
        text = text.translate(_FULLWIDTH_DIGITS)
    lines = [line.strip() for line in text.split("\n")]
    # Spaces are collapsed and Han gaps closed line by line (neither substitution crosses a line
    # end). Most reports have spaces only at their lines' ends, which strip() just removed; then
    # both substitutions change nothing that is kept, and one-character scans of the stripped
    # lines (2 µs) spare the two regex passes over the text (10 µs).
    stripped = "\n".join(lines)
    if any(space in stripped for space in _SPACE_CHARS):
        lines = map(str.strip, _HAN_GAP_RE.sub("", _SPACE_RE.sub(" ", text)).split("\n"))
    paragraphs = [line for line in lines if line and not (line[0] == "-" and _DASH_LINE_RE.match(line))]
    return Cleaned(paragraphs=paragraphs, has_images=n_pictures > 0)
