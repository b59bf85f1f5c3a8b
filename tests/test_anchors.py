"""Curator decisions survive rebuilds: edits carry anchors of what the curator saw, and a
replay re-anchors an edit whose claim moved (issue 13: retraction, then a vocabulary edit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from kg.anchors import anchor_for, anchored, read_anchors, reanchor, resolve, rewrite
from kg.cli import main
from kg.namespaces import ID, KH, NIF, PRK
from tests.conftest import SEEDS

HEADER = "# curator: Tester\n# date: 2026-12-04\n# reason: {}\n"


def _recommended_claim_with_free_words(graph: Graph) -> tuple[URIRef, str]:
    """A recommended claim of one document and four characters of its evidence sentence that
    no mention covers (to become a new harm label there)."""
    for claim in sorted(graph.subjects(PRK.modality, PRK.Recommended)):
        evidence = list(graph.objects(claim, PRK.evidence))
        if len(evidence) != 1 or (claim, PRK.harm, None) in graph:
            continue
        (ev,) = evidence
        quote = str(graph.value(ev, NIF.anchorOf))
        begin = int(graph.value(ev, NIF.beginIndex))  # type: ignore[arg-type]
        doc = graph.value(ev, NIF.referenceContext)
        covered = set()
        for m in graph.subjects(NIF.referenceContext, doc):
            if (m, RDF.type, PRK.Mention) in graph:
                b = int(graph.value(m, NIF.beginIndex))  # type: ignore[arg-type]
                e = int(graph.value(m, NIF.endIndex))  # type: ignore[arg-type]
                covered.update(range(b, e))
        for i in range(len(quote) - 4):
            word = quote[i : i + 4]
            if re.fullmatch(r"[\u4e00-\u9fff]{4}", word) and not covered & set(
                range(begin + i, begin + i + 4)
            ):
                return claim, word
    raise AssertionError("no recommended claim with four free characters in the seeds")


@pytest.fixture()
def built(tmp_path: Path) -> tuple[Path, Path]:
    graph, curation = tmp_path / "build" / "graph.ttl", tmp_path / "curation"
    result = CliRunner().invoke(
        main, ["build", str(SEEDS), "--out", str(graph), "--curation", str(curation)]
    )
    assert result.exit_code == 0, result.output
    return graph, curation


def _apply(tmp_path: Path, graph: Path, curation: Path, name: str, text: str) -> None:
    edit = tmp_path / name
    edit.write_text(text, encoding="utf-8")
    args = ["edit", "apply", str(edit), "--graph", str(graph), "--curation", str(curation)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output


def _build(graph: Path, curation: Path, *extra: str):  # type: ignore[no-untyped-def]
    args = ["build", str(SEEDS), "--out", str(graph), "--curation", str(curation), *extra]
    return CliRunner().invoke(main, args)


def test_an_applied_edit_is_stored_with_an_anchor_of_its_claim(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph_path, curation = built
    graph = Graph().parse(graph_path)
    claim, _ = _recommended_claim_with_free_words(graph)
    retract = (
        HEADER.format("refuted") + f"INSERT DATA {{ <{claim}> <{PRK.status}> <{PRK.Retracted}> }}\n"
    )
    _apply(tmp_path, graph_path, curation, "retract.ru", retract)
    (stored,) = curation.glob("*.ru")
    (anchor,) = read_anchors(stored.read_text(encoding="utf-8"))
    assert anchor.iri == str(claim) and anchor.kind == "claim"
    assert anchor.modality == str(PRK.Recommended) and anchor.exact and anchor.sha256


def _retract_then_relabel(graph_path: Path, curation: Path, tmp_path: Path) -> tuple[URIRef, str]:
    """Retract a recommended claim, then add an altLabel of kh:fraud for four characters of its
    sentence, so that the next build gives the claim a harm and a new IRI."""
    graph = Graph().parse(graph_path)
    claim, word = _recommended_claim_with_free_words(graph)
    retract = (
        HEADER.format("refuted") + f"INSERT DATA {{ <{claim}> <{PRK.status}> <{PRK.Retracted}> }}\n"
    )
    _apply(tmp_path, graph_path, curation, "retract.ru", retract)
    label = HEADER.format("new slang") + f'<{KH.fraud}> <{SKOS.altLabel}> "{word}"@zh .\n'
    _apply(tmp_path, graph_path, curation, "label.ttl", label)
    return claim, str(graph.value(next(graph.objects(claim, PRK.evidence)), NIF.anchorOf))


@pytest.mark.fault
def test_a_retraction_survives_a_vocabulary_edit_that_rekeys_its_claim(
    built, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    graph_path, curation = built
    claim, quote = _retract_then_relabel(graph_path, curation, tmp_path)
    result = _build(graph_path, curation)
    assert result.exit_code == 0, result.output + result.stderr
    assert "re-anchored" in result.output and "MOVED" in result.output
    rebuilt = Graph().parse(graph_path)
    assert (claim, None, None) not in rebuilt  # the claim was re-keyed by the new harm
    retracted = [
        c for c in rebuilt.subjects(PRK.status, PRK.Retracted) if (c, PRK.harm, KH.fraud) in rebuilt
    ]
    assert len(retracted) == 1  # the same sentence's claim, now with the new harm, still retracted
    (ev,) = rebuilt.objects(retracted[0], PRK.evidence)
    assert str(rebuilt.value(ev, NIF.anchorOf)) == quote


@pytest.mark.fault
def test_an_edit_whose_iri_is_gone_without_an_anchor_fails_the_build_as_an_orphan(
    built, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    graph_path, curation = built
    curation.mkdir(exist_ok=True)
    ghost = ID["claim/0000000000000000"]
    (curation / "0001-ghost.ru").write_text(
        HEADER.format("old") + f"INSERT DATA {{ <{ghost}> <{PRK.status}> <{PRK.Retracted}> }}\n",
        encoding="utf-8",
    )
    before = graph_path.read_bytes()
    result = _build(graph_path, curation)
    assert result.exit_code == 1 and "ORPHANED 0001-ghost.ru" in result.stderr
    assert graph_path.read_bytes() == before  # the previous good graph stays
    allowed = _build(graph_path, curation, "--allow-orphans")
    assert allowed.exit_code == 0, allowed.output + allowed.stderr


def test_rebase_rewrites_moved_edits_after_confirmation(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    graph_path, curation = built
    claim, _ = _retract_then_relabel(graph_path, curation, tmp_path)
    assert _build(graph_path, curation).exit_code == 0
    runner = CliRunner()
    args = ["edit", "rebase", "--graph", str(graph_path), "--curation", str(curation)]
    declined = runner.invoke(main, args, input="n\n")
    assert "MOVED" in declined.output and "rewrote" not in declined.output
    accepted = runner.invoke(main, [*args, "--yes"])
    assert accepted.exit_code == 0 and "rewrote" in accepted.output
    (stored,) = curation.glob("*.ru")
    assert str(claim) not in stored.read_text(encoding="utf-8").split("INSERT")[1]
    assert runner.invoke(main, args).output.strip().endswith("0 moved, 0 orphaned")


def test_the_anchor_picks_the_occurrence_its_context_names(seed_graph: Graph) -> None:
    ev = sorted(seed_graph.subjects(RDF.type, PRK.Evidence))[0]
    a = anchor_for(seed_graph, ev)  # type: ignore[arg-type]
    assert a is not None and resolve(seed_graph, a) == ev
    moved = a.__class__(**{**a.__dict__, "iri": str(ID["evidence/ffffffffffffffff"])})
    assert resolve(seed_graph, moved) == ev  # found again by its quote, not its IRI


def test_rewrite_replaces_full_iris_and_curies_but_not_anchor_lines() -> None:
    old, new = str(ID["claim/aaaa"]), str(ID["claim/bbbb"])
    text = f'# anchor: {{"iri": "{old}"}}\nINSERT DATA {{ <{old}> a 1 . id:claim/aaaa a 2 }}\n'
    out = rewrite(text, {old: new})
    assert out.count(f"<{new}>") == 2 and out.startswith(f'# anchor: {{"iri": "{old}"}}')


def test_an_unanchored_gone_iri_is_lost_and_an_existing_one_is_kept(seed_graph: Graph) -> None:
    claim = next(seed_graph.subjects(RDF.type, PRK.Claim))
    text = anchored(f"# curator: a\nINSERT DATA {{ <{claim}> a 1 }}\n", seed_graph)
    assert reanchor(seed_graph, text) == ({}, [])
    gone = f"INSERT DATA {{ <{ID['claim/0000']}> a 1 }}"
    assert reanchor(seed_graph, gone) == ({}, [str(ID["claim/0000"])])
