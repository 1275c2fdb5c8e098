"""Inputs and Parquet staging through fsspec URLs, so object storage works like a local folder.

A plain path (``data/raw``) takes the local fast path and is read with ``os``. A URL
(``file:///srv/raw``, ``s3://bucket/raw``, ``gcs://…``, anything fsspec knows) goes
through fsspec: listing with sizes and mtimes, reading the raw files, writing the
Parquet parts. DuckDB itself stays on a local file: remote parts are fetched into a
local folder before they are loaded (``localize_parts``).

Remote batches reuse the local code unchanged: a worker copies its batch's files (and
the ``图片/`` folders of nested articles) into a private temp dir, runs
``tasks.process.process_batch`` there, and puts the Parquet parts to the staging URL.
A batch is a few MB, so the copy costs little next to the extraction, and the quarantine
rules, doc_ids and hashes are exactly those of a local run.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from tasks.ingest import IMAGE_DIR, Listing


def is_url(location: str | os.PathLike) -> bool:
    return "://" in str(location)


def fs_and_path(url: str):
    from fsspec.core import url_to_fs

    return url_to_fs(url)


def join(location: str | os.PathLike, *parts: str) -> str:
    if is_url(location):
        return posixpath.join(str(location).rstrip("/"), *parts)
    return str(Path(location).joinpath(*parts))


def exists_dir(location: str | os.PathLike) -> bool:
    if not is_url(location):
        return Path(location).is_dir()
    fs, path = fs_and_path(str(location))
    return fs.isdir(path)


def _mtime_ns(info: dict) -> int:
    """fsspec's modification time as integer nanoseconds (local: float seconds; S3: datetime)."""
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(key)
        if value is None:
            continue
        if hasattr(value, "timestamp"):
            return int(value.timestamp() * 1e9)
        if isinstance(value, str):
            import datetime as dt

            return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1e9)
        return int(float(value) * 1e9)
    return 0


def list_url(url: str) -> tuple[Listing, dict[str, tuple[int, int]]]:
    """Every ``*.txt`` under ``url`` (relative POSIX paths, sorted) and their (size, mtime_ns)."""
    fs, root = fs_and_path(url)
    root = root.rstrip("/")
    files: list[str] = []
    stats: dict[str, tuple[int, int]] = {}
    local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
    for path, info in fs.find(root, detail=True).items():
        rel = PurePosixPath(path).relative_to(root).as_posix()
        if not rel.lower().endswith(".txt") or info.get("type") != "file":
            continue
        files.append(rel)
        if local:  # fsspec gives float seconds; the local planner records exact nanoseconds
            st = os.stat(path)
            stats[rel] = (st.st_size, st.st_mtime_ns)
        else:
            stats[rel] = (int(info.get("size") or 0), _mtime_ns(info))
    files.sort()
    return Listing(files, []), stats


def read_bytes(url: str, rel: str) -> bytes:
    fs, root = fs_and_path(url)
    return fs.cat_file(posixpath.join(root.rstrip("/"), rel))


# --- batches ------------------------------------------------------------------------------
def run_batch(raw_dir: str, rel_paths: list[str], out_dir: str, batch_no: int):
    """``process_batch`` for any mix of local paths and URLs; returns its BatchResult."""
    from tasks.process import process_batch

    if not is_url(raw_dir) and not is_url(out_dir):
        return process_batch(raw_dir, rel_paths, out_dir, batch_no)
    with tempfile.TemporaryDirectory(prefix="chuxin-batch-") as tmp:
        local_raw = raw_dir
        if is_url(raw_dir):
            local_raw = os.path.join(tmp, "raw")
            _fetch_batch(raw_dir, rel_paths, local_raw)
        local_out = out_dir if not is_url(out_dir) else os.path.join(tmp, "out")
        result = process_batch(local_raw, rel_paths, local_out, batch_no)
        if is_url(out_dir):
            fs, root = fs_and_path(out_dir)
            for table, local in list(result.parts.items()):
                remote = posixpath.join(root.rstrip("/"), table, os.path.basename(local))
                fs.makedirs(posixpath.dirname(remote), exist_ok=True)
                fs.put_file(local, remote)  # one object PUT: readers see all of it or nothing
                result.parts[table] = posixpath.join(out_dir.rstrip("/"), table, os.path.basename(local))
        return result


def _fetch_batch(raw_url: str, rel_paths: list[str], local_root: str) -> None:
    fs, root = fs_and_path(raw_url)
    root = root.rstrip("/")
    for rel in rel_paths:
        dst = os.path.join(local_root, *rel.split("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            fs.get_file(posixpath.join(root, rel), dst)
        except FileNotFoundError:
            continue  # process_batch quarantines it as "disappeared between listing and reading"
        parent = PurePosixPath(rel).parent
        if parent.name == PurePosixPath(rel).stem:  # nested article: its pictures count too
            images = posixpath.join(root, parent.as_posix(), IMAGE_DIR)
            if fs.isdir(images):
                local_images = os.path.join(os.path.dirname(dst), IMAGE_DIR)
                os.makedirs(local_images, exist_ok=True)
                for entry in fs.ls(images, detail=False):
                    open(os.path.join(local_images, posixpath.basename(entry)), "wb").close()


def localize_parts(results: list, local_dir: str | os.PathLike) -> list:
    """Fetch remote Parquet parts into ``local_dir`` for DuckDB; local parts are left as they are."""
    for res in results:
        for table, part in list(res.parts.items()):
            if not is_url(part):
                continue
            fs, path = fs_and_path(part)
            dst = Path(local_dir) / table / posixpath.basename(path)
            dst.parent.mkdir(parents=True, exist_ok=True)
            fs.get_file(path, str(dst))
            res.parts[table] = str(dst)
    return results


# --- the batch manifest --------------------------------------------------------------------
def write_manifest(location: str, batches: list[list[str]]) -> str:
    """The batches as one JSON file: flow parameters stay small however many files there are."""
    url = join(location, "manifest.json")
    data = json.dumps(batches, ensure_ascii=False).encode("utf-8")
    if is_url(url):
        fs, path = fs_and_path(url)
        fs.makedirs(posixpath.dirname(path), exist_ok=True)
        fs.pipe_file(path, data)
    else:
        Path(url).parent.mkdir(parents=True, exist_ok=True)
        Path(url).write_bytes(data)
    return url


def read_manifest(url: str) -> list[list[str]]:
    if is_url(url):
        fs, path = fs_and_path(url)
        return json.loads(fs.cat_file(path))
    return json.loads(Path(url).read_bytes())


def remove_tree(location: str | os.PathLike) -> None:
    if not is_url(location):
        shutil.rmtree(location, ignore_errors=True)
        return
    fs, path = fs_and_path(str(location))
    try:
        fs.rm(path, recursive=True)
    except FileNotFoundError:
        pass
