"""Scaling, measured: a streamed build with N local worker processes and on a local Dask cluster
of N workers, the speed-up per added worker, and the peak memory of the parent and of each worker.

    python bench/scaling.py bench/data/corpus-10000.jsonl --workers 1 2

Each build is ``kg build CORPUS --stream`` (``--jobs N``, or ``--cluster ADDRESS`` of a
``distributed.LocalCluster`` with N single-threaded worker processes started here). The memory of
every process involved is sampled every 0.1 s (psutil); a worker's peak is the largest of the
worker processes. The outputs of all builds must be the same bytes (checked). Prints the machine
and a Markdown table; compare as ratios within one run.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


class Peaks:
    """Peak RSS (MB) of a process tree, sampled in a thread: the root, and the largest other."""

    def __init__(self, root: int, extra: list[int] | None = None) -> None:
        self.root, self.extra = root, extra or []
        self.parent = self.worker = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                top = psutil.Process(self.root)
                self.parent = max(self.parent, top.memory_info().rss / 1e6)
                others = top.children(recursive=True) + [psutil.Process(p) for p in self.extra]
                for proc in others:
                    self.worker = max(self.worker, proc.memory_info().rss / 1e6)
            except psutil.Error:
                pass
            time.sleep(0.1)

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        return self.parent, self.worker


def build(
    corpus: Path, out: Path, how: list[str], workers: list[int]
) -> tuple[float, float, float]:
    """(seconds, parent peak MB, worker peak MB) of one streamed build."""
    command = [sys.executable, "-m", "kg.cli", "--quiet", "build", str(corpus), "--stream"]
    start = time.perf_counter()
    proc = subprocess.Popen([*command, "--out", str(out), *how], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    peaks = Peaks(proc.pid, workers)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    parent, worker = peaks.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(how)}: {err.strip()[-300:]}")
    return seconds, parent, worker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    from distributed import LocalCluster
    from run import machine  # bench/run.py: the same machine description

    text_mb = args.corpus.stat().st_size / 1e6
    print(f"machine: {machine()}")
    print(f"corpus: {args.corpus} ({text_mb:.1f} MB of JSON Lines)\n")
    print("| executor | workers | seconds | MB/s | speed-up over 1 | per worker | "
          "parent peak MB | worker peak MB |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        outputs = []
        for kind in ("local", "dask"):
            first = None
            for n in args.workers:
                out = Path(tmp) / f"{kind}-{n}.nt"
                if kind == "local":
                    seconds, parent, worker = build(args.corpus, out, ["--jobs", str(n)], [])
                else:
                    with LocalCluster(
                        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                    ) as cluster:
                        pids = [
                            info["pid"]
                            for info in cluster.scheduler_info["workers"].values()
                            if "pid" in info
                        ] or [c.pid for c in psutil.Process().children(recursive=True)]
                        seconds, parent, worker = build(
                            args.corpus, out, ["--cluster", cluster.scheduler_address], pids
                        )
                first = first or seconds
                shown = f"{worker:.0f}" if worker else "(in the parent)"
                speedup = first / seconds
                print(f"| {kind} | {n} | {seconds:.1f} | {text_mb / seconds:.2f} | "
                      f"{speedup:.2f}× | {speedup / n:.2f}× | {parent:.0f} | {shown} |",
                      flush=True)  # fmt: skip
                outputs.append(out)
        same = all(filecmp.cmp(outputs[0], o, shallow=False) for o in outputs[1:])
        print(f"\nall {len(outputs)} outputs byte-identical: {same}")


if __name__ == "__main__":
    main()
