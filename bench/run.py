"""Benchmark: build, validate and query synthetic corpora of 1k, 10k (and 100k) articles.

    python bench/run.py                      # 1k and 10k articles, all cores
    python bench/run.py --sizes 1000 100000 --jobs 2

For each size it generates the corpus (bench/corpus.py, kept in bench/data/), then runs each
stage in its own process, so that the peak memory reported is that stage's:

- build: ``kg build --stream`` (read → clean → extract → emit N-Triples) with 1 process and with
  ``--jobs``; articles, characters and MB of Chinese text per second, and per core;
- emission alone: triples per second of :func:`kg.emit.document_lines`;
- segmentation alone: MB/s of jieba (accurate mode, as extraction uses it) on the same texts,
  the ceiling it puts on end-to-end throughput;
- validation: the full graph with the oxigraph and fast engines (and with pySHACL alone, up to
  ``--pyshacl-max`` triples, for the ratio); and ``kg build`` as it runs unstreamed, the graph
  built in memory, validated and written, with ``--jobs``;
- queries: every file in queries/, in Oxigraph (and in rdflib up to ``--rdflib-max`` triples),
  median of 3 runs after loading; and the list queries again with a parameter bound.

It prints the machine, library versions and a Markdown table, and writes bench/results.json.
Shared machines are noisy: compare figures within one run, as ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libs = ["rdflib", "pyshacl", "pyoxigraph", "oxrdflib", "jieba", "opencc", "dask", "warcio"]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in libs},
    }


def _version(name: str) -> str:
    try:
        return version(name)
    except Exception:  # noqa: BLE001 - not installed
        return "-"


def measured(command: list[str]) -> tuple[float, float, str]:
    """Run ``command``; (seconds, peak RSS of that process in MB as it reports it, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()[-400:]}")
    return seconds, _peak_from_status(done.stderr), done.stdout


def _peak_from_status(err: str) -> float:
    for line in err.splitlines():
        if line.startswith("PEAK_RSS_MB="):
            return float(line.split("=", 1)[1])
    return float("nan")


def _report_peak() -> None:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PEAK_RSS_MB={peak:.0f}", file=sys.stderr)


# ---------------------------------------------------------------- stages, run as subprocesses


def stage_build(corpus: str, out: str, jobs: str) -> None:
    from kg.executors import make_executor
    from kg.pipeline import build_stream

    executor = make_executor(int(jobs))
    start = time.perf_counter()
    result = build_stream([corpus], Path(out), executor=executor)
    seconds = time.perf_counter() - start
    executor.close()
    print(json.dumps({"seconds": seconds, **result.counts}))
    _report_peak()


def stage_checked(corpus: str, out: str, jobs: str) -> None:
    """``kg build`` as it runs by default: the graph in memory, validated, then written."""
    from kg.executors import make_executor
    from kg.pipeline import build

    executor = make_executor(int(jobs))
    start = time.perf_counter()
    result = build([corpus], Path(out), fmt="nt", curation=None, executor=executor)
    seconds = time.perf_counter() - start
    executor.close()
    assert result.report is not None
    print(json.dumps({"seconds": seconds, "conforms": result.report.conforms}))
    _report_peak()


def stage_emit(corpus: str, count: str) -> None:
    from itertools import islice

    from kg.clean import clean
    from kg.emit import document_lines
    from kg.extract import extract
    from kg.lexicon import default_lexicon
    from kg.read import RawDocument, iter_inputs
    from kg.vocabulary import vocabulary_graph

    lexicon, vocab = default_lexicon(), vocabulary_graph()
    docs = [d for d in islice(iter_inputs([corpus]), int(count)) if isinstance(d, RawDocument)]
    extractions = [extract(clean(d), lexicon) for d in docs]
    start = time.perf_counter()
    lines = sum(len(document_lines(x, vocab)) for x in extractions)
    seconds = time.perf_counter() - start
    print(json.dumps({"documents": len(docs), "triples": lines, "seconds": seconds}))
    _report_peak()


def stage_segment(corpus: str, count: str) -> None:
    """jieba alone (accurate mode, as extraction runs it) over the normalised texts: the
    ceiling that segmentation puts on end-to-end throughput."""
    from itertools import islice

    from kg.clean import clean
    from kg.lexicon import default_lexicon
    from kg.normalize import normalize
    from kg.read import RawDocument, iter_inputs

    lexicon = default_lexicon()
    docs = [d for d in islice(iter_inputs([corpus]), int(count)) if isinstance(d, RawDocument)]
    texts = [normalize(clean(d).text).text for d in docs]
    start = time.perf_counter()
    for text in texts:
        for _ in lexicon.tokenizer.tokenize(text):
            pass
    seconds = time.perf_counter() - start
    mbytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(json.dumps({"documents": len(texts), "mb": mbytes, "seconds": seconds}))
    _report_peak()


