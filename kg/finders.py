"""Finders beyond the lexicon: actors named by institution suffixes and role words, and the
remedy, harm and technique constructions that news states as clauses rather than nouns.

Each finder reads one document's :class:`Context` and returns mentions; the cue words come
from ``ontology/cues.ttl`` (``Lexicon.cue``), never from Python. Spans follow the annotation
guidelines: the phrase an analyst would highlight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from kg.lexicon import Lexicon
from kg.mentions import Actor, Mention, Token

#: Part-of-speech tags (jieba) that may stand in an institution's name before its suffix.
_NAME_TAGS = ("ns", "nt", "nz", "nr", "n", "j", "eng", "vn", "an")
#: Characters that never belong to a name: punctuation and the commonest function words.
_NOT_NAME = set('，,。；;：:！？!?、“”"「」『』《》()（）\n 的了在和与及向对被由据将把是从为于等')
#: How many characters before a suffix an institution's name may reach.
NAME_REACH = 12
_SURNAME_NAME = re.compile(r"[\u4e00-\u9fff](?:某某|某|[\u4e00-\u9fff]{1,2})")


@dataclass
class Context:
    """One document as the finders see it: the normalised text, its tokens and sentences,
    the lexicon, the actors found so far and the mentions the earlier finders made."""

    doc_id: str
    text: str
    tokens: list[Token]
    lex: Lexicon
    actors: dict[str, Actor] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)


Finder = Callable[[Context], list[Mention]]


@cache
def cue_pattern(terms: frozenset[str]) -> re.Pattern[str]:
    """One alternation of ``terms``, longest first (made once per cue set)."""
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t))))


def register(actors: dict[str, Actor], actor: Actor) -> Actor:
    """The document's actor under ``actor.key``: the first one seen, unless the new one adds
    an affiliation."""
    old = actors.get(actor.key)
    if old is None or (actor.affiliation and not old.affiliation):
        actors[actor.key] = actor
        return actor
    return old


def name_before(text: str, start: int, lex: Lexicon) -> int:
    """Where the name written before ``start`` begins: place names, organisation names and
    nouns (深圳市龙岗区, 杭州传筝贸易) back to punctuation or a function word."""
    lo = start
    while lo > 0 and start - lo < NAME_REACH and text[lo - 1] not in _NOT_NAME:
        lo -= 1
    if lo == start:
        return start
    begin = start
    for word, flag in reversed(lex.tags(text[lo:start])):
        if not flag.startswith(_NAME_TAGS) or any(ch in _NOT_NAME for ch in word):
            break
        begin -= len(word)
    return begin


#: Actor keys keep the prefix the speaker finder has always given police units.
_KEY_PREFIX = {"PoliceUnit": "police"}
_KINDS = (("police", "PoliceUnit"), ("court", "Court"), ("official", "Official"))


def institution_mentions(ctx: Context) -> list[Mention]:
    """Police units, courts, regulators and companies, each with the name written before its
    noun (瓯海公安分局, 长沙市雨花区人民法院, 杭州传筝贸易有限公司)."""
    found: list[Mention] = []
    for cue, kind in (*_KINDS, ("company-suffix", "Company")):
        terms = ctx.lex.cue(cue)
        if not terms:
            continue
        for m in cue_pattern(terms).finditer(ctx.text):
            begin = name_before(ctx.text, m.start(), ctx.lex)
            if kind == "Company" and not _proper_name(ctx.text[begin : m.start()], ctx.lex):
                continue  # 公司 alone, or 物业公司, names no company
            name = ctx.text[begin : m.end()]
            scoped = begin == m.start() or name.startswith(("该", "这"))
            prefix = _KEY_PREFIX.get(kind, kind.lower())
            key = f"{prefix}:{ctx.doc_id}:{name}" if scoped else f"{prefix}:{name}"
            actor = register(ctx.actors, Actor(key, kind, name))
            found.append(Mention("actor", begin, m.end(), name, actor.key, found_by="institution"))
    return found


#: Tags of proper nouns (organisation, other proper noun, person, Latin word).
_PROPER_TAGS = ("nt", "nz", "nr", "eng")
#: A company name without a proper noun in it needs at least this many characters before its
#: suffix (杭州传筝贸易有限公司 yes, 物业公司 and 杭州公司 no).
COMPANY_NAME_LEN = 5


def _proper_name(prefix: str, lex: Lexicon) -> bool:
    return len(prefix) >= COMPANY_NAME_LEN or (
        len(prefix) >= 2 and any(f.startswith(_PROPER_TAGS) for _, f in lex.tags(prefix))
    )


def _person_name(text: str, pos: int, lex: Lexicon) -> int:
    """End of a person's name starting at ``pos`` (林某凤, 杨某某, 顾城), or ``pos``."""
    m = _SURNAME_NAME.match(text, pos)
    if not m:
        return pos
    name = m.group()
    if "某" in name:
        return m.end()
    tags = lex.tags(text[pos : pos + 4])
    if tags and tags[0][1].startswith("nr") and 2 <= len(tags[0][0]) <= 3:
        return pos + len(tags[0][0])
    return pos


