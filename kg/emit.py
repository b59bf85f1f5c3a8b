"""Stage 4 — emit: extractions to one RDF graph, written deterministically and atomically.

The graph holds the vocabulary (so it is self-describing when loaded into any SPARQL store) and
the data: documents, mentions, evidence, claims, actors, outlets, price observations and the
PROV-O record of the run. Wall-clock time is kept out of the graph (it would break byte-identical
output); :func:`write_run_log` records it beside the graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from weakref import WeakKeyDictionary

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import OWL as _OWL
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS
from rdflib.namespace import XSD as _XSD
from rdflib.plugins.serializers.nt import _nt_row, _quote_encode

from kg import __version__
from kg.copies import Report
from kg.extract import Extraction
from kg.files import atomic_output, write_atomic
from kg.formats import by_name
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
from kg.namespaces import ID, ROLE_IRIS, SLOTS, bind_all
from kg.namespaces import NIF as _NIF
from kg.namespaces import PRK as _PRK
from kg.namespaces import SCHEMA as _SCHEMA
from kg.vocabulary import jsonld_context, vocabulary_graph


class _Terms:
    """A namespace whose terms are made once: emission names the same properties hundreds of
    thousands of times, and rdflib builds (and validates) a new URIRef on every access."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(self._namespace[name])
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)  # type: ignore[no-any-return]


NIF, PRK, PROV, RDF = _Terms(_NIF), _Terms(_PRK), _Terms(_PROV), _Terms(_RDF)
RDFS, DCTERMS, SCHEMA = _Terms(_RDFS), _Terms(_DCTERMS), _Terms(_SCHEMA)
XSD, OWL = _Terms(_XSD), _Terms(_OWL)

MODALITIES = {"asserted": PRK.Asserted, "denied": PRK.Denied, "recommended": PRK.Recommended}
_ZH = "zh"


class Lit(NamedTuple):
    """A literal as emission makes it: lexical form and language or datatype, no rdflib object.

    Emission makes hundreds of literals per document; rdflib's :class:`Literal` parses and
    checks each one. These are turned into rdflib terms (:func:`rdf_term`) for an in-memory
    graph, or written straight as N-Triples (:func:`nt_term`) when streaming.
    """

    lexical: str
    lang: str | None = None
    datatype: str | None = None


#: An emitted triple: IRIs as strings (URIRef or plain str), objects an IRI or a :class:`Lit`.
Light = tuple[str, str, "str | Lit"]

_NNI, _DECIMAL, _BOOLEAN = str(_XSD.nonNegativeInteger), str(_XSD.decimal), str(_XSD.boolean)
_DATE, _ANYURI = str(_XSD.date), str(_XSD.anyURI)


def _int(value: int) -> Lit:
    return Lit(str(value), None, _NNI)


def _dec(value: object) -> Lit:
    """xsd:decimal in canonical form (always a decimal point), so every syntax round-trips."""
    text = format(value, "f")
    return Lit(text if "." in text else text + ".0", None, _DECIMAL)


def _bool(value: bool) -> Lit:
    return Lit("true" if value else "false", None, _BOOLEAN)


def _zh(text: str) -> Lit:
    return Lit(text, _ZH)


def rdf_term(term: str | Lit) -> URIRef | Literal:
    """The rdflib term of an emitted object."""
    if isinstance(term, Lit):
        return Literal(term.lexical, lang=term.lang, datatype=term.datatype)
    return term if type(term) is URIRef else URIRef(term)


def nt_term(term: str | Lit) -> str:
    """The N-Triples form of an emitted object, as rdflib's serializer writes it."""
    if isinstance(term, Lit):
        encoded = _quote_encode(term.lexical)
        if term.lang:
            return f"{encoded}@{term.lang}"
        if term.datatype:
            return f"{encoded}^^<{term.datatype}>"
        return encoded
    return f"<{term}>"


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


