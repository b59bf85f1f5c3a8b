"""Stage 5 — validate: SHACL validation and a report a curator can read.

Shapes come from ``ontology/shapes.ttl``; reviewed waivers in ``ontology/waivers.ttl`` are
merged in (a waiver sets ``sh:deactivated`` on a named shape). Violations make a graph
non-conforming; warnings and infos are reported but do not.

Three engines give the same report (the tests compare them finding by finding):

- ``pyshacl``: pySHACL alone. It runs each SHACL-SPARQL constraint once per focus node,
  parsing the query text each time with rdflib, which is 90% of its time on our shapes.
- ``fast`` (:func:`validate_graph`'s default): pySHACL for the SHACL Core constraints, and
  each SPARQL constraint of a node shape run *once* over the whole graph in Oxigraph, its focus
  nodes bound by the shape's targets inside the query, which is the pre-binding of ``$this``
  done as a join. The property shapes of targeted node shapes get those targets themselves, so
  that pySHACL checks each for all its focus nodes in one call (:func:`_lift_properties`).
- ``oxigraph`` (:func:`validate_source`, used for files and a build's N-Triples where it
  applies): the SPARQL constraints as above, and the SHACL Core ones translated into SPARQL
  by :mod:`kg.shapes_sparql`, all in one Oxigraph store, with no rdflib graph of the data.

A report holds the top-level results; pySHACL's ``sh:detail`` results under an ``sh:node``
result are the same failure seen from inside, in pySHACL's generic words, and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from kg.errors import InputError
from kg.fold import fold
from kg.formats import by_name, read_turtle
from kg.namespaces import NIF, bind_all
from kg.oxdb import LOADED_FORMATS, oxigraph_format
from kg.resources import waivers_path
from kg.shapes_sparql import Check, DatatypeCheck, Unsupported, core_checks
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


Lookup = Callable[[Node, URIRef], "Node | None"]


def _describe(data: Graph, node: Node | None, lookup: Lookup | None = None) -> str:
    """The node's name plus what a curator recognises it by (quote or label). ``lookup`` finds
    one object of a node's property (default: the least of ``data``'s, so both engines agree)."""
    find = lookup or (lambda n, p: min(data.objects(n, p), key=str, default=None))
    name = short_name(data, node)
    if not isinstance(node, URIRef):
        return name
    label = None
    for prop in (NIF.anchorOf, RDFS.label, DCTERMS.title):
        label = find(node, prop) if label is None else label
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


@dataclass(frozen=True)
class _Words:
    """Findings worded for one data graph: nodes named by its prefixes (``names``) and shown
    with their quote or label (``lookup``), messages in ``lang``."""

    names: Graph
    lang: str
    lookup: Lookup | None = None

    def finding(
        self,
        severity: str,
        shape: str,
        messages: list[Node],
        focus: Node | None,
        value: Node | None = None,
        path: Node | None = None,
    ) -> Finding:
        return Finding(
            severity=severity,
            focus=_describe(self.names, focus, self.lookup),
            shape=shape,
            message=_pick(messages, self.lang),
            value=None if value is None else short_name(self.names, value)[:80],
            path=None if path is None else short_name(self.names, path),
        )


def _in_order(findings: list[Finding]) -> list[Finding]:
    """Violations first, then by rule, node and value: the order every report is read in."""
    return sorted(
        findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.shape, f.focus, f.value or "")
    )


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


def _pick(candidates: list[Node], lang: str) -> str:
    """The message in ``lang``. pySHACL drops the language tags of SPARQL-constraint messages:
    untagged ones are told apart by script."""
    messages = [m for m in candidates if isinstance(m, Literal)]
    for m in messages:
        if m.language == lang:
            return str(m)
    for m in messages:
        if m.language is None and (lang == "zh") == any(
            "\u4e00" <= ch <= "\u9fff" for ch in str(m)
        ):
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
    words: _Words,
    shapes: Graph,
    checks: list[_SparqlCheck],
    answers: list[list[dict[str, object]]],
    focus: set[Node] | None,
    term: Callable[[object], Node] = from_ox,
) -> list[Finding]:
    findings = []
    for check, rows in zip(checks, answers, strict=True):
        messages = list(shapes.objects(check.constraint, SH.message))
        name = short_name(words.names, check.constraint)
        seen = set()
        for row in rows:
            values = {n: term(v) for n, v in row.items()}
            this = values.get("this")
            value = values.get("value", this)
            path = values.get("path")
            key = (this, value, path)
            if key in seen or (focus is not None and this not in focus):
                continue
            seen.add(key)
            findings.append(words.finding(check.severity, name, messages, this, value, path))
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
    words = _Words(data, lang)
    findings = []
    for result in results.objects(None, SH.result):  # not the sh:detail nested under them
        if focus is not None and results.value(result, SH.focusNode) not in focus:
            continue
        severity = short_name(results, results.value(result, SH.resultSeverity)).split(":")[-1]
        shape = results.value(result, SH.sourceShape)
        constraint = results.value(result, SH.sourceConstraint)
        named = constraint if isinstance(constraint, URIRef) else shape
        findings.append(
            words.finding(
                severity,
                _shape_name(data, shapes_used, named),
                list(results.objects(result, SH.resultMessage)),
                results.value(result, SH.focusNode),
                results.value(result, SH.value),
                results.value(result, SH.resultPath),
            )
        )
    extra = _sparql_findings(words, shapes_used, checks, rows, focus)
    findings = _in_order(findings + extra)
    if focus is not None or extra:
        conforms = not any(f.severity == "Violation" for f in findings)
    return Report(bool(conforms), findings)


# ---------------------------------------------------------------------------------------------
# The Oxigraph engine: every rule as SPARQL over one store, no rdflib graph of the data


_OX_STRING = ox.NamedNode(str(XSD.string))
_ACTUAL: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: str,
    RDF.langString: str,
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


@lru_cache(maxsize=65536)
def datatype_ok(value: object, datatype: URIRef) -> bool:
    """Whether ``value`` (an Oxigraph term as parsed) matches ``sh:datatype`` as pySHACL has
    it: a literal of that datatype that is not ill-typed (or a plain string for xsd:string,
    any tagged string for rdf:langString, any literal for rdfs:Literal)."""
    if not isinstance(value, ox.Literal):
        return False
    literal = from_ox(value)
    assert isinstance(literal, Literal)
    if literal.datatype == datatype:
        if getattr(literal, "ill_typed", None) is True:
            return False
    elif datatype == RDFS.Literal or datatype == RDFS.Datatype and literal.datatype:
        return True
    elif not (
        literal.datatype is None
        and literal.language is None
        and datatype == XSD.string
        or datatype == RDF.langString
        and literal.language
    ):
        return False
    return isinstance(literal.value, _ACTUAL.get(datatype, object))


@dataclass
class _Scan:
    """What one pass over the parsed file keeps: the triples whose object may fail an
    ``sh:datatype`` of their predicate, each typed literal with the predicates it is a value
    of, and the file's prefixes."""

    suspects: set[ox.Triple]
    literals: dict[ox.Literal, set[ox.NamedNode]]
    prefixes: dict[str, str]


