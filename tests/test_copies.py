"""Copies: the same report republished, converted to Traditional or spun, is one report."""

from __future__ import annotations

import opencc
from rdflib import Graph
from rdflib.namespace import RDF

from kg.copies import group_copies
from kg.extract import Extraction
from kg.mint import claim_iri, doc_iri
from kg.namespaces import KD, KR, PRK
from tests.conftest import XINHUA_COPIES

#: The machine paraphrase the brief describes (004 is such a copy): words swapped for synonyms.
SPIN = {
    "网络": "收集",
    "平台": "..",
    "告诉": "敷陈",
    "表示": "透露",
    "保护": "珍爱",
    "自己": "本身",
    "目前": "今朝",
    "个人": "小我",
    "教授": "传授",
    "朋友圈": "同伙圈",
}


def _texts(extractions: dict[str, Extraction]) -> dict[str, str]:
    return {k: x.doc.text for k, x in extractions.items()}


def test_the_two_xinhua_copies_are_one_report_and_unrelated_seeds_are_not(
    extractions: dict[str, Extraction],
) -> None:
    reports = group_copies(_texts(extractions))
    assert [r.members for r in reports] == [
        ("000_8200541f961867d5",),
        ("001_2b4c41761c25b35f",),
        XINHUA_COPIES,
        ("004_20eb87d0be669cf8",),
    ]
    (pair,) = reports[2].pairs
    assert pair[2] > 0.9


def test_traditional_and_spun_copies_join_their_report(extractions: dict[str, Extraction]) -> None:
    texts = _texts(extractions)
    original = texts["002_7d2088a3fdb730a7"]
    spun = original
    for word, swap in SPIN.items():
        spun = spun.replace(word, swap)
    texts["900_traditional"] = opencc.OpenCC("s2tw").convert(original)
    texts["901_spun"] = spun
    reports = group_copies(texts)
    xinhua = next(r for r in reports if "002_7d2088a3fdb730a7" in r.members)
    assert set(xinhua.members) == {*XINHUA_COPIES, "900_traditional", "901_spun"}
    assert len(reports) == 4


def test_grouping_is_deterministic(extractions: dict[str, Extraction]) -> None:
    assert group_copies(_texts(extractions)) == group_copies(
        dict(reversed(_texts(extractions).items()))
    )


def test_graph_links_copies_and_counts_independent_support(seed_graph: Graph) -> None:
    a, b = (doc_iri(d) for d in XINHUA_COPIES)
    assert (a, PRK.nearDuplicateOf, b) in seed_graph and (b, PRK.nearDuplicateOf, a) in seed_graph
    assert seed_graph.value(a, PRK.report) == seed_graph.value(b, PRK.report)
    assert len(set(seed_graph.subjects(RDF.type, PRK.Report))) == 4
    vetting = next(c for c in seed_graph.subjects(PRK.remedy, KR["seller-vetting"]))
    counts = [
        int(seed_graph.value(vetting, p))
        for p in (PRK.supportingDocuments, PRK.independentReports, PRK.syndicatedCopies)  # type: ignore[arg-type]
    ]
    assert counts == [2, 1, 1]
    resale = claim_iri(
        "asserted",
        {
            "datatype": [str(KD["face-data"])],
            "technique": ["https://w3id.org/prkg/technique/bulk-resale"],
        },
    )
    assert int(seed_graph.value(resale, PRK.independentReports)) == 2  # type: ignore[arg-type]
