"""Concept frequencies: summary counts of the mentions, so that frequency listings read one node
per (concept, role) instead of aggregating over every mention.

A ``prk:ConceptFrequency`` counts the mentions, neither negated nor marked spurious (any
``prk:status``), that denote one concept or actor in one role (any but price), and the documents
that hold them. The build sums them document by document (:class:`Frequencies`); after a
curator's edit, :func:`recount` makes the ones it touched count the graph's mentions again.
``prk:ConceptFrequencyCountsShape`` checks them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.mint import frequency_iri
from kg.namespaces import NIF, PRK
from kg.terms import RDF, XSD, Triple


def count(n: int) -> Literal:
    """A count as the graph states it."""
    return Literal(n, datatype=XSD.nonNegativeInteger)


@dataclass
class Frequencies:
    """The concept frequencies of a corpus, summed document by document: mentions (not negated)
    and documents per (target, role IRI)."""

    mentions: Counter[tuple[str, str]] = field(default_factory=Counter)
    documents: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, document: Counter[tuple[str, str]]) -> None:
        """Add one document's counts (:func:`kg.emit.frequencies_of`)."""
        self.mentions.update(document)
        self.documents.update(document.keys())

    def triples(self) -> list[Triple]:
        out: list[Triple] = []
        for (target, role), n in self.mentions.items():
            out += frequency_triples(URIRef(target), URIRef(role), n, self.documents[target, role])
        return out


def frequency_triples(target: URIRef, role: URIRef, mentions: int, documents: int) -> list[Triple]:
    """The ``prk:ConceptFrequency`` node of ``target`` in ``role``."""
    node = frequency_iri(target, role)
    return [
        (node, RDF.type, PRK.ConceptFrequency),
        (node, PRK.frequencyOf, target),
        (node, PRK.inRole, role),
        (node, PRK.mentionCount, count(mentions)),
        (node, PRK.documentCount, count(documents)),
    ]


def recount(graph: Graph, pairs: Iterable[tuple[Node, Node]]) -> None:
    """Make the ``prk:ConceptFrequency`` of each (target, role) in ``pairs`` count the mentions
    ``graph`` holds now, as the build counts them; a pair left with no mention loses its node."""
    false = Literal(False)
    for target, role in pairs:
        if not isinstance(target, URIRef) or not isinstance(role, URIRef):
            continue
        if role == PRK.PriceRole:
            continue
        graph.remove((frequency_iri(target, role), None, None))
        mentions = [
            m
            for m in set(graph.subjects(PRK.denotes, target))
            if (m, PRK.role, role) in graph
            and (m, PRK.negated, false) in graph
            and (m, PRK.status, None) not in graph
            and (m, NIF.referenceContext, None) in graph  # as the SHACL rule counts them
        ]
        if mentions:
            documents = {d for m in mentions for d in graph.objects(m, NIF.referenceContext)}
            for triple in frequency_triples(target, role, len(mentions), len(documents)):
                graph.add(triple)
