"""What people look at: a built graph read back as documents with their highlighted mentions,
claims with their evidence across documents, and concepts with their links — the one model
behind ``kg show`` (terminal), ``kg review`` (web) and ``kg report`` (HTML).

Everything here reads the graph; nothing writes. Curation goes through :mod:`kg.curation`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.errors import InputError
from kg.namespaces import NIF, PRK, SCHEMA, curie, expand_curie

#: Roles by their IRI's local name, in the order a legend lists them.
ROLES = ("TechniqueRole", "DataTypeRole", "HarmRole", "RemedyRole", "PriceRole", "ActorRole")
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def text(graph: Graph, node: Node | None, prop: URIRef) -> str:
    value = graph.value(node, prop) if node is not None else None
    return "" if value is None else str(value)


def as_iri(node: object) -> URIRef:
    return URIRef(str(node))


def num(graph: Graph, node: Node | None, prop: URIRef) -> int:
    value = graph.value(node, prop) if node is not None else None
    try:
        return int(float(str(value))) if value is not None else 0
    except ValueError:
        return 0


def label(graph: Graph, node: Node | None, lang: str = "en") -> str:
    """A node's label in ``lang`` (else any label, else its CURIE)."""
    if node is None:
        return ""
    found = ""
    for prop in (SKOS.prefLabel, RDFS.label, SCHEMA.name):
        for value in graph.objects(node, prop):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
            found = found or str(value)
    return found or (curie(node) if isinstance(node, URIRef) else str(node))


def scheme_of(graph: Graph, concept: Node | None) -> URIRef | None:
    """The concept scheme ``concept`` is in (None for no concept or none stated)."""
    scheme = graph.value(concept, SKOS.inScheme) if concept is not None else None
    return scheme if isinstance(scheme, URIRef) else None


def role_name(role: Node | None) -> str:
    """``prk:HarmRole`` → ``harm``."""
    return str(role).rsplit("#", 1)[-1].removesuffix("Role").lower() if role else ""


@dataclass(frozen=True)
class Mention:
    iri: URIRef
    begin: int
    end: int
    anchor: str
    role: str
    concept: URIRef | None
    label_zh: str
    label_en: str
    negated: bool
    spurious: bool
    claims: tuple[URIRef, ...] = ()
    scheme: URIRef | None = None  # the concept's scheme: what it may be changed to


@dataclass(frozen=True)
class Span:
    """A stretch of a document's text and the mentions inside it (for highlighting)."""

    text: str
    mentions: tuple[Mention, ...] = ()
    evidence: bool = False


@dataclass(frozen=True)
class Price:
    iri: URIRef
    amount: str
    currency: str
    quantity: str
    unit_price: str
    item: str
    quote: str


@dataclass(frozen=True)
class Evidence:
    iri: URIRef
    claim: URIRef
    doc: str
    doc_title: str
    outlet: str
    quote: str
    begin: int
    end: int
    speaker: str
    mentions: tuple[Mention, ...] = ()

    def spans(self) -> list[Span]:
        """The quote cut at its mentions, for highlighting them (see :func:`cut`)."""
        return cut(self.quote, self.begin, self.mentions)


@dataclass
class Document:
    iri: URIRef
    doc_id: str
    title: str
    outlet: str
    date: str
    url: str
    report: str
    text: str = ""
    counts: Counter[str] = field(default_factory=Counter)
    mentions: list[Mention] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)

    def spans(self) -> list[Span]:
        """The text cut at every mention and evidence boundary (see :func:`cut`)."""
        return cut(self.text, 0, self.mentions, [(e.begin, e.end) for e in self.evidence])


