"""Repeated messages folded into one line: a count and the first few examples.

A 1,000-article build can report the same warning for hundreds of nodes; a reader needs the
warning once, how often, and where to look first (``--all`` or ``--json`` give every line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
EXAMPLES = 3


def fold(
    items: Iterable[T],
    key: Callable[[T], str],
    example: Callable[[T], str],
    line: Callable[[T], str],
    examples: int = EXAMPLES,
) -> list[str]:
    """One line per distinct ``key``: the item's own ``line`` when it occurs once, else the key
    with its count and the first ``examples`` examples, in first-seen order.

    >>> rows = [("W", "a"), ("W", "b"), ("W", "c"), ("W", "d"), ("V", "x")]
    >>> fold(rows, key=lambda r: r[0], example=lambda r: r[1], line=lambda r: f"{r[0]}: {r[1]}")
    ['W — 4 times, e.g. a; b; c; …', 'V: x']
    """
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    out = []
    for name, group in groups.items():
        if len(group) == 1:
            out.append(line(group[0]))
            continue
        shown = "; ".join(example(g) for g in group[:examples])
        more = "; …" if len(group) > examples else ""
        out.append(f"{name} — {len(group)} times, e.g. {shown}{more}")
    return out
