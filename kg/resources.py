"""Where the project's data files live: ontology/, queries/ and the cleaning rules.

Works from an installed wheel (files under kg/ontology, kg/queries) and from a source checkout
(files at the repository top level). Nothing is read at import time.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph

_PKG = Path(__file__).resolve().parent

#: Ontology files that are not part of the emitted vocabulary graph.
SHAPES_FILE = "shapes.ttl"
WAIVERS_FILE = "waivers.ttl"


def data_dir(name: str) -> Path:
    """Return the folder ``name`` (``ontology`` or ``queries``), installed copy first.

    >>> data_dir("ontology").name
    'ontology'
    """
    for candidate in (_PKG / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder next to {_PKG}")


def vocabulary_files() -> list[Path]:
    """Turtle files of the ontology and vocabulary (everything but shapes and waivers), sorted."""
    skip = {SHAPES_FILE, WAIVERS_FILE}
    return sorted(p for p in data_dir("ontology").glob("*.ttl") if p.name not in skip)


def mapping_files() -> list[Path]:
    """The reviewed SSSOM mapping tables in ``ontology/mappings/``, sorted."""
    return sorted((data_dir("ontology") / "mappings").glob("*.sssom.tsv"))


def shapes_path() -> Path:
    """The SHACL shapes file."""
    return data_dir("ontology") / SHAPES_FILE


def waivers_path() -> Path:
    """The reviewed file of waived rules (may be absent)."""
    return data_dir("ontology") / WAIVERS_FILE


def query_files() -> list[Path]:
    """Every shipped SPARQL query, found by glob."""
    return sorted(data_dir("queries").glob("*.rq"))


@cache
def vocabulary_graph() -> Graph:
    """Ontology, concept schemes, cues, platforms, provisions and mappings as one graph (cached)."""
    graph = Graph()
    for path in vocabulary_files():
        graph.parse(path, format="turtle")
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

    Reading SSSOM (sssom-py: pandas, LinkML validation) takes seconds for a few hundred rows,
    so the triples are kept in :func:`cache_dir`, keyed by the digest of the mapping files and
    of the code that reads them: an edited table is read and validated again. A cache that
    cannot be written is not an error (the tables are read each time).
    """
    from kg import link

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
    from kg.emit import write_atomic  # here: kg.emit itself imports this module

    with suppress(OSError):  # an unwritable cache only means reading the tables next time
        write_atomic(cached, graph.serialize(format="nt", encoding="utf-8"))
    return graph


def context_path() -> Path:
    """The JSON-LD context (to be published at https://w3id.org/prkg/context.jsonld)."""
    return data_dir("ontology") / "context.jsonld"


@cache
def _context_text() -> str:
    return context_path().read_text(encoding="utf-8")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context object (a fresh copy each call)."""
    import json

    context: dict[str, Any] = json.loads(_context_text())["@context"]
    return context


@cache
def shapes_graph() -> Graph:
    """The SHACL shapes, parsed once."""
    return Graph().parse(shapes_path(), format="turtle")


@cache
def cleaning_rules() -> dict[str, Any]:
    """Page-cleaning rules (boilerplate and metadata patterns) from kg/cleaning.toml."""
    with (_PKG / "cleaning.toml").open("rb") as fh:
        return tomllib.load(fh)
