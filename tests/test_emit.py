import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.emit import assemble, build_graph
from kg.extract import Extraction
from kg.files import write_atomic
from kg.mint import claim_iri, mention_iri
from kg.namespaces import PRK
from kg.pipeline import BuildResult as Corpus
from kg.serialize import serialize
from tests.conftest import ROOT

DIGEST = """
import hashlib, sys
from pathlib import Path
from kg.pipeline import extract_paths
from kg.emit import build_graph
from kg.serialize import serialize
g = build_graph(extract_paths([Path(sys.argv[1])]))
print(hashlib.sha256(serialize(g, sys.argv[2])).hexdigest())
"""


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_same_input_gives_byte_identical_output_across_processes(fmt: str) -> None:
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", DIGEST, str(ROOT / "seeds"), fmt],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_serialisations_describe_the_same_graph(seed_graph: Graph) -> None:
    ttl = Graph().parse(data=serialize(seed_graph, "ttl"), format="turtle")
    nt = Graph().parse(data=serialize(seed_graph, "nt"), format="nt")
    jsonld = Graph().parse(data=serialize(seed_graph, "jsonld"), format="json-ld")
    assert isomorphic(ttl, nt) and isomorphic(nt, jsonld)
    assert len(nt) == len(seed_graph)


def test_assembled_lines_are_the_bytes_rdflib_writes_of_the_graph(corpus: Corpus) -> None:
    parts = assemble(corpus.extractions, corpus.reports)
    fast = "".join(sorted(set(parts.lines()))).encode()
    assert fast == serialize(parts.graph(), "nt")


def test_iris_are_minted_from_content_not_run_order(extractions: dict[str, Extraction]) -> None:
    xs = list(extractions.values())
    assert isomorphic(build_graph(xs), build_graph(list(reversed(xs))))
    assert mention_iri("d", 1, 3, "harm", "x") == mention_iri("d", 1, 3, "harm", "x")
    assert claim_iri("asserted", {"harm": ["b", "a"]}) == claim_iri(
        "asserted", {"harm": ["a", "b"]}
    )


def test_the_same_claim_in_two_documents_is_one_node_with_two_evidence(seed_graph: Graph) -> None:
    claims = list(seed_graph.subjects(RDF.type, PRK.Claim))
    multi = [c for c in claims if len(set(seed_graph.objects(c, PRK.evidence))) >= 2]
    assert len(multi) >= 15


def test_the_graph_carries_provenance_of_the_run_without_a_timestamp(seed_graph: Graph) -> None:
    from rdflib.namespace import PROV

    (run,) = seed_graph.subjects(RDF.type, PRK.ExtractionRun)
    assert len(set(seed_graph.objects(run, PROV.used))) == 5
    assert seed_graph.value(run, PROV.wasAssociatedWith) is not None
    assert not list(seed_graph.objects(run, PROV.startedAtTime))


def test_a_failed_write_leaves_the_previous_file_in_place(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"previous good graph")

    with pytest.raises(TypeError):  # the write fails half-way: text where bytes are needed
        write_atomic(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"previous good graph"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_outputs_get_the_permissions_of_an_ordinarily_created_file(tmp_path: Path) -> None:
    """Written through a private temporary file, but not left private (0600) by it."""
    from kg.pipeline import build_stream
    from tests.conftest import SEEDS

    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.ttl", b"")
        build_stream([SEEDS], tmp_path / "g.nt")
    finally:
        os.umask(mask)
    for name in ("a.ttl", "g.nt", "g.run.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_a_taiwan_dollar_price_is_recorded_as_twd_in_the_graph(tmp_path: Path) -> None:
    from decimal import Decimal

    from kg.pipeline import extract_paths

    article = tmp_path / "tw.txt"
    article.write_text(
        "刑事局指出，詐騙集團在網路上收購人頭帳號，每個帳號新台幣5000元。", encoding="utf-8"
    )
    (x,) = extract_paths([article])
    graph = build_graph([x])
    (price,) = graph.subjects(RDF.type, PRK.PriceObservation)
    assert str(graph.value(price, PRK.currency)) == "TWD"
    assert graph.value(price, PRK.amount).toPython() == Decimal(5000)  # type: ignore[union-attr]
