"""The baseline: a BeautifulSoup-per-document extractor of the same core fields.

What a first implementation typically looks like: parse every body with an HTML parser,
take the text of its spans as paragraphs, then search them with the same patterns as
tasks/extract.py for the province, the meeting date, the central guidance group and the
venue. It exists only to be measured against (benchmarks/run.py).
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from tasks.extract import _DATE_RE, _GROUP_RE, _VENUE_RE
from tasks.numerals import parse_int
from tasks.regions import find_units, resolve_venue


def extract_bs4(title: str, body: str) -> dict:
    soup = BeautifulSoup(body, "html.parser")
    paragraphs = [t for t in (s.get_text(" ", strip=True) for s in soup.find_all("span")) if t]
    lead = paragraphs[0] if paragraphs else ""
    units = find_units(title) or find_units(lead)
    unit = units[0][0] if units else None
    date = _DATE_RE.search(lead)
    group = None
    for p in paragraphs:
        m = _GROUP_RE.search(p)
        if m:
            group = parse_int(m.group("n"))
            break
    venue = None
    for m in _VENUE_RE.finditer(lead):
        venue = resolve_venue(m.group("place"), unit)
        if venue:
            break
    return {"province": unit.name if unit else None,
            "meeting_date": (date.group("m"), date.group("d")) if date else None,
            "guidance_group_no": group, "venue_city": venue}


def extract_bs4_full(doc):
    """BeautifulSoup for the markup, then the very same ``extract`` as chuxin: every field."""
    from tasks.extract import extract
    from tasks.records import Cleaned

    soup = BeautifulSoup(doc.body, "html.parser")
    paragraphs = [t for t in (s.get_text("", strip=True) for s in soup.find_all("span")) if t]
    return extract(doc, Cleaned(paragraphs=paragraphs, has_images="这里有图片" in doc.body))
