"""What a user waits for: the first page of every shipped query, end to end, next to the floor.

    python bench/queries.py GRAPH.nt [--page 20] [--runs 3]

For each shipped query (and once more with each of its parameters bound), two whole processes
are timed, median of ``--runs``:

- ``kg``: ``kg query NAME --graph GRAPH --limit PAGE --format tsv`` (imports, the freshness
  check of the database beside the graph, parameter checks, the query, the output);
- floor: a Python process that imports only pyoxigraph, opens the same database read-only and
  runs the very text ``kg`` sends (prefixes, page and parameters in place), reading every row;
- ``kg query --endpoint``: the same ``kg query`` against ``kg serve`` holding the graph in
  memory (started once, untimed);
- resident engine: the very text POSTed to that server from this process, every row read: what
  any SPARQL client of ``kg serve`` waits for beyond its own start-up.

The database (``GRAPH.oxigraph``) is made first, untimed, as ``kg query --index`` makes it, and
kg's modules are byte-compiled, as ``pip install`` leaves them.
Also timed once: ``kg query --list`` and a Python process that does nothing (start-up). Prints
the machine and a Markdown table; compare as ratios within one run.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from kg.graphs import load_graph  # noqa: E402
from kg.guard import free_port  # noqa: E402
from kg.oxdb import database  # noqa: E402
from kg.query import bind_params, engine_text, shipped_queries  # noqa: E402
from kg.sparqltext import with_limit, with_prefixes  # noqa: E402

FLOOR = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
rows = list(store.query(open(sys.argv[2], encoding="utf-8").read()))
"""

#: A value for each shipped parameter: found in the graph by the query after it, or fixed.
SAMPLES = {
    "technique": "SELECT ?v { ?c prk:technique ?v } GROUP BY ?v ORDER BY DESC(COUNT(*)) LIMIT 1",
    "item": "SELECT ?v { ?p prk:item ?v } GROUP BY ?v ORDER BY DESC(COUNT(*)) LIMIT 1",
    "claim": "SELECT ?v WHERE { ?v a prk:Claim } LIMIT 1",
    "role": "prk:HarmRole",
    "match": "skos:exactMatch",
    "minReports": "3",
}


def seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()[-300:]}")
    return statistics.median(times)


def posted(url: str, text: str, runs: int) -> float:
    """Median seconds for the server at ``url`` to answer ``text`` (every byte read)."""
    times = []
    for _ in range(runs):
        request = urllib.request.Request(url, data=text.encode("utf-8"), method="POST")
        request.add_header("Content-Type", "application/sparql-query")
        request.add_header("Accept", "text/tab-separated-values")
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as reply:
            reply.read()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def start_server(graph: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``kg serve`` of ``graph`` (in memory) on a free port, once it answers."""
    bind = f"127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "kg.cli", "serve", "--graph", str(graph), "--bind", bind]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://{bind}/query"
    for _ in range(1200):
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=5).read()
            return server, url
        except OSError:
            time.sleep(0.25)
    server.kill()
    raise SystemExit("kg serve did not start")


def sample(graph: object, name: str) -> str:
    value = SAMPLES[name]
    if not value.startswith("SELECT"):
        return value
    rows = list(graph.query(with_prefixes(value)))  # type: ignore[attr-defined]
    return str(rows[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--page", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from run import machine  # bench/run.py: the same machine description

    # kg's modules byte-compiled first, as `pip install` does, so that no timed run compiles
    # them from source (where PYTHONDONTWRITEBYTECODE is set, as on the machine of
    # bench/RESULTS.md, every run would: 9 ms of each `kg query`, which an installed kg never pays)
    compileall.compile_dir(str(ROOT / "kg"), quiet=1)
    folder = database(args.graph)
    graph = load_graph(args.graph, "oxigraph")
    kg = [sys.executable, "-m", "kg.cli", "query", "--graph", str(args.graph)]
    startup = seconds([sys.executable, "-c", "pass"], args.runs)
    listing = seconds([*kg, "--list"], args.runs)
    print(f"machine: {machine()}")
    size = args.graph.stat().st_size / 1e6
    print(f"graph: {args.graph} ({size:.0f} MB, {len(graph):,} triples)")
    print(f"Python start-up alone: {startup * 1000:.0f} ms; ", end="")
    print(f"kg query --list: {listing * 1000:.0f} ms")
    print()
    print(
        f"| query | kg query, first {args.page} rows | floor: pyoxigraph alone | ratio "
        "| kg query --endpoint (kg serve, in memory) | resident engine via HTTP |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    under, remote, resident, total = 0, 0, 0, 0
    server, url = start_server(args.graph)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for query in shipped_queries():
                cases: list[dict[str, str]] = [{}]
                cases += [{p.name: sample(graph, p.name)} for p in query.params]
                for params in cases:
                    bound = bind_params(graph, query, params)
                    text = engine_text(with_limit(query.text, args.page) or query.text, bound)
                    path = Path(tmp) / "query.rq"
                    path.write_text(text, encoding="utf-8")
                    floor = seconds(
                        [sys.executable, "-c", FLOOR, str(folder), str(path)], args.runs
                    )
                    given = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
                    page = ["--limit", str(args.page), "--format", "tsv"]
                    ours = seconds([*kg, query.name, *given, *page], args.runs)
                    served = seconds([*kg, query.name, *given, *page, "--endpoint", url], args.runs)
                    engine = posted(url, text, args.runs)
                    shown = (f" {k}={v.rsplit('/', 1)[-1]}" for k, v in params.items())
                    label = query.name + "".join(shown)
                    ms = f"{ours * 1000:.0f} ms | {floor * 1000:.0f} ms"
                    print(
                        f"| {label} | {ms} | {ours / floor:.1f}× | {served * 1000:.0f} ms "
                        f"| {engine * 1000:.0f} ms |"
                    )
                    under += ours < 0.1
                    remote += served < 0.1
                    resident += engine < 0.1
                    total += 1
    finally:
        server.terminate()
        server.wait(30)
    print(f"\nunder 100 ms of {total}: kg query {under}, kg query --endpoint {remote}, ", end="")
    print(f"the resident engine {resident}")


if __name__ == "__main__":
    main()
