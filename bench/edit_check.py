"""Benchmark: checking one curator edit on a large graph versus validating the whole graph.

Builds the seed graph, then grows it to about N triples by copying its documents, mentions,
evidence and claims under fresh IRIs (the vocabulary stays one copy), so the shapes see a
realistic mix. Then it times, in one run on this machine:

* ``check_edit`` of a retraction and of an altLabel edit (apply, rule checks, SHACL on the
  touched neighbourhood, rollback), several times, median;
* one full SHACL validation of the whole graph (``--full`` to run it; slow on 1M triples).

Usage:  python bench/edit_check.py [--triples 1000000] [--full]
Prints the figures, their ratio, the library versions and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.curate import check_edit, tracking_graph  # noqa: E402
from kg.edits import read_edit  # noqa: E402
from kg.emit import build_graph  # noqa: E402
from kg.namespaces import ID, KH, PRK  # noqa: E402
from kg.pipeline import extract_inputs  # noqa: E402
from kg.validate import load_shapes, validate_graph  # noqa: E402
from kg.vocabulary import vocabulary_graph  # noqa: E402


def grown_graph(target: int) -> Graph:
    corpus = extract_inputs([ROOT / "seeds"])
    seed = build_graph(corpus.extractions, corpus.reports)
    vocab = vocabulary_graph()
    instance = [t for t in seed if t not in vocab]
    graph = tracking_graph(seed)
    prefix = str(ID)
    copy = 0
    while len(graph) < target:
        copy += 1

        def renamed(term: object, n: int = copy) -> object:
            if isinstance(term, URIRef) and str(term).startswith(prefix):
                return URIRef(f"{term}-c{n}")
            return term

        graph.addN((renamed(s), renamed(p), renamed(o), graph) for s, p, o in instance)  # type: ignore[misc]
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="also time a full validation")
    args = parser.parse_args()

    t0 = time.perf_counter()
    graph = grown_graph(args.triples)
    print(f"graph: {len(graph):,} triples, built in {time.perf_counter() - t0:.1f} s")
    shapes = load_shapes()
    claim = sorted(graph.subjects(RDF.type, PRK.Claim))[
        len(list(graph.subjects(RDF.type, PRK.Claim))) // 2
    ]
    head = "# curator: bench\n# date: 2026-11-23\n# reason: benchmark\n"
    edits = {
        "retract a claim": "PREFIX prk: <https://w3id.org/prkg/ns#>\n"
        f"INSERT DATA {{ <{claim}> prk:status prk:Retracted }}\n",
        "add an altLabel": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        f'INSERT DATA {{ <{KH.fraud}> skos:altLabel "杀猪盘"@zh }}\n',
    }
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in edits.items():
            path = Path(tmp) / "edit.ru"
            path.write_text(head + body, encoding="utf-8")
            edit = read_edit(path)
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                result = check_edit(graph, edit, shapes)
                runs.append(time.perf_counter() - t)
                assert result.accepted, result.lines()
            timings[name] = statistics.median(runs)
            print(
                f"check one edit ({name}): median {timings[name] * 1000:.0f} ms "
                f"over {args.repeat} runs, {result.focus_nodes} node(s) validated"
            )
    if args.full:
        t = time.perf_counter()
        report = validate_graph(graph, shapes)
        full = time.perf_counter() - t
        print(f"full SHACL validation: {full:.1f} s ({report.summary()})")
        worst = max(timings.values())
        print(f"ratio full / one edit: {full / worst:,.0f}×")
    else:
        print("full SHACL validation: not run (add --full; it takes minutes on 1M triples)")
    print(
        f"python {platform.python_version()}, rdflib {rdflib.__version__}, "
        f"pyshacl {pyshacl.__version__}; {platform.machine()} {platform.system()}, "
        f"{os.cpu_count()} cores, {platform.processor() or 'cpu unknown'}"
    )


if __name__ == "__main__":
    main()
