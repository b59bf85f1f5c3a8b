"""Every command on every kind of broken input: one line on stderr naming the file, the exit
status of the error's class, and no traceback (kg/errors.py; the CLI maps them in one place)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import vocabulary
from kg.cli import main
from kg.errors import EXIT_BAD_INPUT, DataFileError, InputError, KgError, VocabularyError
from tests.conftest import GOLD, ROOT, SEEDS

HEADER = "# curator: a\n# date: 2026-12-04\n# reason: r\n"
GOOD_GRAPH = (
    "@prefix prk: <https://w3id.org/prkg/ns#> .\n<https://w3id.org/prkg/x> a prk:Document .\n"
)

#: (name, files to write, command line with {d} for the folder, words the error must contain)
CASES = [
    ("missing input", {}, ["build", "{d}/nope.txt", "--out", "{d}/g.ttl"], "no such file"),
    ("malformed graph", {"g.ttl": "<a> <b"}, ["validate", "{d}/g.ttl"], "malformed"),
    (
        "malformed graph to query",
        {"g.ttl": "<a> <b"},
        ["query", "documents", "--graph", "{d}/g.ttl"],
        "malformed",
    ),
    ("unknown graph format", {"g.xyz": "x"}, ["validate", "{d}/g.xyz"], "unknown RDF format"),
    (
        "malformed waivers",
        {"g.ttl": GOOD_GRAPH, "w.ttl": "prk:X sh:deactivated"},
        ["validate", "{d}/g.ttl", "--waivers", "{d}/w.ttl"],
        "w.ttl",
    ),
    (
        "malformed SPARQL",
        {"g.ttl": GOOD_GRAPH, "q.rq": "# title: q\nSELECT WHERE {"},
        ["query", "{d}/q.rq", "--graph", "{d}/g.ttl"],
        "q.rq",
    ),
    (
        "malformed gold line",
        {"gold.jsonl": '{"doc": 1'},
        ["eval", "--gold", "{d}/gold.jsonl", "--docs", str(SEEDS)],
        "gold.jsonl:1",
    ),
    (
        "malformed SSSOM",
        {"m.sssom.tsv": "subject_id\tpredicate_id\nkt:x"},
        [
            "link",
            "check",
            "--dpv",
            str(ROOT / "tests" / "fixtures" / "dpv"),
            "--mappings",
            "{d}/m.sssom.tsv",
        ],
        "m.sssom.tsv",
    ),
    (
        "edit without header",
        {"e.ru": "INSERT DATA { <a:b> <a:c> 1 }"},
        ["edit", "check", "{d}/e.ru", "--graph", "{d}/e.ru"],
        "header lacks",
    ),
    (
        "edit reaching outside",
        {"e.ru": HEADER + "LOAD <file:///etc/passwd>"},
        ["edit", "check", "{d}/e.ru"],
        "refused",
    ),
    ("empty graph", {"g.ttl": ""}, ["validate", "{d}/g.ttl"], "no triples"),
    (
        "show on a malformed graph",
        {"g.ttl": "<a> <b"},
        ["show", "x", "--graph", "{d}/g.ttl"],
        "malformed",
    ),
    ("report on a missing graph", {}, ["report", "--graph", "{d}/nope.ttl"], "nope.ttl"),
    ("review on a missing graph", {}, ["review", "--graph", "{d}/nope.ttl"], "nope.ttl"),
    (
        "query with a bad parameter",
        {"g.ttl": GOOD_GRAPH},
        ["query", "corroborated-claims", "--param", "minReports=two", "--graph", "{d}/g.ttl"],
        "whole number",
    ),
    ("query from a missing file", {}, ["query", "{d}/q.rq"], "q.rq"),
]


@pytest.mark.parametrize("name, files, argv, words", CASES, ids=[c[0] for c in CASES])
def test_broken_input_gives_one_line_and_exit_2(
    tmp_path: Path, name: str, files: dict[str, str], argv: list[str], words: str
) -> None:
    for file, text in files.items():
        (tmp_path / file).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, [a.replace("{d}", str(tmp_path)) for a in argv])
    assert result.exit_code == EXIT_BAD_INPUT, (result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr
    assert words in lines[0] and "Traceback" not in result.output


def test_a_malformed_vocabulary_file_is_one_line_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "technique.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<a> skos:x .\n")
    monkeypatch.setattr(vocabulary, "vocabulary_files", lambda: [bad])
    vocabulary.vocabulary_graph.cache_clear()
    try:
        with pytest.raises(DataFileError, match=r"technique\.ttl:3: malformed Turtle"):
            vocabulary.vocabulary_graph()
    finally:
        vocabulary.vocabulary_graph.cache_clear()


def test_a_label_shared_by_two_schemes_is_bad_input_not_a_violation() -> None:
    from rdflib import Graph

    from kg.lexicon import build_lexicon

    vocab = Graph().parse(
        data="""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix prk: <https://w3id.org/prkg/ns#> .
        <https://w3id.org/prkg/harm/a> skos:inScheme prk:HarmScheme ; skos:altLabel "同词"@zh .
        <https://w3id.org/prkg/technique/b> skos:inScheme prk:TechniqueScheme ;
            skos:altLabel "同词"@zh .
        """,
        format="turtle",
    )
    with pytest.raises(VocabularyError) as err:
        build_lexicon(vocab)
    assert err.value.exit_code == EXIT_BAD_INPUT


def test_every_error_a_user_can_cause_shares_one_base_with_an_exit_code() -> None:
    for cls in (InputError, DataFileError, VocabularyError):
        assert issubclass(cls, KgError) and cls.exit_code == EXIT_BAD_INPUT


def test_the_gold_file_used_by_the_cases_exists() -> None:
    assert GOLD.is_file()  # the eval case above reads the seeds next to it
