"""Content-derived IRIs: the same document, offsets and concepts always give the same node.

Curator edits name nodes by these IRIs, so they must not depend on run order, time or machine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from rdflib import URIRef

from kg.namespaces import ID


def digest(*parts: object) -> str:
    """Short stable hash of the parts.

    >>> digest("a", 1) == digest("a", 1) != digest("a", 2)
    True
    """
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


_ID = str(ID)


def _minted(path: str) -> URIRef:
    """``ID + path`` as a URIRef. The paths minted here are hex digests or percent-quoted, so
    rdflib's character check (which only ever logs a warning) is skipped: emission mints
    several IRIs per mention, and the check was a tenth of its time."""
    return str.__new__(URIRef, _ID + path)


def doc_iri(doc_id: str) -> URIRef:
    """IRI of a document, from its id (the file name without extension)."""
    return _minted(f"doc/{quote(doc_id, safe='')}")


def mention_iri(doc_id: str, start: int, end: int, role: str, target: str) -> URIRef:
    return _minted(f"mention/{digest(doc_id, start, end, role, target)}")


def evidence_iri(doc_id: str, start: int, end: int) -> URIRef:
    return _minted(f"evidence/{digest(doc_id, start, end)}")


def claim_iri(modality: str, slots: Mapping[str, Iterable[str]]) -> URIRef:
    """A claim is its concepts and modality: the same statement in two documents is one claim."""
    key = [modality] + [
        f"{role}={','.join(sorted(map(str, slots[role])))}" for role in sorted(slots)
    ]
    return _minted(f"claim/{digest(*key)}")


def price_iri(doc_id: str, start: int, end: int) -> URIRef:
    return _minted(f"price/{digest(doc_id, start, end)}")


def actor_iri(key: str) -> URIRef:
    return _minted(f"actor/{digest(key)}")


def report_iri(key: str) -> URIRef:
    """A report (group of copies) is named by its smallest member document id."""
    return _minted(f"report/{quote(key, safe='')}")


def outlet_iri(name: str) -> URIRef:
    return _minted(f"outlet/{digest(name)}")


def frequency_iri(target: str, role: str) -> URIRef:
    """The count of the mentions of ``target`` (a concept or actor IRI) in ``role`` (a role IRI)."""
    return _minted(f"frequency/{digest(target, role)}")


def run_iri(version: str, input_digest: str) -> URIRef:
    return _minted(f"run/{digest(version, input_digest)}")


EXTRACTOR = ID["agent/kg-extractor"]
