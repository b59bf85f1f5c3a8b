import shutil

from rdflib import Graph, URIRef

from kg.resources import data_dir, query_files, shapes_path, vocabulary_files
from kg.vocabulary import mappings_graph, vocabulary_graph


def test_vocabulary_files_are_found_and_exclude_shapes_and_waivers() -> None:
    names = {p.name for p in vocabulary_files()}
    assert {
        "prk.ttl",
        "technique.ttl",
        "datatype.ttl",
        "harm.ttl",
        "remedy.ttl",
        "cues.ttl",
    } <= names
    assert "shapes.ttl" not in names and "waivers.ttl" not in names
    assert shapes_path().is_file()


def test_queries_are_found_by_glob() -> None:
    assert len(query_files()) >= 10


def test_vocabulary_graph_is_loaded_once() -> None:
    assert vocabulary_graph() is vocabulary_graph()


def _isomorphic(a: Graph, b: Graph) -> bool:
    return set(a) == set(b)


def test_mappings_are_read_once_then_served_from_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRKG_CACHE", str(tmp_path))
    fresh = mappings_graph()
    (cached,) = tmp_path.glob("mappings-*.nt")
    marker = "<urn:x:cache> <urn:x:was> <urn:x:read> .\n"
    cached.write_text(cached.read_text(encoding="utf-8") + marker, encoding="utf-8")
    again = mappings_graph()
    assert (URIRef("urn:x:cache"), URIRef("urn:x:was"), URIRef("urn:x:read")) in again
    assert len(again) == len(fresh) + 1


def test_a_damaged_mappings_cache_is_rebuilt_not_trusted(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRKG_CACHE", str(tmp_path))
    fresh = mappings_graph()
    (cached,) = tmp_path.glob("mappings-*.nt")
    cached.write_text("<not n-triples", encoding="utf-8")
    assert _isomorphic(mappings_graph(), fresh)
    assert "<not n-triples" not in cached.read_text(encoding="utf-8")


def test_an_edited_mapping_table_is_read_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PRKG_CACHE", str(tmp_path / "cache"))
    ontology = tmp_path / "ontology"
    shutil.copytree(data_dir("ontology"), ontology)
    monkeypatch.setattr("kg.resources.data_dir", lambda name: tmp_path / name)
    before = mappings_graph()
    table = sorted((ontology / "mappings").glob("*.sssom.tsv"))[0]
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    last = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].strip())
    table.write_text("".join(lines[:last] + lines[last + 1 :]), encoding="utf-8")
    after = mappings_graph()
    assert len(after) < len(before)
    assert len(list((tmp_path / "cache").glob("mappings-*.nt"))) == 2


def test_an_unwritable_cache_is_not_an_error(tmp_path, monkeypatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PRKG_CACHE", str(blocked))
    assert len(mappings_graph()) > 0
    assert blocked.read_text(encoding="utf-8") == "not a folder"
