"""The graph as people read it: documents with their mentions, claims with their evidence,
concepts with their links (kg.views), in the terminal (kg show) and folded warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef

from kg.cli import main
from kg.errors import InputError
from kg.fold import fold
from kg.namespaces import KD
from kg.results import display_width
from kg.validate import Finding, Report
from kg.views import Views

DOC = "002_7d2088a3fdb730a7"
CLAIM = "id:claim/8587380abd1d1c95"


@pytest.fixture(scope="module")
def views(seed_graph: Graph) -> Views:
    return Views(seed_graph)


def test_the_document_list_counts_mentions_per_role(views: Views) -> None:
    docs = views.documents()
    assert [d.doc_id for d in docs] == sorted(d.doc_id for d in docs) and len(docs) == 5
    doc = next(d for d in docs if d.doc_id == DOC)
    assert doc.outlet == "IT爆料网" and doc.date == "2023-03-03" and doc.counts["datatype"] > 20


def test_a_documents_spans_put_every_mention_back_at_its_offsets(views: Views) -> None:
    doc = views.document(DOC)
    assert "".join(s.text for s in doc.spans()) == doc.text
    for m in doc.mentions:
        assert doc.text[m.begin : m.end] == m.anchor
    assert any(s.evidence for s in doc.spans()) and doc.prices


def test_an_evidence_quote_is_cut_at_its_mentions(views: Views) -> None:
    claim = views.claim(CLAIM)
    for ev in claim.evidence:
        spans = ev.spans()
        assert "".join(s.text for s in spans) == ev.quote
        marked = {m.iri for s in spans for m in s.mentions}
        nested = {
            m.iri
            for m in ev.mentions
            for o in ev.mentions
            if o.begin <= m.begin and m.end <= o.end and o.end - o.begin > m.end - m.begin
        }
        assert marked == {m.iri for m in ev.mentions} - nested and marked


def test_concepts_are_offered_within_their_own_scheme(views: Views) -> None:
    by_scheme = views.concepts()
    assert len(by_scheme) >= 4
    face = views.concept("kd:face-data")
    offered = {c for c, _, _ in by_scheme[face.scheme_iri]}
    assert face.iri in offered and KD["id-photo"] in offered
    assert all(str(c).startswith(str(KD)) for c in offered)


def test_a_claim_has_its_evidence_across_documents_and_its_links(views: Views) -> None:
    claim = views.claim(URIRef("https://w3id.org/prkg/id/claim/8587380abd1d1c95"))
    assert claim.reports == 2 and claim.documents == 3
    assert len({e.doc for e in claim.evidence}) == 3
    assert {role for role, *_ in claim.concepts} == {"technique", "datatype"}
    assert any(target.startswith("dpv:") for _, _, target in claim.links)


@pytest.mark.parametrize("key", ["人脸", "face data", "kd:face-data", str(KD["face-data"])])
def test_a_concept_is_found_by_label_in_any_language_or_by_iri(views: Views, key: str) -> None:
    concept = views.concept(key)
    assert concept.iri == KD["face-data"] and concept.mentions > 50 and concept.claims


def test_an_unknown_key_is_one_clear_error(views: Views) -> None:
    with pytest.raises(InputError, match="no document, claim or concept"):
        views.resolve("no such thing")


def test_kg_show_marks_mention_spans_and_never_cuts_a_quote(seed_file: Path) -> None:
    result = CliRunner().invoke(main, ["show", CLAIM, "--graph", str(seed_file), "--width", "60"])
    assert result.exit_code == 0
    assert "[人脸数据|datatype]" in result.output and "…" not in result.output
    assert all(display_width(line) <= 60 for line in result.output.splitlines())
    doc = CliRunner().invoke(main, ["show", DOC, "--graph", str(seed_file)])
    assert doc.exit_code == 0 and "prices:" in doc.output
    missing = CliRunner().invoke(main, ["show", "nothing", "--graph", str(seed_file)])
    assert missing.exit_code == 2 and "no document, claim or concept" in missing.output


def test_repeated_findings_fold_into_one_line_with_a_count() -> None:
    findings = [
        Finding("Warning", f"id:claim/{i}", "prk:S", "no speaker", None, None) for i in range(40)
    ] + [Finding("Violation", "id:doc/x", "prk:T", "no title", None, None)]
    lines = Report(False, findings).lines()
    assert len(lines) == 2
    assert lines[0].startswith("Warning: rule prk:S: no speaker — 40 times, e.g. id:claim/0;")
    assert len(Report(False, findings).lines(folded=False)) == 41


def test_fold_keeps_a_single_occurrence_as_its_own_line() -> None:
    assert fold(["a"], key=str, example=str, line=lambda s: f"only {s}") == ["only a"]


def test_kg_report_writes_one_self_contained_file(seed_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["report", "--graph", str(seed_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<svg") >= 2 and "<script src" not in html and "<link" not in html
    assert "Harms with no remedy" in html and "DPV gap list" in html
