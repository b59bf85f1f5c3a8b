"""Stage 6 — query: SPARQL files and their headers, typed parameters, and running a query on
a graph file or an endpoint.

Query files carry a header (``# title:``, ``# description:``, ``# param: name (kind) —
meaning``, the kind one of ``concept``, ``iri``, ``integer`` or ``text``). Parameters are checked
against their kind and the graph before the query runs (a concept may be given by IRI, prefixed
name or any of its labels), then bound as RDF terms (``initBindings`` in rdflib, a VALUES block
elsewhere: see :func:`_with_values`), never as text pasted into the query. The project's
prefixes are declared for every query that leaves them out.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from kg.errors import InputError, QueryTimeout, UsageError
from kg.oxdb import open_store
from kg.rdftext import PREFIXES, expand_curie
from kg.resources import query_files
from kg.results import (
    SOLUTION_FORMATS,
    Solutions,
    Term,
    nt,
    render,
    solutions_from_json,
    solutions_of,
)
from kg.sparqltext import opening_where, query_form, with_limit, with_prefixes

if TYPE_CHECKING:  # rdflib is loaded when a graph is: a query sent to an endpoint needs none
    from rdflib import Graph
    from rdflib.query import Result

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

_HEADER = re.compile(r"^#\s*(title|description|param|parameters)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)(?:\s*\((concept|iri|integer|text)\))?\s*(?:[—–-]+\s*)?(.*)$")
PARAM_KINDS = ("concept", "iri", "integer", "text")


@dataclass(frozen=True)
class Param:
    """A query parameter: its name, what kind of value it takes, and what it restricts."""

    name: str
    kind: str = "text"
    meaning: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL query (from a file, ``-e`` or stdin) and what its header says."""

    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def form(self) -> str:
        return query_form(self.text)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def parse_query(text: str, path: Path, check: bool = True) -> QueryFile:
    """A query and its header; with ``check``, malformed SPARQL raises :class:`InputError`
    naming the file and line.

    >>> q = parse_query("# title: Claims\\n# param: technique (concept) — one technique\\n"
    ...                 "SELECT ?c WHERE { ?c prk:technique ?technique }", Path("mine.rq"))
    >>> q.title, q.params, q.form
    ('Claims', (Param(name='technique', kind='concept', meaning='one technique'),), 'SELECT')
    """
    header: dict[str, str] = {}
    params = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m and m.group(1) == "param":
            p = _PARAM.match(m.group(2).strip())
            if p is None:
                raise InputError(f"{path}: malformed parameter line ({line.strip()})")
            params.append(Param(p.group(1), p.group(2) or "text", p.group(3).strip()))
        elif m:
            header[m.group(1)] = m.group(2).strip()
    if check:
        _check_syntax(text, path)
    return QueryFile(
        path, header.get("title", path.stem), header.get("description", ""), tuple(params), text
    )


def _check_syntax(text: str, path: Path) -> None:
    from pyparsing import ParseException  # rdflib's SPARQL parser: loaded only to check
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(with_prefixes(text))
    except ParseException as err:
        raise InputError(f"{path}:{err.lineno}: malformed SPARQL ({err.msg})") from None
    except Exception as err:  # noqa: BLE001 - rdflib raises many types
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{path}: malformed SPARQL ({reason})") from None


