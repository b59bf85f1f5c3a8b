"""The pipeline as one library call: read → clean → extract → emit → validate.

``kg build`` is a thin wrapper around :func:`build`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from kg.clean import clean
from kg.copies import Report, group_copies
from kg.curate import Replay, edit_files, read_edit, replay, tracking_graph, vocabulary_with_edits
from kg.emit import build_graph, serialize, write_atomic, write_run_log
from kg.extract import Extraction, extract
from kg.lexicon import Lexicon, build_lexicon, default_lexicon
from kg.namespaces import PRK
from kg.read import DEFAULT_MAX_BYTES, InputError, Problem, read_inputs
from kg.resources import vocabulary_graph
from kg.validate import Report as ValidationReport
from kg.validate import validate_graph

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

    @property
    def extractions(self) -> list[Extraction]:
        return self.corpus.extractions

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.conforms


def extract_inputs(
    inputs: Iterable[Path | str],
    progress: Callable[[str], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    lexicon: Lexicon | None = None,
) -> Corpus:
    """Read, clean and extract every input; group near-duplicate documents into reports."""
    lex = lexicon if lexicon is not None else default_lexicon()
    raws, problems = read_inputs(inputs, max_bytes)
    extractions = []
    for raw in raws:
        extractions.append(extract(clean(raw), lex))
        if progress:
            progress(raw.doc_id)
    reports = group_copies({x.doc.doc_id: x.doc.text for x in extractions})
    return Corpus(extractions, problems, reports)


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
) -> BuildResult:
    """Build the graph from ``inputs`` and write it to ``out`` atomically.

    Inputs that cannot be read are reported and skipped; with ``strict`` any such report is a
    failure (:class:`InputError`, nothing written). A graph with SHACL violations is not written
    over ``out``: it goes to ``<out>.rejected.<fmt>`` and the previous good graph stays in place.

    The accepted edits in ``curation`` are replayed on the fresh extraction, in file-name order;
    vocabulary edits (a new altLabel) take effect in the extraction itself.
    """
    edits = [read_edit(p) for p in edit_files(curation)] if curation else []
    lexicon = build_lexicon(vocabulary_with_edits(vocabulary_graph(), edits)) if edits else None
    corpus = extract_inputs(inputs, progress, max_bytes, lexicon)
    if not corpus.extractions:
        first = corpus.problems[0].line() if corpus.problems else "no input given"
        raise InputError(f"no document could be read ({first})")
    if strict and corpus.problems:
        raise InputError(
            f"{corpus.problems[0].line()} (--strict: {len(corpus.problems)} input(s) not read)"
        )
    graph = build_graph(corpus.extractions, corpus.reports)
    replayed = None
    if edits:
        graph = tracking_graph(graph)
        replayed = replay(graph, edits)
    report = validate_graph(graph) if validate else None
    counts = summarise(corpus, graph)
    data = serialize(graph, fmt)
    target = out if report is None or report.conforms else out.with_suffix(f".rejected.{fmt}")
    write_atomic(target, data)
    if target == out:
        counts["validation"] = report.summary() if report else "skipped"
        write_run_log(out.with_suffix(".run.json"), out, counts)
    return BuildResult(graph, corpus, report, target, counts, replayed)
