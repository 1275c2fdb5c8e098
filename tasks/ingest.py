"""Find raw report files, read and decode them, and split off the title line.

Pure functions over bytes and paths; no framework imports.

doc_id rule: the file's path relative to the raw dir, with POSIX separators and
the ``.txt`` suffix removed (``306吉林省…召开/306吉林省…召开`` for an article
the scraper nested beside its ``图片/`` folder). It is stable for as long as the
file keeps its place, unlike the listing number, which a new scrape reassigns.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tasks.records import RejectedInput, SourceDoc

IMAGE_DIR = "图片"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}
MAX_BYTES = 64 * 1024 * 1024  # far above any real article; guards memory

_TITLE_RE = re.compile(r"^\s*(\d{1,6})?\s*(.*?)\s*(?:\.txt)?\s*$")


@dataclass(frozen=True)
class Listing:
    files: list[str]  # relative POSIX paths of regular *.txt files, sorted
    skipped: list[tuple[str, str]]  # (relative path, reason) for entries not read


def rel_name(path: Path, root: Path) -> str:
    """Relative POSIX path; undecodable bytes in names are kept as \\xNN escapes."""
    rel = os.fsencode(path.relative_to(root).as_posix())
    return rel.decode("utf-8", errors="backslashreplace")


def list_files(raw_dir: Path, follow_symlinks: bool = False) -> Listing:
    """Every ``*.txt`` file under ``raw_dir``, recursively.

    Symlinks are not followed by default (a link may point outside the raw dir);
    they are reported in ``skipped`` so that nothing disappears silently.
    """
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=follow_symlinks):
        base = Path(dirpath)
        dirnames.sort()
        for name in dirnames:
            if name.lower().endswith(".txt"):
                # A directory named like a report is walked into, not read; say so.
                skipped.append((rel_name(base / name, raw_dir),
                                "this is a directory named like a .txt file; its contents are read, it is not"))
        for name in sorted(filenames):
            if not name.lower().endswith(".txt"):
                continue
            path = base / name
            rel = rel_name(path, raw_dir)
            if path.is_symlink() and not follow_symlinks:
                skipped.append((rel, "symbolic link not followed (links may point outside the raw "
                                     "directory); copy the file in, or run with --follow-symlinks"))
                continue
            if not path.is_file():
                skipped.append((rel, "not a regular file"))
                continue
            files.append(rel)
    files.sort()
    return Listing(files, skipped)


def doc_id_for(rel_path: str) -> str:
    return rel_path[:-4] if rel_path.lower().endswith(".txt") else rel_path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name).

    Order matters for speed and correctness: BOMs, then strict UTF-8 (nearly
    every file), then GB18030 (a superset of GBK), then a detector, which
    misreads short GBK text and is slow, so it comes last.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), "utf-16"
            except UnicodeDecodeError as exc:
                raise RejectedInput("ingest", f"the file starts with a UTF-16 byte order mark but is not valid UTF-16 ({exc.reason} at byte {exc.start}); re-save it as UTF-8") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported lazily: rarely needed and slow to load

    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise RejectedInput("ingest", "the bytes are not valid UTF-8 or GB18030 and no other text encoding fits; "
                                  "check that this is a text export of the article")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad > max(2, len(sample) // 100)


def parse_title_line(line: str, rel_path: str) -> tuple[int | None, str]:
    """``NNN<title>.txt`` → (NNN, title); falls back to the file name for a missing title."""
    m = _TITLE_RE.match(line)
    listing, title = (m.group(1), m.group(2)) if m else (None, line.strip())
    if not title:
        stem = Path(doc_id_for(rel_path)).name
        fm = _TITLE_RE.match(stem)
        listing = listing or (fm.group(1) if fm else None)
        title = (fm.group(2) if fm else stem).strip()
    if listing is None:
        fm = _TITLE_RE.match(Path(doc_id_for(rel_path)).name)
        listing = fm.group(1) if fm else None
    return (int(listing) if listing else None), title


def parse_source(data: bytes, rel_path: str, n_images: int = 0) -> SourceDoc:
    """Bytes of one raw file → SourceDoc, or RejectedInput with a readable reason."""
    if not data.strip():
        raise RejectedInput("ingest", "the file is empty")
    if len(data) > MAX_BYTES:
        raise RejectedInput("ingest", f"the file is {len(data) // 2**20} MiB, larger than any article "
                                      f"({MAX_BYTES // 2**20} MiB limit); is it really one report?")
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RejectedInput("ingest", "the file holds binary data, not text; it is not a scraped article")
    text, encoding = decode(data)
    if "\x00" in text or _looks_binary(text):
        raise RejectedInput("ingest", "the file holds binary data, not text; it is not a scraped article")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, _, body = text.partition("\n")
    listing_no, title = parse_title_line(first, rel_path)
    return SourceDoc(
        doc_id=doc_id_for(rel_path),
        source_path=rel_path,
        source_sha256=sha256(data),
        encoding=encoding,
        listing_no=listing_no,
        title=title,
        body=body,
        n_images=n_images,
    )


def count_images(path: Path) -> int:
    """Images the scraper saved for a nested article (``NNN<title>/图片/*.jpg``)."""
    folder = path.parent / IMAGE_DIR
    if path.parent.name != path.stem or not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def read_source(raw_dir: Path, rel_path: str) -> SourceDoc:
    """Read one file under ``raw_dir``; I/O errors become RejectedInput."""
    path = _path_from_escaped(raw_dir, rel_path) if "\\x" in rel_path else raw_dir / rel_path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RejectedInput("ingest", "the file disappeared between listing and reading; "
                                      "it will be picked up by the next run if it comes back") from None
    except PermissionError:
        raise RejectedInput("ingest", "permission denied reading the file; make it readable by the "
                                      "user that runs the pipeline") from None
    except IsADirectoryError:
        raise RejectedInput("ingest", "this path is a directory, not a file") from None
    return parse_source(data, rel_path, count_images(path))


def _path_from_escaped(raw_dir: Path, rel_path: str) -> Path:
    """Undo ``rel_name``'s \\xNN escapes to reach a file whose name is not UTF-8."""
    raw = rel_path.encode("utf-8").decode("unicode_escape").encode("latin-1")
    return raw_dir / os.fsdecode(raw)
