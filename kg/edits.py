"""Curation edit files: their header, what they may do, and how big they may be.

An edit is a file in ``curation/``: a SPARQL 1.1 Update (``.ru``) or Turtle additions (``.ttl``),
headed by ``# curator:``, ``# date:`` and ``# reason:`` lines. Reading one checks the header, the
syntax and the confinement: an edit may only INSERT/DELETE on the graph itself, and neither the
file nor any literal in it may be large. Every failure is one :class:`~kg.errors.InputError`
line naming the file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareUpdate

from kg.errors import InputError
from kg.namespaces import ID

EDIT_SUFFIXES = (".ru", ".ttl")
HEADER_FIELDS = ("curator", "date", "reason")
_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Edit:
    """One curation edit file."""

    path: Path
    text: str
    curator: str
    date: date
    reason: str
    #: The text as the file holds it, when ``text`` was re-anchored to moved IRIs for a replay
    #: (the edit keeps the identity of its file).
    stored: str | None = None

    @property
    def kind(self) -> str:
        return "update" if self.path.suffix == ".ru" else "turtle"

    @property
    def iri(self) -> URIRef:
        text = self.text if self.stored is None else self.stored
        digest = hashlib.sha256(f"{self.path.name}\n{text}".encode()).hexdigest()[:16]
        return ID[f"edit/{digest}"]


#: The largest edit file accepted (bytes), and the longest literal one may write (characters):
#: a label or a reason, not a document (a 10 MB altLabel would slow every later build).
MAX_EDIT_BYTES = 256 * 1024
MAX_LITERAL_CHARS = 2000
#: SPARQL Update operations an edit may use: data in and out of the graph itself.
ALLOWED_UPDATES = {"InsertData", "DeleteData", "DeleteWhere", "Modify"}
#: Parts of a query that reach outside the graph or into named graphs.
_OUTSIDE = {"ServiceGraphPattern": "SERVICE", "GraphGraphPattern": "GRAPH", "Graph": "GRAPH"}


def _walk(node: object) -> Iterator[object]:
    """Every value inside a parsed SPARQL algebra node (CompValues, lists, dicts)."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)


def confinement_problem(update: Any) -> str | None:
    """Why a parsed SPARQL Update reaches outside the graph, or None when it does not: only
    INSERT/DELETE DATA and INSERT/DELETE … WHERE over the default graph are allowed; LOAD,
    SERVICE, CLEAR, DROP, CREATE, ADD, MOVE, COPY, GRAPH, WITH and USING are refused."""
    for op in update.algebra:
        name = getattr(op, "name", type(op).__name__)
        if name not in ALLOWED_UPDATES:
            return f"{name.upper()} is not allowed in an edit (only INSERT/DELETE on the graph)"
        parts = [op] + [op[k] for k in ("insert", "delete") if k in op]
        if any(k in part and part[k] for part in parts for k in ("quads", "withClause", "using")):
            return "GRAPH, WITH and USING are not allowed: edits change the default graph only"
        for item in _walk(op):
            kind = getattr(item, "name", None)
            if kind in _OUTSIDE:
                return f"{_OUTSIDE[kind]} is not allowed in an edit: it reaches outside the graph"
            if isinstance(item, Literal) and len(item) > MAX_LITERAL_CHARS:
                return f"a literal of {len(item)} characters (at most {MAX_LITERAL_CHARS})"
    return None


def read_edit(path: Path) -> Edit:
    """Read an edit and its header; a malformed one, or one that reaches outside the graph or
    is too large, is an :class:`InputError` naming the file."""
    if not path.is_file():
        raise InputError(f"{path}: no such edit file")
    if path.suffix not in EDIT_SUFFIXES:
        raise InputError(f"{path}: an edit is a SPARQL Update (.ru) or Turtle (.ttl) file")
    size = path.stat().st_size
    if size > MAX_EDIT_BYTES:
        raise InputError(f"{path}: edit of {size} bytes is too large (at most {MAX_EDIT_BYTES})")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not valid UTF-8 (byte {err.start})") from None
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _HEADER.match(line)
        if not match:
            if line.startswith("#"):
                continue
            break
        header.setdefault(match.group(1).lower(), match.group(2))
    missing = [f for f in HEADER_FIELDS if not header.get(f)]
    if missing:
        raise InputError(
            f"{path}: header lacks {', '.join(missing)} (# curator: / # date: / # reason:)"
        )
    try:
        when = date.fromisoformat(header["date"])
    except ValueError:
        raise InputError(f"{path}: date {header['date']!r} is not YYYY-MM-DD") from None
    edit = Edit(path, text, header["curator"], when, header["reason"])
    try:
        if edit.kind == "update":
            problem = confinement_problem(prepareUpdate(text))
        else:
            parsed = Graph().parse(data=text, format="turtle")
            long = [o for o in parsed.objects() if isinstance(o, Literal)]
            long = [o for o in long if len(o) > MAX_LITERAL_CHARS]
            problem = (
                f"a literal of {len(long[0])} characters (at most {MAX_LITERAL_CHARS})"
                if long
                else None
            )
    except Exception as err:  # noqa: BLE001 - the SPARQL and Turtle parsers raise many types
        what = "SPARQL Update" if edit.kind == "update" else "Turtle"
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{path}: malformed {what} ({reason})") from None
    if problem:
        raise InputError(f"{path}: refused — {problem}")
    return edit


def edit_files(folder: Path) -> list[Path]:
    """The accepted edits in ``folder``, in the order they are replayed (file name)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in EDIT_SUFFIXES and p.is_file())
