"""Stage 5 — validate: SHACL validation with pySHACL and a report a curator can read.

Shapes come from ``ontology/shapes.ttl``; reviewed waivers in ``ontology/waivers.ttl`` are
merged in (a waiver sets ``sh:deactivated`` on a named shape). Violations make a graph
non-conforming; warnings and infos are reported but do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH
from rdflib.term import Node

from kg.namespaces import NIF, bind_all
from kg.resources import shapes_graph, waivers_path

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
            shapes.parse(path, format="turtle")
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


def validate_graph(
    data: Graph, shapes: Graph | None = None, lang: str = "en", focus: set[Node] | None = None
) -> Report:
    """Validate ``data`` against the shapes; ``lang`` picks the message language (en or zh).

    With ``focus``, only results about those nodes count (``data`` is then an edit's
    neighbourhood, whose outer nodes are incomplete by design).

    >>> from kg.resources import vocabulary_graph
    >>> validate_graph(vocabulary_graph()).conforms
    True
    """
    bind_all(data)
    shapes_used = shapes if shapes is not None else load_shapes()
    conforms, results, text = shacl_validate(
        data,
        shacl_graph=shapes_used,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
    )
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
    findings.sort(
        key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.shape, f.focus, f.value or "")
    )
    if focus is not None:
        conforms = not any(f.severity == "Violation" for f in findings)
    return Report(bool(conforms), findings)
