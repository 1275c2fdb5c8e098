"""Accuracy of extraction against a hand-annotated gold file.

Pure: reads a raw dir, runs ingest → clean → extract on every file, compares with
the gold file and returns scores and mismatches; no framework imports.

Gold file (JSON): ``{doc_id: {field: value, …, "people": {role: [names]},
"speeches": [[paragraph_no, speaker, verb], …]}}``; keys starting with ``_`` are
comments. Dates are ISO strings. A field missing from a document's entry is not
scored for it; ``null`` means "the report does not say" and is scored.

Scores per field, over all gold documents:

- a *predicted* item is a non-null extracted value, an *expected* item a non-null
  gold value, and a *correct* item one where both are equal;
- precision = correct / predicted, recall = correct / expected;
- people are scored per role over (document, name) pairs and speeches over
  (document, paragraph, speaker, verb) rows, so a missing or extra name counts once;
- every document whose value differs from the gold one (null included) is a mismatch.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from tasks.clean import clean_body
from tasks.extract import extract
from tasks.ingest import list_files, read_source
from tasks.records import Extraction, RejectedInput

REPORT_FIELDS = ("kind", "organisation", "province", "province_code", "meeting_date", "date_inferred",
                 "time_of_day", "venue_city", "meeting_format", "guidance_group_no", "circuit_group_no")
ROLES = ("party_secretary", "governor", "cppcc_chair", "group_leader", "group_deputy", "host")
ALL_FIELDS = (*REPORT_FIELDS, *(f"people.{r}" for r in ROLES), "speeches")


@dataclass(frozen=True)
class Mismatch:
    doc_id: str
    field: str
    expected: object
    got: object


@dataclass
class FieldScore:
    field: str
    expected: int = 0  # non-null gold items
    predicted: int = 0  # non-null extracted items
    correct: int = 0  # items in both
    docs: int = 0  # documents scored
    exact_docs: int = 0  # documents where the whole value matches

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


@dataclass
class Evaluation:
    scores: dict[str, FieldScore]
    mismatches: list[Mismatch] = field(default_factory=list)
    n_gold: int = 0
    n_extracted: int = 0
    not_in_gold: list[str] = field(default_factory=list)  # extracted documents the gold file does not cover

    @property
    def exact(self) -> bool:
        return not self.mismatches


def load_gold(path: Path) -> dict[str, dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the gold file must be a JSON object keyed by doc_id")
    return {k: v for k, v in data.items() if not k.startswith("_")}


def extract_dir(raw_dir: Path) -> dict[str, Extraction | str]:
    """doc_id → extraction, or the reason the file was rejected."""
    raw_dir = Path(raw_dir)
    out: dict[str, Extraction | str] = {}
    for rel in list_files(raw_dir).files:
        try:
            doc = read_source(raw_dir, rel)
        except RejectedInput as exc:
            out[rel[:-4] if rel.lower().endswith(".txt") else rel] = f"quarantined ({exc.stage}): {exc.reason}"
            continue
        out[doc.doc_id] = extract(doc, clean_body(doc.body))
    return out


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def compare(gold: dict[str, dict], extracted: dict[str, Extraction | str]) -> Evaluation:
    scores = {f: FieldScore(f) for f in ALL_FIELDS}
    ev = Evaluation(scores, n_gold=len(gold), n_extracted=len(extracted))
    ev.not_in_gold = sorted(set(extracted) - set(gold))
    for doc_id in sorted(gold):
        want = gold[doc_id]
        got = extracted.get(doc_id)
        if not isinstance(got, Extraction):
            ev.mismatches.append(Mismatch(doc_id, "document", "extracted", got or "missing from the raw dir"))
            for name, score in scores.items():
                _score_missing(score, name, want)
            continue
        report = got.report
        for name in REPORT_FIELDS:
            if name not in want:
                continue
            _score_items(ev, scores[name], doc_id, name,
                         {want[name]} - {None}, {_plain(getattr(report, name))} - {None},
                         want[name], _plain(getattr(report, name)))
        people = want.get("people")
        if people is not None:
            for role in ROLES:
                expected = set(people.get(role) or ())
                found = {p.name for p in got.people if p.role == role}
                _score_items(ev, scores[f"people.{role}"], doc_id, f"people.{role}", expected, found,
                             sorted(expected), sorted(found))
        if "speeches" in want:
            expected_rows = {tuple(row) for row in want["speeches"]}
            found_rows = {(s.paragraph_no, s.speaker, s.verb) for s in got.speeches}
            _score_items(ev, scores["speeches"], doc_id, "speeches", expected_rows, found_rows,
                         [list(r) for r in sorted(expected_rows - found_rows)],
                         [list(r) for r in sorted(found_rows - expected_rows)])
    return ev


def _score_items(ev: Evaluation, score: FieldScore, doc_id: str, name: str, expected: set, found: set,
                 shown_expected: object, shown_got: object) -> None:
    score.docs += 1
    score.expected += len(expected)
    score.predicted += len(found)
    score.correct += len(expected & found)
    if expected == found:
        score.exact_docs += 1
    else:
        ev.mismatches.append(Mismatch(doc_id, name, shown_expected, shown_got))


def _score_missing(score: FieldScore, name: str, want: dict) -> None:
    if name.startswith("people."):
        people = want.get("people")
        if people is None:
            return
        score.docs += 1
        score.expected += len(people.get(name.split(".", 1)[1]) or ())
    elif name == "speeches":
        if "speeches" in want:
            score.docs += 1
            score.expected += len(want["speeches"])
    elif name in want:
        score.docs += 1
        score.expected += want[name] is not None


def evaluate(raw_dir: Path, gold_path: Path) -> Evaluation:
    return compare(load_gold(gold_path), extract_dir(raw_dir))


def format_report(ev: Evaluation) -> str:
    lines = [f"{ev.n_gold} documents in gold, {ev.n_extracted} read from the raw dir",
             f"{'field':24s} {'precision':>9s} {'recall':>7s} {'exact':>9s}  correct/predicted/expected"]
    for name, s in ev.scores.items():
        if not s.docs:
            continue
        lines.append(f"{name:24s} {s.precision:9.3f} {s.recall:7.3f} {s.exact_docs:4d}/{s.docs:<4d}  "
                     f"{s.correct}/{s.predicted}/{s.expected}")
    if ev.not_in_gold:
        lines.append(f"{len(ev.not_in_gold)} extracted documents are not in the gold file (not scored): "
                     + ", ".join(ev.not_in_gold[:10]) + (" …" if len(ev.not_in_gold) > 10 else ""))
    if ev.mismatches:
        lines.append(f"{len(ev.mismatches)} mismatches:")
        for m in ev.mismatches:
            if m.field == "speeches":
                lines.append(f"  {m.doc_id} | speeches | missing {_show(m.expected)} | extra {_show(m.got)}")
            else:
                lines.append(f"  {m.doc_id} | {m.field} | expected {_show(m.expected)} | got {_show(m.got)}")
    else:
        lines.append("every scored field matches the gold file exactly")
    return "\n".join(lines)


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