def cut(
    text: str,
    offset: int,
    mentions: Sequence[Mention],
    evidence: Sequence[tuple[int, int]] = (),
) -> list[Span]:
    """``text`` (which starts at ``offset`` in its document) cut at every mention and evidence
    boundary, each piece knowing its mentions (the longest where mentions nest; all of them
    where several cover the same span) and whether it lies in an evidence sentence.

    >>> m = Mention(URIRef("urn:m"), 12, 14, "人脸", "datatype", None, "", "", False, False)
    >>> [(s.text, len(s.mentions)) for s in cut("倒卖人脸", 10, [m])]
    [('倒卖', 0), ('人脸', 1)]
    """
    end = offset + len(text)
    cuts = {offset, end}
    for m in mentions:
        cuts |= {m.begin, m.end}
    for begin, stop in evidence:
        cuts |= {begin, stop}
    points = sorted(c for c in cuts if offset <= c <= end)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        covering = [m for m in mentions if m.begin <= a and b <= m.end]
        longest = max((m.end - m.begin for m in covering), default=0)
        shown = tuple(m for m in covering if m.end - m.begin == longest)
        inside = any(begin <= a and b <= stop for begin, stop in evidence)
        out.append(Span(text[a - offset : b - offset], shown, inside))
    return out


@dataclass
class Claim:
    iri: URIRef
    label: str
    modality: str
    retracted: bool
    concepts: list[tuple[str, URIRef, str, str]]  # role, concept, zh, en
    evidence: list[Evidence]
    reports: int
    copies: int
    documents: int
    links: list[tuple[str, str, str]]  # concept label, relation, target
    history: list[tuple[str, str, str, str]]  # date, curator, reason, file


@dataclass
class Concept:
    iri: URIRef
    label_zh: str
    label_en: str
    scheme: str
    alt_labels: list[str]
    definition: str
    mentions: int
    documents: int
    claims: list[tuple[URIRef, str]]
    links: list[tuple[str, str]]
    deprecated: bool
    scheme_iri: URIRef | None = None


