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
from kg.emit import build_graph, serialize, write_atomic, write_run_log
from kg.extract import Extraction, extract
from kg.lexicon import default_lexicon
from kg.namespaces import PRK
from kg.read import expand_inputs, read_document
from kg.validate import Report, validate_graph

DEFAULT_OUT = Path("build/graph.ttl")


@dataclass
class BuildResult:
    """What a build read, found and wrote."""

    graph: Graph
    extractions: list[Extraction]
    report: Report | None
    written: Path | None
    counts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report is None or self.report.conforms


def extract_paths(
    paths: Iterable[Path], progress: Callable[[Path], None] | None = None
) -> list[Extraction]:
    """Read, clean and extract every article under ``paths`` (files or folders)."""
    lex = default_lexicon()
    out = []
    for path in expand_inputs(paths):
        out.append(extract(clean(read_document(path)), lex))
        if progress:
            progress(path)
    return out


def summarise(extractions: list[Extraction], graph: Graph) -> dict[str, object]:
    """Counts for the build summary."""
    mentions = Counter(m.role for x in extractions for m in x.mentions)
    modality = Counter(c.modality for x in extractions for c in x.claims)

    return {
        "documents": len(extractions),
        "mentions": dict(sorted(mentions.items())),
        "claim_statements": dict(sorted(modality.items())),
        "claims": len(set(graph.subjects(RDF.type, PRK.Claim))),
        "price_observations": sum(len(x.prices) for x in extractions),
        "triples": len(graph),
    }


def build(
    inputs: Iterable[Path],
    out: Path = DEFAULT_OUT,
    fmt: str = "ttl",
    validate: bool = True,
    progress: Callable[[Path], None] | None = None,
) -> BuildResult:
    """Build the graph from ``inputs`` and write it to ``out`` atomically.

    A graph with SHACL violations is not written over ``out``: it goes to
    ``<out>.rejected.<fmt>`` for inspection and the previous good graph stays in place.
    """
    extractions = extract_paths(inputs, progress)
    graph = build_graph(extractions)
    report = validate_graph(graph) if validate else None
    counts = summarise(extractions, graph)
    data = serialize(graph, fmt)
    target = out if report is None or report.conforms else out.with_suffix(f".rejected.{fmt}")
    write_atomic(target, data)
    if target == out:
        counts["validation"] = report.summary() if report else "skipped"
        write_run_log(out.with_suffix(".run.json"), out, counts)
    return BuildResult(graph, extractions, report, target, counts)
