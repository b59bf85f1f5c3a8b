"""The project's data files, read: the vocabulary graph (ontology, schemes, cues, platforms,
provisions and the SSSOM mappings), the SHACL shapes, the JSON-LD context and the cleaning rules.

Each is read once per process and cached; a malformed file is a one-line
:class:`~kg.errors.DataFileError` naming it. The mappings are read by :mod:`kg.link` and kept as
N-Triples in a cache folder, keyed by the tables' digest.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg import link
from kg.files import write_atomic
from kg.formats import read_toml, read_turtle
from kg.resources import (
    cleaning_path,
    context_path,
    mapping_files,
    shapes_path,
    vocabulary_files,
)


@cache
def vocabulary_graph() -> Graph:
    """Ontology, concept schemes, cues, platforms, provisions and mappings as one graph (cached)."""
    graph = Graph()
    for path in vocabulary_files():
        read_turtle(path, graph)
    graph += mappings_graph()
    return graph


def cache_dir() -> Path:
    """Where derived files are kept between runs: ``$PRKG_CACHE``, else the user cache folder."""
    if os.environ.get("PRKG_CACHE"):
        return Path(os.environ["PRKG_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "prkg"


def mappings_graph() -> Graph:
    """The reviewed SSSOM mappings as triples.

    Reading and checking the tables and minting their records is kept out of every start-up:
    the triples are kept in :func:`cache_dir`, keyed by the digest of the mapping files and
    of the code that reads them: an edited table is read and validated again. A cache that
    cannot be written is not an error (the tables are read each time).
    """
    files = mapping_files()
    h = hashlib.sha256(Path(link.__file__).read_bytes())
    for path in files:
        h.update(f"\0{path.name}\0".encode() + path.read_bytes())
    cached = cache_dir() / f"mappings-{h.hexdigest()[:32]}.nt"
    if cached.is_file():
        try:
            return Graph().parse(cached, format="nt")
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            cached.unlink(missing_ok=True)
    graph = link.mapping_graph(link.read_mapping_files(files))
    with suppress(OSError):  # an unwritable cache only means reading the tables next time
        write_atomic(cached, graph.serialize(format="nt", encoding="utf-8"))
    return graph


@cache
def _context_text() -> str:
    return context_path().read_text(encoding="utf-8")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context object (a fresh copy each call)."""
    context: dict[str, Any] = json.loads(_context_text())["@context"]
    return context


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once."""
    return read_turtle(shapes_path())


@cache
def cleaning_rules() -> dict[str, Any]:
    """Page-cleaning rules (boilerplate and metadata patterns) from kg/cleaning.toml."""
    return read_toml(cleaning_path())