Triple = tuple[URIRef, URIRef, URIRef | Literal]


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
        add((node, NIF.beginIndex, _int(start)))
        add((node, NIF.endIndex, _int(end)))
        add((node, NIF.anchorOf, Lit(quote)))
        add((node, PROV.wasGeneratedBy, self.run))

    def outlet(self, name: str | None) -> str | None:
        if not name:
            return None
        node = outlet_iri(name)
        self.add(node, RDF.type, PRK.Outlet)
        self.add(node, RDFS.label, _zh(name))
        return node

    def actor(self, actor: Actor) -> str:
        node = actor_node(actor)
        self.add(node, RDF.type, PRK[actor.kind])
        self.add(node, RDFS.label, _zh(actor.name))
        self.add(node, SCHEMA.name, _zh(actor.name))
        if actor.affiliation:
            self.add(node, PRK.affiliation, _zh(actor.affiliation))
        if actor.title:
            self.add(node, SCHEMA.jobTitle, _zh(actor.title))
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
        self.add(node, DCTERMS.title, _zh(d.title))
        self.add(node, NIF.isString, Lit(d.text))
        self.add(node, NIF.beginIndex, _int(0))
        self.add(node, NIF.endIndex, _int(len(d.text)))
        self.add(node, PRK.sourceFile, Lit(d.source_file))
        self.add(node, PRK.sha256, Lit(d.sha256))
        self.add(node, PRK.sourceEncoding, Lit(d.encoding))
        self.add(node, PRK.outlet, self.outlet(d.outlet))
        self.add(node, PRK.originalSource, self.outlet(d.original_source))
        if d.date:
            self.add(node, DCTERMS.issued, Lit(d.date.isoformat(), None, _DATE))
        if d.url:
            self.add(node, SCHEMA.url, Lit(d.url, None, _ANYURI))
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
            add((node, PRK.negated, _bool(m.negated)))
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
            self.add(node, PRK.amount, _dec(p.amount))
            self.add(node, PRK.currency, Lit(p.currency))
            if p.minimum is not None and p.maximum is not None:
                self.add(node, PRK.minAmount, _dec(p.minimum))
                self.add(node, PRK.maxAmount, _dec(p.maximum))
            self.add(node, PRK.quantity, _dec(p.quantity))
            self.add(node, PRK.unitPrice, _dec(p.unit_price))
            self.add(node, PRK.approximate, _bool(p.approximate))
            self.add(node, PRK.item, p.item)
            self.add(node, PRK.platform, p.platform)
            self.add(node, PROV.wasDerivedFrom, doc)
            self.add(node, PROV.wasGeneratedBy, self.run)
            if x.doc.date:
                self.add(node, DCTERMS.date, Lit(x.doc.date.isoformat(), None, _DATE))
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


def corpus_triples(
    run: URIRef, digest: str, reports: list[Report], support: dict[URIRef, set[str]]
) -> list[Triple]:
    """What only the whole corpus knows: the run, the reports of copies, each claim's support."""
    out: list[Triple] = [
        (run, RDF.type, PRK.ExtractionRun),
        (run, PRK.inputDigest, Literal(digest)),
        (run, PROV.wasAssociatedWith, EXTRACTOR),
        (EXTRACTOR, RDF.type, PRK.Extractor),
        (EXTRACTOR, RDFS.label, Literal("kg extractor", lang="en")),
        (EXTRACTOR, OWL.versionInfo, Literal(__version__)),
    ]

    def count(n: int) -> Literal:
        return Literal(n, datatype=XSD.nonNegativeInteger)

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
    return out


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
        graph.addN((rdf_term(s), rdf_term(p), rdf_term(o), graph) for s, p, o in self.triples)
        graph.addN((s, p, o, graph) for s, p, o in self.corpus)
        return graph

    def lines(self) -> list[str]:
        """The triples as N-Triples lines, in no order and possibly repeated; sorted and made
        unique they are the bytes that :func:`serialize` writes of :meth:`graph`."""
        lines = [_nt_line(t) for t in self.vocabulary]  # type: ignore[arg-type]
        lines += [_light_line(t) for t in self.triples]
        lines += [_nt_line(t) for t in self.corpus]
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
    for x in extractions:
        builder.extraction(x)
        for claim in claims_of(x):
            support.setdefault(claim, set()).add(x.doc.doc_id)
    if reports is None:
        reports = [Report(x.doc.doc_id, (x.doc.doc_id,), ()) for x in extractions]
    return Assembly(vocab, builder.triples, corpus_triples(run, digest, reports, support))


def build_graph(
    extractions: list[Extraction],
    reports: list[Report] | None = None,
    vocabulary: Graph | None = None,
) -> Graph:
    """The knowledge graph of ``extractions`` (see :func:`assemble`) as an rdflib graph."""
    return assemble(extractions, reports, vocabulary).graph()


def _light_line(triple: Light) -> str:
    s, p, o = triple
    return f"<{s}> <{p}> {nt_term(o)} .\n" if type(o) is Lit else f"<{s}> <{p}> <{o}> .\n"


def document_lines(x: Extraction, vocab: Graph) -> list[str]:
    """The N-Triples lines of one document (sorted, unique), its run named :data:`PENDING_RUN`."""
    builder = _Builder(PENDING_RUN, vocab)
    builder.extraction(x)
    return sorted({_light_line(t) for t in builder.triples})


def _nt_line(triple: Triple) -> str:
    """rdflib's N-Triples line for ``triple``; IRI-only triples are written directly, without
    re-checking IRIs that :mod:`kg.mint` made (the same bytes, a third of the time)."""
    s, p, o = triple
    if type(o) is URIRef and type(s) is URIRef:
        return f"<{s}> <{p}> <{o}> .\n"
    return str(_nt_row(triple))


#: Stands for the run in streamed lines until the whole input (and so its digest) is known.
PENDING_RUN = URIRef("urn:prkg:pending-run")
_DOC_SCOPED = tuple(f"<{ID}{kind}/" for kind in ("doc", "mention", "evidence", "price"))


