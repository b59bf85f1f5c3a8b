"""The extraction lexicon, built from the vocabulary graph — never from Python literals.

Concept labels (``skos:prefLabel``/``skos:altLabel`` in Chinese) of the four schemes and the
platform list become surface forms; ``prk:cueTerm`` values of ``ontology/cues.ttl`` become cue
sets. All of them are added to a private jieba tokenizer as user words, so segmentation keeps
them whole. Loading is paid once per process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from typing import Any

import ahocorasick
import jieba
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import VocabularyError
from kg.namespaces import CUE, PRK, SCHEMES
from kg.vocabulary import vocabulary_graph

jieba.setLogLevel(logging.WARNING)

#: Role given to platform surface forms; they become actor mentions.
PLATFORM = "platform"
#: Role of surface forms that only hide a shorter label (cue:blocked).
BLOCKED = "blocked"


@dataclass(frozen=True)
class Entry:
    """What a surface form stands for."""

    role: str
    concept: URIRef | None


@dataclass(eq=False)
class Lexicon:
    """Surface forms, cue sets and the tokenizer that knows them (hashed by identity)."""

    terms: dict[str, Entry]
    cues: dict[str, frozenset[str]]
    multipliers: dict[str, Decimal]
    tokenizer: jieba.Tokenizer
    #: ISO 4217 code of each currency word that names its currency (港元: HKD).
    currencies: dict[str, str] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)
    #: English prefLabel of each concept of the four schemes.
    en_labels: dict[URIRef, str] = field(default_factory=dict)
    _pos: Any = None  # jieba.posseg.POSTokenizer, made on first use

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        """An Aho-Corasick automaton of every surface form (pyahocorasick), its value the form's
        length: one pass over a text finds every occurrence of every form, overlaps included."""
        automaton = ahocorasick.Automaton()
        for term in self.terms:
            automaton.add_word(term, len(term))
        automaton.make_automaton()
        return automaton

    def occurrences(self, text: str) -> dict[int, list[int]]:
        """For each position of ``text`` where surface forms start, their lengths, longest first.

        >>> lex = Lexicon({"人脸": Entry("datatype", None), "人脸信息": Entry("datatype", None),
        ...                "信息": Entry("datatype", None)}, {}, {}, None)
        >>> lex.occurrences("卖人脸信息")
        {1: [4, 2], 3: [2]}
        """
        found: dict[int, list[int]] = {}
        if not self.terms:
            return found
        for last, length in self.automaton.iter(text):
            found.setdefault(last - length + 1, []).append(length)
        for lengths in found.values():
            lengths.sort(reverse=True)
        return dict(sorted(found.items()))

    @cached_property
    def labels_by_role(self) -> dict[str, tuple[tuple[str, URIRef], ...]]:
        """For each concept role, its surface forms and concepts, longest form first."""
        found: dict[str, list[tuple[str, URIRef]]] = {}
        for term, entry in self.terms.items():
            if entry.concept is not None:
                found.setdefault(entry.role, []).append((term, entry.concept))
        return {r: tuple(sorted(ts, key=lambda t: (-len(t[0]), t[0]))) for r, ts in found.items()}

    def labels_inside(
        self, role: str, phrase: str, min_len: int = 1
    ) -> tuple[tuple[int, str, URIRef], ...]:
        """(first position, form, concept) of each surface form of ``role`` at least
        ``min_len`` long that occurs in ``phrase``, in :attr:`labels_by_role` order;
        remembered, since the same few harm terms recur in document after document.

        >>> lex = Lexicon({"人脸信息": Entry("datatype", URIRef("urn:x")),
        ...                "人脸": Entry("datatype", URIRef("urn:y"))}, {}, {}, None)
        >>> [(pos, form) for pos, form, _ in lex.labels_inside("datatype", "泄露人脸信息", 3)]
        [(2, '人脸信息')]
        """
        return _labels_inside(self, role, phrase, min_len)

    @cached_property
    def cue_words(self) -> frozenset[str]:
        """Every cue term of every cue set."""
        return frozenset().union(*self.cues.values())

    def cue(self, name: str) -> frozenset[str]:
        """Cue terms of ``cue:<name>``; empty when the vocabulary has none."""
        return self.cues.get(name, frozenset())

    def tags(self, phrase: str) -> tuple[tuple[str, str], ...]:
        """(word, part of speech) of a short ``phrase``, remembered: speakers and police units
        are named by the same few phrases in document after document."""
        return _tags(self, phrase)

    def pos(self) -> Any:
        """POS tokenizer sharing this lexicon's dictionary (for person and place names)."""
        if self._pos is None:
            # jieba.posseg loads its tagging model at import (0.3 s): only when tags are asked
            import jieba.posseg

            self._pos = jieba.posseg.POSTokenizer(self.tokenizer)
        return self._pos