def stage_validate(graph: str, engine: str) -> None:
    """As ``kg validate`` does it (:func:`kg.pipeline.validate_file`), the reading timed apart
    (the oxigraph engine reads and checks in one call: its reading is in ``validate_seconds``)."""
    from kg.pipeline import read_for_validation
    from kg.validate import load_shapes, validate_graph, validate_source

    if engine == "oxigraph":
        start = time.perf_counter()
        checked = validate_source(Path(graph), "nt", load_shapes())
        print(
            json.dumps(
                {
                    "load_seconds": 0.0,
                    "validate_seconds": time.perf_counter() - start,
                    "conforms": checked.conforms,
                    "violations": checked.count("Violation"),
                    "warnings": checked.count("Warning"),
                }
            )
        )
        _report_peak()
        return
    start = time.perf_counter()
    data, oxigraph = read_for_validation(Path(graph), engine)
    loaded = time.perf_counter()
    report = validate_graph(data, load_shapes(), engine=engine, oxigraph=oxigraph)
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "triples": len(data),
                "load_seconds": loaded - start,
                "validate_seconds": done - loaded,
                "conforms": report.conforms,
                "violations": report.count("Violation"),
                "warnings": report.count("Warning"),
            }
        )
    )
    _report_peak()


def stage_queries(graph: str, store: str) -> None:
    from kg.graphs import load_graph
    from kg.query import run_query, shipped_queries

    start = time.perf_counter()
    data = load_graph(Path(graph), store)
    loaded = time.perf_counter() - start

    def timed(query: Any, params: dict[str, str] | None = None) -> dict[str, float]:
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            rows = len(run_query(data, query, params))
            runs.append(time.perf_counter() - t)
        return {"ms": statistics.median(runs) * 1000, "rows": rows}

    queries = {q.name: q for q in shipped_queries()}
    times = {name: timed(query) for name, query in queries.items()}
    first_claim = next(iter(run_query(data, queries["evidence-trail"])))[0]  # type: ignore[index]
    bound = {
        "evidence-trail": {"claim": str(first_claim)},
        "attack-chains": {"technique": "kt:deepfake"},
        "corroborated-claims": {"minReports": "20"},
        "concept-frequency": {"role": "prk:HarmRole"},
        "unit-prices": {"item": "kd:face-data"},
    }
    with_params = {
        name: {"params": params, **timed(queries[name], params)} for name, params in bound.items()
    }
    print(
        json.dumps(
            {
                "load_seconds": loaded,
                "triples": len(data),
                "queries": times,
                "with_params": with_params,
            }
        )
    )
    _report_peak()


STAGES: dict[str, Callable[..., None]] = {
    "build": stage_build,
    "checked": stage_checked,
    "emit": stage_emit,
    "segment": stage_segment,
    "validate": stage_validate,
    "queries": stage_queries,
}


def run_stage(name: str, *args: object) -> tuple[dict[str, Any], float, float]:
    seconds, peak, out = measured(
        [sys.executable, str(Path(__file__)), "--stage", name, *map(str, args)]
    )
    return json.loads(out.strip().splitlines()[-1]), seconds, peak


# ---------------------------------------------------------------- the benchmark


