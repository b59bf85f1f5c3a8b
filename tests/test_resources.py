from kg.resources import query_files, shapes_path, vocabulary_files, vocabulary_graph


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
