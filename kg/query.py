"""Stage 6 — query: the shipped SPARQL files, their headers, parameters and result formats.

Query files carry a header (``# title:``, ``# description:``, ``# param: name — meaning``).
Parameters are bound as RDF terms (``initBindings`` in rdflib, a VALUES block elsewhere: see
:func:`_with_values`), never as text pasted into the query.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.stores.memory import Memory, SimpleMemory
from rdflib.query import Result

from kg.errors import InputError, QueryTimeout
from kg.graphs import select
from kg.namespaces import PREFIXES, bind_all
from kg.resources import query_files
from kg.validate import opening_where

_HEADER = re.compile(r"^#\s*(title|description|param|parameters)\s*:\s*(.*)$")
RESULT_FORMATS = ("table", "csv", "tsv", "json")


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL file and what its header says."""

    path: Path
    title: str
    description: str
    params: tuple[str, ...]
    text: str

    @property
    def name(self) -> str:
        return self.path.stem


def read_query(path: Path) -> QueryFile:
    """Read a query file and its header; malformed SPARQL raises :class:`InputError`.

    >>> q = read_query(find_query("documents"))
    >>> q.title
    'Documents in the graph'
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read query ({err})") from None
    header: dict[str, str] = {}
    params = []
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m and m.group(1) == "param":
            params.append(m.group(2).split()[0])
        elif m:
            header[m.group(1)] = m.group(2).strip()
    try:
        prepareQuery(text)
    except Exception as err:  # noqa: BLE001 - pyparsing and rdflib raise many types
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{path}: malformed SPARQL ({reason})") from None
    return QueryFile(
        path, header.get("title", path.stem), header.get("description", ""), tuple(params), text
    )


def shipped_queries() -> list[QueryFile]:
    """Every query in queries/, found by glob."""
    return [read_query(p) for p in query_files()]


def find_query(name_or_path: str) -> Path:
    """A query by path, or by name among the shipped ones (``documents`` or ``documents.rq``)."""
    path = Path(name_or_path)
    if path.exists():
        return path
    for candidate in query_files():
        if candidate.name == name_or_path or candidate.stem == name_or_path:
            return candidate
    raise InputError(f"{name_or_path}: no such query file (kg query --list shows the shipped ones)")


def _term(value: str) -> URIRef | Literal:
    if re.match(r"^[a-z][a-z0-9+.-]*://", value):
        return URIRef(value)
    prefix, _, local = value.partition(":")
    if local and prefix in PREFIXES:
        return PREFIXES[prefix][local]
    if re.fullmatch(r"-?\d+", value):
        return Literal(int(value))
    return Literal(value)


def _with_values(text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """``text`` with ``bindings`` as a VALUES block opening its outermost WHERE group.

    rdflib's own store takes ``initBindings`` (its engine joins a VALUES block slowly); Oxigraph
    and remote endpoints take this block, which binds the same way: the values are RDF terms
    written by rdflib (``n3()``, escaped), never user text pasted into the query, bound before
    the patterns, BINDs and FILTERs that use them are evaluated.
    """
    names = sorted(bindings)
    block = (
        f"VALUES ({' '.join('?' + n for n in names)}) "
        f"{{ ({' '.join(bindings[n].n3() for n in names)}) }}"
    )
    bound = opening_where(text, block)
    if bound is None:
        raise InputError("query has no WHERE clause to bind parameters in")
    return bound


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


def run_query(graph: Graph, query: QueryFile, params: dict[str, str] | None = None) -> Result:
    """Run ``query`` on ``graph`` with ``params`` bound as initial bindings.

    IRIs (``https://…``) and prefixed names (``kt:deepfake``) become IRIs, whole numbers
    integers, anything else a plain literal.
    """
    params = params or {}
    unknown = set(params) - set(query.params)
    if unknown:
        known = ", ".join(query.params) or "none"
        raise InputError(
            f"{query.path}: unknown parameter(s) {', '.join(sorted(unknown))} (known: {known})"
        )
    bindings = {name: _term(value) for name, value in params.items()}
    text, initial = query.text, bindings
    if bindings and not isinstance(graph.store, (Memory, SimpleMemory)):
        text, initial = _with_values(query.text, bindings), {}
    try:
        result = None if initial else select(graph, text)
        if result is None:  # not `or`: an empty Result is falsy
            result = graph.query(text, initBindings=initial)
        _ = result.bindings  # evaluate now, so a failure is reported here, naming the file
    except Exception as err:  # noqa: BLE001 - the SPARQL engine raises many types
        reason = " ".join(str(err).split())[:160]
        if "You did something wrong" in reason:  # rdflib's words for any failed HTTP request
            reason = "the endpoint did not answer (down, too slow, or it refused the query)"
        raise InputError(f"{query.path}: query failed ({type(err).__name__}: {reason})") from None
    return result


@cache
def _names() -> NamespaceManager:
    """The project's prefixes, for showing IRIs in tables whatever store answered."""
    graph = Graph()
    bind_all(graph)
    return graph.namespace_manager


#: Namespaces longest first, for writing IRIs that rdflib will not abbreviate as CURIEs.
_BY_LENGTH = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))


def curie(iri: URIRef) -> str:
    """``iri`` as short as the project's prefixes make it, for people to read and paste back.

    rdflib abbreviates only names that are valid in Turtle; the nodes this tool mints have a
    "/" in their local part, so they are written as W3C CURIEs instead, which ``--param`` reads.

    >>> curie(URIRef("https://w3id.org/prkg/id/claim/8587380abd1d1c95"))
    'id:claim/8587380abd1d1c95'
    >>> curie(URIRef("https://w3id.org/prkg/technique/deepfake"))
    'kt:deepfake'
    """
    try:
        short = _names().normalizeUri(iri)
    except Exception:  # noqa: BLE001 - rdflib refuses some IRIs; they are shown in full
        short = f"<{iri}>"
    if short.startswith("<"):
        for namespace, name in _BY_LENGTH:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
    return short


def _cell(graph: Graph, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, URIRef):
        return curie(value)
    return str(value)


def format_result(graph: Graph, result: Result, fmt: str = "table") -> str:
    """Render a SELECT result: an aligned table, or W3C SPARQL CSV, TSV or JSON results."""
    if fmt == "json":
        data = json.loads(result.serialize(format="json") or b"{}")
        return json.dumps(data, ensure_ascii=False, indent=1)
    if fmt == "csv":
        return result.serialize(format="csv").decode("utf-8")  # type: ignore[union-attr]
    variables = [str(v) for v in result.vars or []]
    rows = [[row[i] for i in range(len(variables))] for row in result]  # type: ignore[index]
    if fmt == "tsv":
        out = io.StringIO()
        writer = csv.writer(
            out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\"
        )
        writer.writerow([f"?{v}" for v in variables])
        for row in rows:
            writer.writerow([v.n3() if v is not None else "" for v in row])
        return out.getvalue()
    cells = [[_cell(graph, v).replace("\n", " ") for v in row] for row in rows]
    widths = [
        min(60, max([_width(v)] + [_width(r[i]) for r in cells])) for i, v in enumerate(variables)
    ]
    lines = ["  ".join(_pad(v, w) for v, w in zip(variables, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    out, used = "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E7F else 1
        if used + w > width:
            return out[:-1] + "…" + " " * (width - used) if out else ""
        out, used = out + ch, used + w
    return out + " " * (width - used)
