"""Stage 1 — read: input paths to decoded raw documents, and a report for each file that is not.

Inputs are files, folders, glob patterns, JSON Lines files of records (``{"id", "text", …}``) and
WARC archives (``.warc``/``.warc.gz``, as web archives and Common Crawl store news pages), the last
two read record by record, so a large archive is never held in memory whole.
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

from kg.bounds import (
    MAX_HTML_DEPTH,
    bounded_lines,
    check_warc,
    folder_problems,
    html_depth,
    walk_matches,
)
from kg.errors import InputError

#: File endings read as articles when a folder is given.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
RECORD_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc", ".warc.gz")
#: Encodings charset-normalizer may choose from when a file is not UTF-8.
CANDIDATE_ENCODINGS = ["gb18030", "big5", "big5hkscs", "utf_16"]
#: Files larger than this are reported, not read (an article is far smaller).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Metadata a JSON Lines record may carry besides id and text.
RECORD_FIELDS = ("title", "url", "outlet", "date")


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
    text, encoding = _decode(data, path)
    if not text.strip():  # a byte-order mark alone, or only whitespace once decoded
        raise InputError(f"{path}: file is empty (no text once decoded as {encoding})")
    return text, encoding


def _decode(data: bytes, path: Path) -> tuple[str, str]:
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
    if path.suffix.lower() in (".html", ".htm"):
        _check_html(text, path)
    return RawDocument(path.stem, path, text, hashlib.sha256(data).hexdigest(), encoding)


def _check_html(text: str, where: Path | str) -> None:
    """Refuse HTML nested deeper than the parser keeps (its text would vanish silently)."""
    if html_depth(text) > MAX_HTML_DEPTH:
        raise InputError(
            f"{where}: HTML nested more than {MAX_HTML_DEPTH} levels deep; its text cannot be "
            "parsed reliably"
        )


def json_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, Any]]:
    """(line number, line, decoded object or its :class:`ValueError`); blank lines skipped."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield n, line, json.loads(line)
        except ValueError as err:  # json.JSONDecodeError is a ValueError
            yield n, line, err


def iter_records(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Problem]:
    """Documents from a JSON Lines file, one object per line with ``id`` and ``text``, streamed;
    a line longer than ``max_bytes`` is skipped unread (reported), whatever the file's size."""
    try:
        fh = path.open(encoding="utf-8-sig")
    except OSError as err:
        yield Problem(str(path), f"cannot read records ({err.strerror})")
        return
    with fh:
        try:
            for n, line in enumerate(bounded_lines(fh, max_bytes), 1):
                if line is None:
                    yield Problem(
                        f"{path}:{n}", f"record too large (over {max_bytes / 1e6:.1f} MB)"
                    )
                    continue
                if not line.strip():
                    continue
                try:
                    rec: Any = json.loads(line)
                except ValueError as err:
                    rec = err
                yield _record(path, n, line, rec)
        except UnicodeDecodeError as err:
            yield Problem(str(path), f"cannot read records (not UTF-8: {err.reason})")


def _record(path: Path, n: int, line: str, rec: Any) -> RawDocument | Problem:
    where = f"{path}:{n}"
    if isinstance(rec, ValueError):
        reason = str(rec).split(":")[0]
        return Problem(where, f"not valid JSON ({reason})")
    if not isinstance(rec, dict):
        return Problem(where, f"a record must be a JSON object, not {type(rec).__name__}")
    text = rec.get("text")
    if text is None:
        return Problem(where, 'the record has no "text" field')
    if not isinstance(text, str):
        return Problem(where, f'"text" must be a string, not {type(text).__name__}')
    if not text.strip():
        return Problem(where, '"text" is empty')
    doc_id = str(rec.get("id") or f"{path.stem}-{n}")
    meta = {k: str(rec[k]) for k in RECORD_FIELDS if rec.get(k)}
    digest = hashlib.sha256(line.rstrip("\r\n").encode("utf-8")).hexdigest()
    return RawDocument(doc_id, path, text, digest, "utf-8", meta)


def read_records(path: Path) -> tuple[list[RawDocument], list[Problem]]:
    """All documents of a JSON Lines file, and the lines that are not article records."""
    docs: list[RawDocument] = []
    problems: list[Problem] = []
    for item in iter_records(path):
        (problems if isinstance(item, Problem) else docs).append(item)  # type: ignore[arg-type]
    return docs, problems


