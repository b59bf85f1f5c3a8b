"""Where the project's data files live: ontology/, queries/ and the cleaning rules.

Works from an installed wheel (files under kg/ontology, kg/queries) and from a source checkout
(files at the repository top level). Nothing is read at import time.
"""

from __future__ import annotations

import tomllib
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
    from kg.link import mapping_graph, read_mapping_files

    graph = Graph()
    for path in vocabulary_files():
        graph.parse(path, format="turtle")
    graph += mapping_graph(read_mapping_files(mapping_files()))
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
