"""SHACL Core shapes as SPARQL: each constraint of a shape is one query over the whole graph.

pySHACL checks SHACL Core constraints one focus node at a time in Python, which on a million
triples is most of a validation. Here each constraint of a targeted shape becomes one SPARQL
SELECT that Oxigraph runs over all the shape's focus nodes at once, and that returns only the
failures, each with what a pySHACL result carries: the focus node (``?this``), the value node
(``?value``) where SHACL reports one, and the shape, path and severity of the check.
:mod:`kg.validate` words them as it words pySHACL's results; the tests compare the two engines
finding by finding.

Only what is translated exactly is translated: predicate paths; targets by class, node,
subjects-of and objects-of; the components of :data:`PARAMETERS`; shapes that other shapes
use through ``sh:node``, ``sh:or``, ``sh:and``, ``sh:not`` and ``sh:xone`` when their own
constraints can be written as a SPARQL expression. Anything else raises :class:`Unsupported`,
and the validator uses pySHACL instead.

``sh:datatype`` is not a query: Oxigraph's store keeps the value of a literal, not its datatype
as written (it stores ``xsd:nonNegativeInteger`` as ``xsd:integer``), so a
:class:`DatatypeCheck` is tested on the literals as parsed from the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node


class Unsupported(Exception):
    """The shapes use something this translation does not state exactly."""


#: The SHACL parameters a shape may carry here; any other ``sh:`` predicate is unsupported.
PARAMETERS = frozenset(
    SH[name]
    for name in (
        "path property severity message deactivated name description order group "
        "targetClass targetNode targetSubjectsOf targetObjectsOf sparql prefixes declare "
        "minCount maxCount datatype class nodeKind in hasValue pattern flags "
        "minLength maxLength minExclusive minInclusive maxExclusive maxInclusive "
        "uniqueLang languageIn node or and not xone"
    ).split()
)

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_LOGICAL = (SH["or"], SH["and"], SH.xone)
_COMPARISONS = {
    SH.minExclusive: ">",
    SH.minInclusive: ">=",
    SH.maxExclusive: "<",
    SH.maxInclusive: "<=",
}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
#: Literals a query may name: their store form is what is written (numbers are not).
_PLAIN = (XSD.string, RDF.langString, None)


@dataclass(frozen=True)
class Check:
    """One constraint of a shape as a query; each solution is one result."""

    shape: Node
    severity: str
    path: URIRef | None
    query: str
    lexical: bool = False  # reads lexical forms (sh:pattern, sh:minLength, sh:maxLength)


@dataclass(frozen=True)
class DatatypeCheck:
    """``sh:datatype``: each value of ``path`` from a focus node of ``focus`` (a pattern binding
    ``?this``) must be a literal of ``datatype``."""

    shape: Node
    severity: str
    path: URIRef
    datatype: URIRef
    focus: str


@dataclass
class _Writer:
    """Writes the queries of one shapes graph; ``subclasses`` names a class and its
    subclasses in the data, for focus patterns without a property path."""

    shapes: Graph
    subclasses: Callable[[URIRef], list[URIRef]]

    def __post_init__(self) -> None:
        self._names = count()

    def var(self) -> str:
        return f"?v{next(self._names)}"

    # ------------------------------------------------------------------ reading the shapes
    def active(self, node: Node) -> bool:
        return not any(
            isinstance(v, Literal) and v.toPython() is True
            for v in self.shapes.objects(node, SH.deactivated)
        )

    def one(self, node: Node, parameter: URIRef) -> Node | None:
        values = list(self.shapes.objects(node, parameter))
        if len(values) > 1 and parameter not in (SH["class"], SH.message):
            raise Unsupported(f"{node} has {len(values)} values of {parameter}")
        return values[0] if values else None

    def number(self, node: Node, parameter: URIRef) -> int | None:
        value = self.one(node, parameter)
        if value is None:
            return None
        number = value.toPython() if isinstance(value, Literal) else None
        if not isinstance(number, int) or isinstance(number, bool):
            raise Unsupported(f"{node}: {parameter} is not an integer")
        return number

    def members(self, node: Node) -> list[Node]:
        return list(Collection(self.shapes, node))

    def path(self, shape: Node) -> URIRef | None:
        path = self.shapes.value(shape, SH.path)
        if path is not None and not isinstance(path, URIRef):
            raise Unsupported(f"{shape}: only predicate paths are translated")
        return path

    def check_parameters(self, shape: Node) -> None:
        for p in set(self.shapes.predicates(shape, None)):
            if str(p).startswith(str(SH)) and p not in PARAMETERS:
                raise Unsupported(f"{shape}: {p} is not translated")
        if {RDFS.Class, OWL.Class} & set(self.shapes.objects(shape, RDF.type)):
            raise Unsupported(f"{shape}: implicit class targets are not translated")
        if any(self.shapes.objects(shape, SH.target)):
            raise Unsupported(f"{shape}: SPARQL-based targets are not translated")

    def severity(self, shape: Node) -> str:
        severity = self.shapes.value(shape, SH.severity) or SH.Violation
        return str(severity).rsplit("#", 1)[-1]

    # ------------------------------------------------------------------ focus nodes
    def focus(self, shape: Node) -> str | None:
        """A pattern binding ``?this`` to the shape's focus nodes (None: it has no targets)."""
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            if not isinstance(cls, URIRef):
                raise Unsupported(f"{shape}: a target class that is not an IRI")
            classes = " ".join(c.n3() for c in self.subclasses(cls)) or cls.n3()
            parts.append(f"{{ ?this a ?class . VALUES ?class {{ {classes} }} }}")
        parts += [
            f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in self.shapes.objects(shape, SH.targetNode)
        ]
        parts += [
            f"{{ ?this {p.n3()} [] }}" for p in self.shapes.objects(shape, SH.targetSubjectsOf)
        ]
        parts += [
            f"{{ [] {p.n3()} ?this }}" for p in self.shapes.objects(shape, SH.targetObjectsOf)
        ]
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    # ------------------------------------------------------------------ expressions
    def term(self, node: Node) -> str:
        if isinstance(node, Literal) and node.datatype not in _PLAIN:
            raise Unsupported(f"{node.n3()}: typed literals are not compared by term")
        return node.n3()

    def failing(self, shape: Node, v: str, depth: int) -> Iterator[tuple[URIRef, str]]:
        """For each value constraint of ``shape``: the parameter and an expression true when the
        value node ``v`` fails it. An error in the expression counts as failing, as in pySHACL."""
        for cls in self.shapes.objects(shape, SH["class"]):
            if not isinstance(cls, URIRef):
                raise Unsupported(f"{shape}: a class that is not an IRI")
            yield SH["class"], f"NOT EXISTS {{ {v} rdf:type/rdfs:subClassOf* {cls.n3()} }}"
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
                raise Unsupported(f"{shape}: unknown node kind {kind}")
            yield SH.nodeKind, "!" + _NODE_KINDS[kind].format(v=v)
        allowed = self.one(shape, SH["in"])
        if allowed is not None:
            same = " || ".join(f"sameTerm({v}, {self.term(a)})" for a in self.members(allowed))
            yield SH["in"], f"!({same or 'false'})"
        pattern = self.one(shape, SH.pattern)
        if pattern is not None:
            flags = self.one(shape, SH.flags)
            args = f"STR({v}), {Literal(str(pattern)).n3()}" + (
                f", {Literal(str(flags)).n3()}" if flags is not None else ""
            )
            yield SH.pattern, f"(isBlank({v}) || !COALESCE(REGEX({args}), false))"
        for parameter, op in ((SH.minLength, "<"), (SH.maxLength, ">")):
            n = self.number(shape, parameter)
            if n is not None:
                if parameter == SH.minLength and n == 0:
                    continue
                yield parameter, f"(isBlank({v}) || COALESCE(STRLEN(STR({v})) {op} {n}, true))"
        for parameter, op in _COMPARISONS.items():
            bound = self.one(shape, parameter)
            if bound is not None:
                if not isinstance(bound, Literal):
                    raise Unsupported(f"{shape}: {parameter} is not a literal")
                yield parameter, f"!COALESCE({v} {op} {bound.n3()}, false)"
        langs = self.one(shape, SH.languageIn)
        if langs is not None:
            tags = [str(t).lower() for t in self.members(langs)]
            if "*" in tags:
                ok = f'LANG({v}) != ""'
            else:
                listed = ", ".join(Literal(t).n3() for t in tags) or '""'
                ok = (
                    f'LANG({v}) != "" && (LCASE(LANG({v})) IN ({listed}) || '
                    f'LCASE(STRBEFORE(LANG({v}), "-")) IN ({listed}))'
                )
            yield SH.languageIn, f"!(isLiteral({v}) && COALESCE({ok}, false))"
        for node in self.shapes.objects(shape, SH.node):
            yield SH.node, f"!({self.conforms(node, v, depth + 1)})"
        negated = self.one(shape, SH["not"])
        if negated is not None:
            yield SH["not"], f"({self.conforms(negated, v, depth + 1)})"
        for parameter in _LOGICAL:
            for members in self.shapes.objects(shape, parameter):
                parts = [f"({self.conforms(m, v, depth + 1)})" for m in self.members(members)]
                if parameter == SH["or"]:
                    yield parameter, "!(" + (" || ".join(parts) or "false") + ")"
                elif parameter == SH["and"]:
                    yield parameter, "!(" + (" && ".join(parts) or "true") + ")"
                else:
                    ones = " + ".join(f"IF({p}, 1, 0)" for p in parts) or "0"
                    yield parameter, f"({ones}) != 1"

    def conforms(self, shape: Node, v: str, depth: int) -> str:
        """An expression true when the node ``v`` conforms to ``shape`` (a shape used by another
        through sh:node, sh:or, …). Severity does not matter inside: any result fails it."""
        if depth > 8:
            raise Unsupported(f"{shape}: shapes nested too deep (or recursive)")
        self.check_parameters(shape)
        if not self.active(shape):
            return "true"
        if self.one(shape, SH.datatype) is not None:
            raise Unsupported(f"{shape}: sh:datatype inside another shape is not translated")
        path = self.path(shape)
        if path is None:
            tests = [f"!({bad})" for _, bad in self.failing(shape, v, depth)]
            value = self.one(shape, SH.hasValue)
            if value is not None:
                tests.append(f"sameTerm({v}, {self.term(value)})")
            tests += [
                f"({self.conforms(p, v, depth + 1)})"
                for p in self.shapes.objects(shape, SH.property)
            ]
            return " && ".join(tests) or "true"
        y = self.var()
        tests = [
            f"NOT EXISTS {{ {v} {path.n3()} {y} FILTER ({bad}) }}"
            for _, bad in self.failing(shape, y, depth)
        ]
        least, most = self.number(shape, SH.minCount), self.number(shape, SH.maxCount)
        if least is not None and least > 1 or most is not None and most > 1:
            raise Unsupported(f"{shape}: counts above 1 inside another shape are not translated")
        if least is not None and least == 1:
            tests.append(f"EXISTS {{ {v} {path.n3()} [] }}")
        if most is not None:
            z = self.var()
            other = f" FILTER (!sameTerm({y}, {z}))" if most == 1 else ""
            tests.append(f"NOT EXISTS {{ {v} {path.n3()} {y}, {z}{other} }}")
        value = self.one(shape, SH.hasValue)
        if value is not None:
            tests.append(f"EXISTS {{ {v} {path.n3()} {self.term(value)} }}")
        if self.one(shape, SH.uniqueLang) is not None:
            raise Unsupported(f"{shape}: sh:uniqueLang inside another shape is not translated")
        return " && ".join(tests) or "true"

    # ------------------------------------------------------------------ checks
    def checks(self, shape: Node, focus: str) -> Iterator[Check | DatatypeCheck]:
        """The checks of a shape whose focus nodes ``focus`` binds to ``?this``."""
        self.check_parameters(shape)
        if not self.active(shape):
            return
        messages = list(self.shapes.objects(shape, SH.message))
        path = self.path(shape)
        severity = self.severity(shape)
        constrained = any(
            p in PARAMETERS and p not in _NOT_CONSTRAINTS for p in self.shapes.predicates(shape)
        )
        if constrained and not messages:
            raise Unsupported(f"{shape}: no sh:message (pySHACL would write its own)")

        def check(query: str, lexical: bool = False) -> Check:
            return Check(shape, severity, path, PREFIXES + query, lexical)

        value = "?value"
        if path is None:
            where = f"{focus} BIND (?this AS ?value)"
            if any(self.shapes.value(shape, p) is not None for p in (*_PER_FOCUS, SH.datatype)):
                raise Unsupported(f"{shape}: counts and datatypes of a node shape")
        else:
            where = f"{focus} ?this {path.n3()} ?value ."
        for parameter, bad in self.failing(shape, value, 0):
            lexical = parameter in (SH.pattern, SH.minLength, SH.maxLength)
            yield check(f"SELECT DISTINCT ?this ?value WHERE {{ {where} FILTER ({bad}) }}", lexical)
        datatype = self.one(shape, SH.datatype)
        if datatype is not None and path is not None:
            if not isinstance(datatype, URIRef):
                raise Unsupported(f"{shape}: sh:datatype is not an IRI")
            yield DatatypeCheck(shape, severity, path, datatype, focus)
        if path is None:
            return
        p = path.n3()
        least, most = self.number(shape, SH.minCount), self.number(shape, SH.maxCount)
        if least is not None and least == 1:
            yield check(
                f"SELECT DISTINCT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {p} [] }} }}"
            )
        elif least is not None and least > 1:
            yield check(
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE "
                f"{{ {focus} OPTIONAL {{ ?this {p} ?value }} }} GROUP BY ?this }} "
                f"FILTER (?n < {least}) }}"
            )
        if most is not None and most == 0:
            yield check(f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {p} [] }}")
        elif most is not None and most == 1:
            yield check(
                f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {p} ?a, ?b "
                f"FILTER (!sameTerm(?a, ?b)) }}"
            )
        elif most is not None:
            yield check(
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) WHERE "
                f"{{ {focus} ?this {p} ?value }} GROUP BY ?this }} FILTER (?n > {most}) }}"
            )
        has = self.one(shape, SH.hasValue)
        if has is not None:
            yield check(
                f"SELECT DISTINCT ?this WHERE {{ {focus} "
                f"FILTER NOT EXISTS {{ ?this {p} {self.term(has)} }} }}"
            )
        unique = self.one(shape, SH.uniqueLang)
        if isinstance(unique, Literal) and unique.toPython() is True:
            yield check(
                f"SELECT DISTINCT ?this (LCASE(LANG(?a)) AS ?lang) WHERE {{ {focus} "
                f"?this {p} ?a, ?b FILTER (isLiteral(?a) && isLiteral(?b) && !sameTerm(?a, ?b) "
                f'&& LANG(?a) != "" && LCASE(LANG(?a)) = LCASE(LANG(?b))) }}'
            )


_NOT_CONSTRAINTS = frozenset(
    SH[n]
    for n in (
        "path property severity message deactivated name description order group "
        "targetClass targetNode targetSubjectsOf targetObjectsOf sparql prefixes declare flags"
    ).split()
)
_PER_FOCUS = (SH.minCount, SH.maxCount, SH.hasValue, SH.uniqueLang)

PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


def core_checks(
    shapes: Graph, subclasses: Callable[[URIRef], list[URIRef]]
) -> list[Check | DatatypeCheck]:
    """Every SHACL Core check of ``shapes`` (their SPARQL constraints are left out: the
    validator runs those itself). Raises :class:`Unsupported`."""
    writer = _Writer(shapes, subclasses)
    out: list[Check | DatatypeCheck] = []
    shapes_with_targets = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    shapes_with_targets |= {s for s in shapes.subjects(SH.target, None)}
    for shape in sorted(shapes_with_targets, key=str):
        writer.check_parameters(shape)
        if not writer.active(shape):
            continue
        focus = writer.focus(shape)
        assert focus is not None
        out += writer.checks(shape, focus)
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            out += writer.checks(prop, focus)
    return out
