"""The oxigraph validation engine: the same report as pySHACL where it applies, pySHACL's
report where it does not (it falls back, never guesses), and bad input as one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, XSD

from kg.errors import InputError
from kg.namespaces import NIF, PRK
from kg.pipeline import validate_file
from kg.shapes_sparql import Unsupported
from kg.validate import load_shapes, validate_graph, validate_source
from tests.conftest import copy_graph


def _broken(small_graph: Graph, prop: object, *values: Literal) -> Graph:
    g = copy_graph(small_graph)
    node = sorted(
        g.subjects(RDF.type, PRK.Mention if prop == NIF.beginIndex else PRK.PriceObservation)
    )[0]
    g.remove((node, prop, None))  # type: ignore[arg-type]
    for value in values:
        g.add((node, prop, value))  # type: ignore[arg-type]
    return g


def _nt(g: Graph, tmp_path: Path, name: str = "g.nt") -> Path:
    path = tmp_path / name
    path.write_bytes(g.serialize(format="nt", encoding="utf-8"))
    return path


def test_a_datatype_is_checked_as_written_though_oxigraph_stores_it_as_another(
    small_graph: Graph,
) -> None:
    """Oxigraph stores xsd:nonNegativeInteger as xsd:integer: an offset typed xsd:integer
    looks right in the store, and must still fail sh:datatype."""
    # a number no other literal holds: "3"^^xsd:nonNegativeInteger beside it is one value to
    # Oxigraph, and the engine would rightly hand the graph to pySHACL
    used = {str(o) for o in small_graph.objects() if isinstance(o, Literal)}
    n = str(next(i for i in range(3, 10**6) if str(i) not in used))
    g = _broken(small_graph, NIF.beginIndex, Literal(n, datatype=XSD.integer))
    report = validate_source(g.serialize(format="nt", encoding="utf-8"))
    assert any(f.shape == "prk:AnchorBeginShape" and f.value == n for f in report.findings)
    assert report == validate_graph(g, engine="pyshacl")


def test_a_number_is_reported_as_written_though_oxigraph_respells_it(small_graph: Graph) -> None:
    g = _broken(small_graph, PRK.amount, Literal("-2.0", datatype=XSD.decimal))
    report = validate_source(g.serialize(format="nt", encoding="utf-8"))
    assert any(f.value == "-2.0" for f in report.findings)
    assert report == validate_graph(g, engine="pyshacl")


def test_two_literals_oxigraph_stores_as_one_make_auto_fall_back_to_pyshacl(
    small_graph: Graph, tmp_path: Path
) -> None:
    """A price written both "2.0" and "2" has two amounts to pySHACL (sh:maxCount 1 fails) and
    one to Oxigraph, whose store keeps the value and not the spelling."""
    g = _broken(
        small_graph,
        PRK.amount,
        Literal("2.0", datatype=XSD.decimal),
        Literal("2", datatype=XSD.decimal),
    )
    path = _nt(g, tmp_path)
    with pytest.raises(Unsupported):
        validate_source(path)
    with pytest.raises(InputError, match="g.nt: the oxigraph engine cannot check this"):
        validate_file(path, engine="oxigraph")
    report = validate_file(path)
    assert any(f.shape == "prk:PriceObservationShape/prk:amount" for f in report.findings)
    assert report == validate_graph(g, engine="pyshacl")


def test_shapes_it_does_not_translate_are_left_to_pyshacl(
    small_graph: Graph, tmp_path: Path
) -> None:
    extra = tmp_path / "waivers.ttl"
    extra.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix prk: <https://w3id.org/prkg/ns#> .\n"
        "prk:ClosedOutlet a sh:NodeShape ; sh:targetClass prk:Outlet ; sh:closed true ;\n"
        '  sh:message "closed"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(Unsupported, match="closed"):
        validate_source(_nt(small_graph, tmp_path), shapes=load_shapes(extra))
    report = validate_file(_nt(small_graph, tmp_path), waivers=extra)
    assert report == validate_file(_nt(small_graph, tmp_path), waivers=extra, engine="fast")


def test_a_turtle_file_is_validated_in_oxigraph_with_its_own_prefixes(
    small_graph: Graph, tmp_path: Path
) -> None:
    g = _broken(small_graph, PRK.amount, Literal("-2", datatype=XSD.decimal))
    path = tmp_path / "g.ttl"
    path.write_bytes(g.serialize(format="turtle", encoding="utf-8"))
    report = validate_file(path, engine="oxigraph")
    assert not report.conforms
    assert report == validate_file(path, engine="fast")


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"<urn:a> <urn:b> .\n", "malformed nt"),
        (b"", "holds no triples"),
        (b"\xff\xfe<urn:a> <urn:b> <urn:c> .\n", "malformed nt"),
    ],
    ids=["malformed", "empty", "wrong encoding"],
)
def test_bad_files_are_one_line_errors_naming_the_file(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.nt"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        validate_file(path, engine="oxigraph")
    assert str(err.value).startswith(f"{path}: ") and reason in str(err.value)
    assert "\n" not in str(err.value)
    with pytest.raises(InputError, match="no such graph file"):
        validate_file(tmp_path / "missing.nt")


#: Data and shapes that use SHACL Core components and targets our own shapes do not (sh:xone,
#: sh:not, sh:and, sh:maxLength, sh:maxExclusive, sh:hasValue, counts above 1, languages with
#: a region, subclasses, sh:targetNode, sh:targetObjectsOf, …), each broken at least once.
CORE_DATA = """
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Sub rdfs:subClassOf ex:Thing .
ex:a a ex:Thing ; ex:name "Alpha"@en , "阿尔法"@zh , "Alpha again"@EN ; ex:code "AB12" ;
    ex:size 5 ; ex:tag ex:red ; ex:link ex:b ; ex:kind ex:red .
