"""Stage 4 — emit: extractions to the triples of one RDF graph.

The graph holds the vocabulary (so it is self-describing when loaded into any SPARQL store) and
the data: documents, mentions, evidence, claims, actors, outlets, price observations and the
PROV-O record of the run. The triples become an rdflib graph (:meth:`Assembly.graph`) or
N-Triples lines (:mod:`kg.ntriples`); :mod:`kg.serialize` writes graph files.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from weakref import WeakKeyDictionary

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import __version__
from kg.copies import Report
from kg.extract import Extraction
from kg.frequencies import Frequencies, count
from kg.mentions import Actor, Mention
from kg.mint import (
    EXTRACTOR,
    actor_iri,
    claim_iri,
    doc_iri,
    evidence_iri,
    mention_iri,
    outlet_iri,
    price_iri,
    report_iri,
    run_iri,
)
from kg.namespaces import ROLE_IRIS, SLOTS, bind_all
from kg.ntriples import PENDING_RUN, light_line, line
from kg.terms import (
    ANYURI,
    DATE,
    DCTERMS,
    NIF,
    OWL,
    PRK,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    Light,
    Lit,
    Triple,
    boolean,
    decimal,
    integer,
    rdf_term,
    zh,
)
from kg.vocabulary import vocabulary_graph

MODALITIES = {"asserted": PRK.Asserted, "denied": PRK.Denied, "recommended": PRK.Recommended}


def actor_node(actor: Actor) -> URIRef:
    """An actor's IRI. A person named with an affiliation is that name *at* that affiliation:
    across a corpus, two 张伟 of two universities are two people, not one with two employers."""
    if actor.key.startswith("person:") and actor.affiliation:
        return actor_iri(f"{actor.key}@{actor.affiliation}")
    return actor_iri(actor.key)


def _target(mention: Mention, actors: dict[str, Actor]) -> str:
    if mention.role == "actor" and ":" in mention.target and not mention.target.startswith("http"):
        actor = actors.get(mention.target)
        return actor_node(actor) if actor else actor_iri(mention.target)
    return mention.target


#: English labels of concepts, per vocabulary graph (one per process in practice). Weak keys:
#: a graph that is gone takes its labels with it, and a new one never sees them.
_ENGLISH: WeakKeyDictionary[Graph, dict[str, str]] = WeakKeyDictionary()


class _Builder:
    """Turns extractions into light triples (a list, in the order made; duplicates possible)."""

    def __init__(self, run: str, vocab: Graph) -> None:
        self.triples: list[Light] = []
        self.run = run
        self.vocab = vocab
        self._english = _ENGLISH.setdefault(vocab, {})

    def add(self, s: str, p: str, o: str | Lit | None) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def anchor(self, node: str, doc: str, start: int, end: int, quote: str) -> None:
        add = self.triples.append
        add((node, NIF.referenceContext, doc))
        add((node, NIF.beginIndex, integer(start)))
        add((node, NIF.endIndex, integer(end)))
        add((node, NIF.anchorOf, Lit(quote)))
        add((node, PROV.wasGeneratedBy, self.run))

    def outlet(self, name: str | None) -> str | None:
        if not name:
            return None
        node = outlet_iri(name)
        self.add(node, RDF.type, PRK.Outlet)
        self.add(node, RDFS.label, zh(name))
        return node

    def actor(self, actor: Actor) -> str:
        node = actor_node(actor)
        self.add(node, RDF.type, PRK[actor.kind])
        self.add(node, RDFS.label, zh(actor.name))
        self.add(node, SCHEMA.name, zh(actor.name))
        if actor.affiliation:
            self.add(node, PRK.affiliation, zh(actor.affiliation))
        if actor.title:
            self.add(node, SCHEMA.jobTitle, zh(actor.title))
        return node

    def english(self, concept: str) -> str:
        if concept not in self._english:
            self._english[concept] = next(
                (
                    str(label)
                    for label in self.vocab.objects(URIRef(concept), SKOS.prefLabel)
                    if isinstance(label, Literal) and label.language == "en"
                ),
                str(concept).rsplit("/", 1)[-1],
            )
        return self._english[concept]

    def document(self, x: Extraction) -> str:
        d = x.doc
        node = doc_iri(d.doc_id)
        self.add(node, RDF.type, PRK.Document)
        self.add(node, DCTERMS.identifier, Lit(d.doc_id))
        self.add(node, DCTERMS.title, zh(d.title))
        self.add(node, NIF.isString, Lit(d.text))
        self.add(node, NIF.beginIndex, integer(0))
        self.add(node, NIF.endIndex, integer(len(d.text)))
        self.add(node, PRK.sourceFile, Lit(d.source_file))
        self.add(node, PRK.sha256, Lit(d.sha256))
        self.add(node, PRK.sourceEncoding, Lit(d.encoding))
        self.add(node, PRK.outlet, self.outlet(d.outlet))
        self.add(node, PRK.originalSource, self.outlet(d.original_source))
        if d.date:
            self.add(node, DCTERMS.issued, Lit(d.date.isoformat(), None, DATE))
        if d.url:
            self.add(node, SCHEMA.url, Lit(d.url, None, ANYURI))
        self.add(self.run, PROV.used, node)
        return node

    def extraction(self, x: Extraction) -> None:
        doc_id = x.doc.doc_id
        doc = self.document(x)
        add = self.triples.append
        for actor in x.actors.values():
            self.actor(actor)
        nodes: dict[int, str] = {}  # by id(): a claim's mentions are the extraction's own
        for m in x.mentions:
            node = nodes[id(m)] = mention_iri(doc_id, m.start, m.end, m.role, m.target)
            add((node, RDF.type, PRK.Mention))
            self.anchor(node, doc, m.start, m.end, m.quote)
            add((node, PRK.role, ROLE_IRIS[m.role]))
            if m.role != "price":
                add((node, PRK.denotes, _target(m, x.actors)))
            add((node, PRK.negated, boolean(m.negated)))
        for c in x.claims:
            claim = claim_iri(c.modality, c.slots)
            add((claim, RDF.type, PRK.Claim))
            add((claim, PRK.modality, MODALITIES[c.modality]))
            add((claim, PROV.wasGeneratedBy, self.run))
            parts = []
            for role, concepts in sorted(c.slots.items()):
                for concept in concepts:
                    add((claim, SLOTS[role], concept))
                parts.append(f"{role}: " + ", ".join(sorted(self.english(k) for k in concepts)))
            add((claim, RDFS.label, Lit(f"{c.modality} — " + "; ".join(parts), "en")))
            ev = evidence_iri(doc_id, c.start, c.end)
            add((claim, PRK.evidence, ev))
            add((ev, RDF.type, PRK.Evidence))
            self.anchor(ev, doc, c.start, c.end, x.doc.text[c.start : c.end])
            add((ev, PROV.wasDerivedFrom, doc))
            for m in c.mentions:
                mention = nodes.get(id(m)) or mention_iri(doc_id, m.start, m.end, m.role, m.target)
                add((ev, PRK.mention, mention))
            if c.claimant:
                add((ev, PRK.claimant, actor_node(x.actors.get(c.claimant.key, c.claimant))))
        for p in x.prices:
            m = p.mention
            node = price_iri(doc_id, m.start, m.end)
            self.add(node, RDF.type, PRK.PriceObservation)
            label = f"{p.amount} {p.currency} for {p.quantity}: {m.quote}"
            self.add(node, RDFS.label, Lit(label, "zh"))
            self.add(node, PRK.amount, decimal(p.amount))
            self.add(node, PRK.currency, Lit(p.currency))
            if p.minimum is not None and p.maximum is not None:
                self.add(node, PRK.minAmount, decimal(p.minimum))
                self.add(node, PRK.maxAmount, decimal(p.maximum))
            self.add(node, PRK.quantity, decimal(p.quantity))
            self.add(node, PRK.unitPrice, decimal(p.unit_price))
            self.add(node, PRK.approximate, boolean(p.approximate))
            self.add(node, PRK.item, p.item)
            self.add(node, PRK.platform, p.platform)
            self.add(node, PROV.wasDerivedFrom, doc)
            self.add(node, PROV.wasGeneratedBy, self.run)
            if x.doc.date:
                self.add(node, DCTERMS.date, Lit(x.doc.date.isoformat(), None, DATE))
            mention = nodes.get(id(m)) or mention_iri(doc_id, m.start, m.end, m.role, m.target)
            self.add(mention, PRK.denotes, node)


def input_digest(inputs: Iterable[tuple[str, str]]) -> str:
    """Digest of the inputs a run read: (document id, raw sha256) pairs, in any order."""
    h = hashlib.sha256()
    for doc_id, sha in sorted(inputs):
        h.update(f"{doc_id}:{sha}\n".encode())
    return h.hexdigest()


def claims_of(x: Extraction) -> set[URIRef]:
    """The claim nodes an extraction supports."""
    return {claim_iri(c.modality, c.slots) for c in x.claims}


def frequencies_of(x: Extraction) -> Counter[tuple[str, str]]:
    """How many mentions of ``x`` (distinct nodes), not negated, denote each (target, role
    IRI): what the document adds to the graph's concept frequencies."""
    spans = {
        (m.start, m.end, m.role, m.target): _target(m, x.actors)
        for m in x.mentions
        if m.role != "price" and not m.negated
    }
    return Counter((target, ROLE_IRIS[key[2]]) for key, target in spans.items())


