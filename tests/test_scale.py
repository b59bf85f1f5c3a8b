"""The paths for large corpora give the same graph and the same answers as the plain local run:
worker processes, streamed N-Triples, a Dask cluster, the Oxigraph store, a SPARQL endpoint
started by ``kg serve``, and WARC archives as input."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kg.errors import InputError
from kg.executors import BATCH, Processes, make_executor
from kg.graphs import endpoint_graph, load_graph
from kg.pipeline import build, build_stream, extract_inputs
from kg.query import (
    QueryFile,
    Request,
    Source,
    answer,
    find_query,
    read_query,
    run_query,
    shipped_queries,
)
from kg.read import Problem, RawDocument, iter_inputs
from kg.results import SOLUTION_FORMATS, render
from tests.conftest import SEED_FILES, SEEDS, serving

QUERIES = shipped_queries()
QUERY = {q.name: q for q in QUERIES}
PARAMS = [
    ("attack-chains", {"technique": "kt:photo-animation"}),
    ("concept-frequency", {"role": "prk:HarmRole"}),
    ("corroborated-claims", {"minReports": "1"}),
    ("unit-prices", {"item": "kd:face-photo"}),
    ("harms-with-dpv-risk", {"match": "skos:exactMatch"}),
    ("evidence-trail", {"claim": "https://w3id.org/prkg/id/claim/8587380abd1d1c95"}),
]


def _value(v: object) -> object:
    """A cell as a value: numbers by value (4 = 4.0), lists joined by GROUP_CONCAT as sets."""
    if v is None:
        return None
    if isinstance(v, Literal):
        py = v.toPython()
        if not isinstance(py, str):
            return py
        v = py
    return tuple(sorted((_number(t) for t in re.split(r"[;,]?\s+", str(v))), key=repr))


def _number(token: str) -> object:
    """Numbers inside concatenated text by value: engines write 1000.0 or 1000 (XSD 1.0/1.1)."""
    try:
        return Decimal(token)
    except ArithmeticError:
        return token


def answers(graph: Graph, name: str, params: dict[str, str] | None = None) -> list[tuple]:  # type: ignore[type-arg]
    query = next(q for q in QUERIES if q.name == name)
    result = run_query(graph, query, params)
    return sorted((tuple(_value(v) for v in row) for row in result), key=repr)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def seed_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "graph.nt"
    build([SEEDS], out, "nt", validate=False, curation=None)
    return out


@pytest.fixture(scope="module")
def stores(seed_nt: Path) -> dict[str, Graph]:
    return {store: load_graph(seed_nt, store) for store in ("memory", "oxigraph")}


def test_ntriples_read_through_oxigraph_are_the_triples_rdflib_reads(seed_nt: Path) -> None:
    assert set(load_graph(seed_nt, "memory")) == set(Graph().parse(seed_nt, format="nt"))


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_every_query_answers_the_same_in_oxigraph_and_rdflib(
    stores: dict[str, Graph], name: str
) -> None:
    assert answers(stores["oxigraph"], name) == answers(stores["memory"], name)


@pytest.mark.parametrize(
    "text",
    [
        "ASK { ?c a prk:Claim ; prk:modality prk:Denied }",
        "ASK { ?c a prk:Claim ; prk:modality prk:Merged }",
        "CONSTRUCT { ?c prk:modality ?m } WHERE { ?c a prk:Claim ; prk:modality ?m }",
        "SELECT ?d (COUNT(?m) AS ?n) WHERE { ?m nif:referenceContext ?d } GROUP BY ?d",
    ],
    ids=["ask-true", "ask-false", "construct", "select-with-bound-prefixes"],
)
def test_ask_construct_and_select_answer_alike_in_both_stores(
    stores: dict[str, Graph], text: str
) -> None:
    # no PREFIX lines: the graph's bound prefixes (prk:, nif:) serve, in both stores
    query = QueryFile(Path("ad-hoc.rq"), "ad hoc", "", (), text)
    mine, theirs = run_query(stores["oxigraph"], query), run_query(stores["memory"], query)
    if mine.type == "ASK":
        assert mine.askAnswer == theirs.askAnswer
    elif mine.type == "CONSTRUCT":
        assert mine.graph is not None and theirs.graph is not None
        assert set(mine.graph) == set(theirs.graph) and len(mine.graph) > 0
    else:
        rows = sorted(tuple(map(_value, r)) for r in mine)  # type: ignore[arg-type]
        assert rows == sorted(tuple(map(_value, r)) for r in theirs) and rows  # type: ignore[arg-type]


def test_quote_offset_violations_are_found_in_both_stores(seed_nt: Path, tmp_path: Path) -> None:
    graph = Graph().parse(seed_nt, format="nt")
    nif = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
    anchors = sorted(graph.subjects(URIRef(nif + "anchorOf"), None))
    wrong_quote, past_end = anchors[0], anchors[1]
    graph.set((wrong_quote, URIRef(nif + "anchorOf"), Literal("不是原文")))
    graph.set((past_end, URIRef(nif + "endIndex"), Literal(10**6, datatype=XSD.nonNegativeInteger)))
    broken = tmp_path / "broken.nt"
    graph.serialize(broken, format="nt", encoding="utf-8")
    for store in ("oxigraph", "memory"):
        found = {
            row[0] for row in run_query(load_graph(broken, store), QUERY["quote-offset-violation"])
        }
        assert found == {wrong_quote, past_end}, store


def test_an_empty_answer_from_oxigraph_is_not_asked_again(
    seed_nt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = load_graph(seed_nt, "oxigraph")

    def second_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the query ran a second time, through oxrdflib")

    monkeypatch.setattr(graph, "query", second_run)
    empty = QueryFile(Path("none.rq"), "none", "", (), "SELECT ?s WHERE { ?s a prk:NoSuchClass }")
    assert len(run_query(graph, empty)) == 0


@pytest.mark.parametrize("name, params", PARAMS, ids=[p[0] for p in PARAMS])
def test_parameters_bind_the_same_in_every_store(
    stores: dict[str, Graph], name: str, params: dict[str, str]
) -> None:
    bound = answers(stores["oxigraph"], name, params)
    assert bound == answers(stores["memory"], name, params)
    assert bound and bound != answers(stores["memory"], name)  # the parameter changed the answer


def test_two_worker_processes_build_the_same_bytes_as_one(tmp_path: Path) -> None:
    one = build([SEEDS], tmp_path / "one.ttl", curation=None)
    pool = Processes(2)
    try:
        two = build([SEEDS], tmp_path / "two.ttl", curation=None, executor=pool)
    finally:
        pool.close()
    assert one.ok and two.ok
    assert (tmp_path / "one.ttl").read_bytes() == (tmp_path / "two.ttl").read_bytes()


def test_an_unedited_nt_build_is_written_from_its_lines_and_counts_as_the_turtle_one(
    tmp_path: Path,
) -> None:
    """No rdflib graph is made to write an unedited .nt build (it is validated in Oxigraph);
    its counts and report are the Turtle build's, and the library still hands out the graph."""
    nt = build([SEEDS], tmp_path / "g.nt", "nt", curation=None)
    ttl = build([SEEDS], tmp_path / "g.ttl", "ttl", curation=None)
    assert nt.outcome.graph is None and nt.ok
    assert nt.counts == ttl.counts and nt.report == ttl.report
    assert set(nt.graph) == set(Graph().parse(tmp_path / "g.ttl", format="turtle"))
    assert set(nt.graph) == set(Graph().parse(tmp_path / "g.nt", format="nt"))