def _parse(source: Path | bytes, fmt: str) -> ox.QuadParser:
    if isinstance(source, Path):  # relative IRIs resolved against the file, as rdflib reads them
        base = source.resolve().as_uri()
        return ox.parse(path=str(source), format=oxigraph_format(fmt), base_iri=base)
    return ox.parse(input=source, format=oxigraph_format(fmt))


def _scan(source: Path | bytes, fmt: str, shapes: Graph) -> _Scan:
    rules: dict[ox.NamedNode, set[URIRef]] = {}
    for shape, datatype in shapes.subject_objects(SH.datatype):
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef) and isinstance(datatype, URIRef):
            rules.setdefault(ox.NamedNode(str(path)), set()).add(datatype)
    suspects: set[ox.Triple] = set()
    literals: dict[ox.Literal, set[ox.NamedNode]] = {}
    parser = _parse(source, fmt)
    for triple in parser:
        value, predicate = triple.object, triple.predicate
        if type(value) is ox.Literal and value.datatype != _OX_STRING:
            literals.setdefault(value, set()).add(predicate)
        wanted = rules.get(predicate)
        if wanted and not all(datatype_ok(value, d) for d in wanted):
            suspects.add(ox.Triple(triple.subject, predicate, value))
    return _Scan(suspects, literals, dict(parser.prefixes or {}))


def _stored_forms(
    literals: dict[ox.Literal, set[ox.NamedNode]],
) -> tuple[dict[object, ox.Literal], set[ox.NamedNode]]:
    """Oxigraph's store keeps a literal's value, not its spelling ("2.0"^^xsd:decimal comes
    back as "2"): each stored form with the literal as written, and the predicates with a
    literal whose spelling changed. Two literals stored as one would change what the store
    counts, so they are :class:`Unsupported`."""
    written = list(literals)
    scratch = ox.Store()
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), literal)
        for i, literal in enumerate(written)
    )
    back: dict[object, ox.Literal] = {}
    changed: set[ox.NamedNode] = set()
    for quad in scratch:
        original = written[int(quad.subject.value[6:])]
        if quad.object in back:
            raise Unsupported(f"{original} and {back[quad.object]} are one value in Oxigraph")
        back[quad.object] = original
        if quad.object.value != original.value or quad.object.language != original.language:
            changed |= literals[original]
    if len(back) != len(written):
        raise Unsupported("literals stored as one value in Oxigraph")
    return back, changed


def _load(store: ox.Store, source: Path | bytes, fmt: str) -> None:
    if isinstance(source, Path):
        base = source.resolve().as_uri()
        store.bulk_load(path=str(source), format=oxigraph_format(fmt), base_iri=base)
    else:
        store.bulk_load(input=source, format=oxigraph_format(fmt))


