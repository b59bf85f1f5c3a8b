"""RDF formats, in one table, and the reading of the project's own data files.

Every command that reads or writes a graph file finds its format here: by the file's suffix,
with the names rdflib and Oxigraph give it and its media type. Data files of the project
(Turtle vocabulary, shapes and waivers, TOML cleaning rules) are read through
:func:`read_turtle` and :func:`read_toml`, which turn a parser's failure into one
:class:`~kg.errors.DataFileError` line naming the file and, where the parser says it, the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import DataFileError

if TYPE_CHECKING:
    from rdflib import Graph


#: Where a graph file is read to be queried: Oxigraph's embedded store (through oxrdflib, so
#: the program sees an ordinary rdflib Graph) or rdflib's own in-memory store.
STORES = ("oxigraph", "memory")
DEFAULT_STORE = "oxigraph"


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation: the option name kg uses, the file suffixes, and the names the
    libraries give it."""

    name: str
    suffixes: tuple[str, ...]
    rdflib: str
    oxigraph: str
    media_type: str


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("ttl", (".ttl",), "turtle", "ttl", "text/turtle"),
    RdfFormat("nt", (".nt",), "nt", "nt", "application/n-triples"),
    RdfFormat("nq", (".nq",), "nquads", "nq", "application/n-quads"),
    RdfFormat("jsonld", (".jsonld", ".json"), "json-ld", "jsonld", "application/ld+json"),
)
#: Formats ``kg build`` writes.
OUTPUT_FORMATS = ("ttl", "nt", "jsonld")


def by_name(name: str) -> RdfFormat:
    """The format called ``name`` (ttl, nt, nq, jsonld)."""
    return next(f for f in FORMATS if f.name == name)


def for_path(path: Path) -> RdfFormat | None:
    """The format of a graph file, by its suffix (None when it has no RDF suffix).

    >>> for_path(Path("build/graph.nt")).rdflib
    'nt'
    """
    suffix = path.suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def _line_of(err: Exception) -> str:
    found = re.search(r"line (\d+)", str(err))
    return f":{found.group(1)}" if found else ""


def read_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse a Turtle data file (into ``into`` if given); a syntax error is a
    :class:`DataFileError` naming the file and line."""
    from rdflib import Graph

    graph = into if into is not None else Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise DataFileError(f"{path}: no such file") from None
    except Exception as err:  # noqa: BLE001 - rdflib's parsers raise many types
        reason = " ".join(str(err).split())[:160]
        raise DataFileError(f"{path}{_line_of(err)}: malformed Turtle ({reason})") from None
    return graph


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML data file; a syntax error is a :class:`DataFileError` naming file and line."""
    import tomllib  # (loaded when a data file is read, not for every query)

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise DataFileError(f"{path}{_line_of(err)}: malformed TOML ({err})") from None
    except OSError as err:
        raise DataFileError(f"{path}: cannot read ({err.strerror})") from None
