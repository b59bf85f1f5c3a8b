"""Links to W3C DPV and legal provisions, checked against the real DPV 2.3 files."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg.cli import main
from kg.errors import InputError
from kg.link import (
    SSSOM,
    check_mappings,
    deprecation,
    load_dpv,
    mapping_iri,
    propose_mappings,
    read_mapping_files,
    read_mappings,
    unmapped,
)
from kg.namespaces import KD, KH, KR, KT, PRK
from kg.resources import mapping_files
from kg.vocabulary import vocabulary_graph

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "dpv"
DPV_DIR = FIXTURES / "2.3"
PD = "https://w3id.org/dpv/pd#"
RISK = "https://w3id.org/dpv/risk#"

HEADER = """# curie_map:
#   kd: https://w3id.org/prkg/datatype/
#   kh: https://w3id.org/prkg/harm/
#   prk: https://w3id.org/prkg/ns#
#   prkg: https://w3id.org/prkg/
#   pd: https://w3id.org/dpv/pd#
#   risk: https://w3id.org/dpv/risk#
#   dpv: https://w3id.org/dpv#
#   law: https://w3id.org/prkg/law/
# mapping_set_id: https://w3id.org/prkg/mappings/test
# license: https://creativecommons.org/licenses/by/4.0/
subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\tauthor_id
"""


def sssom(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "test.sssom.tsv"
    path.write_text(HEADER + "".join(r.replace(" ", "\t") + "\n" for r in rows), encoding="utf-8")
    return path


def row(s: str, p: str, o: str, conf: str = "0.9") -> str:
    return f"{s} {p} {o} semapv:ManualMappingCuration {conf} prkg:curator/test"


@pytest.fixture(scope="module")
def dpv() -> Graph:
    return load_dpv(DPV_DIR)


@pytest.fixture(scope="module")
def shipped() -> list:  # type: ignore[type-arg]
    return read_mapping_files(mapping_files())


def test_dpv_fixtures_are_the_unmodified_release() -> None:
    table = (FIXTURES / "SOURCE.md").read_text(encoding="utf-8")
    expected = dict(re.findall(r"\| `(2\.3/[^`]+)` \| \d+ \| \d+ \| \w+ \| (\w{64}) \|", table))
    copied = sorted(p.relative_to(FIXTURES).as_posix() for p in DPV_DIR.rglob("*.ttl"))
    assert copied and set(copied) <= set(expected)
    for rel in copied:
        assert hashlib.sha256((FIXTURES / rel).read_bytes()).hexdigest() == expected[rel], rel


def test_shipped_mappings_pass_the_check_against_real_dpv(dpv: Graph, shipped: list) -> None:  # type: ignore[type-arg]
    assert len(shipped) >= 100
    assert check_mappings(shipped, vocabulary_graph(), dpv) == []


def test_kg_link_check_passes_on_the_shipped_mappings() -> None:
    result = CliRunner().invoke(main, ["link", "check", "--dpv", str(DPV_DIR)])
    assert result.exit_code == 0, result.output
    assert "link check: OK" in result.output
    assert "concepts mapped to DPV: datatype 23/23, harm 21/22, remedy 25/27" in result.output


def test_kg_link_check_fails_on_a_target_that_does_not_exist(tmp_path: Path) -> None:
    path = sssom(tmp_path, row("kh:fraud", "skos:exactMatch", "risk:NoSuchRisk"))
    result = CliRunner().invoke(main, ["link", "check", "--dpv", str(DPV_DIR), "--mappings", path])
    assert result.exit_code == 1
    assert f"{path}:13: kh:fraud skos:exactMatch risk:NoSuchRisk" in result.output
    assert "does not exist in the DPV files" in result.output


def test_a_deprecated_dpv_target_is_refused(dpv: Graph, tmp_path: Path) -> None:
    assert deprecation(dpv, URIRef("https://w3id.org/dpv#PrivateLocation"))
    path = sssom(tmp_path, row("kd:location-data", "skos:broadMatch", "dpv:PrivateLocation"))
    (problem,) = check_mappings(read_mappings(path), vocabulary_graph(), dpv)
    assert "deprecated in DPV" in problem.reason and "sunset" in problem.reason


@pytest.mark.parametrize(
    "bad_row, reason",
    [
        (row("kd:no-such-type", "skos:exactMatch", "pd:Name"), "not a concept of our vocabulary"),
        (row("kd:name", "skos:exactMatch", "pd:Name", conf="1.5"), "confidence must be"),
        (row("kd:name", "prk:governedBy", "kd:face-data"), "not a provision"),
        (row("kd:name", "skos:sameAs", "pd:Name"), "predicate must be"),
        (row("kd:name", "skos:exactMatch", "law:pipl"), "must point into DPV"),
    ],
)
def test_each_mapping_rule_catches_a_bad_row(
    dpv: Graph, tmp_path: Path, bad_row: str, reason: str
) -> None:
    problems = check_mappings(read_mappings(sssom(tmp_path, bad_row)), vocabulary_graph(), dpv)
    assert [p.reason for p in problems if reason in p.reason], problems


def test_the_same_pair_mapped_twice_is_reported(dpv: Graph, tmp_path: Path) -> None:
    path = sssom(
        tmp_path,
        row("kd:name", "skos:exactMatch", "pd:Name"),
        row("kd:name", "skos:closeMatch", "pd:Name"),
    )
    (problem,) = check_mappings(read_mappings(path), vocabulary_graph(), dpv)
    assert problem.where.endswith(":14") and "already mapped at row 13" in problem.reason


def test_a_malformed_mapping_file_is_one_line_naming_it(tmp_path: Path) -> None:
    path = sssom(tmp_path, row("kd:name", "skos:exactMatch", "nope:Name"))
    result = CliRunner().invoke(main, ["link", "check", "--dpv", str(DPV_DIR), "--mappings", path])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and str(path) in result.output
    with pytest.raises(InputError, match="missing SSSOM column"):
        bad = tmp_path / "cols.sssom.tsv"
        bad.write_text("subject_id\tobject_id\nkd:name\tpd:Name\n", encoding="utf-8")
        read_mappings(bad)


def test_a_missing_dpv_folder_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["link", "check", "--dpv", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no such DPV folder" in result.output


def test_every_concept_with_a_dpv_counterpart_is_mapped(shipped: list) -> None:  # type: ignore[type-arg]
    gaps = {c for _, c in unmapped(vocabulary_graph(), shipped)}
    # DPV 2.3 has no term for these; they are the gap list we offer upstream. (Each scheme's
    # unclassified concept holds vocabulary candidates and has no counterpart by design.)
    assert gaps == {
        KR["personal-caution"],
        KR["public-awareness"],
        KT["account-farming"],
        KT["sms-code-platform"],
        KT["money-mule-recruitment"],
        KH["disinformation"],
    }


def test_mappings_become_triples_with_an_sssom_record(seed_graph: Graph) -> None:
    face = KD["face-photo"]
    assert (face, SKOS.broadMatch, URIRef(PD + "Picture")) in seed_graph
    records = list(seed_graph.subjects(OWL.annotatedSource, face))
    assert len(records) == 3  # two DPV mappings and one legal link (Civil Code Art. 1018)
    rec = next(r for r in records if (r, OWL.annotatedTarget, URIRef(PD + "Picture")) in seed_graph)
    assert seed_graph.value(rec, SSSOM.confidence).toPython() == 0.9  # type: ignore[union-attr]
    assert seed_graph.value(rec, SSSOM.object_label) == Literal("Picture")


def test_mapping_record_iris_come_from_content(shipped: list) -> None:  # type: ignore[type-arg]
    assert len({mapping_iri(m) for m in shipped}) == len(shipped)
    assert mapping_iri(shipped[0]) == mapping_iri(read_mapping_files(mapping_files())[0])


def test_data_types_harms_and_remedies_link_to_provisions(seed_graph: Graph) -> None:
    governed = {(s, o) for s, o in seed_graph.subject_objects(PRK.governedBy)}
    art28 = URIRef("https://w3id.org/prkg/law/pipl/art-28")
    assert (KD["biometric-info"], art28) in governed
    assert (
        KH["portrait-right-infringement"],
        URIRef("https://w3id.org/prkg/law/civil-code/art-1019"),
    ) in governed
    assert (
        KR["technical-measure"],
        URIRef("http://data.europa.eu/eli/reg/2016/679/art_32/oj"),
    ) in governed
    assert (art28, PRK.governedBy, None) not in seed_graph
    gdpr_4_14 = URIRef("http://data.europa.eu/eli/reg/2016/679/art_4/par_14/oj")
    assert (gdpr_4_14, RDF.type, PRK.LegalProvision) in seed_graph


def test_a_proposal_recovers_a_removed_mapping(dpv: Graph) -> None:
    found = propose_mappings(vocabulary_graph(), dpv, [KD["phone-number"], KH["extortion"]])
    best = {}
    for c in found:
        best.setdefault(c.subject, c)
    assert best[KD["phone-number"]].object == URIRef(PD + "TelephoneNumber")
    assert best[KH["extortion"]].object == URIRef(RISK + "Extortion")
    assert best[KH["extortion"]].score == 1.0


def test_kg_link_propose_writes_sssom_rows_that_read_back(tmp_path: Path) -> None:
    out = tmp_path / "candidates.tsv"
    result = CliRunner().invoke(
        main,
        [
            "link",
            "propose",
            "--dpv",
            str(DPV_DIR),
            "--all",
            "--min-score",
            "0.9",
            "--out",
            out,
        ],
    )
    assert result.exit_code == 0, result.output
    body = [ln for ln in out.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body)), delimiter="\t"))
    assert rows and all(r["mapping_justification"] == "semapv:LexicalMatching" for r in rows)
    assert {"subject_id": "kh:extortion", "object_id": "risk:Extortion"}.items() <= next(
        r for r in rows if r["subject_id"] == "kh:extortion"
    ).items()


def test_mappings_export_as_csv_with_full_iris(shipped: list) -> None:  # type: ignore[type-arg]
    result = CliRunner().invoke(main, ["export", "mappings"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(shipped)
    first = rows[0]
    assert first["subject"].startswith("https://w3id.org/prkg/") and first["curator"]
    assert first["predicate"] == str(SKOS.broadMatch)


def test_json_ld_uses_the_published_context(tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    result = CliRunner().invoke(
        main, ["build", "seeds/004_20eb87d0be669cf8.txt", "--format", "jsonld", "--out", out]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    shipped_context = json.loads(CliRunner().invoke(main, ["export", "context"]).output)
    assert data["@context"] == shipped_context["@context"]
    claim = next(n for n in data["@graph"] if n.get("type") == ["prk:Claim"])
    assert {"modality", "evidence", "supportingDocuments"} <= set(claim)
    mention = next(n for n in data["@graph"] if n.get("type") == ["prk:Mention"])
    assert isinstance(mention["quote"], str) and int(mention["begin"]) < int(mention["end"])


def test_proposed_mappings_pass_sssom_validate(tmp_path: Path) -> None:
    """`kg link propose` writes a complete SSSOM file (metadata block and CURIE map), which
    sssom-py's own validator accepts."""
    import subprocess
    import sys

    from kg.cli import main

    out = tmp_path / "proposed.sssom.tsv"
    result = CliRunner().invoke(main, ["link", "propose", "--dpv", str(DPV_DIR), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# curie_map:")
    sssom = Path(sys.executable).parent / "sssom"
    checked = subprocess.run([str(sssom), "validate", str(out)], capture_output=True, text=True)
    assert checked.returncode == 0 and "Error" not in checked.stderr, checked.stderr[-500:]


def _sssom_py_accepts(path: Path) -> bool:
    """sssom-py's verdict with the checks kg.link makes (prefix map complete, CURIEs strict)."""
    import logging

    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    logging.getLogger().setLevel(logging.CRITICAL)
    try:
        msdf = parse_sssom_table(path, sep="\t")
    except Exception:  # noqa: BLE001 - pandas/yaml/linkml raise many types
        return False
    checks = [SchemaValidationType.PrefixMapCompleteness, SchemaValidationType.StrictCurieFormat]
    return not any(r.results for r in validate(msdf, checks, fail_on_error=False).values())


@pytest.mark.parametrize(
    "rows",
    [
        [row("kd:name", "skos:exactMatch", "pd:Name")],
        [row("kd:name", "skos:exactMatch", "nope:Name")],
        [row("kd:name", "nope:exactMatch", "pd:Name")],
        [row("kd:name", "skos:exactMatch", "pd:Name"), row("kh:fraud", "skos:broadMatch", "x:y")],
        [row("kd:name", "skos:exactMatch", "Name")],
    ],
    ids=["good", "unknown object prefix", "unknown predicate prefix", "second row", "not a curie"],
)
def test_the_light_reader_is_at_least_as_strict_as_sssom_py(
    tmp_path: Path, rows: list[str]
) -> None:
    """What sssom-py rejects, kg rejects; kg also refuses an id with no prefix at all ("Name"),
    which sssom-py lets through."""
    path = sssom(tmp_path, *rows)
    try:
        read_mappings(path)
        ours = True
    except InputError:
        ours = False
    theirs = _sssom_py_accepts(path)
    assert ours <= theirs and ours == (rows == [row("kd:name", "skos:exactMatch", "pd:Name")])


def test_the_shipped_tables_pass_sssom_py_too() -> None:
    for path in sorted(
        (Path(__file__).resolve().parent.parent / "ontology" / "mappings").glob("*.sssom.tsv")
    ):
        assert _sssom_py_accepts(path), path
