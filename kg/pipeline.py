"""The pipeline as one library call: read → clean → extract → emit → validate.

One loop (:func:`run`) reads the inputs, extracts each document where the executor runs it, and
hands the result to a sink (:mod:`kg.sinks`): an in-memory graph, validated and written; an
N-Triples stream; or the extractions themselves. ``kg build`` is :func:`build_command`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from rdflib import Graph

from kg.clean import clean
from kg.copies import Report, signature
from kg.curate import Replay, vocabulary_with_edits
from kg.edits import Edit, edit_files, read_edit
from kg.errors import InputError, UsageError
from kg.executors import Executor, batched, make_executor
from kg.extract import Extraction, extract
from kg.fold import fold
from kg.formats import OUTPUT_FORMATS, for_path
from kg.graphs import load_graph
from kg.lexicon import Lexicon, build_lexicon, default_lexicon
from kg.locks import writing
from kg.normalize import normalize
from kg.read import DEFAULT_MAX_BYTES, Problem, RawDocument, iter_inputs
from kg.shapes_sparql import Unsupported
from kg.sinks import (
    BuildStats,
    CorpusSink,
    Emitter,
    GraphSink,
    Keep,
    Outcome,
    Processed,
    Sink,
    StreamSink,
    Summary,
    write_log,
)
from kg.validate import Report as ValidationReport
from kg.validate import load_shapes, validate_graph, validate_source
from kg.vocabulary import vocabulary_graph

DEFAULT_OUT = Path("build/graph.ttl")
DEFAULT_CURATION = Path("curation")

P = TypeVar("P")


@lru_cache(maxsize=4)
def resources(edits: tuple[Edit, ...] = ()) -> tuple[Lexicon, Graph]:
    """Lexicon and vocabulary for ``edits``, made once per process (and per set of edits)."""
    vocab = vocabulary_graph()
    lexicon = build_lexicon(vocabulary_with_edits(vocab, edits)) if edits else default_lexicon()
    lexicon.pos()  # the part-of-speech dictionary, loaded now rather than per worker
    return lexicon, vocab


@dataclass(frozen=True)
class Task:
    """The per-document work, as a picklable callable over a batch of documents: clean,
    normalise, extract, then the sink's emitter."""

    edits: tuple[Edit, ...] = ()
    emitter: Emitter[Any] = Keep()

    def load(self) -> None:
        resources(self.edits)

    def __call__(self, batch: list[RawDocument]) -> list[Processed[Any]]:
        lexicon, vocab = resources(self.edits)
        extractions, signatures = [], []
        for raw in batch:
            doc = clean(raw)
            view = normalize(doc.text)
            extractions.append(extract(doc, lexicon, view))
            signatures.append(signature(doc.text, view.text))
        payloads = self.emitter(extractions, vocab)
        return [
            Processed(Summary.of(x), sig, payload)
            for x, sig, payload in zip(extractions, signatures, payloads, strict=True)
        ]


def _processed(
    docs: Iterable[RawDocument], task: Task, executor: Executor | None
) -> Iterator[Processed[Any]]:
    runner = executor or make_executor(1, initializer=task.load)
    try:
        for results in runner.map(task, batched(docs)):
            yield from results
    finally:
        if executor is None:
            runner.close()


