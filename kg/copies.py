"""Near-duplicate documents: the same report republished, converted to Traditional, or spun.

Each document's normalised text (Simplified, NFKC, letters and digits only) is cut into character
shingles; datasketch's MinHash LSH proposes candidate pairs and its Jaccard estimate confirms
them. Connected documents form one *report*; a document alone is a report of its own. MinHash
uses a fixed seed, so grouping is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from kg.normalize import normalize

SHINGLE = 3
PERMUTATIONS = 128
#: Estimated Jaccard similarity of shingle sets above which two documents are copies.
THRESHOLD = 0.5


@dataclass(frozen=True)
class Report:
    """Documents that publish one report; ``key`` is the smallest member id (stable IRI)."""

    key: str
    members: tuple[str, ...]
    pairs: tuple[tuple[str, str, float], ...]


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Character shingles of the letters and digits of the normalised text.

    >>> sorted(shingles("人脸，照片"))
    ['人脸照', '脸照片']
    """
    core = "".join(ch for ch in normalize(text).text if ch.isalnum())
    return {core[i : i + size] for i in range(max(1, len(core) - size + 1))}


def _minhash(items: Iterable[str]) -> MinHash:
    m = MinHash(num_perm=PERMUTATIONS, seed=1)
    m.update_batch([item.encode("utf-8") for item in sorted(items)])
    return m


def signature(text: str) -> MinHash:
    """The MinHash of a document's shingles: all that grouping needs to keep of its text."""
    return _minhash(shingles(text))


def group_copies(texts: dict[str, str], threshold: float = THRESHOLD) -> list[Report]:
    """Group documents (id → text) into reports of near-duplicates."""
    return group_signatures({doc_id: signature(text) for doc_id, text in texts.items()}, threshold)


def group_signatures(signatures: dict[str, MinHash], threshold: float = THRESHOLD) -> list[Report]:
    """Group documents (id → :func:`signature`) into reports of near-duplicates."""
    hashes = dict(sorted(signatures.items()))
    lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    for doc_id, mh in hashes.items():
        lsh.insert(doc_id, mh)
    parent = {doc_id: doc_id for doc_id in hashes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs: list[tuple[str, str, float]] = []
    for doc_id, mh in hashes.items():
        for other in sorted(lsh.query(mh)):
            if other <= doc_id:
                continue
            similarity = mh.jaccard(hashes[other])
            if similarity >= threshold:
                pairs.append((doc_id, other, round(similarity, 3)))
                a, b = find(doc_id), find(other)
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for doc_id in hashes:
        groups.setdefault(find(doc_id), []).append(doc_id)
    return [
        Report(min(members), tuple(sorted(members)), tuple(p for p in pairs if p[0] in members))
        for members in sorted(groups.values())
    ]
