"""Scoring the extractor against gold annotations (JSON Lines, format of PRODUCT.md).

A gold line names a document, a role and an exact quote. When the quote occurs several times,
the k-th line with the same (doc, role, quote) means its k-th occurrence; an optional ``start``
field pins the offset. A prediction matches a gold mention when doc and role agree and the spans
overlap; a price must also agree on amount and ``per`` (quantity). Matching is one-to-one.

Beyond precision and recall, the evaluation says why: per role the missed, spurious and
wrong-role mentions (a missed gold mention that a prediction in another role covers), and the
concept accuracy on matched mentions whose gold line names a ``concept``. A gold ``NEW:<label>``
(no concept fitted when the gold was made) is met by a concept whose English prefLabel is that
label, or by the scheme's ``unclassified`` concept that keeps the span as a candidate. Actor
lines carry a kind (expert, police, …), compared with the kind of the actor found.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from kg.errors import InputError
from kg.extract import Extraction
from kg.lexicon import default_lexicon
from kg.mentions import CONCEPT_ROLES, ROLES
from kg.namespaces import KP, concept_curie
from kg.pipeline import extract_paths
from kg.read import json_lines

#: Actor classes of the ontology as gold files name actor kinds.
ACTOR_KINDS = {
    "Expert": "expert",
    "PoliceUnit": "police",
    "Seller": "seller",
    "Court": "court",
    "Official": "official",
    "Company": "company",
    "Victim": "victim",
    "Person": "other",
    "Platform": "platform",
}


@dataclass(frozen=True)
class Span:
    doc: str
    role: str
    start: int
    end: int
    quote: str
    amount: Decimal | None = None
    per: Decimal | None = None
    #: The concept CURIE (or ``NEW:<label>``; an actor's kind) the mention denotes, if known.
    concept: str | None = None


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


@dataclass(frozen=True)
class ConceptScore:
    """Of the matched mentions whose gold names a concept, how many the prediction got right."""

    right: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score]
    missed: list[Span] = field(default_factory=list)
    spurious: list[Span] = field(default_factory=list)
    #: Missed gold mentions that a prediction in another role overlaps, by role.
    wrong_role: dict[str, int] = field(default_factory=dict)
    #: Concept accuracy per role (and "concepts" over the four concept roles together).
    concepts: dict[str, ConceptScore] = field(default_factory=dict)
    #: Matched pairs whose concept disagrees: (gold, predicted).
    wrong_concept: list[tuple[Span, Span]] = field(default_factory=list)
    #: The same scores for each document.
    by_doc: dict[str, dict[str, Score]] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """Everything in plain JSON types, for scripts."""

        def score(s: Score) -> dict[str, object]:
            return {
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
            }

        return {
            "scores": {r: score(s) for r, s in self.scores.items()},
            "errors": {
                r: {
                    "missed": sum(1 for g in self.missed if g.role == r),
                    "spurious": sum(1 for p in self.spurious if p.role == r),
                    "wrong_role": self.wrong_role.get(r, 0),
                }
                for r in ROLES
            },
            "concept_accuracy": {
                r: {"right": c.right, "total": c.total, "accuracy": round(c.accuracy, 4)}
                for r, c in self.concepts.items()
            },
            "by_doc": {
                d: {r: score(s) for r, s in roles.items()} for d, roles in self.by_doc.items()
            },
        }


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
        concept = rec.get("concept")
        spans.append(
            Span(
                doc,
                role,
                start,
                start + len(quote),
                quote,
                amount,
                per,
                str(concept) if concept else None,
            )
        )
    return spans


def _concept_of(x: Extraction, role: str, target: str) -> str | None:
    if role in CONCEPT_ROLES:
        return concept_curie(target)
    if role == "actor":
        if target.startswith(str(KP)):
            return "platform"
        actor = x.actors.get(target)
        return ACTOR_KINDS.get(actor.kind) if actor else None
    return None


def predicted_spans(extractions: list[Extraction]) -> list[Span]:
    """The extractor's mentions as spans (prices with their amount and quantity, concept
    mentions with their concept's CURIE, actors with their kind)."""
    spans = []
    for x in extractions:
        prices = {id(p.mention): p for p in x.prices}
        for m in x.mentions:
            p = prices.get(id(m))
            if p is not None and p.minimum is not None:
                continue  # ranges are kept in the graph; the gold does not annotate them
            spans.append(
                Span(
                    x.doc.doc_id,
                    m.role,
                    m.start,
                    m.end,
                    m.quote,
                    p.amount if p else None,
                    p.quantity if p else None,
                    _concept_of(x, m.role, m.target),
                )
            )
    return spans


def _matches(g: Span, p: Span) -> bool:
    if g.doc != p.doc or g.role != p.role or g.end <= p.start or p.end <= g.start:
        return False
    return g.role != "price" or (g.amount == p.amount and g.per == p.per)


def _scores(gold: list[Span], missed: set[int], spurious: list[Span]) -> dict[str, Score]:
    scores = {}
    for role in ROLES:
        tp = sum(1 for g in gold if g.role == role and id(g) not in missed)
        scores[role] = Score(
            tp,
            sum(1 for p in spurious if p.role == role),
            sum(1 for g in gold if g.role == role and id(g) in missed),
        )
    scores["overall"] = Score(
        sum(s.tp for s in scores.values()), len(spurious), sum(1 for g in gold if id(g) in missed)
    )
    return scores


def concept_agrees(gold: str, predicted: str | None, en_labels: Mapping[str, str]) -> bool:
    """Whether a predicted concept (CURIE) meets the gold one.

    >>> labels = {"kr:data-deletion": "data deletion"}
    >>> concept_agrees("NEW:data deletion", "kr:data-deletion", labels)
    True
    >>> concept_agrees("kh:fraud", "kh:telecom-fraud", {})
    False
    """
    if predicted is None:
        return False
    if gold == predicted:
        return True
    if gold.startswith("NEW:"):
        label = gold.removeprefix("NEW:").strip().lower()
        return predicted.endswith(":unclassified") or en_labels.get(predicted, "").lower() == label
    return False