@dataclass
class BuildResult:
    """What a build read, found and wrote."""

    stats: BuildStats
    outcome: Outcome
    counts: dict[str, object] = field(default_factory=dict)

    @property
    def written(self) -> Path | None:
        return self.outcome.written

    @property
    def extractions(self) -> list[Extraction]:
        return self.outcome.extractions

    @property
    def problems(self) -> list[Problem]:
        return self.stats.problems

    @property
    def reports(self) -> list[Report]:
        return self.stats.reports

    @property
    def graph(self) -> Graph:
        if self.outcome.graph is None and self.outcome.make_graph is not None:
            self.outcome.graph = self.outcome.make_graph()
        if self.outcome.graph is None:
            raise ValueError("this build kept no graph in memory (it was streamed)")
        return self.outcome.graph

    @property
    def report(self) -> ValidationReport | None:
        return self.outcome.report

    @property
    def curation(self) -> Replay | None:
        return self.outcome.curation

    @property
    def orphaned(self) -> bool:
        """Whether a curator's edit no longer applies (and that is not allowed)."""
        return self.outcome.orphaned

    @property
    def ok(self) -> bool:
        return self.outcome.ok

    def lines(self) -> Iterator[tuple[str, bool]]:
        """The build summary as ``kg build`` prints it: (line, whether it goes to stderr)."""
        c = self.counts
        for text in fold(
            self.problems,
            key=lambda p: p.reason,
            example=lambda p: p.where,
            line=lambda p: p.line(),
        ):
            yield f"kg: not read: {text}", True
        yield (
            f"documents read: {c['documents']} ({c['reports']} reports after grouping copies)",
            False,
        )
        if self.problems:
            yield (
                f"inputs not read: {len(self.problems)} (listed above; --strict fails on them)",
                False,
            )
        yield "mentions: " + _items(c["mentions"]), False
        yield f"claims: {c['claims']} (statements: {_items(c['claim_statements'])})", False
        yield f"price observations: {c['price_observations']}", False
        yield f"triples: {c['triples']}", False
        if self.curation is not None:
            for text in self.curation.lines():
                yield text, text.lstrip().startswith("ORPHANED")
        if self.report is None:
            yield f"validation: {c.get('validation', 'skipped')}", False
        else:
            yield self.report.summary(), False
            yield from (("  " + text, False) for text in self.report.lines())
        yield from self._verdict()

    def _verdict(self) -> Iterator[tuple[str, bool]]:
        if self.ok:
            yield f"graph written to {self.written}", False
            return
        why = " — curator edits orphaned (kg edit rebase; --allow-orphans)" if self.orphaned else ""
        out = self.outcome.target
        yield f"graph NOT written to {out}; the rejected graph is in {self.written}{why}", True


def _items(counts: object) -> str:
    return ", ".join(f"{k} {v}" for k, v in dict(counts).items())  # type: ignore[call-overload]


def run(
    inputs: Iterable[Path | str],
    sink: Sink[P],
    edits: Sequence[Edit] = (),
    executor: Executor | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] | None = None,
) -> BuildResult:
    """The build loop: every input read, extracted and handed to ``sink``.

    An input that cannot be read is reported and skipped; with ``strict`` it stops the build
    (:class:`InputError`) and the sink is aborted, writing nothing. No readable document at all
    is an :class:`InputError` too.
    """
    stats = BuildStats()

    def documents() -> Iterator[RawDocument]:
        for item in iter_inputs(inputs, max_bytes):
            if isinstance(item, Problem):
                if strict:
                    raise InputError(f"{item.line()} (--strict: an input could not be read)")
                stats.problems.append(item)
            else:
                yield item

    try:
        for done in _processed(documents(), Task(tuple(edits), sink.emitter), executor):
            stats.add(done)
            sink.accept(done.payload)
            if progress:
                progress(done.summary.doc_id)
        if not stats.documents:
            first = stats.problems[0].line() if stats.problems else "no input given"
            raise InputError(f"no document could be read ({first})")
        outcome = sink.finish(stats)
    except BaseException:
        sink.abort()
        raise
    result = BuildResult(stats, outcome, {**stats.counts(), **outcome.counts})
    if outcome.ok and outcome.written is not None:
        write_log(outcome.written, result.counts)
    return result