def read_query(path: Path, check: bool = True) -> QueryFile:
    """Read a query file and its header; malformed SPARQL raises :class:`InputError`.

    >>> q = read_query(find_query("documents"))
    >>> q.title
    'Documents in the graph'
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read query ({err})") from None
    return parse_query(text, path, check)


def query_from(source: str | None, expression: str | None) -> QueryFile:
    """The query a user gave: ``-e TEXT``, ``-`` for stdin, a file path or a shipped name."""
    if expression is not None and source is not None:
        raise UsageError("give a query file or name, or -e TEXT, not both")
    if expression is not None:
        return parse_query(expression, Path("<-e>"))
    if source == "-":
        return parse_query(sys.stdin.read(), Path("<stdin>"))
    if not source:
        raise UsageError("give a query file or name, -e TEXT, - for stdin, or --list")
    path = find_query(source)
    # A shipped query is not parsed first: the tests parse every one, and the engine parses it
    # anyway (rdflib's parser would add a tenth of a second to every query).
    return read_query(path, check=path.resolve() not in {p.resolve() for p in query_files()})


def shipped_queries(check: bool = True) -> list[QueryFile]:
    """Every query in queries/, found by glob (``check=False``: headers only, not parsed)."""
    return [read_query(p, check) for p in query_files()]


def find_query(name_or_path: str) -> Path:
    """A query by path, or by name among the shipped ones (``documents`` or ``documents.rq``)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    names = {}
    for candidate in query_files():
        if candidate.name == name_or_path or candidate.stem == name_or_path:
            return candidate
        names[candidate.stem] = candidate
    raise InputError(
        f"{name_or_path}: no such query file or shipped query{_did_you_mean(name_or_path, names)}"
        " (kg query --list shows the shipped ones)"
    )


def _did_you_mean(word: str, choices: object) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=6, cutoff=0.6)  # type: ignore[call-overload]
    close = list({c.casefold(): c for c in reversed(close)}.values())[::-1][:3]
    return f"; did you mean {' or '.join(close)}?" if close else ""


_T = TypeVar("_T")


def bounded(work: Callable[[], _T], timeout: float, what: str) -> _T:
    """``work()`` run in a worker thread, waited for at most ``timeout`` seconds.

    The engines run queries in native code, where Python cannot interrupt them; waiting in the
    main thread keeps Ctrl-C (KeyboardInterrupt) and the time limit working. On timeout a
    :class:`QueryTimeout` is raised; the worker is a daemon and ends with the process.
    """
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["value"] = work()
        except BaseException as err:  # noqa: BLE001 - handed to the waiting thread
            done["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"{what}: stopped after {timeout:g} s (--timeout to allow more)")
    if "error" in done:
        raise done["error"]
    return cast(_T, done["value"])


_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\s]')


def _iri(value: str) -> str | None:
    """An IRI written in full or as a prefixed name with one of the project's prefixes (None
    when it is neither, or holds a character an IRI may not)."""
    if re.match(r"^[a-z][a-z0-9+.-]*://\S+$", value) or value.startswith("urn:"):
        iri = value
    else:
        expanded = expand_curie(value)
        iri = expanded if expanded != value and value.partition(":")[2] else ""
    return iri if iri and not _NOT_IN_IRI.search(iri) else None


class Lookup:
    """What binding parameters asks of a graph: ASK queries, and pairs of values."""

    def ask(self, text: str) -> bool:
        raise NotImplementedError

    def pairs(self, text: str) -> list[tuple[str, str]]:
        raise NotImplementedError


@dataclass
class _GraphLookup(Lookup):
    graph: Graph
    path: Path

    def ask(self, text: str) -> bool:
        return bool(_execute(self.graph, text, self.path).askAnswer)

    def pairs(self, text: str) -> list[tuple[str, str]]:
        return [(str(a), str(b)) for a, b in _execute(self.graph, text, self.path)]  # type: ignore[misc]


def bind_params(graph: Graph | Lookup, query: QueryFile, params: dict[str, str]) -> dict[str, Term]:
    """``params`` as RDF terms, each checked against its kind and the graph (an rdflib graph,
    or any :class:`Lookup`, such as an endpoint's).

    An unknown name, a value of the wrong kind, an IRI the graph does not hold, or a concept
    label that names no concept raises :class:`InputError` saying which and what would do.
    Concepts are found by IRI, prefixed name, or any label in any language.
    """
    lookup = graph if isinstance(graph, Lookup) else _GraphLookup(graph, query.path)
    bound: dict[str, Term] = {}
    for name, value in params.items():
        param = query.param(name)
        if param is None:
            known = ", ".join(str(p) for p in query.params) or "none"
            raise InputError(
                f"{query.path}: unknown parameter {name}"
                f"{_did_you_mean(name, [p.name for p in query.params])} (known: {known})"
            )
        bound[name] = _bind(lookup, query, param, value.strip())
    return bound


