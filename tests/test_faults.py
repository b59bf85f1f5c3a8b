"""The fault suite: hostile inputs, killed writers, concurrent writers, edits and queries that
reach outside the graph. Each test is one fault; `pytest` prints a table of faults tried,
survived and data lost at the end of the run (tests/conftest.py)."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.guard import free_port
from kg.read import Problem, iter_inputs
from tests.conftest import SEEDS, serving

fault = pytest.mark.fault
KG = [sys.executable, "-m", "kg.cli"]
HEADER = "# curator: Tester\n# date: 2026-12-04\n# reason: {}\n"
DEEPFAKE = "<https://w3id.org/prkg/technique/deepfake>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"


def apply_args(edit: Path, graph: Path, curation: Path) -> list[str]:
    """``kg edit apply`` of ``edit`` on ``graph`` and ``curation``, as a command line."""
    return ["edit", "apply", str(edit), "--graph", str(graph), "--curation", str(curation)]


def label_edit(word: str) -> str:
    """A Turtle edit adding ``word`` as an altLabel of the deepfake technique."""
    return HEADER.format(f"slang {word}") + f'{DEEPFAKE} {ALT} "{word}"@zh .\n'


def kg(*args: str, timeout: float = 300, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KG, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,  # type: ignore[call-overload]
    )


def peak_child_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _warc_record(body: bytes, rid: str, length: int | None = None) -> bytes:
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Target-URI: http://example.org/{rid}\r\n"
        "WARC-Date: 2024-01-02T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\n\r\n"
    )
    return head.encode() + body + b"\r\n\r\n"


def _page(text: str) -> bytes:
    html = f"<html><head><title>t</title></head><body><p>{text}</p></body></html>".encode()
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(html)}\r\n\r\n".encode()
        + html
    )


@pytest.fixture(scope="module")
def good_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("good") / "graph.ttl"
    done = kg("build", str(SEEDS), "--out", str(out), "--curation", str(out.parent / "cur"))
    assert done.returncode == 0, done.stderr
    return out


# ---------------------------------------------------------------- inputs that expand


@fault
def test_a_2mb_warc_gz_of_zeros_is_reported_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "zeros.warc.gz"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(2000):
            fh.write(b"\0" * (1 << 20))  # 2 GB of zeros, a few MB on disk
    assert path.stat().st_size < 4_000_000
    done = kg("build", str(path), "--out", str(tmp_path / "g.ttl"), "--curation", str(tmp_path))
    assert done.returncode == 2
    assert "zeros.warc.gz" in done.stderr and "header line longer" in done.stderr
    assert peak_child_mb() < 1500


@fault
def test_an_endless_warc_header_line_is_reported_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "endless.warc.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x/")
        for _ in range(300):
            fh.write(b"a" * (1 << 20))
    problems = [p for p in iter_inputs([path]) if isinstance(p, Problem)]
    assert [p.reason for p in problems] == [
        "a header line longer than 65536 bytes (the file is not read)"
    ]


@fault
def test_a_warc_record_cut_short_is_reported_and_refused_under_strict(tmp_path: Path) -> None:
    whole = _warc_record(_page("人脸照片五毛一张"), "a")
    body = _page("手持身份证照片被倒卖")
    cut = _warc_record(body, "b", length=len(body) + 500)[:-4]  # claims 500 more bytes
    path = tmp_path / "cut.warc"
    path.write_bytes(whole + cut)
    items = list(iter_inputs([path]))
    docs = [i for i in items if not isinstance(i, Problem)]
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(docs) == 1 and "cut short" in problems[0].reason
    strict = kg("build", str(path), "--strict", "--out", str(tmp_path / "g.ttl"))
    assert strict.returncode == 2 and not (tmp_path / "g.ttl").exists()


@fault
def test_a_jsonl_record_over_max_bytes_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "big", "text": "人脸" * 600_000}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "ok", "text": "人脸照片五毛一张"}, ensure_ascii=False) + "\n")
    items = list(iter_inputs([path], max_bytes=1_000_000))
    assert [i.doc_id for i in items if not isinstance(i, Problem)] == ["ok"]
    (problem,) = [i for i in items if isinstance(i, Problem)]
    assert problem.where.endswith("feed.jsonl:1") and "record too large" in problem.reason


@fault
@pytest.mark.parametrize(
    "line, reason",
    [
        ('{"id": "a"}', 'the record has no "text" field'),
        ("[1, 2]", "a record must be a JSON object, not list"),
        ('{"id": "a", "text": 5}', '"text" must be a string, not int'),
        ('{"id": "a", "text": ', "not valid JSON (Expecting value)"),
    ],
)
def test_bad_json_lines_records_are_explained_in_plain_words(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (problem,) = list(iter_inputs([path]))
    assert isinstance(problem, Problem) and problem.reason == reason


@fault
def test_a_symlink_loop_is_walked_once_and_reported(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.txt").write_text("人脸照片五毛一张", encoding="utf-8")
    (root / "a" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    items = list(iter_inputs([f"{root}/**/*.txt"]))
    docs = [i for i in items if not isinstance(i, Problem)]
    reasons = [i.reason for i in items if isinstance(i, Problem)]
    assert [d.doc_id for d in docs] == ["x"]
    assert any("symlink loop" in r for r in reasons) and any("leads nowhere" in r for r in reasons)
    folder = list(iter_inputs([root]))
    assert any(isinstance(i, Problem) and "leads nowhere" in i.reason for i in folder)


@fault
def test_html_nested_too_deep_is_reported_not_emptied(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 400 + "人脸照片五毛一张" + "</div>" * 400, "utf-8")
    (problem,) = list(iter_inputs([page]))
    assert isinstance(problem, Problem) and "nested more than 250 levels" in problem.reason


@fault
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".html", ".jsonl", ".warc"]))
@example(data=b"\xfe\xff", suffix=".txt")  # a byte-order mark alone: found by this test
def test_the_readers_never_crash_on_arbitrary_bytes(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        for item in iter_inputs([path]):
            assert isinstance(item, Problem) or item.text
    except InputError:
        pass


@fault
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(),
            st.dictionaries(
                st.sampled_from(["id", "text", "title"]),
                st.one_of(st.text(), st.integers(), st.none()),
            ),
        ),
        max_size=5,
    )
)
def test_the_jsonl_reader_explains_every_record(tmp_path: Path, records: list[object]) -> None:
    path = tmp_path / "fuzz.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    for item in iter_inputs([path]):
        if isinstance(item, Problem):
            assert item.reason and "Traceback" not in item.reason and "('" not in item.reason


# ---------------------------------------------------------------- killed and concurrent writers


@fault
@pytest.mark.parametrize("after", [0.3, 1.5, 3.0])
def test_kill_9_during_a_build_leaves_the_previous_graph(
    good_graph: Path, tmp_path: Path, after: float
) -> None:
    out = tmp_path / "graph.ttl"
    out.write_bytes(good_graph.read_bytes())
    before = out.read_bytes()
    proc = subprocess.Popen(
        [*KG, "build", str(SEEDS), "--out", str(out), "--curation", str(tmp_path / "cur")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert out.read_bytes() == before or out.read_bytes() == good_graph.read_bytes()
    again = kg("build", str(SEEDS), "--out", str(out), "--curation", str(tmp_path / "cur"))
    assert again.returncode == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph.ttl.")]
    assert leftovers == []  # the killed writer's temporary file is gone


@fault
def test_kill_9_during_an_edit_application_loses_nothing(good_graph: Path, tmp_path: Path) -> None:
    graph, curation = tmp_path / "graph.ttl", tmp_path / "curation"
    graph.write_bytes(good_graph.read_bytes())
    edit = tmp_path / "label.ttl"
    edit.write_text(label_edit("换脸神器"), encoding="utf-8")
    proc = subprocess.Popen(
        [*KG, *apply_args(edit, graph, curation)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    stored = list(curation.glob("*.ttl")) if curation.exists() else []
    assert len(stored) <= 1
    kg("build", str(SEEDS), "--out", str(graph), "--curation", str(curation))
    if stored:  # recorded before the kill: the next build carries it
        assert "换脸神器" in graph.read_text(encoding="utf-8")


@fault
def test_two_concurrent_edit_applications_both_land(good_graph: Path, tmp_path: Path) -> None:
    graph, curation = tmp_path / "graph.ttl", tmp_path / "curation"
    graph.write_bytes(good_graph.read_bytes())
    procs = []
    for word in ("换脸神器", "过脸工具"):
        edit = tmp_path / f"{word}.ttl"
        edit.write_text(label_edit(word), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [*KG, *apply_args(edit, graph, curation)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        )
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert len(list(curation.glob("*.ttl"))) == 2
    text = graph.read_text(encoding="utf-8")
    assert "换脸神器" in text and "过脸工具" in text  # neither writer overwrote the other


@fault
def test_a_writer_that_cannot_wait_fails_with_one_line(good_graph: Path, tmp_path: Path) -> None:
    from kg.locks import writing

    graph = tmp_path / "graph.ttl"
    graph.write_bytes(good_graph.read_bytes())
    edit = tmp_path / "e.ttl"
    edit.write_text(label_edit("换脸宝"), encoding="utf-8")
    with writing([graph]):
        done = kg(
            *apply_args(edit, graph, tmp_path / "c"), env={**os.environ, "PRKG_LOCK_TIMEOUT": "0.5"}
        )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "another kg process is writing" in done.stderr


# ---------------------------------------------------------------- edits that reach outside


@fault
@pytest.mark.parametrize(
    "update",
    [
        "LOAD <file:///etc/passwd>",
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "INSERT { <http://x/a> <http://x/b> ?o } WHERE { SERVICE <http://127.0.0.1:9/q> {} }",
        "DROP ALL",
        "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } }",
    ],
)
def test_edits_that_reach_outside_the_graph_are_refused(
    good_graph: Path, tmp_path: Path, update: str
) -> None:
    edit = tmp_path / "outside.ru"
    edit.write_text(HEADER.format("probe") + update + "\n", encoding="utf-8")
    curation = tmp_path / "curation"
    for verb in ("check", "apply"):
        done = kg("edit", verb, str(edit), "--graph", str(good_graph), "--curation", str(curation))
        assert done.returncode == 2 and "refused" in done.stderr
        assert done.stderr.count("\n") == 1
    assert not curation.exists() or not list(curation.iterdir())


@fault
def test_a_10mb_altlabel_is_refused(good_graph: Path, tmp_path: Path) -> None:
    edit = tmp_path / "huge.ttl"
    edit.write_text(label_edit("脸" * 5000), encoding="utf-8")
    done = kg("edit", "check", str(edit), "--graph", str(good_graph))
    assert done.returncode == 2 and "literal of 5000 characters" in done.stderr


# ---------------------------------------------------------------- the endpoint and queries


@pytest.fixture(scope="module")
def server(good_graph: Path) -> Iterator[str]:
    with serving(good_graph, "--timeout", "5") as url:
        yield url


def _ask(url: str, query: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(
            url + "?" + urllib.parse.urlencode({"query": query}), timeout=30
        ) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@fault
def test_a_nested_brace_query_is_refused_and_the_server_lives(server: str) -> None:
    nested = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    status, body = _ask(server, nested)
    assert status == 400 and b"nested" in body
    assert _ask(server, "ASK { ?s ?p ?o }")[0] == 200


@fault
def test_service_is_refused_by_the_endpoint(server: str) -> None:
    status, body = _ask(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }")
    assert status == 403 and b"federation is off" in body


@fault
def test_an_oversized_query_is_refused(server: str) -> None:
    req = urllib.request.Request(
        server,
        data=("SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000).encode(),
        headers={"Content-Type": "application/sparql-query"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=30)
    assert err.value.code == 413


@fault
def test_a_runaway_query_is_stopped_by_the_endpoint(server: str) -> None:
    start = time.monotonic()
    status, _ = _ask(server, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status >= 400 and time.monotonic() - start < 25
    assert _ask(server, "ASK { ?s ?p ?o }")[0] == 200


@fault
def test_a_down_endpoint_is_named_as_such() -> None:
    done = kg("query", "documents", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert done.returncode == 2 and "cannot reach the SPARQL endpoint" in done.stderr


@fault
def test_a_local_query_stops_at_its_timeout(good_graph: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.rq"
    slow.write_text(
        "# title: slow\nSELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"
    )
    start = time.monotonic()
    done = kg("query", str(slow), "--graph", str(good_graph), "--timeout", "2")
    assert done.returncode == 2 and "stopped after 2 s" in done.stderr
    assert time.monotonic() - start < 30


@fault
def test_ctrl_c_stops_a_running_query(good_graph: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.rq"
    slow.write_text(
        "# title: slow\nSELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"
    )
    proc = subprocess.Popen(
        [*KG, "query", str(slow), "--graph", str(good_graph)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl-C as in a terminal: a shell starts background jobs (a CI script run with `&`)
        # with SIGINT ignored, which Python and its children then rightly respect
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Interrupt once the query runs: its worker thread exists (on a loaded machine the start
    # can take longer than any fixed pause).
    deadline = time.monotonic() + 60
    while len(os.listdir(f"/proc/{proc.pid}/task")) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"still running 30 s after Ctrl-C: {proc.communicate()[1]}") from None
    assert code == 130
    assert "interrupted" in proc.communicate()[1]


@fault
def test_a_remote_jsonld_context_is_not_fetched(tmp_path: Path) -> None:
    with socket.socket() as listener:  # a port that would see the fetch if one were made
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        doc = tmp_path / "g.jsonld"
        doc.write_text(json.dumps({"@context": f"http://127.0.0.1:{port}/c", "@id": "http://a/b"}))
        done = kg("validate", str(doc))
        assert done.returncode == 2 and "not fetched" in done.stderr
        with pytest.raises(TimeoutError):
            listener.accept()


@fault
def test_an_empty_graph_does_not_conform(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("")
    done = kg("validate", str(empty))
    assert done.returncode == 2 and "holds no triples" in done.stderr
