"""Curator edits: checked before acceptance, replayed by every build, never losing a claim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from kg.cli import main
from kg.curate import check_edit, tracking_graph
from kg.edits import read_edit
from kg.errors import InputError
from kg.namespaces import KD, KH, NIF, PRK
from kg.query import find_query, read_query, run_query
from tests.conftest import SEEDS

SEED = str(SEEDS / "004_20eb87d0be669cf8.txt")
HEAD = "# curator: Li Wei\n# date: 2026-11-23\n# reason: {reason}\n"
PREFIXES = (
    "PREFIX prk: <https://w3id.org/prkg/ns#>\nPREFIX nif: "
    "<http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)


class Workspace:
    """A build of one seed with its own curation folder, driven through the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.graph_path = root / "graph.ttl"
        self.curation = root / "curation"
        self.curation.mkdir()
        self.runner = CliRunner()

    def kg(self, *args: str | Path) -> tuple[int, str]:
        result = self.runner.invoke(main, [str(a) for a in args])
        return result.exit_code, result.output

    def build(self, seed: str = SEED) -> str:
        code, out = self.kg("build", seed, "--out", self.graph_path, "--curation", self.curation)
        assert code == 0, out
        return out

    def graph(self) -> Graph:
        return Graph().parse(self.graph_path)

    def edit(self, name: str, body: str, reason: str = "test") -> Path:
        path = self.root / name
        path.write_text(HEAD.format(reason=reason) + body, encoding="utf-8")
        return path

    def check(self, path: Path) -> tuple[int, str]:
        return self.kg(
            "edit", "check", path, "--graph", self.graph_path, "--curation", self.curation
        )

    def apply(self, path: Path) -> tuple[int, str]:
        return self.kg(
            "edit", "apply", path, "--graph", self.graph_path, "--curation", self.curation
        )


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = Workspace(tmp_path)
    w.build()
    return w


def _claim_with(graph: Graph, slot: URIRef) -> URIRef:
    return sorted(c for c in graph.subjects(slot, None) if (c, RDF.type, PRK.Claim) in graph)[0]  # type: ignore[type-var, return-value]


def test_a_retraction_is_recorded_replayed_and_left_out_of_default_answers(ws: Workspace) -> None:
    claim = _claim_with(ws.graph(), PRK.remedy)
    edit = ws.edit(
        "retract.ru", PREFIXES + f"INSERT DATA {{ <{claim}> prk:status prk:Retracted }}", "rumour"
    )
    code, out = ws.apply(edit)
    assert code == 0, out
    assert "claims retracted:" in out and "ACCEPT" in out
    assert [p.name for p in ws.curation.iterdir()] == ["0001-retract.ru"]
    assert "0001-retract.ru" in ws.kg("history", str(claim), "--graph", ws.graph_path)[1]

    ws.build()  # a fresh extraction: the edit is replayed, the claim keeps its IRI
    g = ws.graph()
    assert (claim, PRK.status, PRK.Retracted) in g and (claim, PRK.evidence, None) in g
    retracted = run_query(g, read_query(find_query("retracted-claims")), {})
    (row,) = [r.asdict() for r in retracted]  # type: ignore[union-attr]
    assert (row["claim"], str(row["curator"]), str(row["reason"])) == (claim, "Li Wei", "rumour")
    remedies = run_query(g, read_query(find_query("remedies-by-harm")), {})
    assert all(str(r.asdict().get("claim", "")) != str(claim) for r in remedies)  # type: ignore[union-attr]
    code, out = ws.kg("history", str(claim), "--graph", ws.graph_path)
    assert code == 0 and "Li Wei  0001-retract.ru  — rumour" in out


def test_an_applied_edit_leaves_a_graph_file_whose_concept_frequencies_are_recounted(
    ws: Workspace,
) -> None:
    g = ws.graph()
    m = sorted(
        m
        for m in g.subjects(PRK.denotes, KD["face-photo"])
        if (m, PRK.negated, Literal(False)) in g and (m, RDF.type, PRK.Mention) in g
    )[0]
    frequencies = read_query(find_query("concept-frequency"))

    def counts() -> dict[str, int]:
        rows = run_query(Graph().parse(ws.graph_path), frequencies, {"role": "prk:DataTypeRole"})
        return {str(r[1]): int(r[2]) for r in rows}  # type: ignore[index, call-overload]

    before = counts()
    body = PREFIXES + (
        f"DELETE {{ <{m}> prk:denotes ?c }} INSERT {{ <{m}> prk:denotes <{KD['bank-card']}> }} "
        f"WHERE {{ <{m}> prk:denotes ?c }}"
    )
    code, out = ws.apply(ws.edit("repoint.ru", body, "the photo is of a bank card"))
    assert code == 0, out
    after = counts()
    assert after["face photo"] == before["face photo"] - 1
    assert after["bank card number"] == before.get("bank card number", 0) + 1
    assert ws.kg("validate", ws.graph_path)[0] == 0
    ws.build()  # replayed on a fresh extraction: the same counts
    assert counts() == after


