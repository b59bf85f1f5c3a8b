"""Full validation of a graph file, per engine, as a user runs it.

    python bench/validation.py GRAPH.nt [--engines auto fast] [--runs 1]

Times whole ``kg validate GRAPH --engine E --json`` processes (median of ``--runs``) with the
peak memory of each, checks that every engine printed the same report, and times the floor of
the oxigraph engine in this process: loading the file into an Oxigraph store and nothing else.
Prints the machine and a Markdown table; compare as ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

#: Runs a command and prints the peak resident memory of its process tree (KiB).
PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(done.returncode)
"""


def run(graph: Path, engine: str) -> tuple[float, int, str]:
    command = [sys.executable, "-c", PEAK, "kg", "--quiet", "validate", str(graph)]
    command += ["--engine", engine, "--json"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{engine}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
    peak = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak, done.stdout


def load_floor(graph: Path) -> tuple[float, int]:
    import pyoxigraph as ox

    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.from_extension(graph.suffix[1:]))
    return time.perf_counter() - start, len(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("graph", type=Path)
    parser.add_argument("--engines", nargs="+", default=["auto", "fast"])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    from run import machine  # bench/run.py: the same machine description

    print(f"machine: {machine()}")
    floor, triples = load_floor(args.graph)
    print(f"graph: {args.graph} ({triples} triples, {args.graph.stat().st_size / 1e6:.0f} MB)")
    rows, reports = [], {}
    for engine in args.engines:
        timed = [run(args.graph, engine) for _ in range(args.runs)]
        seconds = statistics.median(t[0] for t in timed)
        peak = max(t[1] for t in timed)
        reports[engine] = json.loads(timed[0][2])
        rows.append((engine, seconds, peak))
    same = all(r == reports[args.engines[0]] for r in reports.values())
    summary = reports[args.engines[0]]
    print(f"\nreports equal across engines: {same} ({len(summary['findings'])} findings)\n")
    print("| engine | seconds | × load alone | peak MB |")
    print("|---|---:|---:|---:|")
    for engine, seconds, peak in rows:
        print(f"| {engine} | {seconds:.1f} | {seconds / floor:.1f}× | {peak / 1024:.0f} |")
    print(f"| Oxigraph load alone (floor) | {floor:.1f} | 1.0× | – |")
    if not same:
        raise SystemExit("the engines' reports differ")


if __name__ == "__main__":
    main()
