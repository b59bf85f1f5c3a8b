"""The pipeline as one library call: read → clean → extract → emit → validate.

``kg build`` is a thin wrapper around :func:`build`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg import __version__
from kg.clean import clean
from kg.copies import Report, group_signatures, signature
from kg.curate import Replay, replay, tracking_graph, vocabulary_with_edits
from kg.edits import Edit, edit_files, read_edit
from kg.emit import (
    NTriplesStream,
    Triple,
    assemble,
    claims_of,
    corpus_triples,
    document_lines,
    input_digest,
    serialize,
    split_lines,
    write_part,
    write_run_log,
)
from kg.errors import InputError
from kg.executors import Executor, batched, make_executor
from kg.extract import Extraction, extract
from kg.files import write_atomic
from kg.lexicon import Lexicon, build_lexicon, default_lexicon
from kg.mint import run_iri
from kg.namespaces import PRK
from kg.normalize import normalize
from kg.query import load_graph, ntriples_graph
from kg.read import DEFAULT_MAX_BYTES, Problem, RawDocument, iter_inputs, read_inputs
from kg.validate import Report as ValidationReport
from kg.validate import load_shapes, validate_graph
from kg.vocabulary import vocabulary_graph

if TYPE_CHECKING:
    from datasketch import MinHash

DEFAULT_OUT = Path("build/graph.ttl")
DEFAULT_CURATION = Path("curation")


@dataclass
class Corpus:
    """What was read and extracted, and the inputs that could not be read."""

    extractions: list[Extraction]
    problems: list[Problem]
    reports: list[Report] = field(default_factory=list)


@dataclass
class BuildResult:
    """What a build read, found and wrote."""

    graph: Graph
    corpus: Corpus
    report: ValidationReport | None
    written: Path | None
    counts: dict[str, object] = field(default_factory=dict)
    curation: Replay | None = None
    allow_orphans: bool = False

    @property
    def extractions(self) -> list[Extraction]:
        return self.corpus.extractions

    @property
    def orphaned(self) -> bool:
        """Whether a curator's edit no longer applies (and that is not allowed)."""
        return bool(self.curation and self.curation.orphans) and not self.allow_orphans

    @property
    def ok(self) -> bool:
        return (self.report is None or self.report.conforms) and not self.orphaned


@dataclass(frozen=True)
class Summary:
    """What a streamed build keeps of a document once its lines are written."""

    doc_id: str
    sha256: str
    claims: frozenset[URIRef]
    mentions: Counter[str]
    statements: Counter[str]
    prices: int

    @classmethod
    def of(cls, x: Extraction) -> Summary:
        return cls(
            x.doc.doc_id,
            x.doc.sha256,
            frozenset(claims_of(x)),
            Counter(m.role for m in x.mentions),
            Counter(c.modality for c in x.claims),
            len(x.prices),
        )


@dataclass
class Processed:
    """One document through read → clean → extract; when streaming, emitted as N-Triples
    lines and summarised instead (the extraction itself is not sent back to the parent)."""

    doc_id: str
    signature: MinHash
    extraction: Extraction | None = None
    lines: list[str] | None = None
    summary: Summary | None = None
    #: On the last document of a batch whose own lines a worker wrote: that part file.
    part: tuple[str, int] | None = None


_STATE: dict[str, tuple[Lexicon, Graph]] = {}


def _state(edits: tuple[Edit, ...]) -> tuple[Lexicon, Graph]:
    """Lexicon and vocabulary for ``edits``, built once per process and kept."""
    key = hashlib.sha256("\0".join(e.text for e in edits).encode()).hexdigest()
    if key not in _STATE:
        vocab = vocabulary_graph()
        lexicon = build_lexicon(vocabulary_with_edits(vocab, edits)) if edits else default_lexicon()
        lexicon.pos()  # the part-of-speech dictionary, loaded now rather than per worker
        _STATE[key] = (lexicon, vocab)
    return _STATE[key]


@dataclass(frozen=True)
class Task:
    """The per-document work, as a picklable callable over a batch of documents."""

    edits: tuple[Edit, ...] = ()
    lines: bool = False
    #: A folder to write the documents' own lines to (one part file per batch), sending back
    #: only the shared lines; None sends every line back.
    parts: str | None = None

    def load(self) -> None:
        _state(self.edits)

    def __call__(self, batch: list[RawDocument]) -> list[Processed]:
        lexicon, vocab = _state(self.edits)
        out = []
        own: list[str] = []
        for raw in batch:
            doc = clean(raw)
            view = normalize(doc.text)
            x = extract(doc, lexicon, view)
            sig = signature(doc.text, view.text)
            if not self.lines:
                out.append(Processed(x.doc.doc_id, sig, x))
                continue
            lines = document_lines(x, vocab)
            if self.parts is not None:
                mine, lines = split_lines(lines)
                own += mine
            out.append(Processed(x.doc.doc_id, sig, None, lines, Summary.of(x)))
        if self.parts is not None and out:
            out[-1].part = write_part(Path(self.parts), own)
        return out