ex:b a ex:Sub ; ex:name "B"@fr ; ex:code "toolongcode" ; ex:size -1 , 200 ;
    ex:tag ex:blue , "green" ; ex:link "literal" ; ex:kind ex:blue .
ex:c a ex:Thing ; ex:code ex:x ; ex:size "many" ; ex:link ex:nothing .
ex:d ex:ref ex:a , ex:c .
"""
CORE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property ex:NameShape ,
    ex:CodeShape , ex:SizeShape , ex:TagShape , ex:LinkShape , ex:KindShape , ex:TwoNamesShape .
ex:NameShape sh:path ex:name ; sh:uniqueLang true ; sh:languageIn ( "en" "zh" ) ;
    sh:maxCount 2 ; sh:message "name"@en .
ex:TwoNamesShape sh:path ex:name ; sh:minCount 2 ; sh:severity sh:Warning ;
    sh:message "two names"@en .
ex:CodeShape sh:path ex:code ; sh:pattern "^[A-Z]+[0-9]*$" ; sh:maxLength 6 ; sh:minLength 2 ;
    sh:message "code"@en .
ex:SizeShape sh:path ex:size ; sh:minExclusive 0 ; sh:maxExclusive 100 ; sh:maxCount 1 ;
    sh:minCount 1 ; sh:message "size"@en .
ex:TagShape sh:path ex:tag ; sh:in ( ex:red ex:blue ) ; sh:nodeKind sh:IRI ; sh:message "tag"@en .
ex:LinkShape sh:path ex:link ; sh:class ex:Thing ; sh:message "link"@en .
ex:KindShape sh:path ex:kind ; sh:hasValue ex:red ; sh:severity sh:Info ; sh:message "kind"@en .
ex:RefShape a sh:NodeShape ; sh:targetSubjectsOf ex:ref ;
  sh:property [ sh:path ex:ref ; sh:message "ref"@en ;
      sh:xone ( [ sh:class ex:Sub ] [ sh:property [ sh:path ex:tag ; sh:minCount 1 ] ] ) ] ,
    [ sh:path ex:ref ; sh:message "not"@en ;
      sh:not [ sh:property [ sh:path ex:tag ; sh:hasValue ex:red ] ] ] ,
    [ sh:path ex:ref ; sh:message "and"@en ;
      sh:and ( [ sh:nodeKind sh:IRI ] [ sh:property [ sh:path ex:code ; sh:maxCount 1 ] ] ) ] .
ex:NodeTarget a sh:NodeShape ; sh:targetNode ex:c , ex:zz ;
  sh:property [ sh:path ex:size ; sh:minCount 1 ; sh:datatype xsd:integer ; sh:message "node"@en ] .
ex:ObjTarget a sh:NodeShape ; sh:targetObjectsOf ex:link ; sh:nodeKind sh:IRI ;
    sh:message "obj"@en .
"""


def test_every_translated_component_reports_what_pyshacl_reports(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(CORE_DATA, encoding="utf-8")
    shapes = Graph().parse(data=CORE_SHAPES, format="turtle")
    report = validate_source(data, "ttl", shapes)
    assert report == validate_graph(Graph().parse(data), shapes, engine="pyshacl")
    assert len(report.findings) >= 20 and {f.severity for f in report.findings} == {
        "Violation",
        "Warning",
        "Info",
    }


def test_relative_iris_are_read_against_the_file_as_rdflib_reads_them(tmp_path: Path) -> None:
    graph = tmp_path / "relative.ttl"
    graph.write_text("<doc-1> a <https://w3id.org/prkg/ns#Document> .\n", encoding="utf-8")
    report = validate_file(graph, engine="oxigraph")
    assert not report.conforms
    assert all(f.focus == f"<{(tmp_path / 'doc-1').as_uri()}>" for f in report.findings)
    assert report == validate_file(graph, engine="fast")
