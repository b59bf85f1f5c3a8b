"""The fast paths give what the plain ones gave: each is held to a slow, obvious reference on
real text (the seeds, and the devset when it is present), so speed work cannot change a graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from kg.emit import assemble
from kg.extract import FREE_MATCH_LEN, Extraction, match_terms, tokenize
from kg.lexicon import Lexicon, default_lexicon
from kg.normalize import normalize
from kg.ntriples import light_line, line
from kg.terms import rdf_term
from tests.conftest import SEED_FILES

DEVSET = Path(__file__).resolve().parent.parent.parent / "shared" / "devset"


def texts() -> list[str]:
    found = [normalize(p.read_text(encoding="utf-8")).text for p in SEED_FILES]
    docs = DEVSET / "docs"
    if docs.is_dir():
        found += [normalize(p.read_text(encoding="utf-8")).text for p in sorted(docs.iterdir())]
    return found


def per_position_terms(text: str, lex: Lexicon) -> list[tuple[int, int, str, object]]:
    """Leftmost-longest terms, position by position: the matcher before the automaton."""
    tokens = [(w, s, e) for w, s, e in lex.tokenizer.tokenize(text)]
    starts, ends = {s for _, s, _ in tokens}, {e for _, _, e in tokens}
    longest = max(map(len, lex.terms))
    found, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            entry = lex.terms.get(text[i : i + length])
            end = i + length
            if entry and (length >= FREE_MATCH_LEN or (i in starts and end in ends)):
                found.append((i, end, entry.role, entry.concept))
                i = end
                break
        else:
            i += 1
    return found


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return default_lexicon()


def test_tokens_carry_the_offsets_jieba_gives(lex: Lexicon) -> None:
    for text in texts():
        assert tokenize(text, lex) == list(lex.tokenizer.tokenize(text))


def test_the_automaton_finds_the_terms_the_per_position_scan_finds(lex: Lexicon) -> None:
    total = 0
    for text in texts():
        expected = per_position_terms(text, lex)
        assert match_terms(text, tokenize(text, lex), lex) == expected
        total += len(expected)
    assert total > 300  # the texts do name terms


def test_labels_inside_a_phrase_are_those_a_scan_of_every_label_finds(lex: Lexicon) -> None:
    for phrase in ("侵犯公民个人信息罪", "手持身份证照片泄露", "人脸识别"):
        scan = [
            (phrase.find(form), form, concept)
            for form, concept in lex.labels_by_role["datatype"]
            if len(form) >= 4 and form in phrase
        ]
        assert lex.labels_inside("datatype", phrase, 4) == tuple(scan)
        assert lex.labels_inside("datatype", phrase, 4) == tuple(scan)  # remembered


def test_emitted_lines_are_those_of_the_rdflib_terms(extractions: dict[str, Extraction]) -> None:
    parts = assemble(list(extractions.values()))
    for triple in parts.triples:
        s, p, o = triple
        assert light_line(triple) == line((rdf_term(s), rdf_term(p), rdf_term(o)))  # type: ignore[arg-type]
    graph = Graph().parse(data="".join(map(light_line, parts.triples)), format="nt")
    assert len(graph) == len(set(parts.triples))


def test_the_devset_is_read_when_present() -> None:
    if not (DEVSET / "docs").is_dir():
        pytest.skip("../shared/devset is not here")
    assert len(texts()) > len(SEED_FILES) + 20
    assert json.loads((DEVSET / "gold.jsonl").read_text(encoding="utf-8").splitlines()[0])
