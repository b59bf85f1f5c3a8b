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

from rdflib import URIRef

from kg.lexicon import PLATFORM, Lexicon, alternation, cue_pattern
from kg.mentions import Actor, Mention, Token
from kg.namespaces import KD, KH, KR, KT

#: The namespace of each concept role's scheme (for its unclassified concept).
SCHEMES_NS = {"technique": KT, "datatype": KD, "harm": KH, "remedy": KR}

#: Part-of-speech tags (jieba) that may stand in an institution's name before its suffix.
_NAME_TAGS = ("ns", "nt", "nz", "nr", "n", "j", "eng", "vn", "an")
#: Characters that never belong to a name: punctuation.
_NOT_NAME = set('，,。；;：:！？!?、“”"「」『』《》()（）\n ')
#: One-character words that end a name being read backwards (据警方, 向法院), whatever their tag.
_FUNCTION_WORDS = set("的了在和与及向对被由据将把是从为于等到")
#: How many characters before a suffix an institution's name may reach.
NAME_REACH = 12
_SURNAME_NAME = re.compile(r"[\u4e00-\u9fff](?:某某|某|[\u4e00-\u9fff]{1,2})")
#: Characters that cannot end an anonymised name (李某被抓获: the name is 李某, not 李某被).
_AFTER_ANON = set("被在等和与称说向将因于的了是也还已曾均都为系用以从对把让给及、")


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
        if word in _FUNCTION_WORDS or not (flag.startswith(_NAME_TAGS) or "某" in word):
            break
        begin -= len(word)
    return begin


#: Actor keys of police units keep the prefix they have always had.
_KEY_PREFIX = {"PoliceUnit": "police"}


def institution_actor(doc_id: str, kind: str, name: str, noun: str) -> Actor:
    """The actor an institution's name stands for: one across documents when the name says
    which unit it is (深圳龙岗警方), one per document when it is the bare noun (警方).

    >>> institution_actor("d", "PoliceUnit", "警方", "警方").key
    'police:d:警方'
    """
    prefix = _KEY_PREFIX.get(kind, kind.lower())
    scoped = name == noun or name.startswith(("该", "这"))
    return Actor(f"{prefix}:{doc_id}:{name}" if scoped else f"{prefix}:{name}", kind, name)


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
            actor = register(ctx.actors, institution_actor(ctx.doc_id, kind, name, m.group()))
            found.append(Mention("actor", begin, m.end(), name, actor.key, found_by="institution"))
    return found


#: Tags of proper nouns (organisation, other proper noun, person, Latin word).
_PROPER_TAGS = ("nt", "nz", "nr")
#: A company name without a proper noun in it needs at least this many characters before its
#: suffix (杭州传筝贸易有限公司 yes, 物业公司 and 杭州公司 no).
COMPANY_NAME_LEN = 5


def _proper_name(prefix: str, lex: Lexicon) -> bool:
    """Whether ``prefix`` can name a company: long enough, a proper noun in it, or a platform
    the vocabulary knows (陌陌公司)."""
    if any(prefix.endswith(h) for h in lex.cue("honorific")):
        return False  # 郭先生公司 is a person's company, named by the person
    entry = lex.terms.get(prefix)
    if entry is not None and entry.role == PLATFORM:
        return True
    return len(prefix) >= COMPANY_NAME_LEN or (
        len(prefix) >= 2 and any(f.startswith(_PROPER_TAGS) for _, f in lex.tags(prefix))
    )


def _person_name(text: str, pos: int, lex: Lexicon) -> int:
    """End of a person's name starting at ``pos`` (林某凤, 杨某某, 顾城), or ``pos``."""
    m = _SURNAME_NAME.match(text, pos)
    if not m:
        return pos
    name = m.group()
    if name.endswith("某某"):
        return m.end()
    if name[1] == "某":  # 王某, 王某华
        nxt = text[pos + 2 : pos + 3]
        return (
            pos + 3 if nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in _AFTER_ANON else pos + 2
        )
    tags = lex.tags(text[pos : pos + 4])
    if tags and tags[0][1].startswith("nr") and 2 <= len(tags[0][0]) <= 3:
        return pos + len(tags[0][0])
    return pos


#: Role-word cues and the actor kind each gives the person it names.
PERSON_ROLES = (("suspect-role", "Seller"), ("victim-role", "Victim"), ("person-role", "Person"))


def _role_kind(ctx: Context, start: int, end: int) -> str | None:
    """The kind a role word within or just after start..end gives (阿成（化名）等4名犯罪嫌疑人)."""
    window = ctx.text[max(0, start - 8) : min(len(ctx.text), end + 10)]
    for cue, kind in PERSON_ROLES:
        terms = ctx.lex.cue(cue)
        if terms and cue_pattern(terms).search(window):
            return kind
    return None


