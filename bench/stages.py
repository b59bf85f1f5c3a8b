"""Where a build's time goes: seconds per MB of text for each stage, in one process, next to
jieba alone and an Aho-Corasick pass over the vocabulary's labels alone.

    python bench/stages.py bench/data/corpus-1000.jsonl

Stages, in pipeline order, for every document of a ``.jsonl`` corpus (bench/corpus.py):

- read: decoding the records (kg.read.iter_records);
- clean: kg.clean.clean;
- normalise: kg.normalize.normalize (Simplified script, NFKC widths);
- segment: jieba over the normalised text (kg.extract.tokenize, once per document);
- match: lexicon terms and their negation (kg.extract.concept_mentions);
- finders: the construction finders, actors, speakers and prices;
- claims: the rest of extraction (claims per sentence, offsets mapped back);
- signature: the MinHash signature that groups syndicated copies;
- emit: the document's N-Triples lines (kg.emit.document_lines);
- write: joining and encoding those lines.

The extraction stages are timed by wrapping the pipeline's own functions where the extractor
looks them up (no copy of its logic here): "claims" is what remains of extraction. Prints the
machine and a Markdown table; compare the figures as ratios within one run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import kg.extract as extract_module  # noqa: E402
from kg.clean import clean  # noqa: E402
from kg.copies import signature  # noqa: E402
from kg.emit import document_lines  # noqa: E402
from kg.normalize import normalize  # noqa: E402
from kg.pipeline import resources  # noqa: E402
from kg.read import RawDocument, iter_records  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)


def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[stage] += time.perf_counter() - start

    wrapper.__name__ = getattr(fn, "__name__", stage)
    return wrapper


FINDERS = ("institution_mentions", "person_mentions", "titled_mentions", "find_speaker")


def instrument() -> None:
    """Wrap the extractor's stage functions in its own namespace."""
    m = extract_module
    m.tokenize = timed("segment", m.tokenize)  # type: ignore[assignment]
    m.concept_mentions = timed("match", m.concept_mentions)  # type: ignore[assignment]
    m.CONSTRUCTION_FINDERS = tuple(timed("finders", f) for f in m.CONSTRUCTION_FINDERS)
    for name in (*FINDERS, "find_prices"):
        setattr(m, name, timed("finders", getattr(m, name)))


def run(corpus: Path) -> tuple[dict[str, float], float, int]:
    lexicon, vocab = resources()
    instrument()
    start = time.perf_counter()
    raws = [r for r in iter_records(corpus) if isinstance(r, RawDocument)]
    SPENT["read"] += time.perf_counter() - start
    chars = 0
    for raw in raws:
        t0 = time.perf_counter()
        doc = clean(raw)
        t1 = time.perf_counter()
        view = normalize(doc.text)
        t2 = time.perf_counter()
        before = sum(SPENT[s] for s in ("segment", "match", "finders"))
        x = extract_module.extract(doc, lexicon, view)
        t3 = time.perf_counter()
        SPENT["claims"] += (t3 - t2) - (
            sum(SPENT[s] for s in ("segment", "match", "finders")) - before
        )
        signature(doc.text, view.text)
        t4 = time.perf_counter()
        lines = document_lines(x, vocab)
        t5 = time.perf_counter()
        "".join(lines).encode("utf-8")
        t6 = time.perf_counter()
        SPENT["clean"] += t1 - t0
        SPENT["normalise"] += t2 - t1
        SPENT["signature"] += t4 - t3
        SPENT["emit"] += t5 - t4
        SPENT["write"] += t6 - t5
        chars += len(doc.text)
    text_mb = sum(len(clean(r).text.encode("utf-8")) for r in raws) / 1e6
    return dict(SPENT), text_mb, len(raws)


def floors(corpus: Path) -> dict[str, float]:
    """Seconds for jieba alone and for an Aho-Corasick pass alone, over the same texts."""
    import ahocorasick

    lexicon, _ = resources()
    texts = [
        normalize(clean(r).text).text for r in iter_records(corpus) if isinstance(r, RawDocument)
    ]
    start = time.perf_counter()
    for t in texts:
        lexicon.tokenizer.lcut(t)
    jieba_s = time.perf_counter() - start
    automaton = ahocorasick.Automaton()
    for term in lexicon.terms:
        automaton.add_word(term, term)
    automaton.make_automaton()
    start = time.perf_counter()
    for t in texts:
        for _ in automaton.iter(t):
            pass
    return {"jieba": jieba_s, "automaton": time.perf_counter() - start}


ORDER = (
    "read",
    "clean",
    "normalise",
    "segment",
    "match",
    "finders",
    "claims",
    "signature",
    "emit",
    "write",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    from run import machine  # bench/run.py: the same machine description

    spent, mb, docs = run(args.corpus)
    floor = floors(args.corpus)
    total = sum(spent[s] for s in ORDER)
    print(f"machine: {machine()}")
    print(f"{docs} documents, {mb:.2f} MB of cleaned text, one process\n")
    print("| stage | seconds | s per MB | share |")
    print("|---|---:|---:|---:|")
    for stage in ORDER:
        took = spent[stage]
        print(f"| {stage} | {took:.2f} | {took / mb:.3f} | {took / total:.0%} |")
    print(f"| **all stages** | {total:.2f} | {total / mb:.3f} | 100% |")
    print(f"| jieba alone (lcut) | {floor['jieba']:.2f} | {floor['jieba'] / mb:.3f} | – |")
    automaton = floor["automaton"]
    print(f"| Aho-Corasick over every label alone | {automaton:.2f} | {automaton / mb:.3f} | – |")
    print(f"\nbuild stages at {floor['jieba'] / total:.2f}× jieba alone")


if __name__ == "__main__":
    main()
