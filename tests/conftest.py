"""Shared fixtures: the real seeds, the real vocabulary, the real graph they build."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.emit import build_graph
from kg.extract import Extraction
from kg.pipeline import extract_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SEED_IDS = [p.stem for p in SEED_FILES]
GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"
XINHUA_COPIES = ("002_7d2088a3fdb730a7", "003_e90c2b98c3b68160")


@pytest.fixture(scope="session")
def extractions() -> dict[str, Extraction]:
    """Every seed read, cleaned and extracted, by document id."""
    return {x.doc.doc_id: x for x in extract_paths([SEEDS])}


@pytest.fixture(scope="session")
def seed_graph(extractions: dict[str, Extraction]) -> Graph:
    """The knowledge graph of all five seeds (do not mutate: copy first)."""
    return build_graph(list(extractions.values()))


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
