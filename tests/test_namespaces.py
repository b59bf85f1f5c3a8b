from rdflib import Graph

from kg.namespaces import PREFIXES, PRK
from kg.resources import data_dir


def test_ontology_declares_the_namespace_defined_in_namespaces_py() -> None:
    g = Graph().parse(data_dir("ontology") / "prk.ttl")
    assert str(dict(g.namespaces())["prk"]) == str(PRK)
    assert (PRK.Claim, None, None) in g


def test_every_vocabulary_file_uses_the_same_project_prefixes() -> None:
    for path in data_dir("ontology").glob("*.ttl"):
        g = Graph().parse(path)
        for prefix, ns in g.namespaces():
            if prefix in PREFIXES and prefix not in {"rdf", "rdfs", "xsd", "owl"}:
                assert str(ns) == str(PREFIXES[prefix]), (path.name, prefix)
