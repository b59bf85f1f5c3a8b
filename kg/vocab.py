"""The vocabulary loop: spans the extractor found without a label, ranked, and proposed to
curators as edits.

A construction finder (kg/finders.py) finds a remedy, harm or technique as a clause or a verb
phrase; where no label names it, the span is kept under its scheme's unclassified concept.
Across a corpus, :func:`candidates` groups the construction spans by their phrase and by their
content words (jieba tokens that are no label yet), counts them and keeps example quotes;
:func:`proposal` writes one candidate as a curation edit: an altLabel on the concept the
candidate's words point to, or a new concept with Chinese and English labels and a definition
for the curator to complete. ``kg edit check`` validates a proposal like any edit;
``kg edit apply`` records it in ``curation/`` and every later ``kg build`` replays it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import URIRef

from kg.extract import Extraction
from kg.files import write_atomic
from kg.finders import SCHEMES_NS, link_concept, unclassified
from kg.lexicon import Lexicon
from kg.mentions import CONCEPT_ROLES
from kg.namespaces import concept_curie
from kg.normalize import normalize
from kg.pipeline import extract_paths

#: Parts of speech (jieba) of the words a candidate can be: nouns and verbal nouns.
_CONTENT_TAGS = ("n", "vn", "nz", "eng")
#: Words too common to propose as a label of anything.
MIN_WORD_LEN = 2
#: The finders whose spans are not vocabulary labels (kg/finders.py).
CONSTRUCTIONS = frozenset({"remedy-clause", "harm-consequence", "technique-phrase"})


@dataclass
class Candidate:
    """A word (or a whole span) the vocabulary lacks, with where it was seen."""

    role: str
    term: str
    count: int = 0
    documents: set[str] = field(default_factory=set)
    examples: list[str] = field(default_factory=list)
    #: The existing concept the term's neighbours point to, if any.
    concept: URIRef | None = None

    @property
    def slug(self) -> str:
        return "candidate-" + hashlib.sha256(f"{self.role}\n{self.term}".encode()).hexdigest()[:8]


def _phrase(quote: str, lex: Lexicon) -> str:
    """A construction span without its leading cue words (不得用于其他目的 → 用于其他目的)."""
    view = normalize(quote).text
    words = [w for w, _ in lex.tags(view)]
    while words and (words[0] in lex.cue_words or len(words[0]) == 1):
        words.pop(0)
    return "".join(words)


def candidates(
    extractions: Iterable[Extraction], lex: Lexicon, min_count: int = 2, examples: int = 3
) -> list[Candidate]:
    """What the construction finders found that no label names, ranked.

    Two kinds of candidate: the phrase of each construction span (its cue words stripped),
    and the content words (nouns, verbal nouns) of those spans that are no label or cue.
    Most frequent first (then by the number of documents, longer terms first); those seen
    fewer than ``min_count`` times are left out. A candidate whose own words point to a concept
    (kg.finders.link_concept) is proposed as that concept's altLabel, else as a new concept.
    """
    found: dict[tuple[str, str], Candidate] = {}

    def seen(role: str, term: str, doc: str, quote: str) -> None:
        c = found.setdefault((role, term), Candidate(role, term))
        c.count += 1
        c.documents.add(doc)
        if len(c.examples) < examples and quote not in c.examples:
            c.examples.append(quote)

    for x in extractions:
        for m in x.mentions:
            if m.role not in CONCEPT_ROLES or m.found_by not in CONSTRUCTIONS:
                continue
            phrase = _phrase(m.quote, lex)
            if len(phrase) >= MIN_WORD_LEN and phrase not in lex.terms:
                seen(m.role, phrase, x.doc.doc_id, m.quote)
            for word, flag in lex.tags(normalize(m.quote).text):
                if len(word) < MIN_WORD_LEN or not flag.startswith(_CONTENT_TAGS):
                    continue
                if word != phrase and word not in lex.terms and word not in lex.cue_words:
                    seen(m.role, word, x.doc.doc_id, m.quote)
    ranked = [c for c in found.values() if c.count >= min_count]
    for c in ranked:
        linked = link_concept(c.term, c.role, lex)
        c.concept = None if linked == unclassified(c.role) else linked
    return sorted(ranked, key=lambda c: (-c.count, -len(c.documents), c.role, -len(c.term), c.term))


def _escape(text: str) -> str:
    """``text`` as the inside of a Turtle string literal."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def proposal(c: Candidate, curator: str, today: date) -> str:
    """One candidate as a Turtle curation edit.

    >>> c = Candidate("remedy", "脱敏", 3, {"a", "b"}, ["对数据进行脱敏"])
    >>> print(proposal(c, "Ann", date(2026, 1, 2)).splitlines()[0])
    # curator: Ann
    """
    seen = f"seen {c.count} times in {len(c.documents)} document(s), e.g. " + " / ".join(
        f"“{e}”" for e in c.examples
    )
    head = [
        f"# curator: {curator}",
        f"# date: {today.isoformat()}",
        f"# reason: vocabulary candidate ({c.role}) {seen}",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix prk: <https://w3id.org/prkg/ns#> .",
    ]
    term = _escape(c.term)
    if c.concept is not None:
        return "\n".join([*head, f'<{c.concept}> skos:altLabel "{term}"@zh .', ""])
    scheme = {
        "technique": "TechniqueScheme",
        "datatype": "DataTypeScheme",
        "harm": "HarmScheme",
        "remedy": "RemedyScheme",
    }[c.role]
    iri = URIRef(str(SCHEMES_NS[c.role]) + c.slug)
    definition = _escape(f"Proposed from the news ({seen}); a curator completes this definition.")
    return "\n".join(
        [
            *head,
            f"<{iri}> a skos:Concept ; skos:inScheme prk:{scheme} ;",
            f"    skos:topConceptOf prk:{scheme} ;",
            f'    skos:prefLabel "{term}"@zh , "{term} (to be named in English)"@en ;',
            f'    skos:definition "{definition}"@en .',
            "",
        ]
    )


def write_proposals(
    found: Sequence[Candidate], folder: Path, curator: str, today: date
) -> list[Path]:
    """Each candidate as an edit file in ``folder`` (named by rank, role and term digest)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rank, c in enumerate(found, 1):
        path = folder / f"{rank:03d}-{c.role}-{c.slug}.ttl"
        write_atomic(path, proposal(c, curator, today).encode("utf-8"))
        written.append(path)
    return written


def candidate_table(found: Sequence[Candidate]) -> list[str]:
    """The ranked candidates as readable lines."""
    lines = [f"{'count':>5} {'docs':>4}  {'role':<9} {'term':<12} {'proposal':<24} example"]
    by_role: dict[str, int] = defaultdict(int)
    for c in found:
        by_role[c.role] += 1
        target = concept_curie(str(c.concept)) if c.concept else "new concept"
        example = c.examples[0] if c.examples else ""
        lines.append(
            f"{c.count:>5} {len(c.documents):>4}  {c.role:<9} {c.term:<12} {target:<24} {example}"
        )
    counts = Counter({r: by_role[r] for r in CONCEPT_ROLES})
    lines.append("candidates: " + ", ".join(f"{r} {n}" for r, n in counts.items()))
    return lines


def vocabulary_candidates(
    inputs: Sequence[Path | str],
    lex: Lexicon,
    min_count: int = 2,
    limit: int | None = None,
) -> list[Candidate]:
    """Read and extract ``inputs`` and rank their vocabulary candidates (the library verb
    behind ``kg vocab candidates``)."""
    found = candidates(extract_paths(inputs), lex, min_count)
    return found[:limit] if limit else found
