"""Graphs to query: a graph file loaded into Oxigraph (through oxrdflib) or rdflib's memory,
N-Triples made into a graph, and a remote SPARQL endpoint seen as a graph.

Answers from Oxigraph are turned into rdflib terms once per distinct term (:func:`select`).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result

from kg.errors import InputError
from kg.formats import STORES, for_path
from kg.namespaces import bind_all
from kg.oxdb import open_store
from kg.sparqlhttp import probe
from kg.terms import from_ox

#: The published IRI of the project's JSON-LD context; a document naming it gets the shipped file.
CONTEXT_IRI = "https://w3id.org/prkg/context.jsonld"


def load_graph(path: Path, store: str = "memory", index: bool = False) -> Graph:
    """Parse an RDF file (format from its ending) into ``store`` (see :data:`STORES`).

    Either way the result is an rdflib :class:`Graph`; with ``oxigraph`` its SPARQL queries
    run in Oxigraph's engine. Bad input raises :class:`InputError`.

    With ``oxigraph``, a database folder that holds this very file (``<graph>.oxigraph``,
    made by ``kg serve`` or by ``index=True``) is opened read-only instead of parsing the file
    again: seconds saved on every query of a large graph. ``index=True`` makes that folder
    when it is missing or stale.
    """
    found = for_path(path)
    if found is None:
        raise InputError(f"{path}: unknown RDF format (use .ttl, .nt, .nq or .jsonld)")
    fmt = found.rdflib
    if not path.is_file():
        raise InputError(f"{path}: no such graph file (run `kg build` first?)")
    if store not in STORES:
        raise InputError(f"{store}: unknown store (use {' or '.join(STORES)})")
    if store == "oxigraph":
        native = open_store(path, index)
        if native is not None:
            return oxigraph_graph(native)
    # Oxigraph plans queries over its default graph far better than over a named graph (seconds
    # against minutes on 10^5 triples), so the file goes into the default graph.
    graph = oxigraph_graph(ox.Store()) if store == "oxigraph" else Graph()
    try:
        if store == "memory" and fmt == "nt":
            _read_ntriples(graph, path)
        elif fmt == "json-ld":  # rdflib's parser, on a copy whose contexts are all local
            graph.parse(data=local_jsonld(path), format="json-ld")
        else:
            graph.parse(path, format=f"ox-{fmt}" if store == "oxigraph" else fmt)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - each rdflib parser raises its own types
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{path}: malformed {fmt} ({reason})") from None
    bind_all(graph)
    return graph


def local_jsonld(path: Path) -> str:
    """The JSON-LD text of ``path`` with every remote ``@context`` resolved without the network.

    The project's own context IRI becomes the shipped ``ontology/context.jsonld``; any other
    URL, and ``@import``, is refused (:class:`InputError`): reading a graph never fetches.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise InputError(
            f"{path}: malformed JSON-LD ({' '.join(str(err).split())[:120]})"
        ) from None

    def local(context: Any) -> Any:
        if isinstance(context, list):
            return [local(c) for c in context]
        if isinstance(context, str):
            if context.rstrip("#") == CONTEXT_IRI:
                from kg.vocabulary import jsonld_context  # only for JSON-LD: keeps queries light

                return jsonld_context()
            raise InputError(
                f"{path}: remote @context {context} is not fetched (inline it, or name "
                f"{CONTEXT_IRI}, which is read from the shipped file)"
            )
        if isinstance(context, dict) and "@import" in context:
            raise InputError(f"{path}: @import of a remote context is not fetched")
        return context

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: local(v) if k == "@context" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(n) for n in node]
        return node

    return json.dumps(walk(data), ensure_ascii=False)


def _read_ntriples(graph: Graph, path: Path) -> None:
    """N-Triples into an rdflib graph, parsed by Oxigraph and each distinct term made once:
    half the time of rdflib's own parser (40 s on 1.2 million triples), the same triples."""
    term = _converter()
    with path.open("rb") as fh:
        graph.addN(
            (term(t.subject), term(t.predicate), term(t.object), graph)
            for t in ox.parse(fh, format=ox.RdfFormat.N_TRIPLES)
        )


def _converter() -> Callable[[object], URIRef | BNode | Literal]:
    """Oxigraph terms to rdflib terms, each distinct one converted once (the last million)."""
    return lru_cache(maxsize=1_000_000)(from_ox)


def oxigraph_graph(native: ox.Store) -> Graph:
    """An rdflib graph over ``native``'s default graph (where Oxigraph plans best), the
    project's prefixes bound."""
    graph = Graph(store=_oxigraph_store_class()(native), identifier=DATASET_DEFAULT_GRAPH_ID)
    bind_all(graph)
    return graph


def ntriples_graph(data: bytes) -> Graph:
    """N-Triples ``data`` in a new Oxigraph store. Oxigraph parses and loads without holding
    Python's lock, so this can run in a thread while Python does other work."""
    native = ox.Store()
    native.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return oxigraph_graph(native)


@lru_cache(maxsize=1)
def _oxigraph_store_class() -> type:
    """oxrdflib's store class, keeping the Oxigraph store it wraps at hand for :func:`select`.
    Made on first use: importing oxrdflib loads rdflib's SPARQL engine (a fifth of a second),
    which a query sent to an endpoint does not need."""
    from oxrdflib import OxigraphStore

    class _Oxigraph(OxigraphStore):
        def __init__(self, native: ox.Store) -> None:
            super().__init__(store=native)
            self.native = native

    return _Oxigraph


def select(graph: Graph, text: str) -> Result | None:
    """A query run straight in Oxigraph, each distinct term turned into rdflib once.

    oxrdflib converts every cell of every row; listings repeat the same titles, outlets,
    labels and numbers in thousands of rows, and conversion took 2–4× the query itself.
    ASK and CONSTRUCT answers are returned as rdflib makes them; None when ``graph`` is not in
    Oxigraph.
    """
    native = getattr(graph.store, "native", None)
    if not isinstance(native, ox.Store) or graph.identifier != DATASET_DEFAULT_GRAPH_ID:
        return None
    prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    solutions = native.query(text, prefixes=prefixes)
    if isinstance(solutions, ox.QueryBoolean):
        answer = Result("ASK")
        answer.askAnswer = bool(solutions)
        return answer
    if isinstance(solutions, ox.QueryTriples):
        built = Result("CONSTRUCT")
        built.graph = Graph()
        for t in solutions:
            built.graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        return built
    names = [Variable(v.value) for v in solutions.variables]
    term = _converter()
    result = Result("SELECT")
    result.vars = names
    result.bindings = [
        {name: term(value) for name, value in zip(names, row, strict=True) if value is not None}
        for row in solutions
    ]
    return result


#: Seconds to wait for a query's answer from an endpoint.
DEFAULT_QUERY_TIMEOUT = 60.0


def endpoint_graph(url: str, timeout: float = DEFAULT_QUERY_TIMEOUT) -> Graph:
    """A read-only view of a remote SPARQL 1.1 endpoint, queried like a local graph.

    rdflib's SPARQLStore sends each query over the SPARQL protocol; query parameters travel as
    a ``VALUES`` block, so any standard endpoint answers the shipped queries. The endpoint is
    tried first (:func:`kg.sparqlhttp.probe`), so a server that is down or wrong gives
    "cannot reach"; every later request waits at most ``timeout`` seconds.
    """
    probe(url)
    socket.setdefaulttimeout(timeout)  # rdflib's connector opens URLs without a timeout
    graph = Graph(store="SPARQLStore")
    graph.open(url)
    bind_all(graph)
    return graph
