"""Where the project's data files live: ontology/, queries/ and the cleaning rules.

Works from an installed wheel (files under kg/ontology, kg/queries) and from a source checkout
(files at the repository top level). This module only locates files; kg/vocabulary.py reads
them. Nothing is read at import time.
"""

from __future__ import annotations

from pathlib import Path

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


def context_path() -> Path:
    """The JSON-LD context (to be published at https://w3id.org/prkg/context.jsonld)."""
    return data_dir("ontology") / "context.jsonld"


def cleaning_path() -> Path:
    """Page-cleaning rules (boilerplate and metadata patterns)."""
    return _PKG / "cleaning.toml"