def iter_warc(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Problem]:
    """Pages from a WARC file (warcio): each HTML ``response`` or ``resource`` record, streamed.

    The record's id becomes the document id, its target URI and date the document's url and
    date; the payload is decoded like a file (UTF-8, else GB18030/Big5 detection).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        fh = path.open("rb")
    except OSError as err:
        yield Problem(str(path), f"cannot read WARC ({err.strerror})")
        return
    with fh:
        magic = fh.read(5)
        fh.seek(0)
        if not (magic.startswith(b"WARC/") or magic.startswith(b"\x1f\x8b")):
            yield Problem(str(path), "not a WARC file (it does not start with a WARC record)")
            return
        framing = check_warc(path, max_bytes)  # bounded memory, whatever the file expands to
        for at, reason in framing.problems:
            yield Problem(at, reason)
        if framing.fatal:  # a file is never half-read
            return
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type not in ("response", "resource"):
                    continue
                if (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>") in (
                    framing.skip
                ):
                    continue  # reported above: cut short, or too large once decompressed
                kind = (
                    record.http_headers.get_header("Content-Type")
                    if record.http_headers is not None
                    else record.rec_headers.get_header("Content-Type")
                ) or ""
                if "html" not in kind and not kind.startswith("text/"):
                    continue
                rid = record.rec_headers.get_header("WARC-Record-ID") or ""
                doc_id = "warc-" + rid.strip("<>").rsplit(":", 1)[-1]
                where = Path(f"{path}#{rid.strip('<>')}")
                data = record.content_stream().read(max_bytes + 1)
                if len(data) > max_bytes:
                    yield Problem(str(where), f"record too large (> {max_bytes / 1e6:.1f} MB)")
                    continue
                try:
                    text, encoding = decode(data, where)
                    if "html" in kind:
                        _check_html(text, where)
                except InputError as err:
                    yield Problem(str(where), str(err).removeprefix(f"{where}: "))
                    continue
                meta = {"url": record.rec_headers.get_header("WARC-Target-URI") or ""}
                when = record.rec_headers.get_header("WARC-Date") or ""
                if when[:10]:
                    meta["date"] = when[:10]
                yield RawDocument(
                    doc_id,
                    where,
                    text,
                    hashlib.sha256(data).hexdigest(),  # not WARC-Payload-Digest: often SHA-1
                    encoding,
                    {k: v for k, v in meta.items() if v},
                )
        except ArchiveLoadFailed as err:
            yield Problem(str(path), f"not a WARC file ({' '.join(str(err).split())[:120]})")


def _is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def expand_inputs(inputs: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """Files named directly, matched by a glob, or inside named folders, sorted and unique."""
    files: set[Path] = set()
    problems: list[Problem] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            problems += [Problem(w, r) for w, r in folder_problems(path)]
            found = [
                p
                for p in path.iterdir()
                if p.is_file()
                and (p.suffix.lower() in ARTICLE_SUFFIXES + RECORD_SUFFIXES or _is_warc(p))
            ]
            if not found:
                problems.append(
                    Problem(str(path), "folder holds no .txt/.md/.html/.jsonl/.warc inputs")
                )
            files.update(found)
        elif path.exists():
            files.add(path)
        elif glob.has_magic(str(item)) and "**" in str(item):
            matched, loops = walk_matches(str(item))  # symlink loops walked once, reported
            problems += [Problem(w, r) for w, r in loops]
            if not matched:
                problems.append(Problem(str(item), "pattern matches no file"))
            files.update(matched)
        elif glob.has_magic(str(item)):
            matched = [Path(p) for p in glob.glob(str(item)) if Path(p).is_file()]
            if not matched:
                problems.append(Problem(str(item), "pattern matches no file"))
            files.update(matched)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    return sorted(files, key=lambda p: (p.stem, str(p))), problems


def iter_inputs(
    inputs: Iterable[Path | str], max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawDocument | Problem]:
    """Every input document, or a :class:`Problem` for what cannot be read, one at a time.

    Files come in name order, records and WARC pages in file order; only document ids are
    remembered (to report a reused id), so memory does not grow with the text read.
    """
    paths, problems = expand_inputs(inputs)
    yield from problems
    seen: dict[str, Path] = {}
    for path in paths:
        items: Iterable[RawDocument | Problem]
        if path.suffix.lower() in RECORD_SUFFIXES:
            items = iter_records(path, max_bytes)
        elif _is_warc(path):
            items = iter_warc(path, max_bytes)
        else:
            try:
                items = [read_document(path, max_bytes)]
            except InputError as err:
                items = [Problem(str(path), str(err).removeprefix(f"{path}: "))]
        for item in items:
            if isinstance(item, RawDocument):
                if item.doc_id in seen:
                    item = Problem(
                        str(item.path),
                        f"document id {item.doc_id!r} already used by {seen[item.doc_id]}",
                    )
                else:
                    seen[item.doc_id] = item.path
            yield item


def read_inputs(
    inputs: Iterable[Path | str], max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[RawDocument], list[Problem]]:
    """Every input, read into memory and sorted by id; what cannot be read is reported."""
    docs: list[RawDocument] = []
    problems: list[Problem] = []
    for item in iter_inputs(inputs, max_bytes):
        (problems if isinstance(item, Problem) else docs).append(item)  # type: ignore[arg-type]
    return sorted(docs, key=lambda d: d.doc_id), problems
