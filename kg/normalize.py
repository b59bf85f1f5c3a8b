"""Script and width normalisation with an offset map back to the original text.

Extraction reads a *view* of each document: NFKC (full-width letters, digits and punctuation
become their ordinary forms) and OpenCC Traditional→Simplified conversion, so one Simplified
lexicon serves every variant. Each view character remembers which original character it came
from, so every offset the graph stores points into the document's own text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import opencc


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class View:
    """Normalised text and, for each of its characters, the index of the original character."""

    text: str
    origin: tuple[int, ...]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering view characters ``start..end``.

        >>> v = normalize("ＡＩ換臉")
        >>> v.text, v.span(0, 4)
        ('AI换脸', (0, 4))
        """
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else self.original_length
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def to_simplified(text: str) -> str:
    """OpenCC Traditional→Simplified conversion (the same length for Chinese text)."""
    return str(_t2s().convert(text))


def normalize(text: str) -> View:
    """NFKC per character, then Traditional→Simplified, keeping the offset map."""
    origin: Sequence[int]
    if all(_fold(ch) == ch for ch in set(text)):
        # the common case: nothing to fold, so the view maps one to one
        joined, origin = text, range(len(text))
    else:
        chars: list[str] = []
        positions: list[int] = []
        for i, ch in enumerate(text):
            for out in _fold(ch):
                chars.append(out)
                positions.append(i)
        joined, origin = "".join(chars), positions
    simplified = to_simplified(joined)
    if len(simplified) != len(joined):  # a phrase rule changed length: convert char by char
        simplified = "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in joined)
    return View(simplified, tuple(origin), len(text))


@cache
def _fold(ch: str) -> str:
    """NFKC of one character (memoised: a corpus uses a few thousand distinct characters)."""
    return ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