def extract_inputs(
    inputs: Iterable[Path | str],
    progress: Callable[[str], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    edits: Sequence[Edit] = (),
    executor: Executor | None = None,
) -> BuildResult:
    """Read, clean and extract every input (extractions in document-id order); inputs that
    cannot be read are in ``problems``, near-duplicate documents grouped in ``reports``."""
    return run(inputs, CorpusSink(), edits, executor, max_bytes=max_bytes, progress=progress)


def extract_paths(
    paths: Iterable[Path | str], progress: Callable[[str], None] | None = None
) -> list[Extraction]:
    """Extractions of ``paths``; any input that cannot be read raises :class:`InputError`."""
    return run(paths, CorpusSink(), strict=True, progress=progress).extractions


def curation_edits(curation: Path | None) -> tuple[Edit, ...]:
    """The accepted edits in a curation folder, in file-name order."""
    return tuple(read_edit(p) for p in edit_files(curation)) if curation else ()


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
    """Build the graph from ``inputs`` in memory and write it to ``out`` atomically.

    A graph with SHACL violations is not written over ``out``: it goes to
    ``<out>.rejected.<fmt>`` and the previous good graph stays in place.

    The accepted edits in ``curation`` are replayed on the fresh extraction, in file-name order;
    vocabulary edits (a new altLabel) take effect in the extraction itself. An edit whose IRIs
    moved is re-anchored; one whose anchor no longer resolves is an orphan, and a graph with
    orphans is written to the rejected file like one with violations, unless ``allow_orphans``
    (a curator's decision is never dropped silently).
    """
    edits = curation_edits(curation)
    sink = GraphSink(out, fmt, validate, edits, allow_orphans)
    return run(inputs, sink, edits, executor, strict, max_bytes, progress)


def build_stream(
    inputs: Iterable[Path | str],
    out: Path,
    progress: Callable[[str], None] | None = None,
    strict: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    executor: Executor | None = None,
) -> BuildResult:
    """Build the graph as N-Triples, one document at a time, in memory that does not grow with
    the text. The triples are those of :func:`build` (the same graph, in another order).
    Curation edits are not replayed (they need the whole graph): use :func:`build` for a
    curated graph. The file is moved into place only when complete."""
    sink = StreamSink(out, local_disk=executor is None or executor.local_disk)
    return run(inputs, sink, (), executor, strict, max_bytes, progress)


@dataclass(frozen=True)
class BuildOptions:
    """The options of ``kg build``."""

    inputs: tuple[str, ...] = ()
    out: Path = DEFAULT_OUT
    fmt: str | None = None
    validate: bool = True
    strict: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    curation: Path = DEFAULT_CURATION
    allow_orphans: bool = False
    jobs: int = 1
    cluster: str | None = None
    stream: bool = False

    def target(self) -> tuple[Path, str]:
        """The output file and format. Without ``--format``, the format is the output's by its
        suffix (ttl when it has none); ``--stream`` writes N-Triples, and the default output's
        suffix follows the format."""
        named = for_path(self.out) if self.out != DEFAULT_OUT else None
        if named is not None and self.fmt is not None and named.name != self.fmt:
            raise UsageError(
                f"--out {self.out} names a .{named.suffixes[0].lstrip('.')} file, "
                f"but --format asks for {self.fmt}"
            )
        if named is not None and named.name not in OUTPUT_FORMATS:
            raise UsageError(f"--out {self.out}: kg build writes {', '.join(OUTPUT_FORMATS)}")
        fmt = self.fmt or (named.name if named is not None else "ttl")
        if self.stream:
            if fmt not in ("ttl", "nt"):
                raise UsageError("--stream writes N-Triples (--format nt)")
            fmt = "nt"
        out = self.out
        if fmt != "ttl" and out == DEFAULT_OUT:
            out = out.with_suffix("." + fmt)
        return out, fmt


def build_command(
    options: BuildOptions, progress: Callable[[str], None] | None = None
) -> BuildResult:
    """``kg build``: the executor the options ask for, the output and the edits locked against
    other writers, and the build in memory or streamed."""
    out, fmt = options.target()
    sources: list[Path | str] = list(options.inputs) or [Path("seeds")]
    executor = make_executor(options.jobs, options.cluster, initializer=Task().load)
    curation = options.curation if options.curation.is_dir() and not options.stream else None
    try:
        with writing([out, curation]):
            if options.stream:
                return build_stream(
                    sources, out, progress, options.strict, options.max_bytes, executor
                )
            return build(
                sources, out, fmt, options.validate, progress, options.strict,
                options.max_bytes, curation, executor, options.allow_orphans,
            )  # fmt: skip
    finally:
        executor.close()


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


VALIDATION_STEPS = ("read", "validated")


def validate_file(
    path: Path,
    waivers: Path | None = None,
    lang: str = "en",
    engine: str = "auto",
    progress: Callable[[str], None] | None = None,
) -> ValidationReport:
    """Validate a graph file (``kg validate``). An empty graph is bad input, not a graph that
    conforms: nothing in it was checked. ``progress`` hears each of :data:`VALIDATION_STEPS`.

    ``auto`` runs the ``oxigraph`` engine where the shapes and the file allow it (N-Triples or
    Turtle, rules it translates) and the ``fast`` engine otherwise; all give the same report."""
    step = progress or (lambda _: None)
    shapes = load_shapes(waivers)
    found = for_path(path)
    if engine in ("auto", "oxigraph"):
        try:
            report = validate_source(path, found.name if found else "", shapes, lang, step)
        except Unsupported as err:
            if engine == "oxigraph":
                raise InputError(f"{path}: the oxigraph engine cannot check this ({err})") from None
        else:
            step("validated")
            return report
    fallback = "pyshacl" if engine == "pyshacl" else "fast"
    data, oxigraph = read_for_validation(path, fallback)
    if len(data) == 0:
        raise InputError(f"{path}: the graph holds no triples (nothing to validate)")
    step(f"read {len(data)} triples")
    report = validate_graph(data, shapes, lang=lang, engine=fallback, oxigraph=oxigraph)
    step("validated")
    return report