def _mention(graph: Graph) -> URIRef:
    return sorted(graph.subjects(RDF.type, PRK.Mention))[0]  # type: ignore[type-var, return-value]


REJECTED = {
    "harm concept in the technique slot": lambda g: (
        PREFIXES + f"INSERT DATA {{ <{_claim_with(g, PRK.technique)}> prk:technique <{KH.fraud}> }}"
    ),
    "mention offsets no longer match the quote": lambda g: (
        PREFIXES + f"DELETE {{ ?m nif:beginIndex ?b }} INSERT {{ ?m nif:beginIndex ?nb }} "
        f"WHERE {{ BIND (<{_mention(g)}> AS ?m) ?m nif:beginIndex ?b "
        "BIND (STRDT(STR(?b + 1), xsd:nonNegativeInteger) AS ?nb) }"
    ),
    "deletion of an evidence-backed claim": lambda g: (
        f"DELETE WHERE {{ <{_claim_with(g, PRK.harm)}> ?p ?o }}"
    ),
    "duplicate altLabel in a scheme": lambda g: (
        PREFIXES
        + f"INSERT DATA {{ <{KH.fraud}> <http://www.w3.org/2004/02/skos/core#altLabel> "
        + '"电信诈骗"@zh }'
    ),
    "edit to a node that does not exist": lambda g: (
        PREFIXES
        + "INSERT DATA { <https://w3id.org/prkg/id/claim/0000000000000000> "
        + "prk:status prk:Retracted }"
    ),
    "deprecated concept without replacement": lambda g: (
        PREFIXES + f"INSERT DATA {{ <{KD['face-video']}> owl:deprecated true }}"
    ),
}
REASONS = {
    "harm concept in the technique slot": "prk:ClaimTechniqueShape",
    "mention offsets no longer match the quote": "prk:QuoteMatchesTextShape",
    "deletion of an evidence-backed claim": "refused: deletes the prk:Claim",
    "duplicate altLabel in a scheme": "prk:UniqueLabelInSchemeShape",
    "edit to a node that does not exist": "does not exist",
    "deprecated concept without replacement": "prk:DeprecatedHasReplacementShape",
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_a_bad_edit_is_rejected_and_changes_nothing_on_disk(ws: Workspace, case: str) -> None:
    before = ws.graph_path.read_bytes()
    edit = ws.edit("bad.ru", REJECTED[case](ws.graph()))
    code, out = ws.check(edit)
    assert code == 1, out
    assert "REJECT" in out and REASONS[case] in out
    code, out = ws.apply(edit)
    assert code == 1
    assert ws.graph_path.read_bytes() == before and list(ws.curation.iterdir()) == []


def test_a_malformed_update_is_one_line_naming_the_file(ws: Workspace) -> None:
    edit = ws.edit("broken.ru", "INSERT DATA { <urn:x> <urn:p> ")
    code, out = ws.check(edit)
    assert code == 2 and out.count("\n") == 1 and "broken.ru: malformed SPARQL Update" in out


def test_an_edit_without_a_curator_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anon.ru"
    path.write_text("# date: 2026-11-23\n# reason: x\nINSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(InputError, match="header lacks curator"):
        read_edit(path)


def test_a_new_altlabel_is_found_by_the_next_build(ws: Workspace) -> None:
    g = ws.graph()
    assert not any(str(q) == "例图" for q in g.objects(None, NIF.anchorOf))
    body = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f'<{KD["face-photo"]}> skos:altLabel "例图"@zh .\n'
    )
    code, out = ws.apply(ws.edit("sample-photos.ttl", body, "sellers' sample photos are faces"))
    assert code == 0, out and "labels added" in out
    ws.build()
    g = ws.graph()
    found = [m for m in g.subjects(NIF.anchorOf, Literal("例图"))]
    assert found and all((m, PRK.denotes, KD["face-photo"]) in g for m in found)


def test_a_deprecated_concept_reports_live_claims_with_the_replacement(ws: Workspace) -> None:
    body = PREFIXES + (
        f"INSERT DATA {{ <{KD['face-photo']}> owl:deprecated true ; "
        f"dcterms:isReplacedBy <{KD['face-data']}> }}"
    )
    code, out = ws.apply(ws.edit("deprecate.ru", body, "one concept is enough"))
    assert code == 0, out
    ws.build()
    code, out = ws.kg("validate", ws.graph_path, "--all")
    assert code == 0  # a warning, not a violation
    assert "prk:ClaimOnDeprecatedConceptShape" in out and "(value: kd:face-data)" in out
    code, folded = ws.kg("validate", ws.graph_path)
    assert code == 0 and "rule prk:ClaimOnDeprecatedConceptShape" in folded
    assert len(folded.splitlines()) < len(out.splitlines())  # four warnings, one line


def test_a_merge_keeps_the_old_iri_resolvable(ws: Workspace) -> None:
    g = ws.graph()
    actors = sorted(g.subjects(RDF.type, PRK.Expert))
    old, kept = actors[0], actors[1]
    body = PREFIXES + (
        f"DELETE {{ ?ev prk:claimant <{old}> }} INSERT {{ ?ev prk:claimant <{kept}> . "
        f"<{old}> prk:status prk:Merged ; dcterms:isReplacedBy <{kept}> }} "
        f"WHERE {{ ?ev prk:claimant <{old}> }}"
    )
    code, out = ws.apply(ws.edit("merge.ru", body, "same person"))
    assert code == 0, out
    ws.build()
    g = ws.graph()
    assert (old, DCTERMS.isReplacedBy, kept) in g and (old, RDF.type, PRK.Expert) in g
    assert (None, PRK.claimant, old) not in g


def test_an_orphaned_edit_is_loud_in_build_and_validate(ws: Workspace) -> None:
    claim = _claim_with(ws.graph(), PRK.remedy)
    assert (
        ws.apply(
            ws.edit("r.ru", PREFIXES + f"INSERT DATA {{ <{claim}> prk:status prk:Retracted }}")
        )[0]
        == 0
    )
    gone = str(SEEDS / "001_2b4c41761c25b35f.txt")  # the claim's article is gone
    args = ["build", gone, "--out", ws.graph_path, "--curation", ws.curation]
    code, out = ws.kg(*args)
    assert (
        code == 1 and "1 orphaned" in out and "ORPHANED 0001-r.ru" in out
    )  # a lost decision fails
    code, out = ws.kg(*args, "--allow-orphans")
    assert code == 0, out
    code, out = ws.kg("validate", ws.graph_path)
    assert code == 0 and "prk:OrphanedEditShape" in out and "no longer applies" in out


def test_diff_reports_changed_claims_in_words_and_json(ws: Workspace) -> None:
    old = ws.root / "old.ttl"
    old.write_bytes(ws.graph_path.read_bytes())
    claim = _claim_with(ws.graph(), PRK.remedy)
    ws.apply(ws.edit("r.ru", PREFIXES + f"INSERT DATA {{ <{claim}> prk:status prk:Retracted }}"))
    assert ws.kg("diff", old, old)[0] == 0  # the same graph: exit 0, like diff
    code, out = ws.kg("diff", old, ws.graph_path)
    assert code == 1 and "claims: 0 added, 0 removed, 1 changed" in out  # they differ: exit 1
    assert ws.kg("diff", old, ws.root / "missing.ttl")[0] == 2
    code, out = ws.kg("diff", old, ws.graph_path, "--json")
    data = json.loads(out)
    assert [c["iri"] for c in data["claims"]["changed"]] == [str(claim)]
    assert data["claims"]["changed"][0]["label"] and data["claims"]["changed"][0]["evidence"]
    assert data["mappings"]["added"] == []


def test_checking_an_edit_leaves_the_graph_as_it_was(seed_graph: Graph, tmp_path: Path) -> None:
    g = tracking_graph(seed_graph)
    n = len(g)
    path = tmp_path / "r.ru"
    claim = _claim_with(g, PRK.harm)
    path.write_text(
        HEAD.format(reason="x") + PREFIXES + f"INSERT DATA {{ <{claim}> prk:status prk:Retracted }}"
    )
    result = check_edit(g, read_edit(path))
    assert result.accepted and result.focus_nodes < 20
    assert len(g) == n and (claim, PRK.status, None) not in g
