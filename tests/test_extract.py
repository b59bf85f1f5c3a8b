"""Extraction on the real seeds: each seed is its own case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.clean import Document
from kg.extract import Extraction, extract
from kg.lexicon import default_lexicon
from kg.namespaces import KD, KH, KR, KT
from tests.conftest import SEED_IDS, XINHUA_COPIES

#: At least these many mentions per role in every seed (actors: the speakers and platforms).
MIN_ROLES = {"technique": 5, "datatype": 15, "harm": 5, "actor": 3, "price": 3}


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_every_mention_quote_is_the_text_at_its_offsets(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    x = extractions[doc_id]
    for m in x.mentions:
        assert x.doc.text[m.start : m.end] == m.quote, m
    for c in x.claims:
        for m in c.mentions:
            assert c.start <= m.start and m.end <= c.end


@pytest.mark.parametrize("doc_id", SEED_IDS)
def test_each_seed_yields_mentions_in_every_role_and_claims(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    x = extractions[doc_id]
    roles = {role: sum(1 for m in x.mentions if m.role == role) for role in MIN_ROLES}
    assert all(roles[r] >= n for r, n in MIN_ROLES.items()), roles
    assert len(x.claims) >= 8


def _claims(x: Extraction, modality: str, **slots: object) -> list[object]:
    return [
        c
        for c in x.claims
        if c.modality == modality and all(v in c.slots.get(k, ()) for k, v in slots.items())
    ]


@pytest.mark.parametrize("doc_id", XINHUA_COPIES)
def test_named_expert_recommendation_is_attributed_with_affiliation(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    (claim,) = _claims(extractions[doc_id], "recommended", remedy=KR["seller-vetting"])
    assert claim.claimant is not None
    assert (claim.claimant.name, claim.claimant.affiliation, claim.claimant.title) == (
        "吴沈括",
        "北京师范大学网络法治国际中心",
        "执行主任",
    )


@pytest.mark.parametrize("doc_id", XINHUA_COPIES)
def test_negated_harm_becomes_a_denied_claim_of_the_quoted_speaker(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    (claim,) = _claims(extractions[doc_id], "denied", harm=KH["privacy-breach"])
    assert claim.claimant is not None and claim.claimant.name == "何延哲"


@pytest.mark.parametrize("doc_id", XINHUA_COPIES)
def test_police_account_links_technique_data_and_harm(
    extractions: dict[str, Extraction], doc_id: str
) -> None:
    (claim,) = _claims(
        extractions[doc_id],
        "asserted",
        technique=KT["photo-animation"],
        datatype=KD["face-photo"],
        harm=KH["verification-bypass"],
    )
    assert claim.claimant is not None and claim.claimant.kind == "PoliceUnit"


def test_not_including_an_id_number_is_not_a_claim_that_it_is_sold() -> None:
    doc = Document("n", "卖家兜售人脸照片，不包括身份证号。", "n", "n.txt", "0")
    x = extract(doc)
    (claim,) = x.claims
    assert KD["id-number"] not in claim.slots.get("datatype", ())
    (id_mention,) = [m for m in x.mentions if m.target == str(KD["id-number"])]
    assert id_mention.negated


def test_a_negated_harm_alone_is_denied_not_asserted() -> None:
    x = extract(Document("n", "专家认为，隐私泄露风险并不大。", "n", "n.txt", "0"))
    assert [c.modality for c in x.claims] == ["denied"]


def test_price_item_and_platform_are_found(extractions: dict[str, Extraction]) -> None:
    prices = {p.mention.quote: p for p in extractions["000_8200541f961867d5"].prices}
    assert prices["五毛钱一张"].item == KD["id-photo"]
    assert prices["四块钱一份"].item == KD["identity-kit"]
    assert str(prices["四块钱一份"].platform).endswith("baidu-tieba")


def test_spun_copy_wordings_are_understood(extractions: dict[str, Extraction]) -> None:
    """004 is machine-paraphrased: 敷陈 for 告诉, 传授 for 教授, 同伙圈 for 朋友圈,
    明示赞成 for 明示同意."""
    x = extractions["004_20eb87d0be669cf8"]
    speakers = {c.claimant.name for c in x.claims if c.claimant}
    assert {"胡钢", "薛军"} <= speakers
    assert any(m.quote == "同伙圈" for m in x.mentions)
    assert _claims(x, "recommended", remedy=KR["consent"])


LABELS = sorted(t for t in default_lexicon().terms if len(t) >= 2)
FILLER = st.text(
    alphabet=st.sampled_from(list("的了在是，。、有和就也被卖家说 \nAB1２")), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(FILLER, st.sampled_from(LABELS)), min_size=1, max_size=8), FILLER)
def test_quote_offset_invariant_holds_for_any_text(parts: list[tuple[str, str]], tail: str) -> None:
    text = "".join(a + b for a, b in parts) + tail
    x = extract(Document("h", text, "h", "h.txt", "0"))
    for m in x.mentions:
        assert text[m.start : m.end] == m.quote
    for p in x.prices:
        assert p.amount > 0 and p.quantity > 0
