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
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tasks.records import RejectedInput, SourceDoc

IMAGE_DIR = "图片"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp"}
# A scraped article is 5-20 KB. A file over this limit is quarantined from its size alone,
# before it is read: extraction holds about 30x a file's size in memory on pathological
# text (docs/reliability.md), so 4 MiB bounds a worker near 150 MB whatever lands in the dir.
MAX_BYTES = 4 * 1024 * 1024

EMPTY_REASON = "the file is empty (no bytes, or only white space); re-export the article or remove the file"

_TITLE_RE = re.compile(r"^\s*(\d{1,6})?\s*(.*?)\s*(?:\.txt)?\s*$")


@dataclass(frozen=True)
class Listing:
    files: list[str]  # relative POSIX paths of regular *.txt files, sorted
    skipped: list[tuple[str, str]]  # (relative path, reason) for entries not read
    # (size, mtime_ns) of each listed file, from the listing's own stat: the planner needs
    # them, and a second stat per file was a third of planning time at 100k files.
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)


def _escaped(rel: str) -> str:
    """A relative name as listed: undecodable bytes in names are kept as \\xNN escapes."""
    return os.fsencode(rel).decode("utf-8", errors="backslashreplace")


_SYMLINK_DIR = ("symbolic link to a folder, not followed (links may point outside the raw "
                "directory); copy the files in, or run with --follow-symlinks")
_TXT_DIR = "this is a directory named like a .txt file; its contents are read, it is not"
_SYMLINK_FILE = ("symbolic link not followed (links may point outside the raw "
                 "directory); copy the file in, or run with --follow-symlinks")
_NOT_REGULAR = ("not a regular file (a pipe, socket, device or broken link); "
                "put the article text in a regular file")


def list_files(raw_dir: Path, follow_symlinks: bool = False) -> Listing:
    """Every ``*.txt`` file under ``raw_dir``, recursively, with its size and mtime.

    Symlinks are not followed by default (a link may point outside the raw dir);
    they are reported in ``skipped`` so that nothing disappears silently, and so are
    folders that cannot be listed. With ``follow_symlinks`` a folder is walked once
    even if links lead back to it (no endless walk through a link to a parent).

    ``os.scandir`` rather than ``os.walk`` + ``pathlib``: its entries carry the file type,
    so each file costs one ``stat`` (whose size and mtime the planner reuses) instead of three.
    """
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    stats: dict[str, tuple[int, int]] = {}
    visited: set[tuple[int, int]] = set()

    def walk(path: str, rel_dir: str) -> None:
        if follow_symlinks:
            try:
                st = os.stat(path)
            except OSError:
                return
            if (st.st_dev, st.st_ino) in visited:
                return
            visited.add((st.st_dev, st.st_ino))
        try:
            with os.scandir(path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            skipped.append((_escaped(rel_dir) if rel_dir else ".",
                            f"this folder could not be listed ({err.strerror}); its files were not read"))
            return
        subdirs, names = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows links, like os.walk's dirnames
            except OSError:
                is_dir = False
            (subdirs if is_dir else names).append(entry)
        for entry in subdirs:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if not follow_symlinks and entry.is_symlink():
                skipped.append((_escaped(rel), _SYMLINK_DIR))
            elif entry.name.lower().endswith(".txt"):
                # A directory named like a report is walked into, not read; say so.
                skipped.append((_escaped(rel), _TXT_DIR))
        for entry in names:
            if not entry.name.lower().endswith(".txt"):
                continue
            rel = _escaped(f"{rel_dir}/{entry.name}" if rel_dir else entry.name)
            if entry.is_symlink() and not follow_symlinks:
                skipped.append((rel, _SYMLINK_FILE))
                continue
            try:
                st = entry.stat()  # follows a link only when following is on (else it is not one)
            except OSError:
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):
                skipped.append((rel, _NOT_REGULAR))
                continue
            files.append(rel)
            stats[rel] = (st.st_size, st.st_mtime_ns)
        for entry in subdirs:
            if follow_symlinks or not entry.is_symlink():
                walk(entry.path, f"{rel_dir}/{entry.name}" if rel_dir else entry.name)

    walk(os.fspath(raw_dir), "")
    files.sort()
    return Listing(files, skipped, stats)


