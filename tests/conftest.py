"""Shared fixtures: the real seeds, the real vocabulary, the real graph they build."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.emit import build_graph
from kg.extract import Extraction
from kg.pipeline import Corpus, extract_inputs

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SEED_IDS = [p.stem for p in SEED_FILES]
GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"
XINHUA_COPIES = ("002_7d2088a3fdb730a7", "003_e90c2b98c3b68160")


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Every seed read, cleaned and extracted, with copies grouped into reports."""
    result = extract_inputs([SEEDS])
    assert not result.problems
    return result


@pytest.fixture(scope="session")
def extractions(corpus: Corpus) -> dict[str, Extraction]:
    """Every seed's extraction, by document id."""
    return {x.doc.doc_id: x for x in corpus.extractions}


@pytest.fixture(scope="session")
def seed_graph(corpus: Corpus) -> Graph:
    """The knowledge graph of all five seeds (do not mutate: copy first)."""
    return build_graph(corpus.extractions, corpus.reports)


@pytest.fixture(scope="session")
def small_graph(extractions: dict[str, Extraction]) -> Graph:
    """The graph of one seed (004), small enough to validate many broken copies quickly."""
    return build_graph([extractions["004_20eb87d0be669cf8"]])


def copy_graph(graph: Graph) -> Graph:
    """A mutable copy with the same prefixes."""
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for triple in graph:
        out.add(triple)
    return out
