"""Scoring the extractor against gold annotations (JSON Lines, format of PRODUCT.md).

A gold line names a document, a role and an exact quote. When the quote occurs several times,
the k-th line with the same (doc, role, quote) means its k-th occurrence; an optional ``start``
field pins the offset. A prediction matches a gold mention when doc and role agree and the spans
overlap; a price must also agree on amount and ``per`` (quantity). Matching is one-to-one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kg.extract import Extraction
from kg.read import InputError, json_lines

ROLES = ("technique", "datatype", "harm", "remedy", "price", "actor")


@dataclass(frozen=True)
class Span:
    doc: str
    role: str
    start: int
    end: int
    quote: str
    amount: Decimal | None = None
    per: Decimal | None = None


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score]
    missed: list[Span] = field(default_factory=list)
    spurious: list[Span] = field(default_factory=list)


def load_gold(path: Path, texts: dict[str, str]) -> list[Span]:
    """Gold mentions with their spans in the cleaned document texts."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read gold file ({err})") from None
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    spans = []
    for n, _, rec in json_lines(lines):
        where = f"{path}:{n}"
        try:
            if isinstance(rec, ValueError):
                raise rec
            doc, role, quote = rec["doc"], rec["role"], rec["quote"]
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{where}: not a gold record ({err})") from None
        if role not in ROLES:
            raise InputError(f"{where}: unknown role {role!r} (one of {', '.join(ROLES)})")
        if doc not in texts:
            raise InputError(f"{where}: document {doc!r} is not among the documents read")
        text = texts[doc]
        if "start" in rec:
            start = int(rec["start"])
            if text[start : start + len(quote)] != quote:
                raise InputError(f"{where}: quote {quote!r} is not at offset {start} of {doc}")
        else:
            k = seen[(doc, role, quote)]
            seen[(doc, role, quote)] += 1
            start = -1
            for _ in range(k + 1):
                start = text.find(quote, start + 1)
                if start < 0:
                    raise InputError(
                        f"{where}: quote {quote!r} (occurrence {k + 1}) not in {doc}'s text"
                    )
        amount = per = None
        if role == "price":
            try:
                amount, per = Decimal(str(rec["amount"])), Decimal(str(rec.get("per", 1)))
            except (KeyError, ArithmeticError):
                raise InputError(f"{where}: a price needs a numeric amount (and per)") from None
        spans.append(Span(doc, role, start, start + len(quote), quote, amount, per))
    return spans


def predicted_spans(extractions: list[Extraction]) -> list[Span]:
    """The extractor's mentions as spans (prices with their amount and quantity)."""
    spans = []
    for x in extractions:
        prices = {id(p.mention): p for p in x.prices}
        for m in x.mentions:
            p = prices.get(id(m))
            spans.append(
                Span(
                    x.doc.doc_id,
                    m.role,
                    m.start,
                    m.end,
                    m.quote,
                    p.amount if p else None,
                    p.quantity if p else None,
                )
            )
    return spans


def _matches(g: Span, p: Span) -> bool:
    if g.doc != p.doc or g.role != p.role or g.end <= p.start or p.end <= g.start:
        return False
    return g.role != "price" or (g.amount == p.amount and g.per == p.per)


def evaluate(gold: list[Span], predicted: list[Span]) -> Evaluation:
    """Precision, recall and F1 per role and overall, with the missed and spurious mentions."""
    used: set[int] = set()
    matched_gold: set[int] = set()
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(predicted):
        by_key[(p.doc, p.role)].append(i)
    for g in sorted(gold, key=lambda s: (s.doc, s.start)):
        for pi in by_key[(g.doc, g.role)]:
            if pi not in used and _matches(g, predicted[pi]):
                used.add(pi)
                matched_gold.add(id(g))
                break
    missed = [g for g in gold if id(g) not in matched_gold]
    spurious = [p for i, p in enumerate(predicted) if i not in used]
    scores = {}
    for role in ROLES:
        tp = sum(1 for g in gold if g.role == role and id(g) in matched_gold)
        scores[role] = Score(
            tp, sum(1 for p in spurious if p.role == role), sum(1 for g in missed if g.role == role)
        )
    scores["overall"] = Score(sum(s.tp for s in scores.values()), len(spurious), len(missed))
    return Evaluation(scores, missed, spurious)


def format_scores(ev: Evaluation) -> str:
    """The score table."""
    lines = [f"{'role':<10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for role, s in ev.scores.items():
        lines.append(
            f"{role:<10} {s.tp + s.fn:>5} {s.tp + s.fp:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
        )
    return "\n".join(lines)