def corpus_triples(
    run: URIRef,
    digest: str,
    reports: list[Report],
    support: dict[URIRef, set[str]],
    frequencies: Frequencies,
) -> list[Triple]:
    """What only the whole corpus knows: the run, the reports of copies, each claim's support,
    each concept's frequency."""
    out: list[Triple] = [
        (run, RDF.type, PRK.ExtractionRun),
        (run, PRK.inputDigest, Literal(digest)),
        (run, PROV.wasAssociatedWith, EXTRACTOR),
        (EXTRACTOR, RDF.type, PRK.Extractor),
        (EXTRACTOR, RDFS.label, Literal("kg extractor", lang="en")),
        (EXTRACTOR, OWL.versionInfo, Literal(__version__)),
    ]
    report_of: dict[str, str] = {}
    for report in reports:
        node = report_iri(report.key)
        out.append((node, RDF.type, PRK.Report))
        out.append((node, PRK.copyCount, count(len(report.members))))
        for member in report.members:
            report_of[member] = report.key
            out.append((doc_iri(member), PRK.report, node))
        for a, b, _ in report.pairs:
            out.append((doc_iri(a), PRK.nearDuplicateOf, doc_iri(b)))
            out.append((doc_iri(b), PRK.nearDuplicateOf, doc_iri(a)))
    for claim, ids in support.items():
        independent = {report_of.get(d, d) for d in ids}
        out.append((claim, PRK.supportingDocuments, count(len(ids))))
        out.append((claim, PRK.independentReports, count(len(independent))))
        out.append((claim, PRK.syndicatedCopies, count(len(ids) - len(independent))))
    return out + frequencies.triples()