def _rows(store: ox.Store, query: str) -> list[dict[str, object]]:
    try:
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]
    except (SyntaxError, OSError, ValueError) as err:
        raise Unsupported(f"Oxigraph cannot run a rule ({err})") from None


def _datatype_findings(
    store: ox.Store, scan: _Scan, check: DatatypeCheck, words: _Words, shapes: Graph
) -> list[Finding]:
    """``sh:datatype`` results: the suspect triples of the scan that fail ``check``, for focus
    nodes of its shape (asked of the store, all in one query)."""
    path = ox.NamedNode(str(check.path))
    bad = [
        t
        for t in scan.suspects
        if t.predicate == path and not datatype_ok(t.object, check.datatype)
    ]
    if not bad:
        return []
    if any(isinstance(t.subject, ox.BlankNode) for t in bad):
        raise Unsupported("a blank node's datatype finding (its name differs in the store)")
    subjects = " ".join(sorted({str(t.subject) for t in bad}))
    asked = f"SELECT ?this WHERE {{ VALUES ?this {{ {subjects} }} {check.focus} }}"
    inside = {row["this"] for row in _rows(store, asked)}
    shape = _shape_name(words.names, shapes, check.shape)
    messages = list(shapes.objects(check.shape, SH.message))
    return [
        words.finding(
            check.severity, shape, messages, from_ox(t.subject), from_ox(t.object), check.path
        )
        for t in bad
        if t.subject in inside
    ]


def validate_source(
    source: Path | bytes,
    fmt: str = "nt",
    shapes: Graph | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
) -> Report:
    """The ``oxigraph`` engine: validate a graph file (or its N-Triples bytes) with every rule
    run as SPARQL in one Oxigraph store, without building an rdflib graph of the data. The
    SHACL Core rules are translated by :mod:`kg.shapes_sparql`; datatypes are checked on the
    parsed literals while the store loads. Raises :class:`Unsupported` where the shapes or the
    data need pySHACL (the report is then made by :func:`validate_graph`)."""
    if fmt not in LOADED_FORMATS:
        raise Unsupported(f"{fmt}: only N-Triples and Turtle are read into Oxigraph")
    shapes_used = shapes if shapes is not None else load_shapes()
    remaining, sparql = _split_sparql(shapes_used)
    if any(_active(remaining, s) for s in remaining.subjects(SH.sparql, None)):
        raise Unsupported("SPARQL constraints of property shapes, or of shapes without targets")
    name = str(source) if isinstance(source, Path) else "the graph"
    if isinstance(source, Path) and not source.is_file():
        raise InputError(f"{source}: no such graph file (run `kg build` first?)")
    store = ox.Store()
    try:
        with ThreadPoolExecutor(1) as pool:  # Oxigraph loads without Python's lock
            loading = pool.submit(_load, store, source, fmt)
            try:
                scan = _scan(source, fmt, shapes_used)
            finally:
                loading.result()
    except (SyntaxError, ValueError) as err:
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{name}: malformed {by_name(fmt).rdflib} ({reason})") from None
    if len(store) == 0:
        raise InputError(f"{name}: the graph holds no triples (nothing to validate)")
    if progress is not None:
        progress(f"read {len(store)} triples")
    stored, respelled = _stored_forms(scan.literals)

    def subclasses(cls: URIRef) -> list[URIRef]:
        rows = _rows(store, f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}")
        return sorted(URIRef(str(row["c"].value)) for row in rows)  # type: ignore[attr-defined]

    checks = core_checks(shapes_used, subclasses)
    queries = [c for c in checks if isinstance(c, Check)]
    if respelled and any(c.lexical for c in queries):
        lexical = {ox.NamedNode(str(c.path)) for c in queries if c.lexical and c.path}
        if lexical & respelled or any(c.lexical and c.path is None for c in queries):
            raise Unsupported("a rule reads the spelling of numbers Oxigraph respells")
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(partial(_rows, store), [c.query for c in queries] + [c.query for c in sparql])
        )

    names = Graph()
    for prefix, namespace in scan.prefixes.items():
        names.bind(prefix, namespace)
    bind_all(names)

    def term(value: object) -> Node:
        return from_ox(stored.get(value, value))

    def lookup(node: Node, prop: URIRef) -> Node | None:
        found = store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(prop)), None)
        return min((term(q.object) for q in found), key=str, default=None)

    words = _Words(names, lang, lookup)
    findings = []
    for check, rows in zip(queries, answers[: len(queries)], strict=True):
        shape = _shape_name(names, shapes_used, check.shape)
        messages = list(shapes_used.objects(check.shape, SH.message))
        for row in rows:
            value = term(row["value"]) if "value" in row else None
            findings.append(
                words.finding(check.severity, shape, messages, term(row["this"]), value, check.path)
            )
    for dt in (c for c in checks if isinstance(c, DatatypeCheck)):
        findings += _datatype_findings(store, scan, dt, words, shapes_used)
    findings += _sparql_findings(words, shapes_used, sparql, answers[len(queries) :], None, term)
    findings = _in_order(findings)
    return Report(not any(f.severity == "Violation" for f in findings), findings)