def evaluate(
    gold: list[Span], predicted: list[Span], en_labels: Mapping[str, str] | None = None
) -> Evaluation:
    """Precision, recall and F1 per role and overall, with the missed and spurious mentions,
    wrong roles, concept accuracy and the scores of each document.

    ``en_labels`` (CURIE → English prefLabel) lets a ``NEW:<label>`` gold concept be met by a
    concept added to the vocabulary since.
    """
    en_labels = en_labels or {}
    used: dict[int, Span] = {}
    pairs: list[tuple[Span, Span]] = []
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, p in enumerate(predicted):
        by_key[(p.doc, p.role)].append(i)
    for g in sorted(gold, key=lambda s: (s.doc, s.start)):
        for pi in by_key[(g.doc, g.role)]:
            if pi not in used and _matches(g, predicted[pi]):
                used[pi] = g
                pairs.append((g, predicted[pi]))
                break
    matched = {id(g) for g, _ in pairs}
    missed = [g for g in gold if id(g) not in matched]
    missed_ids = {id(g) for g in missed}
    spurious = [p for i, p in enumerate(predicted) if i not in used]
    wrong_role: dict[str, int] = defaultdict(int)
    by_doc_pred: dict[str, list[Span]] = defaultdict(list)
    for p in spurious:
        by_doc_pred[p.doc].append(p)
    for g in missed:
        if any(
            p.role != g.role and p.start < g.end and g.start < p.end for p in by_doc_pred[g.doc]
        ):
            wrong_role[g.role] += 1
    concepts: dict[str, list[bool]] = defaultdict(list)
    wrong_concept = []
    for g, p in pairs:
        if g.concept is None or g.role not in (*CONCEPT_ROLES, "actor"):
            continue
        ok = concept_agrees(g.concept, p.concept, en_labels)
        concepts[g.role].append(ok)
        if g.role in CONCEPT_ROLES:
            concepts["concepts"].append(ok)
        if not ok:
            wrong_concept.append((g, p))
    docs = sorted({g.doc for g in gold})
    return Evaluation(
        _scores(gold, missed_ids, spurious),
        missed,
        spurious,
        dict(wrong_role),
        {r: ConceptScore(sum(v), len(v)) for r, v in sorted(concepts.items())},
        wrong_concept,
        {
            d: _scores(
                [g for g in gold if g.doc == d], missed_ids, [p for p in spurious if p.doc == d]
            )
            for d in docs
        },
    )


def format_scores(ev: Evaluation, by_doc: bool = False) -> str:
    """The score table: P, R, F1 and the error counts per role, then concept accuracy."""
    lines = [
        f"{'role':<10} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}"
        f" {'missed':>7} {'spur':>5} {'wrole':>6}"
    ]
    for role, s in ev.scores.items():
        missed = sum(1 for g in ev.missed if role in ("overall", g.role))
        spurious = sum(1 for p in ev.spurious if role in ("overall", p.role))
        wrong = sum(ev.wrong_role.values()) if role == "overall" else ev.wrong_role.get(role, 0)
        lines.append(
            f"{role:<10} {s.tp + s.fn:>5} {s.tp + s.fp:>5} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
            f" {missed:>7} {spurious:>5} {wrong:>6}"
        )
    if ev.concepts:
        lines.append("")
        lines.append(f"{'concept accuracy':<17} {'right':>6} {'of':>6} {'acc':>6}")
        for role, c in ev.concepts.items():
            name = "4 roles" if role == "concepts" else role + (" kind" if role == "actor" else "")
            lines.append(f"{name:<17} {c.right:>6} {c.total:>6} {c.accuracy:>6.3f}")
    if by_doc:
        lines.append("")
        lines.append(f"{'doc':<24} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
        for doc, roles in ev.by_doc.items():
            s = roles["overall"]
            lines.append(
                f"{doc:<24} {s.tp + s.fn:>5} {s.tp + s.fp:>5} "
                f"{s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
            )
    return "\n".join(lines)


def format_errors(ev: Evaluation) -> str:
    """Every missed, spurious and wrong-concept mention, one line each, by document."""
    rows = [("missed", s, "") for s in ev.missed] + [("spurious", s, "") for s in ev.spurious]
    rows += [("concept", g, f"gold {g.concept}, found {p.concept}") for g, p in ev.wrong_concept]
    rows.sort(key=lambda r: (r[1].doc, r[1].start, r[0]))
    return "\n".join(
        f"{label:<8} {s.doc} {s.role:<9} {s.start}-{s.end} {s.quote}"
        + (f"  ({why})" if why else "")
        for label, s, why in rows
    )


def evaluation_json(ev: Evaluation) -> str:
    """:meth:`Evaluation.as_json` as indented JSON text."""
    return json.dumps(ev.as_json(), ensure_ascii=False, indent=2)


def evaluate_paths(
    gold: Path, docs: Path, progress: Callable[[str], None] | None = None
) -> Evaluation:
    """Extract ``docs`` (a folder or file) and score the result against the ``gold`` file."""
    extractions = extract_paths([docs], progress)
    texts = {x.doc.doc_id: x.doc.text for x in extractions}
    gold_spans = load_gold(gold, texts)
    in_gold = {g.doc for g in gold_spans}
    labels = {concept_curie(str(c)): label for c, label in default_lexicon().en_labels.items()}
    predicted = [p for p in predicted_spans(extractions) if p.doc in in_gold]
    return evaluate(gold_spans, predicted, labels)