@dataclass
class Assembly:
    """A graph's triples before they are an rdflib graph: the vocabulary, the documents' light
    triples and the corpus-level triples. The same triples become an rdflib graph
    (:meth:`graph`) or N-Triples (:meth:`lines`), the latter in a fraction of the time."""

    vocabulary: Graph
    triples: list[Light]
    corpus: list[Triple]

    def graph(self) -> Graph:
        graph = Graph()
        bind_all(graph)
        graph += self.vocabulary
        # each distinct term made once: a graph repeats its properties, classes, runs and
        # documents on every node (14% less time at 1k articles)
        term = cache(rdf_term)
        graph.addN((term(s), term(p), term(o), graph) for s, p, o in self.triples)
        graph.addN((s, p, o, graph) for s, p, o in self.corpus)
        return graph

    def lines(self) -> list[str]:
        """The triples as N-Triples lines, in no order and possibly repeated; sorted and made
        unique they are the bytes that :func:`serialize` writes of :meth:`graph`."""
        lines = [line(t) for t in self.vocabulary]  # type: ignore[arg-type]
        lines += [light_line(t) for t in self.triples]
        lines += [line(t) for t in self.corpus]
        return lines


def assemble(
    extractions: list[Extraction],
    reports: list[Report] | None = None,
    vocabulary: Graph | None = None,
) -> Assembly:
    """The triples of the knowledge graph of ``extractions``, with the vocabulary.

    ``reports`` groups near-duplicate documents (see :mod:`kg.copies`); without it every
    document is a report of its own.
    """
    vocab = vocabulary if vocabulary is not None else vocabulary_graph()
    digest = input_digest((x.doc.doc_id, x.doc.sha256) for x in extractions)
    run = run_iri(__version__, digest)
    builder = _Builder(run, vocab)
    support: dict[URIRef, set[str]] = {}
    frequencies = Frequencies()
    for x in extractions:
        builder.extraction(x)
        for claim in claims_of(x):
            support.setdefault(claim, set()).add(x.doc.doc_id)
        frequencies.add(frequencies_of(x))
    if reports is None:
        reports = [Report(x.doc.doc_id, (x.doc.doc_id,), ()) for x in extractions]
    corpus = corpus_triples(run, digest, reports, support, frequencies)
    return Assembly(vocab, builder.triples, corpus)


def build_graph(
    extractions: list[Extraction],
    reports: list[Report] | None = None,
    vocabulary: Graph | None = None,
) -> Graph:
    """The knowledge graph of ``extractions`` (see :func:`assemble`) as an rdflib graph."""
    return assemble(extractions, reports, vocabulary).graph()


def document_lines(x: Extraction, vocab: Graph) -> list[str]:
    """The N-Triples lines of one document (sorted, unique), its run named :data:`PENDING_RUN`."""
    builder = _Builder(PENDING_RUN, vocab)
    builder.extraction(x)
    return sorted({light_line(t) for t in builder.triples})
