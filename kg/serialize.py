"""Graph files: deterministic bytes of a graph in each output format, and the run log beside it.

Wall-clock time is kept out of the graph (it would break byte-identical output);
:func:`write_run_log` records it beside the graph.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

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
    JSON readers get short keys (``technique``, ``quote``, ``begin``) and the file stays valid
    RDF; nodes sorted by IRI and multiple values sorted, so the bytes are stable."""
    context = jsonld_context()
    data = json.loads(
        graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    )
    items = data.get("@graph", [data]) if isinstance(data, dict) else data
    items = [{k: v for k, v in n.items() if k != "@context"} for n in items]
    items.sort(key=lambda n: str(n.get("iri", n.get("@id", ""))))
    for node in items:
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    out = {"@context": context, "@graph": items}
    return json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


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
