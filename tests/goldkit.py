"""Shared scaffolding for the hand-written gold corpora (tests/gold_blind, tests/gold_hard).

Each corpus script declares its reports with ``doc(...)`` and their expected values with
``g(...)``, then calls ``write(here, about)``, which renders the scraper's raw format
(title line, one-line ``<div><span>`` body, optional picture blocks, nested folders,
other encodings, CRLF) into ``here/raw`` and the gold file into ``here/gold.json``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

SPAN = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> \u3000\u3000{}</span></div><div>&nbsp;</div>"
EMPTY = "<div><span style='font-size:16px;margin-top:15px;line-height:25px;text-indent:30px'> </span></div><div>&nbsp;</div>"
PIC = ("----------------------------------------\u0020\n"
       "-------------------这里有图片------------\u0020\n"
       "----------------------------------------\u0020\n")

BUYI = "不忘初心、牢记使命"
XI = "学习贯彻习近平新时代中国特色社会主义思想"

DOCS: list[dict] = []


def doc(no, title, paras, gold, *, top_pic=False, mid_pic_after=None, nested=False, crlf=False,
        encoding="utf-8"):
    DOCS.append(dict(no=no, title=title, paras=paras, gold=gold, top_pic=top_pic,
                     mid_pic_after=mid_pic_after, nested=nested, crlf=crlf, encoding=encoding))


def g(kind="provincial_meeting", organisation=None, province=None, code=None, date=None, inferred=None,
      tod=None, venue=None, fmt=None, group=None, circuit=None, ps=(), gov=(), cppcc=(), leader=(),
      deputy=(), host=(), speeches=()):
    return {
        "kind": kind, "organisation": organisation, "province": province, "province_code": code,
        "meeting_date": date, "date_inferred": inferred, "time_of_day": tod, "venue_city": venue,
        "meeting_format": fmt, "guidance_group_no": group, "circuit_group_no": circuit,
        "people": {"party_secretary": sorted(ps), "governor": sorted(gov), "cppcc_chair": sorted(cppcc),
                   "group_leader": sorted(leader), "group_deputy": sorted(deputy), "host": sorted(host)},
        "speeches": [list(s) for s in speeches],
    }



def render(d: dict) -> tuple[str, str]:
    """(relative path without .txt, file text)."""
    name = f"{d['no']}{d['title']}"
    spans = [SPAN.format(p) for p in d["paras"]]
    if d["top_pic"]:
        spans.insert(0, EMPTY)
    head = f"{name}.txt\n" + (PIC if d["top_pic"] else "")
    if d["mid_pic_after"]:
        k = d["mid_pic_after"]
        body = "".join(spans[:k]) + PIC + "".join(spans[k:])
    else:
        body = "".join(spans)
    text = head + body + "\n"
    if d["crlf"]:
        text = text.replace("\n", "\r\n")
    rel = f"{name}/{name}" if d["nested"] else name
    return rel, text


def write(here: Path, about: str) -> None:
    """Render every declared report into ``here/raw`` and the expected values into ``here/gold.json``."""
    raw = here / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    raw.mkdir(parents=True)
    gold = {"_about": about}
    for d in sorted(DOCS, key=lambda d: d["no"]):
        rel, text = render(d)
        path = raw / f"{rel}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(d["encoding"]))
        if d["nested"]:
            pics = path.parent / "图片"
            pics.mkdir(exist_ok=True)
            (pics / "0.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a real picture \xff\xd9")
        gold[rel] = d["gold"]
    (here / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{len(DOCS)} reports written to {raw}")
