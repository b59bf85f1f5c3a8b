"""Where a build's documents go: one loop (:func:`kg.pipeline.run`) hands each document's result
to a *sink*, and the build modes differ only in the sink.

- :class:`CorpusSink` keeps the extractions (for evaluation, vocabulary candidates, tests);
- :class:`GraphSink` keeps them too, then makes the rdflib graph, replays the curators' edits,
  validates with SHACL and writes the graph file (``kg build``);
- :class:`StreamSink` writes each document's N-Triples lines as it comes, in memory that does
  not grow with the input (``kg build --stream``).

A sink has an *emitter*, a small picklable callable that runs where the extraction runs (in this
process, in local worker processes or on a Dask cluster) and turns a batch of extractions into
what the sink accepts, so that only that crosses between processes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from rdflib import Graph, URIRef

from kg import __version__
from kg.copies import Report, group_signatures
from kg.curate import Replay, replay, tracking_graph
from kg.edits import Edit
from kg.emit import (
    assemble,
    claims_of,
    corpus_triples,
    document_lines,
    frequencies_of,
    input_digest,
)
from kg.extract import Extraction
from kg.files import write_atomic
from kg.frequencies import Frequencies
from kg.mint import run_iri
from kg.namespaces import PRK
from kg.ntriples import NTriplesStream, split_lines, write_part
from kg.read import Problem
from kg.serialize import serialize, write_run_log
from kg.shapes_sparql import Unsupported
from kg.terms import RDF, Triple
from kg.validate import Report as ValidationReport
from kg.validate import validate_graph, validate_source
from kg.vocabulary import vocabulary_graph

if TYPE_CHECKING:
    from datasketch import MinHash

P = TypeVar("P")
P_co = TypeVar("P_co", covariant=True)


@dataclass(frozen=True)
class Summary:
    """What the build statistics keep of a document."""

    doc_id: str
    sha256: str
    claims: frozenset[URIRef]
    mentions: Counter[str]
    statements: Counter[str]
    prices: int
    frequencies: Counter[tuple[str, str]]

    @classmethod
    def of(cls, x: Extraction) -> Summary:
        return cls(
            x.doc.doc_id,
            x.doc.sha256,
            frozenset(claims_of(x)),
            Counter(m.role for m in x.mentions),
            Counter(c.modality for c in x.claims),
            len(x.prices),
            frequencies_of(x),
        )


@dataclass
class Processed(Generic[P]):
    """One document through read → clean → extract → the sink's emitter."""

    summary: Summary
    signature: MinHash
    payload: P


class Emitter(Protocol[P_co]):
    """Runs beside the extraction: a batch of extractions to one payload per document."""

    def __call__(self, batch: list[Extraction], vocab: Graph) -> Sequence[P_co]: ...


@dataclass
class BuildStats:
    """What the build loop counts, whatever the sink."""

    documents: list[tuple[str, str]] = field(default_factory=list)  # (id, raw sha256)
    problems: list[Problem] = field(default_factory=list)
    signatures: dict[str, MinHash] = field(default_factory=dict)
    support: dict[URIRef, set[str]] = field(default_factory=dict)
    mentions: Counter[str] = field(default_factory=Counter)
    statements: Counter[str] = field(default_factory=Counter)
    prices: int = 0
    frequencies: Frequencies = field(default_factory=Frequencies)
    _reports: list[Report] | None = None

    def add(self, done: Processed[Any]) -> None:
        x = done.summary
        self.documents.append((x.doc_id, x.sha256))
        self.signatures[x.doc_id] = done.signature
        for claim in x.claims:
            self.support.setdefault(claim, set()).add(x.doc_id)
        self.mentions.update(x.mentions)
        self.statements.update(x.statements)
        self.prices += x.prices
        self.frequencies.add(x.frequencies)

    @property
    def reports(self) -> list[Report]:
        """The documents grouped into reports of near-duplicate copies."""
        if self._reports is None:
            self._reports = group_signatures(self.signatures)
        return self._reports

    def counts(self) -> dict[str, object]:
        """The figures of the build summary and run log."""
        return {
            "documents": len(self.documents),
            "reports": len(self.reports),
            "inputs_not_read": [p.line() for p in self.problems],
            "mentions": dict(sorted(self.mentions.items())),
            "claim_statements": dict(sorted(self.statements.items())),
            "claims": len(self.support),
            "price_observations": self.prices,
        }


