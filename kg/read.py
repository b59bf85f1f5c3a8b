"""Stage 1 — read: input paths to decoded raw documents.

Every file is read whole and decoded strictly; a file that cannot be read or decoded raises
:class:`InputError` naming the file, never a half-read document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: File endings read as articles when a folder is given.
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


class InputError(Exception):
    """Bad input: the message names the file and the reason on one line."""


@dataclass(frozen=True)
class RawDocument:
    """A decoded input file. ``doc_id`` is the file name without its extension."""

    doc_id: str
    path: Path
    text: str
    sha256: str


def decode(data: bytes, path: Path) -> str:
    """Decode UTF-8 (with or without BOM) strictly.

    >>> decode("人脸".encode("utf-8-sig"), Path("x.txt"))
    '人脸'
    """
    if not data.strip():
        raise InputError(f"{path}: file is empty")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not valid UTF-8 (byte {err.start}: {err.reason})") from None


def read_document(path: Path) -> RawDocument:
    """Read and decode one article file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    return RawDocument(
        doc_id=path.stem,
        path=path,
        text=decode(data, path),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def expand_inputs(inputs: Iterable[Path]) -> list[Path]:
    """Files named directly, plus the article files inside named folders, sorted and unique.

    Raises :class:`InputError` for a path that does not exist or a folder with no articles.
    """
    files: set[Path] = set()
    for item in inputs:
        if item.is_dir():
            found = [
                p for p in item.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            ]
            if not found:
                raise InputError(f"{item}: folder holds no .txt/.md/.html articles")
            files.update(found)
        elif item.exists():
            files.add(item)
        else:
            raise InputError(f"{item}: no such file or folder")
    ordered = sorted(files, key=lambda p: (p.stem, str(p)))
    seen: dict[str, Path] = {}
    for path in ordered:
        if path.stem in seen:
            raise InputError(f"{path}: document id {path.stem!r} already used by {seen[path.stem]}")
        seen[path.stem] = path
    return ordered


def read_all(inputs: Iterable[Path]) -> Iterator[RawDocument]:
    """Read every article under ``inputs`` in a stable order."""
    for path in expand_inputs(inputs):
        yield read_document(path)