def doc_id_for(rel_path: str) -> str:
    return rel_path[:-4] if rel_path.lower().endswith(".txt") else rel_path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _utf8(data: bytes) -> str:
    """Strict UTF-8, except that a file cut inside its last character keeps the text before
    the cut (a truncated download) instead of being misread as GB18030."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data) and len(data) - exc.start < 4:
            return data[: exc.start].decode("utf-8")
        raise


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding name).

    Order matters for speed and correctness: BOMs, then strict UTF-8 (nearly
    every file), then GB18030 (a superset of GBK), then a detector, which
    misreads short GBK text and is slow, so it comes last.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _utf8(data[3:]), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise RejectedInput("ingest", f"the file starts with a UTF-8 byte order mark but is not valid UTF-8 ({exc.reason} at byte {exc.start + 3}); re-save it as UTF-8") from None
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), "utf-16"
            except UnicodeDecodeError as exc:
                raise RejectedInput("ingest", f"the file starts with a UTF-16 byte order mark but is not valid UTF-16 ({exc.reason} at byte {exc.start}); re-save it as UTF-8") from None
    try:
        return _utf8(data), "utf-8"
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


def _utf16_without_bom(data: bytes) -> bytes | None:
    """The BOM that UTF-16 text saved without one would have had, or None.

    UTF-16 puts a zero byte beside every ASCII character (the scraper's HTML is mostly
    ASCII), always on the same side; binary data has zeros on both sides.
    """
    sample = data[:8192]
    if len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 8 * even and odd >= len(sample) // 20:
        return codecs.BOM_UTF16_LE
    if even > 8 * odd and even >= len(sample) // 20:
        return codecs.BOM_UTF16_BE
    return None


# Control characters other than \t \n \v \f \r: with the replacement character U+FFFD, the marks
# of binary data read as text.
_CONTROL_CHARS = "".join(map(chr, [*range(0x00, 0x09), *range(0x0e, 0x20)]))
_BINARY_CHARS_RE = re.compile(f"[{re.escape(_CONTROL_CHARS)}\ufffd]")
# In these encodings a byte below 0x20 is always that ASCII control character, never part of a
# multi-byte character, so the bytes show whether the text holds any.
_CONTROL_AS_BYTES = {"utf-8", "utf-8-sig", "gb18030"}
_NOT_CONTROL = bytes(b for b in range(256) if chr(b) not in _CONTROL_CHARS)


def _holds_binary(data: bytes, text: str, encoding: str) -> bool:
    """Any NUL, or marks of binary data in more than 1 % of the first 4,096 characters.

    A file without a control byte or U+FFFD is text: deleting the other bytes (bytes.translate)
    takes a fifth of the time of the character scan, which only the rare file with some control
    characters still needs.
    """
    if encoding in _CONTROL_AS_BYTES and not data.translate(None, _NOT_CONTROL) and "\ufffd" not in text:
        return False
    return "\x00" in text or _looks_binary(text)


def _looks_binary(text: str) -> bool:
    # One regex scan: a per-character generator here cost ~2 ms per report, more than the
    # whole extraction (profiled in benchmarks/).
    sample = text[:4096]
    bad = len(_BINARY_CHARS_RE.findall(sample))
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
        raise RejectedInput("ingest", EMPTY_REASON)
    if len(data) > MAX_BYTES:
        raise RejectedInput("ingest", f"the file is {len(data) / 2**20:.1f} MiB, larger than any article "
                                      f"({MAX_BYTES // 2**20} MiB limit); is it really one report?")
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom = _utf16_without_bom(data)
        if bom is None:
            raise RejectedInput("ingest", "the file holds binary data, not text; it is not a scraped article")
        data_to_decode = bom + data
    else:
        data_to_decode = data
    text, encoding = decode(data_to_decode)
    if _holds_binary(data_to_decode, text, encoding):
        raise RejectedInput("ingest", "the file holds binary data, not text; it is not a scraped article")
    if not text.strip():
        raise RejectedInput("ingest", EMPTY_REASON)
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
    """Read one file under ``raw_dir``; I/O errors become RejectedInput.

    The size is checked on the open file before reading, and at most MAX_BYTES + 1 bytes
    are read, so a huge or growing file cannot exhaust memory. A file whose size or
    mtime changes while it is read is refused (the next run retries it).
    """
    path = fs_path(raw_dir, rel_path)
    try:
        data, before, after = _read_bounded(path)
    except FileNotFoundError:
        raise RejectedInput("ingest", "the file disappeared between listing and reading; "
                                      "it will be picked up by the next run if it comes back") from None
    except PermissionError:
        raise RejectedInput("ingest", "permission denied reading the file; make it readable by the "
                                      "user that runs the pipeline") from None
    except IsADirectoryError:
        raise RejectedInput("ingest", "this path is a directory, not a file") from None
    except _NotRegular:
        raise RejectedInput("ingest", "this path is no longer a regular file (replaced by a pipe, device "
                                      "or directory after listing); put the article text there") from None
    except _TooLarge as exc:
        raise RejectedInput("ingest", f"the file is {exc.size / 2**20:.1f} MiB, larger than any article "
                                      f"({MAX_BYTES // 2**20} MiB limit); is it really one report? "
                                      "It was not read") from None
    except OSError as exc:
        raise RejectedInput("ingest", f"the file could not be read ({exc.strerror or exc}); "
                                      "the next run tries again") from None
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or len(data) != after.st_size:
        raise RejectedInput("ingest", "the file changed while it was being read (still being written?); "
                                      "the next run reads it again")
    return parse_source(data, rel_path, count_images(path))


class _NotRegular(OSError):
    pass


class _TooLarge(OSError):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _read_bounded(path: Path) -> tuple[bytes, os.stat_result, os.stat_result]:
    """(bytes, fstat before, fstat after) of a regular file of at most MAX_BYTES.

    O_NONBLOCK: a FIFO swapped in after listing must not hang the run on open().
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise IsADirectoryError() if stat.S_ISDIR(before.st_mode) else _NotRegular()
        if before.st_size > MAX_BYTES:
            raise _TooLarge(before.st_size)
        chunks, total = [], 0
        while total <= MAX_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_BYTES:  # grew past the limit after the size check
            raise _TooLarge(total)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    return b"".join(chunks), before, after


_ESCAPE_RE = re.compile(rb"\\x([89a-f][0-9a-f])")


def fs_path(raw_dir: Path, rel_path: str) -> Path:
    """The file system path of a relative name from ``list_files`` (the exact inverse of ``_escaped``).

    ``_escaped`` writes undecodable name bytes as ``\\xNN``; those are always 0x80 or above
    (ASCII always decodes), so only such escapes are undone. A name that really contains
    those four characters is found as written, because the literal path is tried first.
    """
    literal = raw_dir / rel_path
    if "\\x" not in rel_path or os.path.lexists(literal):
        return literal
    raw = _ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), os.fsencode(rel_path))
    return raw_dir / os.fsdecode(raw)