def _processed(
    docs: Iterable[RawDocument], task: Task, executor: Executor | None
) -> Iterator[Processed]:
    runner = executor or make_executor(1, initializer=task.load)
    try:
        for results in runner.map(task, batched(docs)):
            yield from results
    finally:
        if executor is None:
            runner.close()


def extract_inputs(
    inputs: Iterable[Path | str],
    progress: Callable[[str], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    edits: Sequence[Edit] = (),
    executor: Executor | None = None,
) -> Corpus:
    """Read, clean and extract every input; group near-duplicate documents into reports."""
    raws, problems = read_inputs(inputs, max_bytes)
    extractions, signatures = [], {}
    for done in _processed(raws, Task(tuple(edits)), executor):
        assert done.extraction is not None
        extractions.append(done.extraction)
        signatures[done.doc_id] = done.signature
        if progress:
            progress(done.doc_id)
    return Corpus(extractions, problems, group_signatures(signatures))


def extract_paths(paths: Iterable[Path | str]) -> list[Extraction]:
    """Extractions of ``paths``; any input that cannot be read raises :class:`InputError`."""
    corpus = extract_inputs(paths)
    if corpus.problems:
        raise InputError(corpus.problems[0].line())
    return corpus.extractions


def summarise(corpus: Corpus, graph: Graph) -> dict[str, object]:
    """Counts for the build summary."""
    extractions = corpus.extractions
    mentions = Counter(m.role for x in extractions for m in x.mentions)
    modality = Counter(c.modality for x in extractions for c in x.claims)
    return {
        "documents": len(extractions),
        "reports": len(corpus.reports),
        "inputs_not_read": [p.line() for p in corpus.problems],
        "mentions": dict(sorted(mentions.items())),
        "claim_statements": dict(sorted(modality.items())),
        "claims": len(set(graph.subjects(RDF.type, PRK.Claim))),
        "price_observations": sum(len(x.prices) for x in extractions),
        "triples": len(graph),
    }


def build(
    inputs: Iterable[Path | str],
    out: Path = DEFAULT_OUT,
    fmt: str = "ttl",
    validate: bool = True,
    progress: Callable[[str], None] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    curation: Path | None = DEFAULT_CURATION,
    executor: Executor | None = None,
    allow_orphans: bool = False,
) -> BuildResult:
    """Build the graph from ``inputs`` and write it to ``out`` atomically.

    Inputs that cannot be read are reported and skipped; with ``strict`` any such report is a
    failure (:class:`InputError`, nothing written). A graph with SHACL violations is not written
    over ``out``: it goes to ``<out>.rejected.<fmt>`` and the previous good graph stays in place.

    The accepted edits in ``curation`` are replayed on the fresh extraction, in file-name order;
    vocabulary edits (a new altLabel) take effect in the extraction itself. An edit whose IRIs
    moved is re-anchored; one whose anchor no longer resolves is an orphan, and a graph with
    orphans is written to the rejected file like one with violations, unless ``allow_orphans``
    (a curator's decision is never dropped silently).
    """
    edits = [read_edit(p) for p in edit_files(curation)] if curation else []
    corpus = extract_inputs(inputs, progress, max_bytes, edits, executor)
    if not corpus.extractions:
        first = corpus.problems[0].line() if corpus.problems else "no input given"
        raise InputError(f"no document could be read ({first})")
    if strict and corpus.problems:
        raise InputError(
            f"{corpus.problems[0].line()} (--strict: {len(corpus.problems)} input(s) not read)"
        )
    parts = assemble(corpus.extractions, corpus.reports)
    # Unedited, the graph is exactly ``parts``, whose N-Triples lines are made far faster than
    # rdflib serialises a graph: they are the .nt output, and what Oxigraph loads for the SPARQL
    # rules, in a thread while rdflib builds its graph (Oxigraph does not hold Python's lock).
    lines = parts.lines() if not edits and (validate or fmt == "nt") else None
    with ThreadPoolExecutor(1) as pool:
        early = pool.submit(ntriples_graph, "".join(lines).encode()) if validate and lines else None
        graph = parts.graph()
        replayed = None
        if edits:
            graph = tracking_graph(graph)
            replayed = replay(graph, edits)
        oxigraph = early.result() if early else None
    report = validate_graph(graph, oxigraph=oxigraph) if validate else None
    counts = summarise(corpus, graph)
    data = "".join(sorted(set(lines))).encode() if fmt == "nt" and lines else serialize(graph, fmt)
    result = BuildResult(graph, corpus, report, None, counts, replayed, allow_orphans)
    target = out if result.ok else out.with_suffix(f".rejected.{fmt}")
    write_atomic(target, data)
    if target == out:
        counts["validation"] = report.summary() if report else "skipped"
        write_run_log(out.with_suffix(".run.json"), out, counts)
    result.written = target
    return result


@dataclass
class StreamResult:
    """What a streamed build read and wrote (the graph itself is only on disk)."""

    written: Path
    problems: list[Problem]
    counts: dict[str, object]


def build_stream(
    inputs: Iterable[Path | str],
    out: Path,
    progress: Callable[[str], None] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    executor: Executor | None = None,
) -> StreamResult:
    """Build the graph as N-Triples, one document at a time, in memory that does not grow with
    the text: documents are read, extracted and written as they come, and only their ids,
    MinHash signatures and claim keys are kept for the corpus-level triples written last.

    The triples are those of :func:`build` (the same graph, in another order). Curation edits
    are not replayed (they need the whole graph): use :func:`build` for a curated graph. The
    file is moved into place only when complete; with ``strict``, an unreadable input stops
    the build and leaves the previous file as it was.
    """
    stream = NTriplesStream(out)
    problems: list[Problem] = []
    inputs_read: list[tuple[str, str]] = []
    signatures: dict[str, MinHash] = {}
    support: dict[URIRef, set[str]] = {}
    mentions: Counter[str] = Counter()
    modality: Counter[str] = Counter()
    prices = 0

    def documents() -> Iterator[RawDocument]:
        for item in iter_inputs(inputs, max_bytes):
            if isinstance(item, Problem):
                if strict:
                    raise InputError(f"{item.line()} (--strict)")
                problems.append(item)
            else:
                yield item

    local_disk = executor is None or executor.local_disk
    task = Task(lines=True, parts=str(stream.folder) if local_disk else None)
    try:
        for done in _processed(documents(), task, executor):
            x = done.summary
            assert x is not None
            if task.parts is None:
                stream.document(done.lines or ())
            else:
                stream.shared_lines(done.lines or ())
                if done.part:
                    stream.part(*done.part)
            inputs_read.append((x.doc_id, x.sha256))
            signatures[x.doc_id] = done.signature
            for claim in x.claims:
                support.setdefault(claim, set()).add(x.doc_id)
            mentions.update(x.mentions)
            modality.update(x.statements)
            prices += x.prices
            if progress:
                progress(x.doc_id)
        if not inputs_read:
            first = problems[0].line() if problems else "no input given"
            raise InputError(f"no document could be read ({first})")
        digest = input_digest(inputs_read)
        run = run_iri(__version__, digest)
        tail: list[Triple] = list(vocabulary_graph()) + corpus_triples(  # type: ignore[assignment]
            run, digest, group_signatures(signatures), support
        )
        triples = stream.finish(run, tail)
    except BaseException:
        stream.abort()
        raise
    counts: dict[str, object] = {
        "documents": len(inputs_read),
        "inputs_not_read": [p.line() for p in problems],
        "mentions": dict(sorted(mentions.items())),
        "claim_statements": dict(sorted(modality.items())),
        "claims": len(support),
        "price_observations": prices,
        "triples": triples,
        "validation": "not run (streamed build: run `kg validate` on the file)",
    }
    write_run_log(out.with_suffix(".run.json"), out, counts)
    return StreamResult(out, problems, counts)


def read_for_validation(path: Path, engine: str = "fast") -> tuple[Graph, Graph | None]:
    """A graph file as :func:`validate_graph` takes it: in rdflib, and with the fast engine
    also in Oxigraph for the SPARQL rules (faster than copying the rdflib graph there). Oxigraph
    reads in a thread while rdflib reads: it does not hold Python's lock."""
    if engine != "fast":
        return load_graph(path), None
    with ThreadPoolExecutor(1) as pool:
        oxigraph = pool.submit(load_graph, path, "oxigraph")
        data = load_graph(path)
        return data, oxigraph.result()


def validate_file(
    path: Path, waivers: Path | None = None, lang: str = "en", engine: str = "fast"
) -> ValidationReport:
    """Validate a graph file (``kg validate``). An empty graph is bad input, not a graph that
    conforms: nothing in it was checked."""
    data, oxigraph = read_for_validation(path, engine)
    if len(data) == 0:
        raise InputError(f"{path}: the graph holds no triples (nothing to validate)")
    return validate_graph(data, load_shapes(waivers), lang=lang, engine=engine, oxigraph=oxigraph)
