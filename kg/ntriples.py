"""N-Triples: terms and lines written directly, and a graph streamed one document at a time.

The escaping is that of the N-Triples grammar's ``STRING_LITERAL_QUOTE``: a backslash, a double
quote, a line feed and a carriage return are escaped (``ECHAR``) and every other character is
written as itself in UTF-8 — the bytes rdflib's serializer writes, so a streamed file and a
serialised graph are the same file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, TextIO

from rdflib import BNode, Literal, URIRef

from kg.files import atomic_output
from kg.namespaces import ID
from kg.rdftext import literal
from kg.terms import Light, Lit, Triple


def term(value: str | Lit | Literal) -> str:
    """An emitted object or an rdflib term in N-Triples. IRIs are written as they are:
    :mod:`kg.mint` made them, and rdflib checked the vocabulary's when parsing."""
    if isinstance(value, Lit):
        return literal(*value)
    if isinstance(value, Literal):
        return literal(str(value), value.language, value.datatype)
    if isinstance(value, BNode):
        return f"_:{value}"
    return f"<{value}>"


def light_line(triple: Light) -> str:
    """The N-Triples line of an emitted triple (the same as :func:`line` of its rdflib terms;
    the common cases tested by exact type first, since emission writes a million of them)."""
    s, p, o = triple
    kind = type(o)
    if kind is str or kind is URIRef:
        return f"<{s}> <{p}> <{o}> .\n"
    if kind is Lit:
        return f"<{s}> <{p}> {literal(*o)} .\n"
    return f"<{s}> <{p}> {term(o)} .\n"


def line(triple: Triple) -> str:
    """The N-Triples line of a triple of rdflib terms."""
    s, p, o = triple
    return f"{term(s)} <{p}> {term(o)} .\n"


#: Stands for the run in streamed lines until the whole input (and so its digest) is known.
PENDING_RUN = URIRef("urn:prkg:pending-run")
_DOC_SCOPED = tuple(f"<{ID}{kind}/" for kind in ("doc", "mention", "evidence", "price"))


def split_lines(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """A document's lines: those about its own nodes (document, mentions, evidence, prices),
    and those about nodes other documents share (claims, actors, outlets, the run)."""
    own: list[str] = []
    shared: list[str] = []
    for text in lines:
        (own if text.startswith(_DOC_SCOPED) else shared).append(text)
    return own, shared


def write_part(folder: Path, lines: Iterable[str]) -> tuple[str, int]:
    """Write ``lines`` to a new part file in ``folder``; (its path, the number of lines)."""
    fd, path = tempfile.mkstemp(prefix="part-", suffix=".nt", dir=folder)
    count = 0
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        for text in lines:
            fh.write(text)
            count += 1
    return path, count


class NTriplesStream:
    """Writes a graph as N-Triples one document at a time, in bounded memory.

    The lines about a document's own nodes go to *parts*, kept in input order: written here
    (:meth:`document`) or, in a pool of local workers, by the worker that made them
    (:meth:`part`), so that the parent process never handles them. The lines about shared
    nodes (claims, actors, outlets) are kept once, in the order first seen. :meth:`finish`
    joins the parts, the shared lines and the tail (vocabulary and corpus triples), names the
    run, and moves the file into place atomically. The bytes are the same whichever way the
    parts were written.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.parts.", dir=out.parent))
        self.parts: list[Path] = []
        self.own: TextIO | None = None  # the part this process writes, opened on first use
        self.seen: set[str] = set()
        self.shared = (self.folder / "shared.nt").open("w", encoding="utf-8", newline="\n")
        self.lines = 0

    def document(self, lines: Iterable[str]) -> None:
        """All the lines of one document."""
        own, shared = split_lines(lines)
        if self.own is None:
            path = self.folder / "own.nt"
            self.own = path.open("w", encoding="utf-8", newline="\n")
            self.parts.append(path)
        self.own.writelines(own)
        self.lines += len(own)
        self.shared_lines(shared)

    def part(self, path: str | Path, lines: int) -> None:
        """A part file a worker wrote in :attr:`folder` (document-scoped lines only)."""
        self.parts.append(Path(path))
        self.lines += lines

    def shared_lines(self, lines: Iterable[str]) -> None:
        for text in lines:
            if text not in self.seen:
                self.seen.add(text)
                self.shared.write(text)
                self.lines += 1

    def finish(self, run: URIRef, tail: Iterable[Triple]) -> int:
        """Complete the file with ``tail`` and the run's IRI; returns the number of lines."""
        self.shared_lines(sorted({line(t) for t in tail}))
        self._close()
        pending, named = PENDING_RUN.n3().encode(), run.n3().encode()
        try:
            with atomic_output(self.out) as dst:
                for path in [*self.parts, self.folder / "shared.nt"]:
                    _copy_renaming(path, dst, pending, named)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return self.lines

    def _close(self) -> None:
        if self.own is not None:
            self.own.close()
        self.shared.close()

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _copy_renaming(path: Path, dst: BinaryIO, old: bytes, new: bytes, block: int = 1 << 22) -> None:
    """Copy ``path`` into ``dst`` with ``old`` replaced by ``new``, a block of whole lines at a
    time (a line holds the whole IRI, so no replacement is cut in two)."""
    carry = b""
    with path.open("rb") as src:
        while chunk := src.read(block):
            chunk = carry + chunk
            cut = chunk.rfind(b"\n") + 1
            carry = chunk[cut:]
            dst.write(chunk[:cut].replace(old, new))
    dst.write(carry.replace(old, new))