def test_a_streamed_build_holds_the_triples_of_the_in_memory_build(
    tmp_path: Path, seed_nt: Path
) -> None:
    result = build_stream([SEEDS], tmp_path / "s.nt")
    streamed = set(Graph().parse(tmp_path / "s.nt", format="nt"))
    assert streamed == set(Graph().parse(seed_nt, format="nt"))
    assert result.counts["triples"] == len(streamed)
    assert result.counts["documents"] == len(SEED_FILES)


def test_a_streamed_build_with_two_workers_writes_the_same_bytes(tmp_path: Path) -> None:
    build_stream([SEEDS], tmp_path / "one.nt")
    pool = make_executor(2)
    try:
        build_stream([SEEDS], tmp_path / "two.nt", executor=pool)
    finally:
        pool.close()
    assert (tmp_path / "one.nt").read_bytes() == (tmp_path / "two.nt").read_bytes()


def test_worker_parts_join_in_input_order_across_many_batches(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    with corpus.open("w", encoding="utf-8") as fh:
        for n in range(3 * BATCH + 5):  # several batches, the last one short
            record = {"id": f"copy-{n:03d}", "text": texts[n % len(texts)]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    one = build_stream([corpus], tmp_path / "one.nt")
    pool = make_executor(2)
    try:
        build_stream([corpus], tmp_path / "two.nt", executor=pool)
    finally:
        pool.close()
    data = (tmp_path / "one.nt").read_bytes()
    assert data == (tmp_path / "two.nt").read_bytes()
    assert data.count(b"\n") == one.counts["triples"]
    assert b"urn:prkg:pending-run" not in data
    firsts = [line.split(b" ", 1)[0] for line in data.splitlines()]
    docs = [s for s in firsts if b"/id/doc/" in s]
    order = list(dict.fromkeys(docs))  # documents, in the order their own lines come
    assert order[: 3 * BATCH + 5] == sorted(order[: 3 * BATCH + 5])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_streamed_build_leaves_the_previous_graph(tmp_path: Path) -> None:
    out = tmp_path / "g.nt"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(Exception, match="no such file"):
        build_stream([SEEDS, tmp_path / "missing.txt"], out, strict=True)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["g.nt"]  # no spool left behind


def test_a_dask_cluster_extracts_the_same_graph_as_a_local_build(
    tmp_path: Path, seed_nt: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        executor = make_executor(cluster=cluster.scheduler_address)
        try:
            build_stream([SEEDS], tmp_path / "dask.nt", executor=executor)
            corpus = extract_inputs([SEEDS], executor=executor)
        finally:
            executor.close()
    assert set(Graph().parse(tmp_path / "dask.nt", format="nt")) == set(
        Graph().parse(seed_nt, format="nt")
    )
    # the cluster's workers send their lines back; local workers write them to part files
    build_stream([SEEDS], tmp_path / "local.nt")
    assert (tmp_path / "dask.nt").read_bytes() == (tmp_path / "local.nt").read_bytes()
    assert [x.doc.doc_id for x in corpus.extractions] == [p.stem for p in SEED_FILES]


@pytest.fixture(scope="module", params=["in memory", "on disk"])
def endpoint(
    seed_nt: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """``kg serve`` on a loopback port, the graph in memory (the default) or in a database
    folder, for the module's tests; stopped afterwards."""
    extra = ["--db", str(tmp_path_factory.mktemp("db") / "oxigraph")]
    with serving(seed_nt, *(extra if request.param == "on disk" else [])) as url:
        yield url


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_the_endpoint_answers_every_query_as_the_local_graph(
    endpoint: str, stores: dict[str, Graph], name: str
) -> None:
    assert answers(endpoint_graph(endpoint), name) == answers(stores["memory"], name)


@pytest.mark.parametrize("name, params", PARAMS, ids=[p[0] for p in PARAMS])
def test_the_endpoint_binds_parameters_as_the_local_graph(
    endpoint: str, stores: dict[str, Graph], name: str, params: dict[str, str]
) -> None:
    assert answers(endpoint_graph(endpoint), name, params) == answers(
        stores["memory"], name, params
    )


def test_kg_query_endpoint_prints_the_same_table(endpoint: str, seed_nt: Path) -> None:
    def kg(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "kg.cli", "query", *args],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    remote = kg("documents", "--endpoint", endpoint)
    assert remote == kg("documents", "--graph", str(seed_nt))
    assert "(5 rows)" in remote


def _printed(source: Source, name: str, fmt: str, params: dict[str, str] | None = None) -> str:
    request = Request(read_query(find_query(name)), params or {}, fmt, 100)
    return answer(source, request).text


def _rows(tsv: str) -> list[list[str]]:
    """TSV rows in order-free form: GROUP_CONCAT lists (in no set order) and tied rows."""
    lines = (line.split("\t") for line in tsv.splitlines())
    return sorted([" ".join(sorted(re.split(r'[\s;"]+', c))) for c in cells] for cells in lines)


#: Queries whose answers have an order SPARQL leaves open (GROUP_CONCAT), compared as rows.
UNORDERED = {q.name for q in QUERIES if "GROUP_CONCAT" in q.text}


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_a_query_sent_to_the_endpoint_without_rdflib_prints_what_the_file_gives(
    endpoint: str, seed_nt: Path, name: str
) -> None:
    """SELECT and ASK go to an endpoint as plain HTTP, their JSON read with the standard
    library: the same text as the file's answer through Oxigraph, in every format."""
    remote, local = Source(seed_nt, endpoint=endpoint), Source(seed_nt)
    if name in UNORDERED:
        assert _rows(_printed(remote, name, "tsv")) == _rows(_printed(local, name, "tsv"))
        return
    for fmt in ("tsv", "table") if name != "documents" else SOLUTION_FORMATS:
        assert _printed(remote, name, fmt) == _printed(local, name, fmt), fmt


@pytest.mark.parametrize("name, params", PARAMS, ids=[p[0] for p in PARAMS])
def test_parameters_are_checked_and_bound_at_the_endpoint_as_in_the_file(
    endpoint: str, seed_nt: Path, name: str, params: dict[str, str]
) -> None:
    remote, local = Source(seed_nt, endpoint=endpoint), Source(seed_nt)
    assert _rows(_printed(remote, name, "tsv", params)) == _rows(
        _printed(local, name, "tsv", params)
    )


def test_a_concept_label_is_looked_up_at_the_endpoint_and_a_wrong_one_named(
    endpoint: str, seed_nt: Path
) -> None:
    remote, local = Source(seed_nt, endpoint=endpoint), Source(seed_nt)
    by_label = {"technique": "deepfake"}
    assert _printed(remote, "attack-chains", "tsv", by_label) == _printed(
        local, "attack-chains", "tsv", by_label
    )
    for source in (remote, local):
        with pytest.raises(InputError, match="no concept has this label; did you mean"):
            _printed(source, "attack-chains", "tsv", {"technique": "deepfak"})
        with pytest.raises(InputError, match="expected an IRI"):
            _printed(source, "evidence-trail", "tsv", {"claim": "http://x/a>}"})


@pytest.mark.parametrize("name", [q.name for q in QUERIES])
def test_a_query_on_the_file_prints_without_rdflib_what_rdflib_prints(
    seed_nt: Path, name: str
) -> None:
    """A SELECT on a graph file goes to its Oxigraph store straight: the same text as rdflib's
    view of the same store (oxrdflib) prints, in each format."""
    query = read_query(find_query(name))
    full = load_graph(seed_nt, "oxigraph")
    for fmt in ("tsv", "json", "table"):
        light = _printed(Source(seed_nt), name, fmt)
        through_rdflib = render(run_query(full, query), fmt, 100)
        if name in UNORDERED and fmt == "tsv":
            assert _rows(light) == _rows(through_rdflib)
        elif name not in UNORDERED:
            assert light == through_rdflib, fmt


def test_a_file_with_relative_iris_is_queried_as_rdflib_reads_it(tmp_path: Path) -> None:
    graph = tmp_path / "relative.ttl"
    graph.write_text("<a> <http://x/p> <b> .\n", encoding="utf-8")
    ask = QueryFile(Path("<-e>"), "", "", (), "SELECT ?s ?o WHERE { ?s ?p ?o }")
    printed = {
        store: answer(Source(graph, store=store), Request(ask, {}, "tsv")).text
        for store in ("oxigraph", "memory")
    }
    assert printed["oxigraph"] == printed["memory"]
    assert f"<{(tmp_path / 'a').as_uri()}>" in printed["oxigraph"]


def test_kg_query_at_an_endpoint_loads_no_rdflib_unless_the_answer_is_rdf(
    endpoint: str, seed_nt: Path
) -> None:
    probe = (
        "import sys\nfrom kg.cli.app import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('rdflib' in sys.modules)"
    )

    def loads_rdflib(*args: str) -> bool:
        done = subprocess.run(
            [sys.executable, "-c", probe, "query", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1] == "True"

    at = ("--endpoint", endpoint)
    assert not loads_rdflib("documents", "--format", "json", *at)
    assert not loads_rdflib("evidence-trail", "--param", "claim=" + PARAMS[-1][1]["claim"], *at)
    assert not loads_rdflib("unit-prices", "--graph", str(seed_nt))  # a file, in Oxigraph
    # a query the user wrote is checked by rdflib's parser first; a CONSTRUCT's answer is RDF
    construct = "CONSTRUCT { ?s a prk:Claim } WHERE { ?s a prk:Claim }"
    assert loads_rdflib("-e", construct, *at)
    assert loads_rdflib("documents", "--graph", str(seed_nt), "--store", "memory")


def test_an_ask_at_the_endpoint_answers_and_exits_as_in_the_file(
    endpoint: str, seed_nt: Path
) -> None:
    for text, code in (("ASK { ?s a prk:Claim }", 0), ("ASK { ?s a prk:Nothing }", 1)):
        request = Request(QueryFile(Path("<-e>"), "", "", (), text))
        for source in (Source(seed_nt, endpoint=endpoint), Source(seed_nt)):
            out = answer(source, request)
            assert (out.text, out.exit_code) == (("true" if code == 0 else "false") + "\n", code)


def test_kg_query_index_keeps_a_database_and_answers_as_the_file(
    seed_nt: Path, stores: dict[str, Graph], tmp_path: Path
) -> None:
    graph = tmp_path / "graph.nt"
    graph.write_bytes(seed_nt.read_bytes())
    indexed = load_graph(graph, "oxigraph", index=True)
    assert (tmp_path / "graph.nt.oxigraph").is_dir()
    reopened = load_graph(graph, "oxigraph")  # no flag: the current database is used
    for name in ("documents", "unit-prices", "evidence-trail"):
        assert answers(indexed, name) == answers(stores["memory"], name)
        assert answers(reopened, name) == answers(stores["memory"], name)


def test_a_stale_database_is_not_used(seed_nt: Path, tmp_path: Path) -> None:
    graph = tmp_path / "graph.nt"
    graph.write_bytes(seed_nt.read_bytes())
    load_graph(graph, "oxigraph", index=True)
    extra = "<urn:x:new> <urn:x:p> <urn:x:o> .\n"
    graph.write_text(graph.read_text(encoding="utf-8") + extra, encoding="utf-8")
    ask = QueryFile(Path("new.rq"), "new", "", (), "ASK { <urn:x:new> ?p ?o }")
    assert run_query(load_graph(graph, "oxigraph"), ask).askAnswer
    assert run_query(load_graph(graph, "oxigraph", index=True), ask).askAnswer


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _ask(url: str, query: str, **form: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode(form or {"query": query}).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Accept", "text/tab-separated-values")
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_the_in_memory_endpoint_refuses_every_way_to_write(seed_nt: Path) -> None:
    """Oxigraph's in-memory server is writable: nothing but a query may reach it."""
    insert = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    with serving(seed_nt) as url:
        base = url.rsplit("/", 1)[0]
        assert _ask(base + "/update", "", update=insert)[0] == 404
        assert _ask(base + "/store", "")[0] == 404
        assert _ask(url, insert)[0] == 400
        assert _ask(url, "", update=insert)[0] == 400
        assert _ask(url, "ASK { <urn:x:a> ?p ?o }") == (200, b"false")


def test_the_in_memory_engine_is_loaded_again_when_it_restarts(seed_nt: Path) -> None:
    import os
    import signal

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with serving(seed_nt) as url:
        before = _ask(url, count)
        port = url.split(":")[2].split("/")[0].encode()
        (serve,) = [
            p for p in _children(os.getpid()) if port in Path(f"/proc/{p}/cmdline").read_bytes()
        ]
        (engine,) = _children(serve)
        os.kill(engine, signal.SIGKILL)
        time.sleep(0.5)
        assert _ask(url, count)[0] in (200, 503)
        assert _ask(url, count) == before
    assert before[0] == 200 and int(before[1].split()[1]) > 10_000


@pytest.mark.parametrize("stop", ["SIGTERM", "SIGHUP"])
def test_stopping_kg_serve_with_a_signal_stops_its_engine(seed_nt: Path, stop: str) -> None:
    """A service manager stops with SIGTERM, a closed terminal sends SIGHUP: neither may leave
    the Oxigraph server behind, holding the graph's memory and a port."""
    import os
    import signal

    with serving(seed_nt) as url:
        port = url.split(":")[2].split("/")[0].encode()
        (serve,) = [
            p for p in _children(os.getpid()) if port in Path(f"/proc/{p}/cmdline").read_bytes()
        ]
        (engine,) = _children(serve)
        os.kill(serve, getattr(signal, stop))
        deadline = time.monotonic() + 10
        while Path(f"/proc/{engine}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        gone = not Path(f"/proc/{engine}").exists()
        if not gone:
            os.kill(engine, signal.SIGKILL)
    assert gone


def test_a_graph_the_server_cannot_load_itself_is_served_from_disk(tmp_path: Path) -> None:
    from kg.serve import fits_in_memory

    (tmp_path / "g.jsonld").write_text("{}", encoding="utf-8")
    (tmp_path / "g.nt").write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n", encoding="utf-8")
    assert not fits_in_memory(tmp_path / "g.jsonld")
    assert fits_in_memory(tmp_path / "g.nt")


def test_serve_refuses_a_missing_graph(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "serve", "--graph", str(tmp_path / "none.ttl")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "none.ttl: no such graph file" in done.stderr


def _engines() -> set[int]:
    """Every Oxigraph server process on the machine (other tests' included)."""
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"oxigraph\x00serve" in cmdline.read_bytes():
                found.add(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def test_serve_on_a_busy_port_says_so_in_one_line_and_leaves_no_engine(seed_nt: Path) -> None:
    import socket

    before = _engines()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        bind = f"127.0.0.1:{busy.getsockname()[1]}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "serve", "--graph", str(seed_nt), "--bind", bind],
            stderr=subprocess.PIPE,
            text=True,
        )
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert (
        err.splitlines()[-1] == f"kg: error: {bind}: cannot listen there (Address already in use)"
    )
    assert "Traceback" not in err and "SPARQL endpoint" not in err
    assert not _engines() - before  # the engine was never started, or was stopped


def _warc(path: Path, pages: list[tuple[str, str, bytes]]) -> None:
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        for uri, kind, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), http_headers=headers
            )
            writer.write_record(record)
            record.raw_stream.close()  # the spooled copy warcio made to compute the digests


def test_warc_pages_are_read_and_extracted_like_the_article(tmp_path: Path) -> None:
    seed = SEED_FILES[4]
    text = seed.read_text(encoding="utf-8")
    page = (
        f"<html><head><title>t</title></head><body><article><p>{text}</p></article></body></html>"
    )
    archive = tmp_path / "news.warc.gz"
    _warc(
        archive,
        [
            (
                "https://news.example.cn/a.html",
                "text/html; charset=gb18030",
                page.encode("gb18030"),
            ),
            ("https://news.example.cn/logo.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ],
    )
    items = list(iter_inputs([archive]))
    assert len(items) == 1 and isinstance(items[0], RawDocument)
    doc = items[0]
    assert doc.doc_id.startswith("warc-") and doc.encoding.startswith("gb")
    assert doc.meta["url"] == "https://news.example.cn/a.html" and len(doc.meta["date"]) == 10
    from_warc = extract_inputs([archive]).extractions[0]
    from_file = extract_inputs([seed]).extractions[0]
    concepts = {(m.role, m.target) for m in from_file.mentions if m.target.startswith("http")}
    assert concepts and concepts <= {(m.role, m.target) for m in from_warc.mentions}


def test_a_graph_built_from_a_warc_conforms(tmp_path: Path) -> None:
    archive = tmp_path / "news.warc"
    page = "<html><body><p>人脸照片五毛钱一张，专家建议加强监管。</p></body></html>"
    _warc(archive, [("https://news.example.cn/b.html", "text/html", page.encode("utf-8"))])
    result = build([archive], tmp_path / "g.ttl", curation=None)
    assert result.ok, [f.line() for f in result.report.findings]  # type: ignore[union-attr]
    assert re.fullmatch(r"[0-9a-f]{64}", result.extractions[0].doc.sha256)


def test_a_file_that_is_not_a_warc_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "broken.warc"
    bad.write_bytes(b"this is not an archive\n" * 10)
    items = list(iter_inputs([bad]))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert "broken.warc" in items[0].line() and "not a WARC" in items[0].line()


def test_json_lines_are_read_one_record_at_a_time(tmp_path: Path) -> None:
    records = tmp_path / "feed.jsonl"
    records.write_text(
        '{"id": "a", "text": "人脸照片五毛钱一张"}\nnot json\n{"id": "b", "text": "换脸"}\n',
        encoding="utf-8",
    )
    stream = iter_inputs([records])
    first = next(stream)
    assert isinstance(first, RawDocument) and first.doc_id == "a"
    rest = list(stream)
    assert isinstance(rest[0], Problem) and f"{records}:2" in rest[0].line()
    assert isinstance(rest[1], RawDocument) and rest[1].doc_id == "b"
