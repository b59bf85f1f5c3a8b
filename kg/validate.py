"""Stage 5 — validate: SHACL validation with pySHACL and a report a curator can read.

Shapes come from ``ontology/shapes.ttl``; reviewed waivers in ``ontology/waivers.ttl`` are
merged in (a waiver sets ``sh:deactivated`` on a named shape). Violations make a graph
non-conforming; warnings and infos are reported but do not.

Two engines give the same report (the tests compare them finding by finding):

- ``pyshacl``: pySHACL alone. It runs each SHACL-SPARQL constraint once per focus node,
  parsing the query text each time with rdflib, which is 90% of its time on our shapes.
- ``fast`` (the default): pySHACL for the SHACL Core constraints, and each SPARQL constraint
  of a node shape run *once* over the whole graph in Oxigraph, its focus nodes bound by the
  shape's targets inside the query, which is the pre-binding of ``$this`` done as a join.
  The property shapes of targeted node shapes get those targets themselves, so that pySHACL
  checks each for all its focus nodes in one call (:func:`_lift_properties`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH
from rdflib.term import Node

from kg.fold import fold
from kg.formats import read_turtle
from kg.namespaces import NIF, bind_all
from kg.resources import waivers_path
from kg.sparqltext import opening_where
from kg.terms import from_ox
from kg.vocabulary import shapes_graph

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class Finding:
    """One validation result, in words."""

    severity: str
    focus: str
    shape: str
    message: str
    value: str | None
    path: str | None

    def line(self) -> str:
        """One line for the terminal: severity, node, rule, what is wrong."""
        extra = f" (value: {self.value})" if self.value else ""
        via = f" [{self.path}]" if self.path else ""
        return f"{self.severity}: {self.focus}{via} — rule {self.shape}: {self.message}{extra}"


@dataclass(frozen=True)
class Report:
    conforms: bool
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def lines(self, folded: bool = True) -> list[str]:
        """Each finding on a line; with ``folded``, one line per rule and message with a count
        and the first few nodes."""
        if not folded:
            return [f.line() for f in self.findings]
        return fold(
            self.findings,
            key=lambda f: f"{f.severity}: rule {f.shape}: {f.message}",
            example=lambda f: f.focus + (f" ({f.value})" if f.value else ""),
            line=Finding.line,
        )

    def summary(self) -> str:
        state = "conforms" if self.conforms else "does NOT conform"
        return (
            f"SHACL: {state} — {self.count('Violation')} violations, "
            f"{self.count('Warning')} warnings, {self.count('Info')} infos"
        )


def load_shapes(extra_waivers: Path | None = None) -> Graph:
    """The shapes graph with the reviewed waivers applied."""
    shapes = Graph()
    for triple in shapes_graph():
        shapes.add(triple)
    for path in (waivers_path(), extra_waivers):
        if path is not None and path.exists():
            read_turtle(path, shapes)
    return shapes


def short_name(graph: Graph, node: Node | None) -> str:
    """``node`` as a prefixed name where the graph has a prefix for it."""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rdflib raises several types for unprefixable IRIs
            return f"<{node}>"
    return str(node)


def _describe(data: Graph, node: Node | None) -> str:
    """The node's name plus what a curator recognises it by (quote or label)."""
    name = short_name(data, node)
    quote = data.value(node, NIF.anchorOf) if isinstance(node, URIRef) else None
    label = quote
    for prop in (RDFS.label, DCTERMS.title):
        if label is None and isinstance(node, URIRef):
            label = data.value(node, prop)
    if label is not None:
        text = str(label)
        return f"{name} “{text[:40]}{'…' if len(text) > 40 else ''}”"
    return name


def _shape_name(data: Graph, shapes: Graph, shape: Node | None) -> str:
    """A shape's name; an unnamed property shape is named by its node shape and path."""
    if isinstance(shape, URIRef) or shape is None:
        return short_name(data, shape)
    parent = shapes.value(None, SH.property, shape)
    path = shapes.value(shape, SH.path)
    if parent is not None:
        return f"{short_name(data, parent)}/{short_name(data, path)}"
    return "(unnamed shape)"


def _message(results: Graph, result: Node, lang: str) -> str:
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for m in messages:
        if m.language == lang:
            return str(m)
    # pySHACL drops the language tags of SPARQL-constraint messages: tell them apart by script.
    for m in messages:
        if m.language is None and (lang == "zh") == any(
            "\u4e00" <= ch <= "\u9fff" for ch in str(m)
        ):
            return str(m)
    return str(messages[0]) if messages else "(no message)"