def person_mentions(ctx: Context) -> list[Mention]:
    """People named with their role (犯罪嫌疑人林某, 消费者周小姐), with a pseudonym mark
    (阿成（化名）, several joined by 、 as one mention), or as surname and honorific (郭先生);
    later bare uses of a name found this way (not a surname with an honorific, which names
    too many people to repeat) are mentions of the same person."""
    text, lex = ctx.text, ctx.lex
    found: list[Mention] = []
    names: dict[str, str] = {}

    def add(begin: int, end: int, name: str, again: bool = True) -> None:
        actor = register(ctx.actors, Actor(f"person:{ctx.doc_id}:{name}", "Person", name))
        found.append(Mention("actor", begin, end, text[begin:end], actor.key, found_by="person"))
        if again and "某" not in name and len(name) >= 2:
            names[name] = actor.key

    roles = lex.cue("person-role")
    if roles:
        for m in cue_pattern(roles).finditer(text):
            end = _person_name(text, m.end(), lex)
            honorific = _honorific_at(text, m.end(), lex)
            if honorific:
                end = honorific
            if end > m.end():
                begin = name_before(ctx.text, m.start(), ctx.lex)
                add(begin, end, text[m.end() : end], again=honorific is None)
    marks = lex.cue("pseudonym")
    if marks:
        alias = rf"[\u4e00-\u9fff]{{1,3}}[（(](?:{cue_pattern(marks).pattern})[)）]"
        for m in re.finditer(rf"{alias}(?:、{alias})*", text):
            add(m.start(), m.end(), re.split(r"[（(]", m.group())[0])
    honorifics = lex.cue("honorific")
    if honorifics:
        for m in cue_pattern(honorifics).finditer(text):
            if m.start() > 0 and "\u4e00" <= text[m.start() - 1] <= "\u9fff":
                add(m.start() - 1, m.end(), text[m.start() - 1 : m.end()], again=False)
    for name, key in names.items():
        for m in re.finditer(re.escape(name), text):
            found.append(Mention("actor", m.start(), m.end(), name, key, found_by="person"))
    return found


def _honorific_at(text: str, pos: int, lex: Lexicon) -> int | None:
    """End of ``X先生`` at ``pos``, if the text names a person that way there."""
    for h in lex.cue("honorific"):
        if text.startswith(h, pos + 1) and "\u4e00" <= text[pos : pos + 1] <= "\u9fff":
            return pos + 1 + len(h)
    return None


def non_overlapping(mentions: list[Mention]) -> Iterator[Mention]:
    """The longest of each group of overlapping mentions, leftmost first."""
    kept_end = -1
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start >= kept_end:
            kept_end = m.end
            yield m
