"""SHACL: the shipped graph conforms, and every rule catches a deliberately broken copy."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

from kg.link import PAV, SSSOM
from kg.namespaces import DPV, ELI, KD, KH, KT, LAW, NIF, PRK, SCHEMA
from kg.validate import load_shapes, validate_graph, validate_source
from kg.vocabulary import shapes_graph
from tests.conftest import copy_graph


def _first(g: Graph, cls: URIRef, where: Callable[[URIRef], bool] = lambda n: True) -> URIRef:
    return sorted(n for n in g.subjects(RDF.type, cls) if where(n))[0]  # type: ignore[return-value]


def _set(g: Graph, s: URIRef, p: URIRef, o: object) -> None:
    g.remove((s, p, None))
    g.add((s, p, o))  # type: ignore[arg-type]


def quote_mismatch(g: Graph) -> None:
    _set(g, _first(g, PRK.Mention), NIF.anchorOf, Literal("不是原文"))


def offsets_outside(g: Graph) -> None:
    _set(g, _first(g, PRK.Mention), NIF.endIndex, Literal(999999, datatype=XSD.nonNegativeInteger))


def technique_slot_holds_harm(g: Graph) -> None:
    g.add((_first(g, PRK.Claim), PRK.technique, KH["money-laundering"]))


def mention_of_wrong_scheme(g: Graph) -> None:
    m = _first(g, PRK.Mention, lambda n: (n, PRK.role, PRK.TechniqueRole) in g)
    _set(g, m, PRK.denotes, KD["bank-card"])


def two_zh_preflabels(g: Graph) -> None:
    g.add((KT["deepfake"], SKOS.prefLabel, Literal("深度换脸", lang="zh")))


def shared_altlabel(g: Graph) -> None:
    g.add((KD["bank-card"], SKOS.altLabel, Literal("手机号码", lang="zh")))


def negative_price(g: Graph) -> None:
    _set(g, _first(g, PRK.PriceObservation), PRK.amount, Literal("-2", datatype=XSD.decimal))


def wrong_unit_price(g: Graph) -> None:
    _set(g, _first(g, PRK.PriceObservation), PRK.unitPrice, Literal("99", datatype=XSD.decimal))


def price_without_iso_currency(g: Graph) -> None:
    _set(g, _first(g, PRK.PriceObservation), PRK.currency, Literal("yuan"))


def claim_without_evidence(g: Graph) -> None:
    g.remove((_first(g, PRK.Claim), PRK.evidence, None))


def claim_without_substance(g: Graph) -> None:
    c = _first(g, PRK.Claim)
    for p in (PRK.technique, PRK.harm, PRK.remedy):
        g.remove((c, p, None))


def claim_with_two_modalities(g: Graph) -> None:
    g.add((_first(g, PRK.Claim), PRK.modality, PRK.Denied))
    g.add((_first(g, PRK.Claim), PRK.modality, PRK.Asserted))


def concept_without_definition(g: Graph) -> None:
    g.remove((KT["deepfake"], SKOS.definition, None))


def broader_across_schemes(g: Graph) -> None:
    g.add((KT["deepfake"], SKOS.broader, KH["fraud"]))


def evidence_cites_mention_elsewhere(g: Graph) -> None:
    ev = _first(g, PRK.Evidence)
    begin = int(g.value(ev, NIF.beginIndex))  # type: ignore[arg-type]
    outside = _first(g, PRK.Mention, lambda m: int(g.value(m, NIF.endIndex)) <= begin)  # type: ignore[arg-type]
    g.add((ev, PRK.mention, outside))


def document_without_text(g: Graph) -> None:
    g.remove((_first(g, PRK.Document), NIF.isString, None))
    g.add((_first(g, PRK.Document), NIF.isString, Literal("")))


def document_with_two_encodings(g: Graph) -> None:
    g.add((_first(g, PRK.Document), PRK.sourceEncoding, Literal("big5")))


PIPL_28 = LAW["pipl/art-28"]


def provision_without_date_in_force(g: Graph) -> None:
    g.remove((PIPL_28, ELI.first_date_entry_in_force, None))


def provision_without_jurisdiction(g: Graph) -> None:
    g.remove((PIPL_28, DPV.hasJurisdiction, None))


def provision_with_english_title_only(g: Graph) -> None:
    for title in list(g.objects(PIPL_28, DCTERMS.title)):
        if title.language == "zh":  # type: ignore[union-attr]
            g.remove((PIPL_28, DCTERMS.title, title))


def provision_without_number(g: Graph) -> None:
    g.remove((PIPL_28, ELI.number, None))


def provision_outside_any_act(g: Graph) -> None:
    g.remove((PIPL_28, ELI.is_part_of, None))


def act_without_short_title(g: Graph) -> None:
    g.remove((LAW.pipl, DCTERMS.alternative, None))


def act_without_url(g: Graph) -> None:
    g.remove((LAW.pipl, SCHEMA.url, None))


def governed_by_a_concept(g: Graph) -> None:
    g.add((KD["face-photo"], PRK.governedBy, KD["face-data"]))


def _a_mapping(g: Graph) -> URIRef:
    return sorted(g.subjects(RDF.type, SSSOM.Mapping))[0]  # type: ignore[type-var, return-value]


def mapping_with_confidence_above_one(g: Graph) -> None:
    rec = _a_mapping(g)
    g.set((rec, SSSOM.confidence, Literal(1.5, datatype=XSD.double)))


def mapping_without_justification(g: Graph) -> None:
    g.remove((_a_mapping(g), SSSOM.mapping_justification, None))


def mapping_without_curator(g: Graph) -> None:
    g.remove((_a_mapping(g), PAV.authoredBy, None))


def retraction_without_edit(g: Graph) -> None:
    g.add((_first(g, PRK.Claim), PRK.status, PRK.Retracted))


def merge_without_target(g: Graph) -> None:
    g.add((_first(g, PRK.Expert), PRK.status, PRK.Merged))


def deprecated_concept_without_replacement(g: Graph) -> None:
    g.add((KD["face-video"], OWL.deprecated, Literal(True)))


def mention_without_role(g: Graph) -> None:
    g.remove((_first(g, PRK.Mention), PRK.role, None))


def actor_with_two_names(g: Graph) -> None:
    g.add((_first(g, PRK.Expert), RDFS.label, Literal("另一个名字", lang="zh")))


def document_without_report(g: Graph) -> None:
    g.remove((_first(g, PRK.Document), PRK.report, None))


def claim_without_support_count(g: Graph) -> None:
    g.remove((_first(g, PRK.Claim), PRK.supportingDocuments, None))


def claim_with_wrong_support_count(g: Graph) -> None:
    claim = _first(g, PRK.Claim)
    _set(g, claim, PRK.supportingDocuments, Literal(7, datatype=XSD.nonNegativeInteger))
    _set(g, claim, PRK.syndicatedCopies, Literal(6, datatype=XSD.nonNegativeInteger))


def frequency_with_wrong_count(g: Graph) -> None:
    _set(
        g,
        _first(g, PRK.ConceptFrequency),
        PRK.mentionCount,
        Literal(999, datatype=XSD.nonNegativeInteger),
    )


def frequency_without_document_count(g: Graph) -> None:
    g.remove((_first(g, PRK.ConceptFrequency), PRK.documentCount, None))


def mention_counted_nowhere(g: Graph) -> None:
    g.remove((_first(g, PRK.ConceptFrequency), None, None))


BROKEN = [  # name, mutation, the rule that must catch it
    (
        "concept frequency disagrees with the mentions",
        frequency_with_wrong_count,
        "prk:ConceptFrequencyCountsShape",
    ),
    (
        "concept frequency without a document count",
        frequency_without_document_count,
        "prk:ConceptFrequencyShape/prk:documentCount",
    ),
    ("mention counted in no frequency", mention_counted_nowhere, "prk:MentionCountedShape"),
    ("document in no report", document_without_report, "prk:DocumentReportShape"),
    (
        "claim without support count",
        claim_without_support_count,
        "prk:ClaimSupportShape/prk:supportingDocuments",
    ),
    (
        "support counts disagree with evidence",
        claim_with_wrong_support_count,
        "prk:ClaimSupportCountsShape",
    ),
    ("quote differs from text", quote_mismatch, "prk:QuoteMatchesTextShape"),
    ("offsets outside document", offsets_outside, "prk:OffsetsInsideDocumentShape"),
    ("technique slot holds a harm", technique_slot_holds_harm, "prk:ClaimTechniqueShape"),
    (
        "technique mention denotes data type",
        mention_of_wrong_scheme,
        "prk:MentionConceptSchemeShape",
    ),
    ("two Chinese prefLabels", two_zh_preflabels, "prk:ConceptShape/skos:prefLabel"),
    ("altLabel shared by two concepts", shared_altlabel, "prk:UniqueLabelInSchemeShape"),
    ("negative price", negative_price, "prk:PriceObservationShape/prk:amount"),
    ("unit price not amount/quantity", wrong_unit_price, "prk:UnitPriceConsistentShape"),
    (
        "price without an ISO currency",
        price_without_iso_currency,
        "prk:PriceObservationShape/prk:currency",
    ),
    ("claim without evidence", claim_without_evidence, "prk:ClaimEvidenceShape"),
    (
        "claim with no technique, harm or remedy",
        claim_without_substance,
        "prk:ClaimHasSubstanceShape",
    ),
    ("claim with two modalities", claim_with_two_modalities, "prk:ClaimModalityShape"),
    ("concept without definition", concept_without_definition, "prk:TaxonomyLabelsShape"),
    ("broader concept in another scheme", broader_across_schemes, "prk:BroaderSameSchemeShape"),
    (
        "evidence cites a mention outside it",
        evidence_cites_mention_elsewhere,
        "prk:EvidenceMentionInsideShape",
    ),
    ("document with empty text", document_without_text, "prk:DocumentTextShape"),
    ("mention without role", mention_without_role, "prk:MentionRoleShape"),
    ("actor with two names", actor_with_two_names, "prk:ActorShape/rdfs:label"),
    ("document with two encodings", document_with_two_encodings, "prk:DocumentEncodingShape"),
    ("provision without date in force", provision_without_date_in_force, "prk:LegalInForceShape"),
    (
        "provision without jurisdiction",
        provision_without_jurisdiction,
        "prk:LegalJurisdictionShape",
    ),
    ("provision with English title only", provision_with_english_title_only, "prk:LegalTitleShape"),
    ("provision without number", provision_without_number, "prk:LegalNumberShape"),
    (
        "provision outside any act",
        provision_outside_any_act,
        "prk:LegalProvisionShape/eli:is_part_of",
    ),
    ("act without short title", act_without_short_title, "prk:LegalShortTitleShape"),
    ("act without official URL", act_without_url, "prk:LegalActShape/schema:url"),
    ("governed by a concept", governed_by_a_concept, "prk:GovernedByShape/prk:governedBy"),
    ("mapping confidence 1.5", mapping_with_confidence_above_one, "prk:MappingConfidenceShape"),
    (
        "mapping without justification",
        mapping_without_justification,
        "prk:MappingJustificationShape",
    ),
    ("mapping without curator", mapping_without_curator, "prk:MappingAuthorShape"),
    ("retraction without an edit", retraction_without_edit, "prk:RetractionAttributedShape"),
    ("merge without a target", merge_without_target, "prk:MergedHasTargetShape"),
    (
        "deprecated concept without replacement",
        deprecated_concept_without_replacement,
        "prk:DeprecatedHasReplacementShape",
    ),
]


def test_the_seed_graph_conforms(seed_graph: Graph) -> None:
    report = validate_graph(copy_graph(seed_graph))
    assert report.conforms, [f.line() for f in report.findings[:5]]
    assert report.count("Violation") == 0
    assert report == validate_graph(copy_graph(seed_graph), engine="pyshacl")


#: The SHACL-SPARQL rules: the fast engine runs them in Oxigraph. (It runs the SHACL Core rules
#: in pySHACL too, but with the property shapes of node shapes lifted to targets of their own.)
SPARQL_RULES = [
    b for b in BROKEN if (PRK[b[2].split(":")[1]], RDF.type, SH.SPARQLConstraint) in shapes_graph()
]


@pytest.mark.parametrize("name, mutate, rule", BROKEN, ids=[b[0] for b in BROKEN])
def test_the_fast_and_oxigraph_engines_report_exactly_what_pyshacl_reports(
    small_graph: Graph, name: str, mutate: Callable[[Graph], None], rule: str
) -> None:
    """Finding by finding: severity, node, rule, message, value and path; for every rule. The
    oxigraph engine reads the graph as N-Triples, as it reads a file."""
    g = copy_graph(small_graph)
    mutate(g)
    lang = "zh" if name == BROKEN[0][0] else "en"
    fast = validate_graph(g, lang=lang)
    assert fast == validate_graph(g, lang=lang, engine="pyshacl")
    assert validate_source(g.serialize(format="nt", encoding="utf-8"), "nt", lang=lang) == fast
    assert any(f.shape == rule for f in fast.findings)
    assert len(SPARQL_RULES) >= 8 and len(BROKEN) > len(SPARQL_RULES)


@pytest.mark.parametrize("name, mutate, rule", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_rule_catches_a_broken_copy(
    small_graph: Graph, name: str, mutate: Callable[[Graph], None], rule: str
) -> None:
    g = copy_graph(small_graph)
    mutate(g)
    report = validate_graph(g)
    assert not report.conforms
    caught = [f for f in report.findings if f.shape == rule and f.severity == "Violation"]
    assert caught, [f.line() for f in report.findings]
    assert all(f.message and "(no message)" not in f.message for f in caught)


def test_every_named_rule_is_exercised_by_a_broken_copy() -> None:
    """A rule nobody breaks in a test could be empty; this keeps the list above complete."""
    shapes = shapes_graph()
    named = {s for s in shapes.subjects(SH.message, None) if isinstance(s, URIRef)}
    tested = {rule.split("/")[0] for _, _, rule in BROKEN}
    warnings_only = {PRK.RecommendationNamesRemedyShape, PRK.ClaimLabelShape}
    warnings_only |= {PRK.ClaimOnDeprecatedConceptShape, PRK.OrphanedEditShape}  # test_curate
    untested = {shapes.namespace_manager.normalizeUri(s) for s in named - warnings_only} - tested
    # Document, anchor and evidence cardinality rules share one mechanism with those tested above.
    allowed = {
        "prk:DocumentIdShape",
        "prk:DocumentTitleShape",
        "prk:DocumentHashShape",
        "prk:DocumentDateShape",
        "prk:DocumentUrlShape",
        "prk:DocumentOutletShape",
        "prk:AnchorContextShape",
        "prk:AnchorBeginShape",
        "prk:AnchorEndShape",
        "prk:AnchorQuoteShape",
        "prk:MentionNegatedShape",
        "prk:MentionDenotesShape",
        "prk:ClaimDataTypeShape",
        "prk:ClaimHarmShape",
        "prk:ClaimRemedyShape",
    }
    assert untested <= allowed, untested - allowed


def test_every_rule_has_a_chinese_and_english_message_and_a_severity() -> None:
    shapes = shapes_graph()
    rules = set(shapes.subjects(SH.message, None))
    assert len(rules) >= 35
    for rule in rules:
        langs = {m.language for m in shapes.objects(rule, SH.message)}  # type: ignore[union-attr]
        assert {"zh", "en"} <= langs, rule
        assert shapes.value(rule, SH.severity) in (SH.Violation, SH.Warning, SH.Info), rule


def test_a_warning_is_reported_but_does_not_block(small_graph: Graph) -> None:
    g = copy_graph(small_graph)
    g.remove((_first(g, PRK.PriceObservation), PRK.item, None))
    report = validate_graph(g)
    assert report.conforms and report.count("Warning") == 1


def test_a_reviewed_waiver_deactivates_a_rule(small_graph: Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    g = copy_graph(small_graph)
    price_without_iso_currency(g)
    waiver = tmp_path / "waivers.ttl"
    waiver.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix prk: <https://w3id.org/prkg/ns#> .\n"
        'prk:PriceObservationShape sh:deactivated true ; prk:waiverReason "test" .\n',
        encoding="utf-8",
    )
    assert validate_graph(g, load_shapes(waiver)).conforms


def test_messages_come_in_chinese_on_request(small_graph: Graph) -> None:
    g = copy_graph(small_graph)
    quote_mismatch(g)
    (finding,) = [
        f for f in validate_graph(g, lang="zh").findings if f.shape == "prk:QuoteMatchesTextShape"
    ]
    assert "引文" in finding.message


def test_property_shapes_of_targeted_node_shapes_get_their_targets_in_the_fast_engine() -> None:
    from kg.validate import _split_sparql

    shapes = load_shapes()
    core, _ = _split_sparql(shapes)
    lifted = set(shapes.subject_objects(SH.property)) - set(core.subject_objects(SH.property))
    assert len(lifted) > 40
    for shape, prop in lifted:
        assert set(shapes.objects(shape, SH.targetClass)) <= set(core.objects(prop, SH.targetClass))
    # a shape that others use through sh:node keeps its property shapes where they are
    used = set(shapes.objects(None, SH.node))
    assert all(
        (s, SH.property, p) in core for s, p in shapes.subject_objects(SH.property) if s in used
    )


@pytest.mark.parametrize(
    "name, mutate, rule", SPARQL_RULES[:4], ids=[b[0] for b in SPARQL_RULES[:4]]
)
def test_the_file_read_into_oxigraph_gives_the_same_report(
    small_graph: Graph, name: str, mutate: Callable[[Graph], None], rule: str, tmp_path: Path
) -> None:
    """`kg validate FILE` runs the SPARQL rules on the file read into Oxigraph, not on a copy."""
    from kg.graphs import load_graph

    g = copy_graph(small_graph)
    mutate(g)
    path = tmp_path / "broken.nt"
    g.serialize(path, format="nt", encoding="utf-8")
    data = load_graph(path)
    report = validate_graph(data, oxigraph=load_graph(path, "oxigraph"))
    assert report == validate_graph(data)
    assert any(f.shape == rule for f in report.findings)
