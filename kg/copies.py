"""Near-duplicate documents: the same report republished, converted to Traditional, or spun.

Each document's normalised text (Simplified, NFKC, letters and digits only) is cut into character
shingles, hashed with numpy a document at a time; datasketch's MinHash LSH proposes candidate
pairs and its Jaccard estimate confirms them. Connected documents form one *report*; a document
alone is a report of its own. MinHash uses a fixed seed, so grouping is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from kg.normalize import normalize

SHINGLE = 3
PERMUTATIONS = 128
#: Estimated Jaccard similarity of shingle sets above which two documents are copies.
THRESHOLD = 0.5

if TYPE_CHECKING:
    from datasketch import MinHash


@dataclass(frozen=True)
class Report:
    """Documents that publish one report; ``key`` is the smallest member id (stable IRI)."""

    key: str
    members: tuple[str, ...]
    pairs: tuple[tuple[str, str, float], ...]


_NOT_WORD = re.compile(r"[\W_]+")
#: An odd 64-bit constant: multiplying by it and keeping the high 32 bits hashes a shingle key.
_MIX = np.uint64(0x9E3779B97F4A7C15)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Character shingles of the letters and digits of the normalised text.

    >>> sorted(shingles("人脸，照片"))
    ['人脸照', '脸照片']
    """
    core = _NOT_WORD.sub("", normalize(text).text)
    return {core[i : i + size] for i in range(max(1, len(core) - size + 1))}


def shingle_hashes(normalized: str) -> np.ndarray:
    """32-bit hashes of the distinct 3-character shingles of :func:`shingles`, computed a
    whole document at a time: a shingle's three code points (21 bits each) are one 63-bit key,
    so distinct shingles are distinct keys before hashing. ``normalized`` is the text as
    :func:`kg.normalize.normalize` gives it."""
    core = _NOT_WORD.sub("", normalized).ljust(SHINGLE, "\0")
    points = np.frombuffer(core.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    keys = (points[:-2] << np.uint64(42)) | (points[1:-1] << np.uint64(21)) | points[2:]
    return (np.unique(keys) * _MIX) >> np.uint64(32)


def signature(text: str, normalized: str | None = None) -> MinHash:
    """The MinHash of a document's shingles: all that grouping needs to keep of its text.
    ``normalized`` is the normalised text when the caller has it already.

    A lean MinHash (hash values and seed, without the permutation tables): a build keeps one
    per document and sends it between processes, so a third of the size matters at 10^5.
    """
    # datasketch pulls in scipy (0.4 s): imported when a build first signs a document, not at
    # every start of `kg`
    from datasketch import LeanMinHash, MinHash

    m = MinHash(num_perm=PERMUTATIONS, seed=1, hashfunc=int)
    m.update_batch(
        shingle_hashes(normalize(text).text if normalized is None else normalized).tolist()
    )
    return LeanMinHash(m)


def group_copies(texts: dict[str, str], threshold: float = THRESHOLD) -> list[Report]:
    """Group documents (id → text) into reports of near-duplicates."""
    return group_signatures({doc_id: signature(text) for doc_id, text in texts.items()}, threshold)


def group_signatures(signatures: dict[str, MinHash], threshold: float = THRESHOLD) -> list[Report]:
    """Group documents (id → :func:`signature`) into reports of near-duplicates."""
    hashes = dict(sorted(signatures.items()))
    from datasketch import MinHashLSH  # heavy (scipy): see signature()

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
