"""Typed records passed between the pipeline's stages.

Plain dataclasses with __slots__ (a batch makes ~35 per document: slots build them a little faster
and hold them in less memory): they pickle to process pools and Dask workers unchanged, and
``schema.to_table`` reads their fields by name into Arrow tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(slots=True)
class SourceDoc:
    """One raw file, read and decoded (stage: ingest)."""

    doc_id: str
    source_path: str  # path relative to the raw dir, POSIX separators
    source_sha256: str
    encoding: str
    listing_no: int | None
    title: str
    body: str  # everything after line 1, line endings normalised to \n
    n_images: int = 0


@dataclass(slots=True)
class Cleaned:
    """The body as paragraphs (stage: clean)."""

    paragraphs: list[str]
    has_images: bool


@dataclass(slots=True)
class Report:
    doc_id: str
    listing_no: int | None
    title: str
    source_path: str
    source_sha256: str
    encoding: str
    kind: str
    organisation: str | None
    province: str | None
    province_code: str | None
    campaign: str | None
    meeting_date: dt.date | None
    date_inferred: bool | None
    time_of_day: str | None
    venue_city: str | None
    meeting_format: str | None
    guidance_group_no: int | None
    circuit_group_no: int | None
    n_date_candidates: int
    n_group_candidates: int
    has_images: bool
    n_images: int
    n_paragraphs: int


@dataclass(slots=True)
class Person:
    doc_id: str
    name: str
    role: str
    paragraph_no: int


@dataclass(slots=True)
class Speech:
    doc_id: str
    paragraph_no: int
    speaker: str
    verb: str
    text: str


@dataclass(slots=True)
class Slogan:
    doc_id: str
    slogan: str
    n: int


@dataclass(slots=True)
class Evidence:
    """Where an extracted value came from: paragraph number and character span."""

    doc_id: str
    field: str
    value: str
    paragraph_no: int
    start: int
    end: int


@dataclass(slots=True)
class Quarantined:
    source_path: str
    doc_id: str | None
    source_sha256: str | None
    stage: str
    reason: str


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    report: Report
    people: list[Person] = field(default_factory=list)
    speeches: list[Speech] = field(default_factory=list)
    slogans: list[Slogan] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


class RejectedInput(Exception):
    """A file that cannot become a report; the message is shown to a person as is."""

    def __init__(self, stage: str, reason: str):
        super().__init__(reason)
        self.stage = stage
        self.reason = reason
