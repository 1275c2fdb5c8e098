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
_SPACE_RE = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b\ufeff]+")
_DASH_LINE_RE = re.compile(r"^-{10,}$")
# Typesetters pad two-character names to three cells ("刘  伟"); a space between two
# Han characters never carries meaning in this prose, so it goes.
_HAN_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def clean_body(body: str) -> Cleaned:
    """Body text (HTML fragments) → paragraphs and whether a picture stood there."""
    body, n_pictures = _PICTURE_RE.subn("\n", body)
    text = _BLOCK_END_RE.sub("\n", body)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text).translate(_FULLWIDTH_DIGITS)
    paragraphs = []
    for line in text.split("\n"):
        line = _HAN_GAP_RE.sub("", _SPACE_RE.sub(" ", line).strip())
        if line and not _DASH_LINE_RE.match(line):
            paragraphs.append(line)
    return Cleaned(paragraphs=paragraphs, has_images=n_pictures > 0)
