"""Memory per document: the peak Python allocation of cleaning and extracting one document,
as a multiple of its text, for documents from 50 KB to 4 MB (the seeds' text repeated).

    python bench/memory_per_document.py

Each size runs in a fresh process (so caches of one size do not count for the next); the
lexicon is loaded before measuring, as a build loads it once per process. Prints the machine,
then size, peak MB and the ratio peak / text size (UTF-8 bytes).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES_KB = (50, 250, 1000, 4000)

_CHILD = r"""
import json, sys, tracemalloc
from pathlib import Path
from kg.clean import clean
from kg.extract import extract
from kg.lexicon import default_lexicon
from kg.read import RawDocument
lex = default_lexicon(); lex.pos()
seeds = "".join(p.read_text("utf-8") for p in sorted(Path(sys.argv[1]).glob("*.txt")))
target = int(sys.argv[2]) * 1024
text = (seeds * (target // len(seeds.encode()) + 1))[: target // 3]
raw = RawDocument("m", Path("m.txt"), text, "0", "utf-8")
tracemalloc.start()
extract(clean(raw), lex)
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"bytes": len(text.encode()), "peak": peak}))
"""


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'text':>8} {'peak MB':>8} {'× text':>7}")
    for kb in SIZES_KB:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(ROOT / "seeds"), str(kb)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        m = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{m['bytes'] / 1e6:>6.2f}MB {m['peak'] / 1e6:>8.1f} {m['peak'] / m['bytes']:>7.1f}")


if __name__ == "__main__":
    main()
