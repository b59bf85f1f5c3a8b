"""Graph files: deterministic bytes of a graph in each output format, and the run log beside it.

Wall-clock time is kept out of the graph (it would break byte-identical output);
:func:`write_run_log` records it beside the graph.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg import __version__
from kg.files import write_atomic
from kg.formats import by_name
from kg.ntriples import line
from kg.vocabulary import jsonld_context


def ntriples(graph: Graph) -> bytes:
    """The graph as N-Triples, lines sorted: the same bytes for the same graph."""
    return "".join(sorted({line(t) for t in graph})).encode("utf-8")  # type: ignore[arg-type]


def jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with the project's context (``ontology/context.jsonld``) inlined, so plain
    JSON readers get short keys (``id``, ``technique``, ``quote``, ``begin``) and the file stays
    valid RDF; nodes sorted by IRI and multiple values sorted, so the bytes are stable.

    Shapes a program can rely on: a key whose term is an ``@set`` container is always a list;
    offsets and counts (integer types) are JSON numbers. Decimals (amounts, unit prices) stay
    strings in their exact lexical form: JSON-LD turns a fractional JSON number into an
    ``xsd:double`` lexical form, which would not read back as the same decimal."""
    context = jsonld_context()
    data = json.loads(
        graph.serialize(
            format="json-ld", context=_without_sets(context), auto_compact=True, encoding="utf-8"
        )
    )
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    items = [_shaped(n, context) for n in items]
    items.sort(key=lambda n: str(n.get("id", n.get("@id", ""))))
    for node in items:
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    out = {"@context": context, "@graph": items}
    return json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _without_sets(context: dict[str, Any]) -> dict[str, Any]:
    """The context without ``@container: @set``, for rdflib's compaction, which then stops
    choosing a term for some values (language-tagged labels); :func:`_shaped` applies the sets."""
    inner = context.get("@context", context)
    terms = {
        k: {a: b for a, b in v.items() if a != "@container"} if isinstance(v, dict) else v
        for k, v in inner.items()
    }
    return {"@context": terms} if "@context" in context else terms


_INTEGER_TYPES = {"xsd:integer", "xsd:nonNegativeInteger", "xsd:positiveInteger", "xsd:int"}


def _shaped(node: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """``node`` with every ``@set`` key a list and every integer-typed value a JSON number."""
    terms = context.get("@context", context)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            continue
        term = terms.get(key)
        kind = term.get("@type") if isinstance(term, dict) else None
        if kind in _INTEGER_TYPES:
            value = [int(v) for v in value] if isinstance(value, list) else int(value)
        elif kind == "xsd:boolean":
            value = [v == "true" for v in value] if isinstance(value, list) else value == "true"
        if isinstance(term, dict) and term.get("@container") == "@set":
            value = value if isinstance(value, list) else [value]
        out[key] = value
    return out


def serialize(graph: Graph, fmt: str = "ttl") -> bytes:
    """Deterministic bytes of ``graph`` in ``fmt`` (ttl, nt or jsonld)."""
    if fmt == "nt":
        return ntriples(graph)
    if fmt == "jsonld":
        return jsonld(graph)
    return graph.serialize(format=by_name(fmt).rdflib, encoding="utf-8")


def write_run_log(path: Path, graph_path: Path, summary: dict[str, object]) -> None:
    """JSON record of a build: when it ran, with which version, and what it produced."""
    record = {
        "tool": "kg",
        "version": __version__,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "graph": str(graph_path),
        **summary,
    }
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