def _bind(lookup: Lookup, query: QueryFile, param: Param, value: str) -> Term:
    where = f"{query.path}: --param {param.name}={value}"
    if param.kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise InputError(f"{where}: expected a whole number")
        return Term("literal", str(int(value)), XSD_INTEGER)
    if param.kind == "text":
        return Term("literal", value)
    iri = _iri(value)
    if iri is None and param.kind == "concept":
        iri = _concept_by_label(lookup, where, value)
    if iri is None:
        raise InputError(f"{where}: expected an IRI or a prefixed name like prk:HarmRole")
    if not lookup.ask(
        f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} UNION {{ ?s <{iri}> ?o }} }}"
    ):
        hint = _did_you_mean(value, _concept_labels(lookup)) if param.kind == "concept" else ""
        raise InputError(f"{where}: the graph has no such {param.kind}{hint}")
    return Term("uri", iri)


def _concept_labels(lookup: Lookup) -> dict[str, str]:
    """Every label of every concept in the graph (any language, and lower-cased), to its
    concept's IRI."""
    skos, rdfs = PREFIXES["skos"], PREFIXES["rdfs"]
    rows = lookup.pairs(
        f"SELECT ?c ?l WHERE {{ ?c a <{skos}Concept> ; "
        f"<{skos}prefLabel>|<{skos}altLabel>|<{rdfs}label> ?l }}"
    )
    labels: dict[str, str] = {}
    for concept, label in rows:
        labels.setdefault(label, concept)
        labels.setdefault(label.casefold(), concept)
    return labels


def _concept_by_label(lookup: Lookup, where: str, value: str) -> str:
    labels = _concept_labels(lookup)
    found = labels.get(value, labels.get(value.casefold()))
    if found is None:
        raise InputError(f"{where}: no concept has this label{_did_you_mean(value, labels)}")
    return found


