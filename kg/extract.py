"""Stage 3 — extract: mentions, actors, claims and prices from a cleaned document.

Mentions are found by segmenting with jieba (vocabulary labels loaded as user words) and
matching the longest run of whole tokens that is a label. Claims are assembled per sentence:
the sentence's technique, data-type, harm and remedy mentions outside negation scope, a modality
(recommended when it names remedies with a recommendation cue, denied when all it names is
negated) and the speaker the sentence names. Every cue word comes from ``ontology/cues.ttl``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import accumulate

from rdflib import URIRef

from kg.clean import Document
from kg.finders import (
    CONSTRUCTION_FINDERS,
    Context,
    institution_mentions,
    non_overlapping,
    person_mentions,
)
from kg.lexicon import BLOCKED, PLATFORM, Lexicon, default_lexicon
from kg.mentions import CONCEPT_ROLES, Actor, Mention, Token
from kg.normalize import View, normalize
from kg.prices import find_prices
from kg.speakers import find_speaker, titled_mentions

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")
_CLAUSE_BREAK = set("，,；;：:。！？!?\n")
#: How many tokens before a mention a negation cue reaches, and after it a post-negation.
NEGATION_REACH = 6
POST_NEGATION_REACH = 3
#: How far (characters) outside its sentence a price looks for the item it prices.
ITEM_REACH = 40


@dataclass(frozen=True)
class ClaimFinding:
    """One claim stated by one sentence."""

    modality: str  # "asserted" | "denied" | "recommended"
    slots: dict[str, tuple[URIRef, ...]]
    start: int
    end: int
    mentions: tuple[Mention, ...]
    claimant: Actor | None


@dataclass(frozen=True)
class PriceFinding:
    """A price observation with the item and platform it is about."""

    mention: Mention
    amount: Decimal
    quantity: Decimal
    unit_price: Decimal
    approximate: bool
    item: URIRef | None
    platform: URIRef | None
    currency: str = "CNY"
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass
class Extraction:
    """Everything found in one document."""

    doc: Document
    mentions: list[Mention] = field(default_factory=list)
    claims: list[ClaimFinding] = field(default_factory=list)
    prices: list[PriceFinding] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)


def tokenize(text: str, lex: Lexicon) -> list[Token]:
    """jieba tokens with character offsets (those of ``Tokenizer.tokenize``, computed from the
    words' lengths in one pass rather than one generator step per word)."""
    words = lex.tokenizer.lcut(text)
    ends = list(accumulate(map(len, words)))
    return list(zip(words, [0, *ends][:-1], ends, strict=True))


#: Labels at least this long match anywhere; shorter ones only on jieba token boundaries, so
#: that 人脸 does not match inside an unrelated word but 生物信息 still matches in 生物信息安全.
FREE_MATCH_LEN = 4


def match_terms(
    text: str, tokens: list[Token], lex: Lexicon
) -> list[tuple[int, int, str, URIRef | None]]:
    """Leftmost-longest lexicon terms in ``text``: (start, end, role, concept)."""
    starts = {s for _, s, _ in tokens}
    ends = {e for _, _, e in tokens}
    found = []
    i = 0
    for start, lengths in lex.occurrences(text).items():
        if start < i:
            continue  # inside the term matched before
        for length in lengths:
            end = start + length
            if length >= FREE_MATCH_LEN or (start in starts and end in ends):
                entry = lex.terms[text[start:end]]
                found.append((start, end, entry.role, entry.concept))
                i = end
                break
    return found


def _clause_words(tokens: list[Token], index: int, step: int, reach: int) -> list[str]:
    """Up to ``reach`` words from ``tokens[index + step]`` onwards in direction ``step`` (-1:
    before, 1: after), stopping at the clause's end; without copying the token list."""
    words: list[str] = []
    j = index + step
    while 0 <= j < len(tokens) and len(words) < reach:
        w = tokens[j][0]
        if w in _CLAUSE_BREAK:
            break
        words.append(w)
        j += step
    return words


def is_negated(tokens: list[Token], first: int, last: int, lex: Lexicon) -> bool:
    """True when a negation cue precedes tokens[first..last] in its clause,
    or a post-negation cue follows them."""
    negation, post = lex.cue("negation"), lex.cue("post-negation")
    return any(w in negation for w in _clause_words(tokens, first, -1, NEGATION_REACH)) or any(
        w in post for w in _clause_words(tokens, last, 1, POST_NEGATION_REACH)
    )


def concept_mentions(text: str, tokens: list[Token], lex: Lexicon) -> list[Mention]:
    """Technique, data-type, harm, remedy and platform mentions, negation marked."""
    token_starts = [s for _, s, _ in tokens]  # tokens tile the text, in order

    def token_at(pos: int) -> int:
        return max(0, bisect_right(token_starts, pos) - 1)

    mentions = []
    for start, end, role, concept in match_terms(text, tokens, lex):
        if role == BLOCKED or concept is None:
            continue
        first, last = token_at(start), token_at(end - 1)
        negated = role in CONCEPT_ROLES and is_negated(tokens, first, last, lex)
        mentions.append(
            Mention(
                "actor" if role == PLATFORM else role,
                start,
                end,
                text[start:end],
                str(concept),
                negated,
            )
        )
    return mentions


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of ``text``."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip()]


def _modality(
    sentence: str, slots: dict[str, list[Mention]], negated_only: bool, lex: Lexicon
) -> str:
    if negated_only:
        return "denied"
    if slots["remedy"] and any(cue in sentence for cue in lex.cue("recommendation")):
        return "recommended"
    return "asserted"


def _claim(
    span: tuple[int, int], inside: list[Mention], text: str, lex: Lexicon, claimant: Actor | None
) -> ClaimFinding | None:
    concept = [m for m in inside if m.role in CONCEPT_ROLES]
    live = [m for m in concept if not m.negated]
    negated_only = not any(m.role != "datatype" for m in live)
    chosen = [m for m in concept if m.negated] if negated_only else live
    if not any(m.role != "datatype" for m in chosen):
        return None
    slots: dict[str, list[Mention]] = {role: [] for role in CONCEPT_ROLES}
    for m in chosen:
        slots[m.role].append(m)
    if negated_only:
        slots["datatype"] += [m for m in live if m.role == "datatype"]
    values = {r: tuple(sorted({URIRef(m.target) for m in ms})) for r, ms in slots.items() if ms}
    used = tuple(sorted({m for ms in slots.values() for m in ms}, key=lambda m: m.start))
    modality = _modality(text[span[0] : span[1]], slots, negated_only, lex)
    return ClaimFinding(modality, values, span[0], span[1], used, claimant)


def _nearest(
    mentions: list[Mention], start: int, end: int, roles: tuple[str, ...], lo: int, hi: int
) -> Mention | None:
    """The mention in ``roles`` inside [lo, hi) closest to start..end.

    A mention inside the span wins, then the nearest one, then the one before.
    """
    best, best_key = None, None
    for m in mentions:
        if m.role not in roles or m.start < lo or m.end > hi:
            continue
        gap = (
            0
            if (m.start >= start and m.end <= end)
            else (start - m.end if m.end <= start else m.start - end)
        )
        if gap < 0:
            continue
        key = (gap, 0 if m.end <= end else 1)
        if best_key is None or key < best_key:
            best, best_key = m, key
    return best


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between commas, enumeration marks or sentence ends) holding start..end."""
    breaks = _CLAUSE_BREAK | set("、")
    lo = start
    while lo > 0 and text[lo - 1] not in breaks:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in breaks:
        hi += 1
    return lo, hi


def extract(doc: Document, lex: Lexicon | None = None, view: View | None = None) -> Extraction:
    """Extract mentions, claims and prices from one cleaned document.

    Extraction reads the normalised view (Simplified script, NFKC widths; ``view``, when the
    caller has made it already); every span is then mapped back so that offsets and quotes
    refer to the document's own text.

    >>> from kg.clean import Document
    >>> d = Document("d", "專家建議，應選擇多重驗證方式。", "t", "d.txt", "0")
    >>> [(c.modality, c.mentions[0].quote) for c in extract(d).claims]
    [('recommended', '多重驗證方式')]
    """
    lex = lex or default_lexicon()
    view = view or normalize(doc.text)
    return _to_original(_extract_text(doc, view.text, lex), view, doc.text)


def _moved(m: Mention, view: View, original: str) -> Mention:
    start, end = view.span(m.start, m.end)
    return replace(m, start=start, end=end, quote=original[start:end])


def _to_original(x: Extraction, view: View, original: str) -> Extraction:
    """The same findings with spans and quotes in the original text."""
    moved = {id(m): _moved(m, view, original) for m in x.mentions}
    out = Extraction(x.doc, actors=x.actors)
    out.mentions = [moved[id(m)] for m in x.mentions]
    for c in x.claims:
        start, end = view.span(c.start, c.end)
        mentions = tuple(moved.get(id(m)) or _moved(m, view, original) for m in c.mentions)
        out.claims.append(replace(c, start=start, end=end, mentions=mentions))
    for p in x.prices:
        out.prices.append(
            replace(p, mention=moved.get(id(p.mention)) or _moved(p.mention, view, original))
        )
    return out


def _extract_text(doc: Document, text: str, lex: Lexicon) -> Extraction:
    """Extraction over ``text`` (the normalised view of ``doc``), offsets into ``text``."""
    tokens = tokenize(text, lex)
    result = Extraction(doc)
    ctx = Context(doc.doc_id, text, tokens, lex, result.actors)
    ctx.mentions = concept_mentions(text, tokens, lex)
    for finder in CONSTRUCTION_FINDERS:
        ctx.mentions.extend(finder(ctx))
    mentions = ctx.mentions
    result.mentions.extend(mentions)
    actor_mentions = [*institution_mentions(ctx), *person_mentions(ctx)]

    spans = sentences(text)
    titled = titled_mentions(text, lex, result.actors)
    speakers = [find_speaker(doc.doc_id, text, s, tokens, lex, result.actors) for s in spans]
    spoken = [s[1] for s in speakers if s is not None and s[1] is not None]
    actor_mentions += spoken
    actor_mentions += titled
    platforms = [m for m in mentions if m.role == "actor"]
    result.mentions[:] = [m for m in result.mentions if m.role != "actor"]
    result.mentions.extend(non_overlapping(actor_mentions + platforms))
    by_start = sorted(mentions, key=lambda m: m.start)
    first = 0
    for k, span in enumerate(spans):
        while first < len(by_start) and by_start[first].start < span[0]:
            first += 1
        inside = []
        for m in by_start[first:]:
            if m.start >= span[1]:
                break
            if m.end <= span[1]:
                inside.append(m)
        here = speakers[k]
        claimant = here[0] if here else None
        follower = speakers[k + 1] if k + 1 < len(spans) else None
        if claimant is None and follower and text[spans[k + 1][0]] in '”」"':
            claimant = follower[0]  # “…。”某某说。 — the speaker follows the quote
        claim = _claim(span, inside, text, lex, claimant)
        if claim:
            result.claims.append(claim)

    for price in find_prices(text, lex):
        span = next((s for s in spans if s[0] <= price.start < s[1]), (price.start, price.end))
        clause = _clause_span(text, price.start, price.end)
        around = (max(0, span[0] - ITEM_REACH), min(len(text), span[1] + ITEM_REACH))
        item = (
            _nearest(mentions, price.start, price.end, ("datatype", "technique"), *clause)
            or _nearest(mentions, price.start, price.end, ("datatype",), *span)
            or _nearest(mentions, price.start, price.end, ("technique",), *span)
            or _nearest(mentions, price.start, price.end, ("datatype",), *around)
        )
        platform = _nearest(
            [m for m in mentions if m.role == "actor"], price.start, price.end, ("actor",), *span
        )
        mention = Mention(
            "price", price.start, price.end, price.quote, f"{price.amount}/{price.quantity}"
        )
        result.mentions.append(mention)
        result.prices.append(
            PriceFinding(
                mention,
                price.amount,
                price.quantity,
                price.unit_price,
                price.approximate,
                URIRef(item.target) if item else None,
                URIRef(platform.target) if platform else None,
                price.currency,
                price.minimum,
                price.maximum,
            )
        )
    result.mentions.sort(key=lambda m: (m.start, m.end, m.role, m.target))
    return result