class Views:
    """The graph as pages: documents, claims, concepts (and what the report counts)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # ------------------------------------------------------------------ lookups
    def resolve(self, key: str) -> tuple[str, URIRef]:
        """``key`` (a document id, a CURIE or IRI of a claim, document or concept, or a concept
        label in any language) as (kind, IRI); an :class:`InputError` when nothing matches."""
        g = self.graph
        doc = g.value(predicate=DCTERMS.identifier, object=Literal(key))
        if doc is not None and (doc, RDF.type, PRK.Document) in g:
            return "document", as_iri(doc)
        iri = URIRef(expand_curie(key)) if ":" in key else None
        if iri is not None:
            for kind, cls in (
                ("claim", PRK.Claim),
                ("document", PRK.Document),
                ("concept", SKOS.Concept),
            ):
                if (iri, RDF.type, cls) in g:
                    return kind, iri
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for s, o in g.subject_objects(prop):
                if str(o).casefold() == key.casefold() and (s, RDF.type, SKOS.Concept) in g:
                    return "concept", as_iri(s)
        raise InputError(f"{key}: no document, claim or concept of that name in the graph")

    @cached_property
    def _claims_by_evidence(self) -> dict[Node, list[URIRef]]:
        out: dict[Node, list[URIRef]] = {}
        for claim, ev in self.graph.subject_objects(PRK.evidence):
            out.setdefault(ev, []).append(as_iri(claim))
        return out

    def mention(self, m: Node) -> Mention:
        g = self.graph
        concept = g.value(m, PRK.denotes)
        claims = tuple(
            c for ev in g.subjects(PRK.mention, m) for c in self._claims_by_evidence.get(ev, [])
        )
        return Mention(
            as_iri(m),
            num(g, m, NIF.beginIndex),
            num(g, m, NIF.endIndex),
            text(g, m, NIF.anchorOf),
            role_name(g.value(m, PRK.role)),
            as_iri(concept) if isinstance(concept, URIRef) else None,
            label(g, concept, "zh"),
            label(g, concept, "en"),
            str(g.value(m, PRK.negated)) == "true",
            (m, PRK.status, PRK.Spurious) in g,
            tuple(sorted(set(claims))),
            scheme_of(g, concept),
        )

    def evidence(self, ev: Node, claim: URIRef) -> Evidence:
        g = self.graph
        doc = g.value(ev, NIF.referenceContext)
        speaker = g.value(ev, PRK.claimant)
        return Evidence(
            as_iri(ev),
            claim,
            text(g, doc, DCTERMS.identifier),
            text(g, doc, DCTERMS.title),
            label(g, g.value(doc, PRK.outlet), "zh"),
            text(g, ev, NIF.anchorOf),
            num(g, ev, NIF.beginIndex),
            num(g, ev, NIF.endIndex),
            label(g, speaker, "zh") if speaker is not None else "",
            tuple(
                sorted((self.mention(m) for m in g.objects(ev, PRK.mention)), key=lambda m: m.begin)
            ),
        )

    # ------------------------------------------------------------------ documents
    def documents(self) -> list[Document]:
        """Every document with its title, outlet, date, report and mention counts per role."""
        g = self.graph
        counts: dict[Node, Counter[str]] = {}
        for m in g.subjects(RDF.type, PRK.Mention):
            doc = g.value(m, NIF.referenceContext)
            counts.setdefault(as_iri(doc), Counter())[role_name(g.value(m, PRK.role))] += 1
        docs = [
            self._summary(d, counts.get(as_iri(d), Counter()))
            for d in g.subjects(RDF.type, PRK.Document)
        ]
        return sorted(docs, key=lambda d: d.doc_id)

    def _summary(self, d: Node, counts: Counter[str]) -> Document:
        """A document's title, outlet, date, URL and report, with its mention ``counts``."""
        g = self.graph
        report = g.value(d, PRK.report)
        return Document(
            as_iri(d),
            text(g, d, DCTERMS.identifier),
            text(g, d, DCTERMS.title),
            label(g, g.value(d, PRK.outlet), "zh"),
            text(g, d, DCTERMS.issued),
            text(g, d, SCHEMA.url),
            curie(as_iri(report)) if report is not None else "",
            counts=counts,
        )

    def document(self, doc_id: str) -> Document:
        """One document with its text, every mention, evidence sentence and price."""
        g = self.graph
        kind, iri = self.resolve(doc_id)
        if kind != "document":
            raise InputError(f"{doc_id}: not a document")
        mentions = sorted(
            (
                self.mention(m)
                for m in g.subjects(NIF.referenceContext, iri)
                if (m, RDF.type, PRK.Mention) in g
            ),
            key=lambda m: (m.begin, m.end),
        )
        doc = self._summary(iri, Counter(m.role for m in mentions))
        doc.text, doc.mentions = text(g, iri, NIF.isString), mentions
        doc.evidence = sorted(
            (
                self.evidence(ev, claim)
                for ev in g.subjects(NIF.referenceContext, iri)
                if (ev, RDF.type, PRK.Evidence) in g
                for claim in self._claims_by_evidence.get(ev, [])[:1]
            ),
            key=lambda e: e.begin,
        )
        for p in g.subjects(PROV.wasDerivedFrom, iri):
            if (p, RDF.type, PRK.PriceObservation) in g:
                quote = next((text(g, m, NIF.anchorOf) for m in g.subjects(PRK.denotes, p)), "")
                doc.prices.append(
                    Price(
                        as_iri(p),
                        text(g, p, PRK.amount),
                        text(g, p, PRK.currency),
                        text(g, p, PRK.quantity),
                        text(g, p, PRK.unitPrice),
                        label(g, g.value(p, PRK.item), "en"),
                        quote,
                    )
                )
        doc.prices.sort(key=lambda p: p.quote)
        return doc

    # ------------------------------------------------------------------ claims and concepts
    def claim(self, key: str | URIRef) -> Claim:
        g = self.graph
        kind, iri = ("claim", URIRef(key)) if isinstance(key, URIRef) else self.resolve(key)
        if kind != "claim":
            raise InputError(f"{key}: not a claim")
        concepts, links = [], []
        for role, slot in (
            ("technique", PRK.technique),
            ("datatype", PRK.dataType),
            ("harm", PRK.harm),
            ("remedy", PRK.remedy),
        ):
            for c in sorted(g.objects(iri, slot), key=str):
                concepts.append((role, as_iri(c), label(g, c, "zh"), label(g, c, "en")))
                for rel in (*MATCHES, PRK.governedBy):
                    for target in sorted(g.objects(c, rel), key=str):
                        # a DPV term has no label in the graph: label() gives its CURIE
                        links.append((label(g, c, "en"), curie(as_iri(rel)), label(g, target)))
        evidence = sorted(
            (self.evidence(ev, iri) for ev in g.objects(iri, PRK.evidence)),
            key=lambda e: (e.doc, e.begin),
        )
        return Claim(
            iri,
            text(g, iri, RDFS.label),
            label(g, g.value(iri, PRK.modality), "en"),
            (iri, PRK.status, PRK.Retracted) in g,
            concepts,
            evidence,
            num(g, iri, PRK.independentReports),
            num(g, iri, PRK.syndicatedCopies),
            num(g, iri, PRK.supportingDocuments),
            links,
            self.history(iri),
        )

    def history(self, node: URIRef) -> list[tuple[str, str, str, str]]:
        """The accepted curator edits that touched ``node``: date, curator, reason, file."""
        g = self.graph
        rows = [
            (
                text(g, e, DCTERMS.date),
                label(g, g.value(e, DCTERMS.creator)),
                text(g, e, PRK.reason),
                text(g, e, PRK.editFile),
            )
            for e in g.subjects(PRK.touched, node)
        ]
        return sorted(rows)

    def concept(self, key: str) -> Concept:
        g = self.graph
        kind, iri = self.resolve(key)
        if kind != "concept":
            raise InputError(f"{key}: not a concept")
        mentions = [m for m in g.subjects(PRK.denotes, iri) if (m, RDF.type, PRK.Mention) in g]
        docs = {g.value(m, NIF.referenceContext) for m in mentions}
        claims = sorted(
            {
                (as_iri(c), text(g, c, RDFS.label))
                for slot in (PRK.technique, PRK.dataType, PRK.harm, PRK.remedy)
                for c in g.subjects(slot, iri)
            }
        )
        links = [
            (curie(as_iri(rel)), curie(as_iri(t)) if isinstance(t, URIRef) else str(t))
            for rel in (*MATCHES, PRK.governedBy)
            for t in sorted(g.objects(iri, rel), key=str)
        ]
        return Concept(
            iri,
            label(g, iri, "zh"),
            label(g, iri, "en"),
            label(g, g.value(iri, SKOS.inScheme)),
            sorted(str(a) for a in g.objects(iri, SKOS.altLabel)),
            text(g, iri, SKOS.definition),
            len(mentions),
            len(docs),
            claims,
            links,
            str(g.value(iri, URIRef("http://www.w3.org/2002/07/owl#deprecated"))) == "true",
            scheme_of(g, iri),
        )

    def documents_with(self, concept: URIRef) -> set[str]:
        """Ids of the documents where a mention denotes ``concept``."""
        g = self.graph
        return {
            text(g, g.value(m, NIF.referenceContext), DCTERMS.identifier)
            for m in g.subjects(PRK.denotes, concept)
        }

    def concepts(self) -> dict[URIRef | None, list[tuple[URIRef, str, str]]]:
        """Every concept as (IRI, zh label, en label) by scheme, for choosing one in a form: a
        mention's concept is changed, and a concept merged, only within its own scheme."""
        g = self.graph
        out: dict[URIRef | None, list[tuple[URIRef, str, str]]] = {}
        for c in g.subjects(RDF.type, SKOS.Concept):
            if isinstance(c, URIRef):
                choice = (c, label(g, c, "zh"), label(g, c, "en"))
                out.setdefault(scheme_of(g, c), []).append(choice)
        return {scheme: sorted(choices) for scheme, choices in out.items()}
