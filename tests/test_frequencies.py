"""Concept frequencies: counted at build, recounted after every curator edit, and the same
answers as an aggregate over every mention."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.curate import check_edit, replay, tracking_graph
from kg.edits import read_edit
from kg.namespaces import KD, KT, PRK
from kg.pipeline import build_stream
from kg.query import find_query, read_query, run_query
from kg.validate import validate_graph
from tests.conftest import SEEDS, copy_graph

#: concept-frequency as it was before the graph carried its counts: an aggregate over every
#: mention. The shipped query must give the same answers from the counts.
AGGREGATE = """
PREFIX prk: <https://w3id.org/prkg/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?roleName ?conceptLabel ?mentions ?documents
WHERE {
  { SELECT ?concept ?role (COUNT(?m) AS ?mentions) (COUNT(DISTINCT ?doc) AS ?documents)
    WHERE { ?m prk:denotes ?concept ; prk:role ?role ; prk:negated false ;
               nif:referenceContext ?doc . }
    GROUP BY ?concept ?role }
  ?role prk:roleScheme ?scheme ; rdfs:label ?roleName . FILTER (LANG(?roleName) = "en")
  ?concept skos:prefLabel ?conceptLabel . FILTER (LANG(?conceptLabel) = "en")
}
ORDER BY ?roleName DESC(?mentions) ?conceptLabel
"""

#: Every (target, role) the mentions count, whatever the role but price.
COUNTED = """
PREFIX prk: <https://w3id.org/prkg/ns#>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?c ?r (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?doc) AS ?d) WHERE {
  ?m prk:denotes ?c ; prk:role ?r ; prk:negated false ; nif:referenceContext ?doc .
  FILTER (?r != prk:PriceRole)
} GROUP BY ?c ?r
"""

HEAD = "# curator: Li Wei\n# date: 2026-12-06\n# reason: {reason}\n"
PREFIX = "PREFIX prk: <https://w3id.org/prkg/ns#>\n"


def stated(g: Graph) -> set[tuple[object, ...]]:
    """The (target, role, mentions, documents) the graph's frequency nodes state."""
    out = set()
    for f in g.subjects(RDF.type, PRK.ConceptFrequency):
        values = [g.value(f, p) for p in (PRK.mentionCount, PRK.documentCount)]
        out.add((g.value(f, PRK.frequencyOf), g.value(f, PRK.inRole), *map(int, values)))  # type: ignore[arg-type]
    return out


def aggregated(g: Graph) -> set[tuple[object, ...]]:
    return {(r.c, r.r, int(r.n), int(r.d)) for r in g.query(COUNTED)}  # type: ignore[union-attr]


def values(result: Iterable[object]) -> list[tuple[object, ...]]:
    """Rows as plain values: labels as text, counts as numbers."""
    return [tuple(t.toPython() for t in row) for row in result]  # type: ignore[attr-defined]


def edit(tmp_path: Path, name: str, body: str) -> object:
    path = tmp_path / name
    path.write_text(HEAD.format(reason="test") + PREFIX + body, encoding="utf-8")
    return read_edit(path)


def replacing(node: URIRef, p: URIRef, value: URIRef | Literal) -> str:
    """The update that gives ``node`` ``value`` for ``p`` instead of what it has now."""
    s, p_, o = node.n3(), p.n3(), value.n3()
    return f"DELETE {{ {s} {p_} ?o }} INSERT {{ {s} {p_} {o} }} WHERE {{ {s} {p_} ?o }}"


def a_mention_of(g: Graph, concept: URIRef) -> URIRef:
    found = sorted(
        m
        for m in g.subjects(PRK.denotes, concept)
        if (m, PRK.negated, Literal(False)) in g and (m, RDF.type, PRK.Mention) in g
    )
    return found[0]  # type: ignore[return-value]


def count_of(g: Graph, concept: URIRef, role: URIRef) -> tuple[int, int] | None:
    return next(((n, d) for c, r, n, d in stated(g) if c == concept and r == role), None)  # type: ignore[misc]


def test_the_build_counts_every_concept_and_actor_as_an_aggregate_over_the_mentions_does(
    seed_graph: Graph,
) -> None:
    counted = stated(seed_graph)
    assert counted == aggregated(seed_graph)
    assert {r for _, r, _, _ in counted} >= {PRK.TechniqueRole, PRK.HarmRole, PRK.ActorRole}


