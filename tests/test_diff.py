"""`kg diff` in words: labels and the evidence sentence, re-keyed claims paired, exit 1 when the
graphs differ (the exit codes are tested end to end in tests/test_curate.py)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from kg.diff import diff_graphs, diff_lines, differ
from kg.namespaces import PRK
from tests.conftest import copy_graph


def rekey(graph: Graph, old: URIRef, new: URIRef) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((new if s == old else s, p, new if o == old else o))
    return out


def a_claim(graph: Graph) -> URIRef:
    return sorted(graph.subjects(PRK.evidence, None))[0]  # type: ignore[return-value]


def test_the_same_graph_does_not_differ(small_graph: Graph) -> None:
    assert not differ(diff_graphs(small_graph, copy_graph(small_graph)))


def test_a_claim_whose_key_moved_is_paired_not_added_and_removed(small_graph: Graph) -> None:
    old = a_claim(small_graph)
    new = URIRef("https://w3id.org/prkg/id/claim/0000000000000000")
    diff = diff_graphs(small_graph, rekey(small_graph, old, new))
    claims = diff["claims"]
    assert claims["added"] == [] and claims["removed"] == []
    assert [(c["iri"], c["was"]) for c in claims["rekeyed"]] == [(str(new), str(old))]
    lines = "\n".join(diff_lines(diff))
    assert "= id:claim/0000000000000000" in lines and "same evidence, new key" in lines


def test_a_removed_claim_is_shown_with_its_label_and_evidence_sentence(small_graph: Graph) -> None:
    old = a_claim(small_graph)
    smaller = copy_graph(small_graph)
    smaller.remove((old, None, None))
    diff = diff_graphs(small_graph, smaller)
    (removed,) = diff["claims"]["removed"]
    assert (
        removed["iri"] == str(old)
        and removed["label"]
        and "004_20eb87d0be669cf8: " in (removed["evidence"])
    )
    text = "\n".join(diff_lines(diff))
    assert "- id:claim/" in text and "« 004_20eb87d0be669cf8: " in text
