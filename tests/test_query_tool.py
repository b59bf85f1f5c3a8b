"""`kg query` as a SPARQL tool: standard result formats that parse back, ASK and CONSTRUCT,
queries from -e and stdin with the project's prefixes predeclared, full table cells, and clear
errors (exit 2) for a wrong query name, parameter or value."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.query import Result

from kg.cli import main
from kg.query import Request, Source, answer, find_query, read_query, run_query
from kg.results import display_width, render
from kg.sparqltext import with_limit

KT_DEEPFAKE = URIRef("https://w3id.org/prkg/technique/deepfake")


def kg(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_each_result_format_parses_back_with_rdflibs_standard_parser(
    seed_graph: Graph, fmt: str
) -> None:
    result = run_query(seed_graph, read_query(find_query("unit-prices")))
    text = render(result, fmt)
    back = Result.parse(io.BytesIO(text.encode("utf-8")), format=fmt)
    assert [str(v) for v in back.vars or []] == [str(v) for v in result.vars or []]
    assert len(back) == len(result) > 10
    if fmt in ("tsv", "json", "xml"):  # typed terms survive; CSV keeps only lexical values
        assert sorted(map(repr, back)) == sorted(map(repr, result))
    else:
        assert sorted(tuple(str(v) if v is not None else "" for v in row) for row in back) == (
            sorted(tuple(str(v) if v is not None else "" for v in row) for row in result)
        )


def test_tsv_keeps_language_tags_and_escapes_tabs_and_newlines(seed_graph: Graph) -> None:
    text = render(run_query(seed_graph, read_query(find_query("unit-prices"))), "tsv")
    assert '"ID photo"@en' in text and '\\"' not in text
    assert all(line.count("\t") == text.splitlines()[0].count("\t") for line in text.splitlines())


def test_ask_prints_a_boolean_and_answers_with_its_exit_status(seed_file: Path) -> None:
    assert kg("-e", "ASK { ?c a prk:Claim }", "--graph", str(seed_file))[:2] == (0, "true\n")
    assert kg("-e", "ASK { ?c a prk:Nothing }", "--graph", str(seed_file))[:2] == (1, "false\n")
    code, out, _ = kg("-e", "ASK { ?c a prk:Claim }", "--format", "json", "--graph", str(seed_file))
    assert code == 0 and json.loads(out)["boolean"] is True


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_writes_rdf_that_parses(seed_file: Path, fmt: str, parser: str) -> None:
    query = "CONSTRUCT { ?c prk:technique ?t } WHERE { ?c prk:technique ?t }"
    code, out, _ = kg("-e", query, "--format", fmt, "--graph", str(seed_file))
    assert code == 0
    graph = Graph().parse(data=out, format=parser)
    assert len(graph) > 5 and (None, None, KT_DEEPFAKE) in graph


def test_describe_writes_turtle_by_default(seed_file: Path) -> None:
    code, out, _ = kg("-e", "DESCRIBE kt:deepfake", "--graph", str(seed_file))
    assert code == 0 and "deepfake" in out
    assert len(Graph().parse(data=out, format="turtle")) > 0


def test_a_query_from_stdin_without_prefix_lines_uses_the_projects_prefixes(
    seed_file: Path,
) -> None:
    code, out, _ = kg(
        "-",
        "--graph",
        str(seed_file),
        "--format",
        "csv",
        stdin="SELECT (COUNT(?d) AS ?n) WHERE { ?d a prk:Document }",
    )
    assert code == 0 and out.splitlines()[1] == "5"


def test_limit_and_offset_page_through_the_rows(seed_file: Path) -> None:
    _, every, _ = kg("documents", "--format", "csv", "--graph", str(seed_file))
    _, page, _ = kg(
        "documents", "--format", "csv", "--limit", "2", "--offset", "1", "--graph", str(seed_file)
    )
    assert page.splitlines() == [every.splitlines()[0], *every.splitlines()[2:4]]


def test_table_cells_wrap_to_the_width_and_are_never_cut(seed_file: Path) -> None:
    query = "SELECT ?ev ?quote WHERE { ?ev a prk:Evidence ; nif:anchorOf ?quote } ORDER BY ?ev"
    _, out, _ = kg("-e", query, "--width", "60", "--limit", "5", "--graph", str(seed_file))
    assert max(display_width(line) for line in out.splitlines()) <= 60
    _, csv_out, _ = kg("-e", query, "--format", "csv", "--limit", "5", "--graph", str(seed_file))
    quotes = [row.split(",", 1)[1].strip('"') for row in csv_out.splitlines()[1:]]
    assert max(display_width(q) for q in quotes) > 60  # so they had to wrap
    flat = "".join(line[display_width(line.split("  ")[0]) :].strip() for line in out.splitlines())
    assert all(q.replace(" ", "") in flat.replace(" ", "") for q in quotes)


def test_list_shows_each_querys_parameters() -> None:
    code, out, _ = kg("--list")
    assert code == 0 and "--param minReports=…  (integer)" in out
    assert "--param technique=…  (concept)" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["documnets"], "did you mean documents?"),
        (["documents", "--param", "nope=1"], "unknown parameter nope"),
        (["unit-prices", "--param", "itme=x"], "did you mean item?"),
        (["corroborated-claims", "--param", "minReports=abc"], "expected a whole number"),
        (["attack-chains", "--param", "technique=kt:deepfak"], "no such concept; did you mean"),
        (["unit-prices", "--param", "item=no such thing"], "no concept has this label"),
        (["concept-frequency", "--param", "role=prk:NoSuchRole"], "the graph has no such iri"),
        (["-e", "SELECT ?x WHERE { ?x a prk:Claim "], "<-e>:1: malformed SPARQL"),
    ],
)
def test_wrong_names_and_values_are_one_line_errors_with_exit_2(
    seed_file: Path, args: list[str], needle: str
) -> None:
    code, out, err = kg(*args, "--graph", str(seed_file))
    assert code == 2 and out == "" and needle in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("label", ["人脸", "face data", "Face Data"])
def test_a_concept_parameter_accepts_labels_in_any_language(seed_file: Path, label: str) -> None:
    code, out, _ = kg(
        "unit-prices", "--param", f"item={label}", "--format", "csv", "--graph", str(seed_file)
    )
    _, by_iri, _ = kg(
        "unit-prices", "--param", "item=kd:face-data", "--format", "csv", "--graph", str(seed_file)
    )
    assert code == 0 and len(out.splitlines()) > 1 and out == by_iri
    assert {row.split(",")[0] for row in out.splitlines()[1:]} == {"face data"}


@pytest.mark.parametrize("name", ["documents", "unit-prices", "evidence-trail", "dpv-gaps"])
def test_a_page_sent_to_the_engine_is_the_same_page_cut_from_all_rows(
    seed_file: Path, name: str
) -> None:
    whole = kg(name, "--graph", str(seed_file), "--format", "tsv")[1].splitlines()
    code, page, _ = kg(name, "--graph", str(seed_file), "--format", "tsv", "--limit", "3",
                       "--offset", "2")  # fmt: skip
    assert code == 0
    assert page.splitlines() == [whole[0], *whole[3:6]]


def test_limit_is_appended_only_where_the_query_has_no_modifier_of_its_own() -> None:
    assert with_limit("SELECT * { ?s ?p ?o } ORDER BY ?s # LIMIT in a comment", 5) == (
        "SELECT * { ?s ?p ?o } ORDER BY ?s # LIMIT in a comment\nLIMIT 5"
    )
    assert with_limit("SELECT * { ?s ?p ?o } VALUES ?s { <urn:a> }", 5) is None
    assert with_limit("SELECT * { ?s ?p ?o } LIMIT 2", 5) is None
    assert with_limit("ASK { ?s ?p ?o }", 5) is None
    inner = 'SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 9 } FILTER (STR(?s) != "}") }'
    assert with_limit(inner, 5, 1) == inner + "\nLIMIT 5 OFFSET 1"


def test_a_table_for_a_screen_shows_a_screenful_and_says_how_to_see_the_rest(
    seed_file: Path,
) -> None:
    query = read_query(find_query("documents"))
    shown = answer(Source(seed_file), Request(query, fmt="table", screen=3)).text
    lines = shown.splitlines()
    assert lines[-1].startswith("(first 3 rows: --limit N --offset M")
    assert sum(re.match(r"^00\d_", line) is not None for line in lines) == 3
    whole = answer(Source(seed_file), Request(query, fmt="table", screen=30)).text
    assert whole.splitlines()[-1] == "(5 rows)"
    assert answer(Source(seed_file), Request(query, fmt="csv", screen=3)).text.count("\n") == 6
