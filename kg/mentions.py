"""Data types shared by the extraction finders: tokens, mentions and actors.

Every finder (lexicon, speakers, institutions, constructions, prices) reads a document's
:class:`kg.finders.Context` and returns :class:`Mention` objects; they live here so that no
finder imports another.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A jieba token with its character offsets: (word, start, end).
Token = tuple[str, int, int]

#: The mention roles, in the order of the ontology's role scheme.
CONCEPT_ROLES = ("technique", "datatype", "harm", "remedy")
ROLES = (*CONCEPT_ROLES, "price", "actor")


@dataclass(frozen=True)
class Mention:
    """A span of the document text in one role; ``target`` is a concept or actor key.

    ``found_by`` names the finder that made it (kept for ``kg eval`` and the vocabulary loop,
    not emitted).
    """

    role: str
    start: int
    end: int
    quote: str
    target: str
    negated: bool = False
    found_by: str = "lexicon"


@dataclass(frozen=True)
class Actor:
    """Someone who makes statements or acts; ``key`` is stable across documents for named
    people and institutions.

    ``kind`` is a class of the ontology: Expert, PoliceUnit, Seller, Court, Official, Company,
    Victim or Person.
    """

    key: str
    kind: str
    name: str
    affiliation: str | None = None
    title: str | None = None