ENGINES = ("fast", "pyshacl")


@dataclass(frozen=True)
class _SparqlCheck:
    """A SPARQL constraint of a node shape, ready to run once over the whole graph."""

    shape: Node
    constraint: URIRef
    severity: str
    query: str


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for declared in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(declared, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _target_pattern(shapes: Graph, shape: Node) -> str | None:
    """A pattern binding ``$this`` to the shape's focus nodes, or None if we cannot write one."""
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        return None  # implicit class target: leave it to pySHACL
    if any(shapes.objects(shape, SH.target)):
        return None  # SPARQL-based targets: leave them to pySHACL
    parts = [
        f"{{ $this rdf:type/rdfs:subClassOf* {c.n3()} }}"
        for c in shapes.objects(shape, SH.targetClass)
    ]
    parts += [f"{{ VALUES $this {{ {n.n3()} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    parts += [f"{{ $this {p.n3()} [] }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"{{ [] {p.n3()} $this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    if not parts:
        return None
    return "{ SELECT DISTINCT $this WHERE { " + " UNION ".join(parts) + " } }"


def _active(shapes: Graph, node: Node) -> bool:
    return not any(
        v.toPython() is True for v in shapes.objects(node, SH.deactivated) if isinstance(v, Literal)
    )


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _lift_properties(core: Graph) -> None:
    """Give the property shapes of a targeted node shape that shape's targets (in place).

    pySHACL checks the property shapes of a node shape one focus node at a time (a call per
    focus node and property: 90% of its time on our graphs), but a property shape with
    targets of its own for all its focus nodes at once. SHACL reports the same results
    either way: the focus node, path, value, severity, message and source shape are the
    property shape's. Shapes that other shapes refer to (sh:node, sh:or, …), deactivated
    shapes, and shapes with SPARQL or implicit class targets are left as they are.
    """
    referenced: set[Node] = set()
    for link in (SH.node, SH.qualifiedValueShape, SH["not"]):
        referenced.update(core.objects(None, link))
    for link in (SH["or"], SH["and"], SH.xone):
        for members in core.objects(None, link):
            referenced.update(Collection(core, members))
    for shape, prop in list(core.subject_objects(SH.property)):
        targets = [(p, o) for p in _TARGETS for o in core.objects(shape, p)]
        if (
            not targets
            or shape in referenced
            or prop in referenced
            or not _active(core, shape)
            or any(core.objects(shape, SH.target))
            or (shape, RDF.type, RDFS.Class) in core
            or (shape, RDF.type, OWL.Class) in core
            or any(core.value(prop, p) is not None for p in (*_TARGETS, SH.target))
            or len(set(core.subjects(SH.property, prop))) != 1
        ):
            continue
        core.remove((shape, SH.property, prop))
        for p, o in targets:
            core.add((prop, p, o))


def _split_sparql(shapes: Graph) -> tuple[Graph, list[_SparqlCheck]]:
    """The shapes without the SPARQL constraints we run ourselves, and those constraints."""
    core = Graph()
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    core += shapes
    checks = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if shapes.value(shape, SH.path) is not None or not isinstance(constraint, URIRef):
            continue  # property-shape SPARQL ($PATH) and anonymous constraints: pySHACL's
        select = shapes.value(constraint, SH.select)
        targets = _target_pattern(shapes, shape)
        if select is None or targets is None:
            continue
        core.remove((shape, SH.sparql, constraint))
        if not (_active(shapes, shape) and _active(shapes, constraint)):
            continue
        body = opening_where(str(select), targets)
        if body is None:
            continue
        query = (
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            + _prefixes(shapes, constraint)
            + "\n"
            + body
        )
        severity = shapes.value(shape, SH.severity) or SH.Violation
        checks.append(_SparqlCheck(shape, constraint, str(severity).rsplit("#", 1)[-1], query))
    _lift_properties(core)
    return core, checks


def _oxigraph_store(data: Graph) -> ox.Store:
    """The data in an Oxigraph store (the store itself when the graph is Oxigraph-backed)."""
    inner = getattr(data.store, "_inner", None)
    if isinstance(inner, ox.Store):
        return inner
    store = ox.Store()
    store.bulk_load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store




def _pick(messages: list[Literal], lang: str) -> str:
    for m in messages:
        if m.language == lang:
            return str(m)
    return str(messages[0]) if messages else "(no message)"


def _answers(store: ox.Store, checks: list[_SparqlCheck]) -> list[list[dict[str, object]]]:
    """Each check's solutions, as Oxigraph terms by variable name. Oxigraph evaluates a query
    without holding Python's lock, so this runs in a thread beside pySHACL."""
    out = []
    for check in checks:
        solutions = store.query(check.query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        out.append([{n: row[n] for n in names if row[n] is not None} for row in solutions])
    return out


def _sparql_findings(
    data: Graph,
    shapes: Graph,
    checks: list[_SparqlCheck],
    answers: list[list[dict[str, object]]],
    lang: str,
    focus: set[Node] | None,
) -> list[Finding]:
    findings = []
    for check, rows in zip(checks, answers, strict=True):
        messages = [
            m for m in shapes.objects(check.constraint, SH.message) if isinstance(m, Literal)
        ]
        seen = set()
        for row in rows:
            values = {n: from_ox(v) for n, v in row.items()}
            this = values.get("this")
            value = values.get("value", this)
            path = values.get("path")
            key = (this, value, path)
            if key in seen or (focus is not None and this not in focus):
                continue
            seen.add(key)
            findings.append(
                Finding(
                    severity=check.severity,
                    focus=_describe(data, this),
                    shape=short_name(data, check.constraint),
                    message=_pick(messages, lang),
                    value=None if value is None else short_name(data, value)[:80],
                    path=None if path is None else short_name(data, path),
                )
            )
    return findings


def validate_graph(
    data: Graph,
    shapes: Graph | None = None,
    lang: str = "en",
    focus: set[Node] | None = None,
    engine: str = "fast",
    oxigraph: Graph | None = None,
) -> Report:
    """Validate ``data`` against the shapes; ``lang`` picks the message language (en or zh).

    ``oxigraph`` is the same data already in an Oxigraph-backed graph (read from the same
    file), for the fast engine's SPARQL constraints; without it ``data`` is copied into one,
    which on a million triples takes half the validation time.

    With ``focus``, only results about those nodes count (``data`` is then an edit's
    neighbourhood, whose outer nodes are incomplete by design).

    >>> from kg.vocabulary import vocabulary_graph
    >>> validate_graph(vocabulary_graph()).conforms
    True
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r} (use {' or '.join(ENGINES)})")
    bind_all(data)
    shapes_used = shapes if shapes is not None else load_shapes()
    core, checks = _split_sparql(shapes_used) if engine == "fast" else (shapes_used, [])
    store = _oxigraph_store(oxigraph if oxigraph is not None else data) if checks else None
    with ThreadPoolExecutor(1) as pool:
        # the SPARQL rules in Oxigraph, beside SHACL Core in pySHACL: two cores, not one
        answers = pool.submit(_answers, store, checks) if store is not None else None
        conforms, results, text = shacl_validate(
            data,
            shacl_graph=core,
            inference="none",
            allow_warnings=True,
            allow_infos=True,
        )
        rows = answers.result() if answers is not None else []
    if not isinstance(results, Graph):  # pySHACL could not run the shapes at all
        raise ValueError(f"shapes cannot be used: {text.strip().splitlines()[0]}")
    findings = []
    for result in results.subjects(SH.focusNode, None):
        if focus is not None and results.value(result, SH.focusNode) not in focus:
            continue
        severity = short_name(results, results.value(result, SH.resultSeverity)).split(":")[-1]
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        named = constraint if isinstance(constraint, URIRef) else shape
        shape_name = _shape_name(data, shapes_used, named)
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        findings.append(
            Finding(
                severity=severity,
                focus=_describe(data, results.value(result, SH.focusNode)),
                shape=shape_name,
                message=_message(results, result, lang),
                value=None if value is None else short_name(data, value)[:80],
                path=None if path is None else short_name(data, path),
            )
        )
    extra = _sparql_findings(data, shapes_used, checks, rows, lang, focus)
    findings += extra
    findings.sort(
        key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.shape, f.focus, f.value or "")
    )
    if focus is not None or extra:
        conforms = not any(f.severity == "Violation" for f in findings)
    return Report(bool(conforms), findings)