#: Phrases remembered per lexicon by the two memos below: speakers, police units and harm terms
#: recur in document after document; the bound keeps a corpus of rare phrases from growing them.
MEMO_SIZE = 50_000


@lru_cache(maxsize=MEMO_SIZE)
def _tags(lex: Lexicon, phrase: str) -> tuple[tuple[str, str], ...]:
    return tuple((w, f) for w, f in lex.pos().cut(phrase))


@lru_cache(maxsize=MEMO_SIZE)
def _labels_inside(
    lex: Lexicon, role: str, phrase: str, min_len: int
) -> tuple[tuple[int, str, URIRef], ...]:
    return tuple(
        (pos, form, concept)
        for form, concept in lex.labels_by_role.get(role, ())
        if len(form) >= min_len and (pos := phrase.find(form)) >= 0
    )


def alternation(terms: frozenset[str] | set[str]) -> str:
    """A regular-expression alternation of ``terms``, longest first (so that the longest form
    wins where one is the prefix of another).

    >>> alternation(frozenset({"元", "元人民币"}))
    '元人民币|元'
    """
    return "|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t)))


@cache
def cue_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """:func:`alternation` of ``terms`` compiled, once per cue set (finders ask for it in every
    sentence of every document)."""
    return re.compile(alternation(terms))


def _zh(value: object) -> bool:
    return isinstance(value, Literal) and (value.language or "").lower().startswith("zh")


def build_lexicon(graph: Graph) -> Lexicon:
    """Build a lexicon from a vocabulary graph.

    >>> lex = default_lexicon()
    >>> lex.terms["照片活化"].role
    'technique'
    """
    roles = {scheme: role for role, scheme in SCHEMES.items()}
    roles[PRK.PlatformScheme] = PLATFORM
    terms: dict[str, Entry] = {}
    labels: dict[URIRef, str] = {}
    en_labels: dict[URIRef, str] = {}
    for concept, scheme in sorted(graph.subject_objects(SKOS.inScheme)):
        role = roles.get(scheme)  # type: ignore[call-overload]
        if role is None or not isinstance(concept, URIRef):
            continue
        for label in graph.objects(concept, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == "en":
                en_labels[concept] = str(label)
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, prop):
                if not _zh(label):
                    continue
                surface = str(label)
                old = terms.get(surface)
                if old and old.concept != concept:
                    raise VocabularyError(
                        f"label {surface!r} names both {old.concept} and {concept}"
                    )
                terms[surface] = Entry(role, concept)
                if prop == SKOS.prefLabel:
                    labels[concept] = surface
    cues: dict[str, set[str]] = {}
    multipliers: dict[str, Decimal] = {}
    currencies: dict[str, str] = {}
    for cue, term in graph.subject_objects(PRK.cueTerm):
        name = str(cue).removeprefix(str(CUE))
        cues.setdefault(name, set()).add(str(term))
        value = graph.value(cue, PRK.multiplier)
        if value is not None:
            multipliers[str(term)] = Decimal(str(value))
        code = graph.value(cue, PRK.currencyCode)
        if code is not None:
            currencies[str(term)] = str(code)
    for surface in cues.get("blocked", ()):
        terms.setdefault(surface, Entry(BLOCKED, None))

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in sorted(set(terms) | {t for ts in cues.values() for t in ts}):
        if len(word) > 1:
            tokenizer.add_word(word)
    return Lexicon(
        terms=terms,
        cues={k: frozenset(v) for k, v in cues.items()},
        multipliers=multipliers,
        tokenizer=tokenizer,
        currencies=currencies,
        labels=labels,
        en_labels=en_labels,
    )


@cache
def default_lexicon() -> Lexicon:
    """The lexicon of the shipped vocabulary, built once per process."""
    return build_lexicon(vocabulary_graph())