def person_mentions(ctx: Context) -> list[Mention]:
    """People named with their role (犯罪嫌疑人林某凤、林某军, 消费者周小姐), with a pseudonym
    mark (阿成（化名）, several joined by 、 as one mention), or as surname and honorific (郭先生,
    first use only). Later bare uses of a full name found this way are mentions of the same
    person. Suspects and defendants are the trade's sellers; victims and customers victims."""
    text, lex = ctx.text, ctx.lex
    found: list[Mention] = []
    names: dict[str, str] = {}
    seen: set[str] = set()

    def add(begin: int, end: int, name: str, kind: str, again: bool = True) -> None:
        actor = register(ctx.actors, Actor(f"person:{ctx.doc_id}:{name}", kind, name))
        found.append(Mention("actor", begin, end, text[begin:end], actor.key, found_by="person"))
        seen.add(name)
        if again and "某" not in name and len(name) >= 2:
            names[name] = actor.key

    role_ends: set[int] = set()
    for cue, kind in PERSON_ROLES:
        roles = lex.cue(cue)
        if not roles:
            continue
        for m in cue_pattern(roles).finditer(text):
            role_ends.add(m.end())
            pos, begin = m.end(), name_before(text, m.start(), lex)
            while True:
                honorific = _honorific_at(text, pos, lex)
                end = honorific or _person_name(text, pos, lex)
                if end <= pos:
                    break
                add(begin, end, text[pos:end], kind, again=honorific is None)
                if not text.startswith("、", end):
                    break
                pos = begin = end + 1  # 犯罪嫌疑人林某凤、林某军: each name its own mention
    marks = lex.cue("pseudonym")
    if marks:
        alias = rf"[\u4e00-\u9fff]{{1,3}}[（(](?:{alternation(marks)})[)）]"
        for m in re.finditer(rf"{alias}(?:、{alias})*", text):
            start = m.start()
            while text[start] in _NOT_NAME or text[start] in _FUNCTION_WORDS:
                start += 1
            cut = re.search(r"[（(]", text[start:]).start() + start  # type: ignore[union-attr]
            start = max((e for e in role_ends if start <= e < cut - 1), default=start)
            name = text[start:cut]
            add(start, m.end(), name, _role_kind(ctx, start, m.end()) or "Person")
    honorifics = lex.cue("honorific")
    if honorifics:
        for m in cue_pattern(honorifics).finditer(text):
            name = text[m.start() - 1 : m.end()] if m.start() > 0 else ""
            if name and "\u4e00" <= name[0] <= "\u9fff" and name not in seen:
                add(m.start() - 1, m.end(), name, "Victim", again=False)
    for name, key in names.items():
        for m in re.finditer(re.escape(name), text):
            if not any(f.start < m.end() and m.start() < f.end for f in found):
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


_CLAUSE_END = "，,。；;！？!?\n"
#: The longest span a construction makes (characters); longer clauses are cut here.
CLAUSE_REACH = 40
#: How far after a technique verb its data object may begin (characters).
OBJECT_REACH = 8


def unclassified(role: str) -> URIRef:
    """The concept that keeps a span of ``role`` no vocabulary concept names yet."""
    return URIRef(str(SCHEMES_NS[role]) + "unclassified")


def link_concept(span: str, role: str, lex: Lexicon) -> URIRef:
    """The most specific concept of ``role`` that ``span`` names: the longest label (in any
    script: ``span`` is the normalised view) inside it, else the concept whose label holds the
    span's last content word (its head), else the scheme's unclassified concept.

    >>> from kg.lexicon import default_lexicon
    >>> str(link_concept("禁止出售人脸信息", "technique", default_lexicon())).rsplit("/", 1)[1]
    'bulk-resale'
    >>> str(link_concept("随意放置快递单", "remedy", default_lexicon())).rsplit("/", 1)[1]
    'unclassified'
    """
    inside = lex.labels_inside(role, span)
    if inside:
        return inside[0][2]
    labels = lex.labels_by_role.get(role, ())
    for word in reversed(lex.tokenizer.lcut(span)):
        if len(word) < 2:
            continue
        holders = [(len(label), label, c) for label, c in labels if word in label]
        if holders:
            return min(holders)[2]
    return unclassified(role)


def _clause_end(text: str, start: int) -> int:
    end = start
    limit = min(len(text), start + CLAUSE_REACH)
    while end < limit and text[end] not in _CLAUSE_END:
        end += 1
    return end


def _free(mentions: list[Mention], role: str, start: int, end: int) -> bool:
    return not any(m.role == role and m.start < end and start < m.end for m in mentions)


def _clause_free(ctx: Context, role: str, start: int, end: int) -> bool:
    """No mention of ``role`` in the clause around start..end: a clause that names its
    technique (remedy, harm) with a vocabulary term does not get a second, vaguer one."""
    lo, hi = start, end
    while lo > 0 and ctx.text[lo - 1] not in _CLAUSE_END:
        lo -= 1
    while hi < len(ctx.text) and ctx.text[hi] not in _CLAUSE_END:
        hi += 1
    return _free(ctx.mentions, role, lo, hi)