@dataclass
class Outcome:
    """What a sink made of the documents: the written file (if any) and what it adds to the
    counts; a graph sink also its graph, validation report and replayed curation."""

    written: Path | None = None
    #: Where the graph goes when it is good (``written`` is elsewhere when it is rejected).
    target: Path | None = None
    counts: dict[str, object] = field(default_factory=dict)
    extractions: list[Extraction] = field(default_factory=list)
    graph: Graph | None = None
    #: Makes ``graph`` when it was not needed to write the output (an unedited .nt build).
    make_graph: Callable[[], Graph] | None = None
    report: ValidationReport | None = None
    curation: Replay | None = None
    ok: bool = True
    orphaned: bool = False


class Sink(Protocol[P]):
    @property
    def emitter(self) -> Emitter[P]: ...

    def accept(self, payload: P) -> None: ...

    def finish(self, stats: BuildStats) -> Outcome: ...

    def abort(self) -> None: ...


@dataclass(frozen=True)
class Keep:
    """The emitter that sends the extractions themselves back."""

    def __call__(self, batch: list[Extraction], vocab: Graph) -> list[Extraction]:
        return batch


class CorpusSink:
    """Keeps the extractions, in document-id order."""

    emitter: Emitter[Extraction] = Keep()

    def __init__(self) -> None:
        self.extractions: list[Extraction] = []

    def accept(self, payload: Extraction) -> None:
        self.extractions.append(payload)

    def finish(self, stats: BuildStats) -> Outcome:
        self.extractions.sort(key=lambda x: x.doc.doc_id)
        return Outcome(extractions=self.extractions)

    def abort(self) -> None:
        self.extractions.clear()


def _validate_lines(data: bytes) -> ValidationReport | None:
    """The report of the oxigraph engine on N-Triples ``data`` (None where it does not apply)."""
    try:
        return validate_source(data, "nt")
    except Unsupported:
        return None


@dataclass
class GraphSink(CorpusSink):
    """The whole graph in memory: made, curated, validated, written atomically to ``out``.

    A graph with SHACL violations, or with a curator's edit that no longer applies (unless
    ``allow_orphans``), is not written over ``out``: it goes to ``<out>.rejected.<fmt>``.
    """

    out: Path
    fmt: str = "ttl"
    validate: bool = True
    edits: tuple[Edit, ...] = ()
    allow_orphans: bool = False

    def __post_init__(self) -> None:
        CorpusSink.__init__(self)

    def finish(self, stats: BuildStats) -> Outcome:
        outcome = super().finish(stats)
        parts = assemble(outcome.extractions, stats.reports)
        # Unedited, the graph is exactly ``parts``, whose N-Triples lines are made far faster
        # than rdflib serialises a graph. The oxigraph validation engine reads them, in a thread
        # while rdflib builds its graph for other formats (Oxigraph does not hold Python's lock).
        # An .nt output is the lines themselves, sorted and without repeats, and no rdflib graph
        # is made for it (the library's BuildResult.graph makes one when asked). Edited graphs,
        # and shapes that engine does not translate, are validated from the rdflib graph.
        use_lines = not self.edits and (self.validate or self.fmt == "nt")
        lines = parts.lines() if use_lines else None
        unique = sorted(set(lines)) if lines is not None and self.fmt == "nt" else None
        written = "".join(unique).encode() if unique is not None else None
        checked = None
        if lines is not None and self.validate:
            checked = written if written is not None else "".join(lines).encode()
        graph: Graph | None = None
        with ThreadPoolExecutor(1) as pool:
            early = pool.submit(_validate_lines, checked) if checked else None
            if unique is None:
                graph = parts.graph()
                if self.edits:
                    graph = tracking_graph(graph)
                    outcome.curation = replay(graph, self.edits)
            report = early.result() if early else None
        outcome.graph = graph
        outcome.make_graph = parts.graph if graph is None else None
        if self.validate and report is None:
            report = validate_graph(graph if graph is not None else parts.graph())
        outcome.report = report
        outcome.orphaned = bool(outcome.curation and outcome.curation.orphans)
        outcome.orphaned &= not self.allow_orphans
        outcome.ok = (outcome.report is None or outcome.report.conforms) and not outcome.orphaned
        if unique is not None and written is not None:
            claim = f"<{RDF.type}> <{PRK.Claim}> .\n"
            outcome.counts = {
                "claims": sum(1 for line in unique if line.endswith(claim)),
                "triples": len(unique),
            }
            data = written
        else:
            assert graph is not None
            outcome.counts = {
                "claims": len(set(graph.subjects(RDF.type, PRK.Claim))),
                "triples": len(graph),
            }
            data = serialize(graph, self.fmt)
        target = self.out if outcome.ok else self.out.with_suffix(f".rejected.{self.fmt}")
        write_atomic(target, data)
        outcome.written, outcome.target = target, self.out
        if outcome.ok:
            report = outcome.report
            outcome.counts["validation"] = report.summary() if report else "skipped"
        return outcome