def _with_values(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with ``bindings`` as a VALUES block opening its outermost WHERE group.

    rdflib's own store takes ``initBindings`` (its engine joins a VALUES block slowly); Oxigraph
    and remote endpoints take this block, which binds the same way: the values are RDF terms in
    N-Triples syntax (escaped; IRIs checked for characters an IRI may not hold), never user
    text pasted into the query, bound before the patterns, BINDs and FILTERs that use them are
    evaluated.
    """
    names = sorted(bindings)
    block = (
        f"VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(nt(bindings[n]) for n in names)}) }}"
    )
    bound = opening_where(text, block)
    if bound is None:
        raise InputError("query has no WHERE clause to bind parameters in")
    return bound


def _execute(graph: Graph, text: str, path: Path, initial: dict[str, Term] | None = None) -> Result:
    from kg.graphs import select

    text = with_prefixes(text)
    try:
        result = None if initial else select(graph, text)
        if result is None:  # not `or`: an empty Result is falsy
            result = graph.query(text, initBindings=_rdflib_terms(initial or {}))
        _ = result.bindings  # evaluate now, so a failure is reported here, naming the file
    except Exception as err:  # noqa: BLE001 - the SPARQL engine raises many types
        raise InputError(f"{path}: query failed ({failure(err)})") from None
    return result


def failure(err: Exception) -> str:
    """What went wrong in a query, in one line."""
    reason = " ".join(str(err).split())[:160]
    if "You did something wrong" in reason:  # rdflib's words for any failed HTTP request
        reason = "the endpoint did not answer (down, too slow, or it refused the query)"
    return f"{type(err).__name__}: {reason}"


def _rdflib_terms(bindings: dict[str, Term]) -> dict[str, Any]:
    from rdflib import Literal, URIRef

    return {
        name: URIRef(t.value) if t.kind == "uri" else Literal(t.value, t.lang, t.datatype)
        for name, t in bindings.items()
    }


def engine_text(text: str, bindings: dict[str, Term]) -> str:
    """The query text Oxigraph or an endpoint receives: the parameters bound in a VALUES block
    (:func:`_with_values`), the project's prefixes declared."""
    return with_prefixes(_with_values(text, bindings) if bindings else text)


def run_query(graph: Graph, query: QueryFile, params: dict[str, str] | None = None) -> Result:
    """Run ``query`` on ``graph`` with ``params`` checked and bound (:func:`bind_params`)."""
    from rdflib.plugins.stores.memory import Memory, SimpleMemory

    bindings = bind_params(graph, query, params or {})
    if isinstance(graph.store, (Memory, SimpleMemory)):  # rdflib's engine binds them itself
        return _execute(graph, query.text, query.path, bindings)
    return _execute(graph, engine_text(query.text, bindings), query.path)


@dataclass(frozen=True)
class Source:
    """Where the graph to ask is: a file (in a store, perhaps indexed) or an endpoint."""

    graph_path: Path
    store: str = "oxigraph"
    index: bool = False
    endpoint: str | None = None
    timeout: float = 60.0

    def open(self) -> Graph:
        from kg.graphs import endpoint_graph, load_graph

        if self.index and self.store != "oxigraph":
            raise UsageError("--index needs --store oxigraph")
        if self.endpoint:
            return endpoint_graph(self.endpoint, self.timeout)
        return load_graph(self.graph_path, self.store, self.index)


@dataclass(frozen=True)
class Request:
    """A query to run and how to write its answer."""

    query: QueryFile
    params: dict[str, str] = field(default_factory=dict)
    fmt: str = "table"
    width: int | None = None
    limit: int | None = None
    offset: int = 0
    #: A table for a terminal, no --limit given: at most this many rows, then how to see more.
    screen: int | None = None


@dataclass(frozen=True)
class Answer:
    """A query's answer as text, and the exit status it means (ASK: 0 true, 1 false)."""

    text: str
    exit_code: int = 0


def parse_params(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping.

    >>> parse_params(["technique=换脸", "minReports=2"])
    {'technique': '换脸', 'minReports': '2'}
    """
    bound = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        bound[name.strip()] = value
    return bound


def answer(source: Source, request: Request) -> Answer:
    """Run ``request`` on the graph ``source`` names, within its time limit, and write the
    answer: the library verb behind ``kg query``.

    A SELECT or ASK goes without rdflib where it can: to an endpoint as plain HTTP, its JSON
    results read with the standard library (:class:`_EndpointLookup`), or to the graph file's
    Oxigraph store (:class:`_StoreLookup`); the parameters are checked by asking the same
    engine. Anything else is run on an rdflib graph (rdflib's own store, a JSON-LD or N-Quads
    file, CONSTRUCT and DESCRIBE)."""
    query, limit, offset = request.query, request.limit, request.offset
    screen = request.screen if request.fmt == "table" and limit is None else None
    if screen is not None:
        limit = screen + 1  # one more than shown, to know whether there are more
    paged = with_limit(query.text, limit, offset) if limit is not None or offset else None
    if paged is not None:  # the engine stops at the page, and only the page is converted
        query, limit, offset = replace(query, text=paged), None, 0

    def written(solutions: Solutions) -> Answer:
        if solutions.form == "SELECT" and (limit is not None or offset):
            end = None if limit is None else offset + limit
            solutions.rows = solutions.rows[offset:end]
        code = 1 if solutions.form == "ASK" and not solutions.boolean else 0
        footer = None
        if solutions.form == "SELECT" and screen is not None and len(solutions.rows) > screen:
            solutions.rows = solutions.rows[:screen]
            footer = (
                f"(first {screen} rows: --limit N --offset M for others, "
                "--format csv or a pipe for all)"
            )
        return Answer(render(solutions, request.fmt, request.width, footer), code)

    light = _light_lookup(source, request) if query.form in ("SELECT", "ASK") else None
    if light is not None and request.fmt in SOLUTION_FORMATS:
        lookup = light

        def light_work() -> Answer:
            bound = bind_params(lookup, query, request.params)
            return written(lookup.solutions(engine_text(query.text, bound)))

        return bounded(light_work, source.timeout, request.query.path.name)

    graph = source.open()

    def work() -> Answer:
        result = run_query(graph, query, request.params)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return Answer(render(result, request.fmt, request.width))
        return written(solutions_of(result))

    return bounded(work, source.timeout, request.query.path.name)


class _LightLookup(Lookup):
    """A :class:`Lookup` that also answers a whole query as :class:`Solutions`."""

    def solutions(self, text: str) -> Solutions:
        raise NotImplementedError

    def ask(self, text: str) -> bool:
        return self.solutions(text).boolean

    def pairs(self, text: str) -> list[tuple[str, str]]:
        rows = self.solutions(text).rows
        return [(a.value, b.value) for a, b in rows if a is not None and b is not None]


def _light_lookup(source: Source, request: Request) -> _LightLookup | None:
    """The engine to ask without rdflib, if there is one for ``source``."""
    if source.endpoint:
        from kg.sparqlhttp import check_url  # (urllib: loaded for endpoints only)

        check_url(source.endpoint)  # (no probe first: a down endpoint fails the query itself)
        return _EndpointLookup(source.endpoint, source.timeout, str(request.query.path))
    if source.store == "oxigraph":
        store = open_store(source.graph_path, source.index)
        if store is not None:
            return _StoreLookup(store, str(request.query.path))
    return None


@dataclass
class _StoreLookup(_LightLookup):
    """A graph file's Oxigraph store (pyoxigraph), its answers turned into plain terms."""

    store: Any
    name: str

    def solutions(self, text: str) -> Solutions:
        import pyoxigraph as ox

        try:
            found = self.store.query(with_prefixes(text))
            if isinstance(found, ox.QueryBoolean):
                return Solutions("ASK", boolean=bool(found))
            names = [v.value for v in found.variables]
            plain: dict[object, Term] = {}
            rows = [[_plain(row[n], plain) for n in names] for row in found]
        except (SyntaxError, OSError, ValueError) as err:
            raise InputError(f"{self.name}: query failed ({failure(err)})") from None
        return Solutions("SELECT", names, rows)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _plain(value: Any, seen: dict[object, Term]) -> Term | None:
    """An Oxigraph term as a plain :class:`Term` (a simple literal without a datatype, as
    rdflib and the SPARQL JSON results have it), each distinct term converted once."""
    import pyoxigraph as ox

    if value is None:
        return None
    term = seen.get(value)
    if term is None:
        if isinstance(value, ox.NamedNode):
            term = Term("uri", value.value)
        elif isinstance(value, ox.BlankNode):
            term = Term("bnode", value.value)
        else:
            simple = value.language or value.datatype.value == _XSD_STRING
            term = Term(
                "literal", value.value, None if simple else value.datatype.value, value.language
            )
        seen[value] = term
    return term


@dataclass
class _EndpointLookup(_LightLookup):
    """A SPARQL endpoint asked over HTTP with the standard library (:mod:`kg.sparqlhttp`)."""

    url: str
    timeout: float
    name: str

    def solutions(self, text: str) -> Solutions:
        from kg.sparqlhttp import results

        return solutions_from_json(results(self.url, with_prefixes(text), self.timeout, self.name))


def listing(queries: list[QueryFile]) -> str:
    """The shipped queries, what each answers and the parameters it takes."""
    lines = []
    for q in queries:
        lines.append(f"{q.name:<36} {q.description or q.title}")
        lines += [f"{'':<38}--param {p.name}=…  ({p.kind}) {p.meaning}" for p in q.params]
    return "\n".join(lines) + "\n"
