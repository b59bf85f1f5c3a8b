"""Stage 1 — read: input paths to decoded raw documents, and a report for each file that is not.

Inputs are files, folders, glob patterns, or JSON Lines files of records (``{"id", "text", …}``).
Files are decoded strictly: UTF-8 (with or without BOM) first, else the encoding that
charset-normalizer detects among the Chinese ones (GB18030/GBK, Big5) and UTF-16. A file that is
empty, binary, truncated, too large or undecodable is never half-read: it becomes a
:class:`Problem` naming the file and the reason, and the other files go on.
"""

from __future__ import annotations

import glob
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

#: File endings read as articles when a folder is given.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
RECORD_SUFFIXES = (".jsonl",)
#: Encodings charset-normalizer may choose from when a file is not UTF-8.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_16"]
#: Files larger than this are reported, not read (an article is far smaller).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Metadata a JSON Lines record may carry besides id and text.
RECORD_FIELDS = ("title", "url", "outlet", "date")


class InputError(Exception):
    """Bad input: the message names the file and the reason on one line."""


@dataclass(frozen=True)
class RawDocument:
    """A decoded input. ``doc_id`` is the file name without its extension (or the record id)."""

    doc_id: str
    path: Path
    text: str
    sha256: str
    encoding: str = "utf-8"
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """An input that was not read, and why."""

    where: str
    reason: str

    def line(self) -> str:
        return f"{self.where}: {self.reason}"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode a file's bytes strictly; return (text, encoding) or raise :class:`InputError`.

    >>> decode("人脸".encode("utf-8-sig"), Path("x.txt"))
    ('人脸', 'utf-8')
    >>> decode("人臉照片一張五毛錢，賣家說".encode("big5"), Path("x.txt"))[1]
    'big5'
    """
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{path}: binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            raise InputError(
                f"{path}: truncated (the file ends inside a UTF-8 character)"
            ) from None
        utf8_error = err
    best = from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is None:
        raise InputError(
            f"{path}: cannot decode (not UTF-8 at byte {utf8_error.start}, and not GB18030/GBK, "
            "Big5 or UTF-16)"
        )
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: cannot decode as {best.encoding} (byte {err.start})") from None


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawDocument:
    """Read and decode one article file."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path}: too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit; "
                "raise --max-bytes to read it)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    text, encoding = decode(data, path)
    return RawDocument(path.stem, path, text, hashlib.sha256(data).hexdigest(), encoding)


def json_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, Any]]:
    """(line number, line, decoded object or its :class:`ValueError`); blank lines skipped."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield n, line, json.loads(line)
        except ValueError as err:  # json.JSONDecodeError is a ValueError
            yield n, line, err


def read_records(path: Path) -> tuple[list[RawDocument], list[Problem]]:
    """Documents from a JSON Lines file: one object per line with ``id`` and ``text``."""
    docs: list[RawDocument] = []
    problems: list[Problem] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [], [Problem(str(path), f"cannot read records ({err})")]
    for n, line, rec in json_lines(lines):
        where = f"{path}:{n}"
        try:
            if isinstance(rec, ValueError):
                raise rec
            text = rec["text"]
            if not isinstance(text, str) or not text.strip():
                raise ValueError("empty text")
        except (KeyError, TypeError, ValueError) as err:
            problems.append(Problem(where, f"not an article record ({err})"))
            continue
        doc_id = str(rec.get("id") or f"{path.stem}-{n}")
        meta = {k: str(rec[k]) for k in RECORD_FIELDS if rec.get(k)}
        digest = hashlib.sha256(line.encode("utf-8")).hexdigest()
        docs.append(RawDocument(doc_id, path, text, digest, "utf-8", meta))
    return docs, problems


def expand_inputs(inputs: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, matched by a glob, or inside named folders, sorted and unique."""
    files: set[Path] = set()
    problems: list[Problem] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = [
                p
                for p in path.iterdir()
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES + RECORD_SUFFIXES
            ]
            if not found:
                problems.append(Problem(str(path), "folder holds no .txt/.md/.html/.jsonl inputs"))
            files.update(found)
        elif path.exists():
            files.add(path)
        elif glob.has_magic(str(item)):
            matched = [Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file()]
            if not matched:
                problems.append(Problem(str(item), "pattern matches no file"))
            files.update(matched)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return sorted(files, key=lambda p: (p.stem, str(p))), problems


def read_inputs(
    inputs: Iterable[Path | str], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[RawDocument], list[Problem]]:
    """Read every input; what cannot be read is reported, never dropped silently."""
    paths, problems = expand_inputs(inputs)
    docs: list[RawDocument] = []
    for path in paths:
        if path.suffix.lower() in RECORD_SUFFIXES:
            found, bad = read_records(path)
            docs.extend(found)
            problems.extend(bad)
            continue
        try:
            docs.append(read_document(path, max_bytes))
        except InputError as err:
            problems.append(Problem(str(path), str(err).removeprefix(f"{path}: ")))
    seen: dict[str, RawDocument] = {}
    unique: list[RawDocument] = []
    for doc in docs:
        if doc.doc_id in seen:
            problems.append(
                Problem(
                    str(doc.path),
                    f"document id {doc.doc_id!r} already used by {seen[doc.doc_id].path}",
                )
            )
            continue
        seen[doc.doc_id] = doc
        unique.append(doc)
    return sorted(unique, key=lambda d: d.doc_id), problems