def split_lines(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """A document's lines: those about its own nodes (document, mentions, evidence, prices),
    and those about nodes other documents share (claims, actors, outlets, the run)."""
    own: list[str] = []
    shared: list[str] = []
    for line in lines:
        (own if line.startswith(_DOC_SCOPED) else shared).append(line)
    return own, shared


def write_part(folder: Path, lines: Iterable[str]) -> tuple[str, int]:
    """Write ``lines`` to a new part file in ``folder``; (its path, the number of lines)."""
    fd, path = tempfile.mkstemp(prefix="part-", suffix=".nt", dir=folder)
    count = 0
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line)
            count += 1
    return path, count


class NTriplesStream:
    """Writes a graph as N-Triples one document at a time, in bounded memory.

    The lines about a document's own nodes go to *parts*, kept in input order: written here
    (:meth:`document`) or, in a pool of local workers, by the worker that made them
    (:meth:`part`), so that the parent process never handles them. The lines about shared
    nodes (claims, actors, outlets) are kept once, in the order first seen. :meth:`finish`
    joins the parts, the shared lines and the tail (vocabulary and corpus triples), names the
    run, and moves the file into place atomically. The bytes are the same whichever way the
    parts were written.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        out.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.parts.", dir=out.parent))
        self.parts: list[Path] = []
        self.own: Any = None  # the part this process writes, opened on first use
        self.seen: set[str] = set()
        self.shared = (self.folder / "shared.nt").open("w", encoding="utf-8", newline="\n")
        self.lines = 0

    def document(self, lines: Iterable[str]) -> None:
        """All the lines of one document."""
        own, shared = split_lines(lines)
        if self.own is None:
            path = self.folder / "own.nt"
            self.own = path.open("w", encoding="utf-8", newline="\n")
            self.parts.append(path)
        self.own.writelines(own)
        self.lines += len(own)
        self.shared_lines(shared)

    def part(self, path: str | Path, lines: int) -> None:
        """A part file a worker wrote in :attr:`folder` (document-scoped lines only)."""
        self.parts.append(Path(path))
        self.lines += lines

    def shared_lines(self, lines: Iterable[str]) -> None:
        for line in lines:
            if line not in self.seen:
                self.seen.add(line)
                self.shared.write(line)
                self.lines += 1

    def finish(self, run: URIRef, tail: Iterable[Triple]) -> int:
        """Complete the file with ``tail`` and the run's IRI; returns the number of lines."""
        self.shared_lines(sorted({_nt_line(t) for t in tail}))
        self._close()
        pending, named = PENDING_RUN.n3().encode(), run.n3().encode()
        try:
            with atomic_output(self.out) as dst:
                for path in [*self.parts, self.folder / "shared.nt"]:
                    _copy_renaming(path, dst, pending, named)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return self.lines

    def _close(self) -> None:
        if self.own is not None:
            self.own.close()
        self.shared.close()

    def abort(self) -> None:
        self._close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _copy_renaming(path: Path, dst: BinaryIO, old: bytes, new: bytes, block: int = 1 << 22) -> None:
    """Copy ``path`` into ``dst`` with ``old`` replaced by ``new``, a block of whole lines at a
    time (a line holds the whole IRI, so no replacement is cut in two)."""
    carry = b""
    with path.open("rb") as src:
        while chunk := src.read(block):
            chunk = carry + chunk
            cut = chunk.rfind(b"\n") + 1
            carry = chunk[cut:]
            dst.write(chunk[:cut].replace(old, new))
    dst.write(carry.replace(old, new))


def serialize(graph: Graph, fmt: str = "ttl") -> bytes:
    """Deterministic bytes of ``graph`` in ``fmt`` (ttl, nt or jsonld)."""
    if fmt == "nt":
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
        return b"".join(sorted(line for line in lines if line.strip()))
    if fmt == "jsonld":
        # Compact JSON-LD with the project's context (ontology/context.jsonld) inlined, so plain
        # JSON readers get short keys ("technique", "quote", "begin") and the file stays valid RDF.
        context = jsonld_context()
        data = json.loads(
            graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
        )
        items = data.get("@graph", [data]) if isinstance(data, dict) else data
        items = [{k: v for k, v in n.items() if k != "@context"} for n in items]
        items.sort(key=lambda n: str(n.get("iri", n.get("@id", ""))))
        for node in items:
            for values in node.values():
                if isinstance(values, list):
                    values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        out = {"@context": context, "@graph": items}
        return json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    return graph.serialize(format=by_name(fmt).rdflib, encoding="utf-8")


def write_run_log(path: Path, graph_path: Path, summary: dict[str, object]) -> None:
    """JSON record of a build: when it ran, with which version, and what it produced."""
    record = {
        "tool": "kg",
        "version": __version__,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "graph": str(graph_path),
        **summary,
    }
    write_atomic(path, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
