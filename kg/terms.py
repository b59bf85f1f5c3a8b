"""RDF terms as emission makes them: shared namespace terms, and light literals.

Emission names the same properties and makes hundreds of literals per document. rdflib builds
(and checks) a new :class:`~rdflib.URIRef` on every namespace access and parses every
:class:`~rdflib.Literal`; the terms here are made once, and a literal is a plain tuple until a
graph needs it (:func:`rdf_term`) or it is written as N-Triples (:mod:`kg.ntriples`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import OWL as _OWL
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import XSD as _XSD

from kg.namespaces import NIF as _NIF
from kg.namespaces import PRK as _PRK
from kg.namespaces import SCHEMA as _SCHEMA


class Terms:
    """A namespace whose terms are made once and kept.

    >>> Terms(_RDF).type is Terms(_RDF).type
    False
    >>> rdf = Terms(_RDF); rdf.type is rdf.type
    True
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(self._namespace[name])
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)  # type: ignore[no-any-return]


NIF, PRK, PROV, RDF = Terms(_NIF), Terms(_PRK), Terms(_PROV), Terms(_RDF)
RDFS, DCTERMS, SCHEMA = Terms(_RDFS), Terms(_DCTERMS), Terms(_SCHEMA)
XSD, OWL = Terms(_XSD), Terms(_OWL)


class Lit(NamedTuple):
    """A literal: lexical form and language or datatype, no rdflib object."""

    lexical: str
    lang: str | None = None
    datatype: str | None = None


#: An emitted triple: IRIs as strings (URIRef or plain str), objects an IRI or a :class:`Lit`.
Light = tuple[str, str, "str | Lit"]
#: A triple of rdflib terms.
Triple = tuple[URIRef, URIRef, URIRef | Literal]

_NNI, _DECIMAL, _BOOLEAN = str(_XSD.nonNegativeInteger), str(_XSD.decimal), str(_XSD.boolean)
DATE, ANYURI = str(_XSD.date), str(_XSD.anyURI)


def integer(value: int) -> Lit:
    """xsd:nonNegativeInteger."""
    return Lit(str(value), None, _NNI)


def decimal(value: object) -> Lit:
    """xsd:decimal in canonical form (always a decimal point), so every syntax round-trips.

    >>> from decimal import Decimal
    >>> decimal(Decimal("5")).lexical, decimal(Decimal("0.25")).lexical
    ('5.0', '0.25')
    """
    text = format(value, "f")
    return Lit(text if "." in text else text + ".0", None, _DECIMAL)


def boolean(value: bool) -> Lit:
    return Lit("true" if value else "false", None, _BOOLEAN)


def zh(text: str) -> Lit:
    return Lit(text, "zh")


def rdf_term(term: str | Lit) -> URIRef | Literal:
    """The rdflib term of an emitted object."""
    if isinstance(term, Lit):
        return Literal(term.lexical, lang=term.lang, datatype=term.datatype)
    return term if type(term) is URIRef else URIRef(term)


_XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")


def from_ox(value: object) -> URIRef | BNode | Literal:
    """The rdflib term of an Oxigraph term (a simple literal as rdflib's parsers make it)."""
    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        if value.datatype == _XSD_STRING:
            return Literal(value.value)
        return Literal(value.value, datatype=URIRef(value.datatype.value))
    raise ValueError(f"not an RDF term: {value!r}")
