"""Actors: who makes a statement (吴沈括认为, 据警方介绍, 专家建议) and which police units act.

A speaker is looked for in the words before a speech verb, back to the clause boundary: a job
title followed by a name gives a named expert with affiliation; an expert, seller or police
noun gives a generic actor of the document; a bare name already seen in the document (or
tagged as a person by jieba) gives that person. Titles, nouns and verbs come from the cue
vocabulary.
"""

from __future__ import annotations

import re

from kg.finders import institution_actor, name_before, register
from kg.lexicon import Lexicon, cue_pattern
from kg.mentions import Actor, Mention, Token

_BOUNDARY = "，,：:；;”“「」。！？!?\n"
_LEAD = re.compile(r"^(另据|还有|也有|其中|对此|据|有)")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,3}")
#: Characters that end a name: the verb phrase goes on (何延哲向记者, 丁晓东在谈到…).
_AFTER_NAME = "在向对则曾也还用给跟与说称（(等"
_GENERIC_PREFIX = re.compile(r"^(一位|该|有|上述|其中一位)")


def _police_name(text: str, start: int, noun: str, lex: Lexicon) -> tuple[int, str]:
    """Extend a police noun backwards over the name written before it (深圳龙岗警方)."""
    begin = name_before(text, start, lex)
    return begin, text[begin:start] + noun


def titled_mentions(text: str, lex: Lexicon, actors: dict[str, Actor]) -> list[Mention]:
    """People named with a job title anywhere (工程师明成), registered so that later bare
    mentions of the name (明成说) resolve to them."""
    found: list[Mention] = []
    for m in cue_pattern(lex.cue("title")).finditer(text):
        titled = _titled(text[m.start() : m.start() + 12], lex)
        if titled is None or titled[0] != 0:
            continue
        _, n_end, title, name = titled
        start, end = m.start(), m.start() + n_end
        if any(t.start < end and start < t.end for t in found):
            continue
        actor = register(actors, Actor(f"person:{name}", "Expert", name, None, title))
        found.append(Mention("actor", start, end, text[start:end], actor.key))
    return found


def _titled(phrase: str, lex: Lexicon) -> tuple[int, int, str, str] | None:
    """(title start, name end, title, name) of the first title followed by a name."""
    titles = sorted(lex.cue("title"), key=len, reverse=True)
    for pos in range(len(phrase)):
        title = next((t for t in titles if phrase.startswith(t, pos)), None)
        if title is None:
            continue
        rest = phrase[pos + len(title) :]
        cut = next((i for i, ch in enumerate(rest) if ch in _AFTER_NAME), len(rest))
        m = _NAME.match(rest[:cut])
        if not m:
            continue
        name = m.group()
        after = rest[len(name) :]
        suffix = next((t for t in titles if after.startswith(t)), None)
        end = pos + len(title) + len(name) + (len(suffix) if suffix else 0)
        return pos, end, title + (f"、{suffix}" if suffix else ""), name
    return None


def _generic(doc_id: str, phrase: str, lex: Lexicon) -> tuple[int, int, Actor] | None:
    best = None
    for cue, kind in (("expert", "Expert"), ("seller", "Seller")):
        for noun in lex.cue(cue):
            pos = phrase.find(noun)
            if pos >= 0 and (best is None or len(noun) > best[1] - best[0]):
                best = (pos, pos + len(noun), kind, noun)
    if best is None:
        return None
    pos, end, kind, noun = best
    name = _GENERIC_PREFIX.sub("", noun).replace("人士", "") or noun
    return pos, end, Actor(f"{kind.lower()}:{doc_id}:{name}", kind, name)


def find_speaker(
    doc_id: str,
    text: str,
    span: tuple[int, int],
    tokens: list[Token],
    lex: Lexicon,
    actors: dict[str, Actor],
) -> tuple[Actor, Mention | None] | None:
    """The actor a sentence names as speaker, and the mention naming them (None for police,
    whose mentions :func:`kg.finders.institution_mentions` makes)."""
    for cue in cue_pattern(lex.cue("speech")).finditer(text, span[0], span[1]):
        start = cue.start()
        begin = start
        while begin > span[0] and text[begin - 1] not in _BOUNDARY:
            begin -= 1
        raw = text[begin:start]
        lead = _LEAD.match(raw)
        offset = begin + (lead.end() if lead else 0)
        phrase = raw[lead.end() :] if lead else raw
        if not phrase:
            continue
        titled = _titled(phrase, lex)
        if titled:
            t_start, n_end, title, name = titled
            affiliation = phrase[:t_start]
            a_start = affiliation.rfind("、") + 1
            affiliation = affiliation[a_start:]
            actor = register(
                actors, Actor(f"person:{name}", "Expert", name, affiliation or None, title)
            )
            b, e = offset + a_start, offset + n_end
            return actor, Mention("actor", b, e, text[b:e], actor.key)
        police = next(
            (n for n in sorted(lex.cue("police"), key=len, reverse=True) if n in phrase), None
        )
        if police:
            pos = offset + phrase.index(police)
            _, name = _police_name(text, pos, police, lex)
            return register(actors, institution_actor(doc_id, "PoliceUnit", name, police)), None
        generic = _generic(doc_id, phrase, lex)
        if generic:
            g_start, g_end, actor = generic
            actor = register(actors, actor)
            b, e = offset + g_start, offset + g_end
            return actor, Mention("actor", b, e, text[b:e], actor.key)
        cut = next((i for i, ch in enumerate(phrase) if ch in _AFTER_NAME), len(phrase))
        name = phrase[:cut]
        if _NAME.fullmatch(name) and (
            f"person:{name}" in actors or any(f == "nr" for _, f in lex.tags(name))
        ):
            actor = register(actors, Actor(f"person:{name}", "Expert", name))
            return actor, Mention("actor", offset, offset + len(name), name, actor.key)
    return None
