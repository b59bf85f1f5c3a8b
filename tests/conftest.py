"""Shared fixtures: the real seeds, the real vocabulary, the real graph they build."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rdflib import Graph

from kg.emit import build_graph
from kg.extract import Extraction
from kg.guard import free_port
from kg.pipeline import BuildResult as Corpus
from kg.pipeline import extract_inputs
from kg.serialize import ntriples

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
SEED_IDS = [p.stem for p in SEED_FILES]
GOLD = ROOT / "tests" / "gold" / "seeds.jsonl"
XINHUA_COPIES = ("002_7d2088a3fdb730a7", "003_e90c2b98c3b68160")


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Every seed read, cleaned and extracted, with copies grouped into reports."""
    result = extract_inputs([SEEDS])
    assert not result.problems
    return result


@pytest.fixture(scope="session")
def extractions(corpus: Corpus) -> dict[str, Extraction]:
    """Every seed's extraction, by document id."""
    return {x.doc.doc_id: x for x in corpus.extractions}


@pytest.fixture(scope="session")
def seed_graph(corpus: Corpus) -> Graph:
    """The knowledge graph of all five seeds (do not mutate: copy first)."""
    return build_graph(corpus.extractions, corpus.reports)


@pytest.fixture(scope="session")
def small_graph(extractions: dict[str, Extraction]) -> Graph:
    """The graph of one seed (004), small enough to validate many broken copies quickly."""
    return build_graph([extractions["004_20eb87d0be669cf8"]])


@pytest.fixture(scope="session")
def seed_file(seed_graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed graph written as a file, for commands that read one (do not change it)."""
    path = tmp_path_factory.mktemp("seedfile") / "graph.nt"
    path.write_bytes(ntriples(seed_graph))
    return path


def copy_graph(graph: Graph) -> Graph:
    """A mutable copy with the same prefixes."""
    out = Graph()
    for prefix, ns in graph.namespaces():
        out.bind(prefix, ns)
    for triple in graph:
        out.add(triple)
    return out


# ---------------------------------------------------------------- the fault suite's summary
#: Faults whose failure would mean a lost curator decision or a lost graph, not only a crash.
_GUARDS_DATA = ("kill_9", "concurrent", "retraction", "rebase", "orphan", "writer")
_FAULTS: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fault: one fault of the fault suite (summary table)")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "fault" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _FAULTS[report.nodeid.split("::", 1)[1]] = report.outcome


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not _FAULTS:
        return
    tried = len(_FAULTS)
    survived = sum(1 for o in _FAULTS.values() if o == "passed")
    skipped = sum(1 for o in _FAULTS.values() if o == "skipped")
    lost = sum(1 for n, o in _FAULTS.items() if o == "failed" and any(g in n for g in _GUARDS_DATA))
    write = terminalreporter.write_line
    write("")
    write("fault suite")
    write(f"  {'fault':<78} outcome")
    for name, outcome in sorted(_FAULTS.items()):
        write(f"  {name[:78]:<78} {outcome}")
    write(f"  faults tried: {tried}, survived: {survived}, skipped: {skipped}, data lost: {lost}")


@contextmanager
def serving(graph: Path, *extra: str) -> Iterator[str]:
    """``kg serve`` of ``graph`` on a free loopback port until the block ends; yields the
    query URL once the endpoint answers."""
    bind = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--bind", bind, *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://{bind}/query"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"kg serve did not start: {proc.stderr.read()!r}") from None  # type: ignore[union-attr]
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