def test_concept_frequency_gives_the_answers_of_the_aggregate_over_every_mention(
    seed_graph: Graph,
) -> None:
    shipped = read_query(find_query("concept-frequency"))
    assert "COUNT" not in shipped.text  # a lookup of the counts, not an aggregate
    rows = values(run_query(seed_graph, shipped))
    assert len(rows) > 30
    assert rows == values(seed_graph.query(AGGREGATE))  # the counts now say nonNegativeInteger
    harm = values(run_query(seed_graph, shipped, {"role": "prk:HarmRole"}))
    assert harm and harm == [r for r in rows if r[0] == "harm"]


def test_a_streamed_build_states_the_same_frequencies(seed_graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    build_stream([SEEDS], out)
    assert stated(Graph().parse(out)) == stated(seed_graph)


def test_a_replayed_edit_that_repoints_a_mention_moves_it_between_frequencies(
    seed_graph: Graph, tmp_path: Path
) -> None:
    g = tracking_graph(seed_graph)
    m = a_mention_of(g, KD["face-photo"])
    role = g.value(m, PRK.role)
    before = count_of(g, KD["face-photo"], role)  # type: ignore[arg-type]
    assert before is not None and count_of(g, KD["bank-card"], role) is not None  # type: ignore[arg-type]
    done = replay(
        g, [edit(tmp_path, "0001-repoint.ru", replacing(m, PRK.denotes, KD["bank-card"]))]
    )  # type: ignore[list-item]
    assert done.applied and not done.orphans
    assert count_of(g, KD["face-photo"], role)[0] == before[0] - 1  # type: ignore[arg-type, index]
    assert stated(g) == aggregated(g)
    assert validate_graph(copy_graph(g)).conforms


def test_negating_the_only_mention_of_a_concept_removes_its_frequency(
    seed_graph: Graph, tmp_path: Path
) -> None:
    g = tracking_graph(seed_graph)
    rare = sorted((n, str(c), r) for c, r, n, _ in stated(g) if r == PRK.TechniqueRole)[0]
    assert rare[0] == 1
    concept, role = URIRef(rare[1]), rare[2]
    m = a_mention_of(g, concept)
    body = f"DELETE DATA {{ <{m}> prk:negated false }} ; INSERT DATA {{ <{m}> prk:negated true }}"
    replay(g, [edit(tmp_path, "0001-negate.ru", body)])  # type: ignore[list-item]
    assert count_of(g, concept, role) is None  # type: ignore[arg-type]
    assert stated(g) == aggregated(g)


def test_a_mention_marked_spurious_is_no_longer_counted(seed_graph: Graph, tmp_path: Path) -> None:
    g = tracking_graph(seed_graph)
    m = a_mention_of(g, KD["face-photo"])
    role = g.value(m, PRK.role)
    before = count_of(g, KD["face-photo"], role)  # type: ignore[arg-type]
    spurious = edit(
        tmp_path, "0001-spurious.ru", f"INSERT DATA {{ <{m}> prk:status prk:Spurious }}"
    )
    replay(g, [spurious])  # type: ignore[list-item]
    assert count_of(g, KD["face-photo"], role)[0] == before[0] - 1  # type: ignore[arg-type, index]
    assert validate_graph(copy_graph(g)).conforms


def test_an_edit_check_recounts_and_a_rejected_or_dry_run_check_leaves_the_counts(
    seed_graph: Graph, tmp_path: Path
) -> None:
    g = tracking_graph(seed_graph)
    before = stated(g)
    m = a_mention_of(g, KT["deepfake"])
    repoint = edit(tmp_path, "repoint.ru", replacing(m, PRK.denotes, KT["photo-animation"]))
    dry = check_edit(g, repoint)  # type: ignore[arg-type]
    assert dry.accepted, dry.lines()
    assert stated(g) == before and len(g) == len(seed_graph)
    kept = check_edit(g, repoint, keep=True)  # type: ignore[arg-type]
    assert kept.accepted and stated(g) != before and stated(g) == aggregated(g)
    assert "triples: +1 −1" in kept.lines()[1]  # the curator sees the edit, then the recount
    n = count_of(g, KT["deepfake"], PRK.TechniqueRole)[0]  # type: ignore[index]
    assert f"mentions recounted: kt:deepfake as technique {n + 1} → {n}" in kept.lines()[2]


def test_an_edit_that_changes_a_frequency_itself_is_refused(
    seed_graph: Graph, tmp_path: Path
) -> None:
    g = tracking_graph(seed_graph)
    f = sorted(g.subjects(RDF.type, PRK.ConceptFrequency))[0]
    cooked = edit(tmp_path, "cook.ru", replacing(f, PRK.mentionCount, Literal(99)))
    result = check_edit(g, cooked, keep=True)  # type: ignore[arg-type]
    assert not result.accepted
    assert any("counted from the mentions" in r for r in result.refusals)
    assert stated(g) == aggregated(g)
