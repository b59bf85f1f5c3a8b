"""The JSON-LD export as a web developer reads it (plain JSON shapes) and as a JSON-LD processor
reads it (pyld, the reference Python implementation): the same graph comes back."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.serialize import jsonld

pyld = pytest.importorskip("pyld")


@pytest.fixture(scope="module")
def exported(seed_graph: Graph) -> dict[str, Any]:
    return json.loads(jsonld(seed_graph))


def node(data: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(n for n in data["@graph"] if f"prk:{kind}" in n.get("type", []))


def test_a_mention_is_plain_json_with_numeric_offsets(exported: dict[str, Any]) -> None:
    mention = node(exported, "Mention")
    assert mention["id"].startswith("https://w3id.org/prkg/id/mention/")
    assert isinstance(mention["begin"], int) and mention["end"] == mention["begin"] + len(
        mention["quote"]
    )
    assert isinstance(mention["negated"], bool) and isinstance(mention["type"], list)


def test_a_claims_slots_are_always_lists(exported: dict[str, Any]) -> None:
    claims = [n for n in exported["@graph"] if "prk:Claim" in n.get("type", [])]
    for claim in claims:
        for key in ("technique", "dataType", "harm", "remedy", "evidence"):
            assert isinstance(claim.get(key, []), list)
        assert isinstance(claim["independentReports"], int)
    assert any(len(c.get("dataType", [])) == 1 for c in claims)  # a single value is a list too


def test_a_price_keeps_its_decimal_lexical_form_and_its_item_list(exported: dict[str, Any]) -> None:
    price = node(exported, "PriceObservation")
    assert isinstance(price["item"], list) and isinstance(price["approximate"], bool)
    assert float(price["amount"]) > 0 and isinstance(price["unitPrice"], str)


def test_pyld_reads_back_the_same_graph(exported: dict[str, Any], seed_graph: Graph) -> None:
    from pyld import jsonld as processor

    nquads = processor.to_rdf(exported, {"format": "application/n-quads"})
    back = Graph().parse(data=nquads, format="nt")  # default graph only: N-Triples lines
    assert len(back) == len(seed_graph)
    assert isomorphic(back, seed_graph)