def _construction(ctx: Context, role: str, start: int, end: int, by: str) -> Mention:
    quote = ctx.text[start:end]
    return Mention(role, start, end, quote, str(link_concept(quote, role, ctx.lex)), found_by=by)


def remedy_clauses(ctx: Context) -> list[Mention]:
    """Remedies said as a rule or advice: an obligation or prohibition modal and the rest of
    its clause (不得将人脸识别作为唯一验证方式, 切勿轻易点击陌生链接), where the clause names
    no remedy of the vocabulary already."""
    text = ctx.text
    found: list[Mention] = []
    terms = ctx.lex.cue("obligation")
    if not terms:
        return found
    for m in cue_pattern(terms).finditer(text):
        if text.startswith("不得不", m.start()) or text.startswith("的", m.end()):
            continue  # 不得不 is "have to"; 禁止的物项 is "prohibited items", not a rule
        end = _clause_end(text, m.end())
        if end - m.end() < 2 or not _clause_free(ctx, "remedy", m.start(), end):
            continue
        if _free(found, "remedy", m.start(), end):
            found.append(_construction(ctx, "remedy", m.start(), end, "remedy-clause"))
    return found


@cache
def _consequence_pattern(lex: Lexicon) -> re.Pattern[str] | None:
    passive, verbs = lex.cue("passive"), lex.cue("harm-verb")
    if not passive or not verbs:
        return None
    return re.compile(
        rf"(?:{alternation(passive)})[^{_CLAUSE_END}]{{0,6}}?"
        rf"(?:{alternation(verbs)})(?:\d+(?:\.\d+)?[万亿]?[元港币新台美]*)?"
    )


def harm_consequences(ctx: Context) -> list[Mention]:
    """Harms said as what happened to a victim: a passive marker, at most six characters, a
    verb of harm, and the sum lost if one follows (密码已被修改, 被骗走430万元)."""
    pattern = _consequence_pattern(ctx.lex)
    if pattern is None:
        return []
    found: list[Mention] = []
    for m in pattern.finditer(ctx.text):
        if _clause_free(ctx, "harm", m.start(), m.end()) and _free(
            found, "harm", m.start(), m.end()
        ):
            found.append(_construction(ctx, "harm", m.start(), m.end(), "harm-consequence"))
    return found


def technique_phrases(ctx: Context) -> list[Mention]:
    """Techniques said as a verb of selling, forging, cracking or making with a data object
    (制作3D人脸模型, 伪造人脸视频): the verb to the end of the data-type mention after it."""
    verbs = ctx.lex.cue("technique-verb")
    if not verbs:
        return []
    data = sorted((m for m in ctx.mentions if m.role == "datatype"), key=lambda m: m.start)
    found: list[Mention] = []
    for m in cue_pattern(verbs).finditer(ctx.text):
        obj = next((d for d in data if m.end() <= d.start <= m.end() + OBJECT_REACH), None)
        if obj is None or any(ch in _CLAUSE_END for ch in ctx.text[m.end() : obj.start]):
            continue
        if not _free(ctx.mentions, "harm", m.start(), m.end()):
            continue  # 盗取网络社交平台账号 is the harm itself
        if _clause_free(ctx, "technique", m.start(), obj.end) and _free(
            found, "technique", m.start(), obj.end
        ):
            found.append(_construction(ctx, "technique", m.start(), obj.end, "technique-phrase"))
    return found


def nested_datatypes(ctx: Context) -> list[Mention]:
    """Data types named inside a harm term (侵犯公民个人信息 names 公民个人信息 too; 手持照泄露
    names 手持照): the guidelines annotate both. Tool names (人脸视频修改软件) stay whole."""
    found: list[Mention] = []
    for outer in ctx.mentions:
        if outer.role != "harm":
            continue
        taken: list[tuple[int, int]] = []
        for pos, label, concept in ctx.lex.labels_inside("datatype", outer.quote, NESTED_MIN_LEN):
            start = outer.start + pos
            end = start + len(label)
            if any(s < end and start < e for s, e in taken):
                continue
            if _free(ctx.mentions, "datatype", start, end) and _free(found, "datatype", start, end):
                taken.append((start, end))
                found.append(
                    Mention("datatype", start, end, label, str(concept), found_by="nested")
                )
    return found


#: A data-type label inside another term counts only from this length (公民个人信息 in
#: 侵犯公民个人信息 yes; 人脸 in 骗过人脸识别, 账户 in 金融账户 no).
NESTED_MIN_LEN = 4

#: The finders that run after the lexicon, in order; each sees the mentions of those before.
CONSTRUCTION_FINDERS: tuple[Finder, ...] = (
    nested_datatypes,
    technique_phrases,
    harm_consequences,
    remedy_clauses,
)