@dataclass(frozen=True)
class Lines:
    """A document's N-Triples lines (only the shared ones when a worker wrote its own lines to
    a part file); on the last document of such a batch, that part file and its line count."""

    lines: list[str]
    part: tuple[str, int] | None = None


@dataclass(frozen=True)
class EmitLines:
    """The emitter of a streamed build. With ``parts`` (a folder on a disk the workers share),
    each batch's document-scoped lines are written there by the worker."""

    parts: str | None = None

    def __call__(self, batch: list[Extraction], vocab: Graph) -> list[Lines]:
        out, own = [], []
        for x in batch:
            lines = document_lines(x, vocab)
            if self.parts is not None:
                mine, lines = split_lines(lines)
                own += mine
            out.append(Lines(lines))
        if self.parts is not None and out:
            out[-1] = Lines(out[-1].lines, write_part(Path(self.parts), own))
        return out


class StreamSink:
    """N-Triples written document by document (see :class:`kg.ntriples.NTriplesStream`); only
    the documents' ids, signatures and claim keys are kept, for the corpus triples written last.
    The triples are those of :class:`GraphSink` (the same graph, in another order)."""

    def __init__(self, out: Path, local_disk: bool = True) -> None:
        self.stream = NTriplesStream(out)
        self.parts = str(self.stream.folder) if local_disk else None
        self.emitter: Emitter[Lines] = EmitLines(self.parts)

    def accept(self, payload: Lines) -> None:
        if self.parts is None:
            self.stream.document(payload.lines)
            return
        self.stream.shared_lines(payload.lines)
        if payload.part:
            self.stream.part(*payload.part)

    def finish(self, stats: BuildStats) -> Outcome:
        digest = input_digest(stats.documents)
        run = run_iri(__version__, digest)
        tail: list[Triple] = list(vocabulary_graph())  # type: ignore[arg-type]
        tail += corpus_triples(run, digest, stats.reports, stats.support, stats.frequencies)
        triples = self.stream.finish(run, tail)
        counts: dict[str, object] = {
            "triples": triples,
            "validation": "not run (streamed build: run `kg validate` on the file)",
        }
        return Outcome(self.stream.out, self.stream.out, counts)

    def abort(self) -> None:
        self.stream.abort()


def write_log(out: Path, counts: dict[str, object]) -> None:
    """The run log beside a graph written in place."""
    write_run_log(out.with_suffix(".run.json"), out, counts)