def bench_size(
    n: int, jobs: int, pyshacl_max: int, rdflib_max: int, validate_max: int
) -> dict[str, Any]:
    from corpus import write_corpus

    corpus = write_corpus(n, DATA / f"corpus-{n}.jsonl")
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8")]
    chars = sum(len(t) for t in texts)
    mbytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    del texts
    out: dict[str, Any] = {"articles": n, "characters": chars, "text_mb": mbytes}
    graph = DATA / f"graph-{n}.nt"
    for label, j in (("build_1", 1), (f"build_{jobs}", jobs)):
        result, _, peak = run_stage("build", corpus, graph, j)
        secs = result["seconds"]
        out[label] = {
            "jobs": j,
            "seconds": secs,
            "articles_per_s": n / secs,
            "chars_per_s": chars / secs,
            "mb_per_s": mbytes / secs,
            "mb_per_s_per_core": mbytes / secs / j,
            "triples": result["triples"],
            "triples_per_s": result["triples"] / secs,
            "peak_rss_mb": peak,
        }
        print(f"  {label}: {json.dumps(out[label])}", flush=True)
    emit, _, _ = run_stage("emit", corpus, min(n, 500))
    out["emit"] = {**emit, "triples_per_s": emit["triples"] / emit["seconds"]}
    print(f"  emit: {json.dumps(out['emit'])}", flush=True)
    seg, _, _ = run_stage("segment", corpus, min(n, 500))
    out["segment"] = {**seg, "mb_per_s": seg["mb"] / seg["seconds"]}
    print(f"  jieba alone: {json.dumps(out['segment'])}", flush=True)
    triples = out["build_1"]["triples"]
    result, _, peak = run_stage("validate", graph, "oxigraph")
    out["validate_oxigraph"] = {**result, "peak_rss_mb": peak}
    print(f"  validate oxigraph: {json.dumps(out['validate_oxigraph'])}", flush=True)
    if triples <= validate_max:  # validation holds the graph in rdflib's memory store
        result, _, peak = run_stage("validate", graph, "fast")
        out["validate_fast"] = {**result, "peak_rss_mb": peak}
        print(f"  validate fast: {json.dumps(out['validate_fast'])}", flush=True)
        result, _, peak = run_stage("checked", corpus, DATA / f"checked-{n}.nt", jobs)
        out["build_checked"] = {**result, "jobs": jobs, "peak_rss_mb": peak}
        print(f"  kg build (validated): {json.dumps(out['build_checked'])}", flush=True)
    if triples <= pyshacl_max:
        result, _, peak = run_stage("validate", graph, "pyshacl")
        out["validate_pyshacl"] = {**result, "peak_rss_mb": peak}
        print(f"  validate pyshacl: {json.dumps(out['validate_pyshacl'])}", flush=True)
    for store in ("oxigraph", "memory"):
        if store == "memory" and triples > rdflib_max:
            continue
        result, _, peak = run_stage("queries", graph, store)
        out[f"queries_{store}"] = {**result, "peak_rss_mb": peak}
        slowest = max(result["queries"].items(), key=lambda kv: kv[1]["ms"])
        print(
            f"  queries {store}: load {result['load_seconds']:.1f}s, slowest {slowest}", flush=True
        )
    return out


def table(results: list[dict[str, Any]], jobs: int) -> str:
    rows = [
        "| articles | text MB | triples | build 1 proc: art/s · MB/s | "
        f"build {jobs} procs: art/s · MB/s · MB/s/core | emission triples/s | jieba alone MB/s | "
        "build peak RSS | full SHACL (fast) | full SHACL (pySHACL) | kg build, validated | "
        "slowest query (Oxigraph) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        b1, bj = r["build_1"], r[f"build_{jobs}"]
        vf = r.get("validate_fast")
        vp = r.get("validate_pyshacl")
        bc = r.get("build_checked")
        q = r["queries_oxigraph"]["queries"]
        slow = max(q.items(), key=lambda kv: kv[1]["ms"])
        rows.append(
            f"| {r['articles']:,} | {r['text_mb']:.1f} | {b1['triples']:,} | "
            f"{b1['articles_per_s']:.0f} · {b1['mb_per_s']:.2f} | "
            f"{bj['articles_per_s']:.0f} · {bj['mb_per_s']:.2f} · {bj['mb_per_s_per_core']:.2f} | "
            f"{r['emit']['triples_per_s']:,.0f} | {r['segment']['mb_per_s']:.2f} | "
            f"{max(b1['peak_rss_mb'], bj['peak_rss_mb']):.0f} MB | "
            + (
                f"{vf['validate_seconds']:.1f} s (+{vf['load_seconds']:.1f} s load) | "
                if vf
                else "not run | "
            )
            + (f"{vp['validate_seconds']:.1f} s" if vp else "not run")
            + (f" | {bc['seconds']:.1f} s, {bc['peak_rss_mb']:.0f} MB" if bc else " | not run")
            + f" | {slow[0]} {slow[1]['ms']:.0f} ms |"
        )
    return "\n".join(rows)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        STAGES[sys.argv[2]](*sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pyshacl-max", type=int, default=300_000)
    parser.add_argument("--rdflib-max", type=int, default=300_000)
    parser.add_argument(
        "--validate-max", type=int, default=3_000_000, help="rdflib holds ~1.5 KB a triple"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    info = machine()
    print(json.dumps(info, indent=1), flush=True)
    results = []
    for n in args.sizes:
        print(f"{n} articles", flush=True)
        results.append(
            bench_size(n, args.jobs, args.pyshacl_max, args.rdflib_max, args.validate_max)
        )
    args.out.write_text(json.dumps({"machine": info, "results": results}, indent=1) + "\n")
    print(table(results, args.jobs))


if __name__ == "__main__":
    main()
