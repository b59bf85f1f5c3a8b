"""Durable anchors: what a curator saw when an edit was made, so the edit survives rebuilds.

Node IRIs are minted from content (document, offsets, concepts, modality), so a change of the
extractor or of the vocabulary can give a claim, a mention or a piece of evidence a new IRI. An
edit therefore records, beside each minted IRI it names, an anchor in the manner of W3C Web
Annotation's TextQuoteSelector: the document's identifier and SHA-256, the exact text with a
prefix and a suffix, and for a claim its modality and concepts at edit time. The anchors are
comment lines of the edit file (``# anchor: {json}``), so the edit stays a plain SPARQL Update
or Turtle file.

On replay, an IRI that no longer exists is re-anchored: the quote is found again in the
document (prefix and suffix decide between occurrences), and the node of the same kind there is
taken — for a claim, the claim whose evidence covers the quote, of the same modality if there is
one, with the most concepts in common; an actor is found again by its name. Only an anchor that
no longer resolves makes the edit an orphan.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kg.namespaces import ID, NIF, PRK, SLOTS

#: Characters of context kept on each side of an anchored quote.
CONTEXT = 32
#: Minted node kinds an anchor can stand for, with their class.
KINDS = {
    "claim": PRK.Claim,
    "mention": PRK.Mention,
    "evidence": PRK.Evidence,
    "price": PRK.PriceObservation,
    "actor": PRK.Actor,
}
_MINTED = re.compile(
    rf"<{re.escape(str(ID))}(claim|mention|evidence|price|actor)/([0-9a-f]+)>"
    r"|(?<![\w:/])id:(claim|mention|evidence|price|actor)/([0-9a-f]+)"
)
_ANCHOR_LINE = re.compile(r"^#\s*anchor\s*:\s*(\{.*\})\s*$")


@dataclass(frozen=True)
class Anchor:
    """Where a minted node was, in words rather than offsets."""

    iri: str
    kind: str
    doc: str
    sha256: str
    exact: str
    prefix: str
    suffix: str
    role: str = ""
    modality: str = ""
    concepts: tuple[str, ...] = ()

    def line(self) -> str:
        """The anchor as an edit-file comment line."""
        data = {k: v for k, v in asdict(self).items() if v not in ("", ())}
        return "# anchor: " + json.dumps(data, ensure_ascii=False, sort_keys=True)


def minted_iris(text: str) -> list[URIRef]:
    """The claim, mention, evidence and price IRIs an edit names (full or as ``id:`` CURIEs),
    in order of first appearance.

    >>> [str(i)[-14:] for i in minted_iris("INSERT DATA { id:claim/ab12 prk:x 1 }")]
    ['/id/claim/ab12']
    """
    found: list[URIRef] = []
    for m in _MINTED.finditer(text):
        kind, digest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        iri = ID[f"{kind}/{digest}"]
        if iri not in found:
            found.append(iri)
    return found


def read_anchors(text: str) -> list[Anchor]:
    """The anchors recorded in an edit's text (malformed lines are ignored: they are
    comments)."""
    out = []
    for line in text.splitlines():
        m = _ANCHOR_LINE.match(line)
        if not m:
            continue
        try:
            data = json.loads(m.group(1))
            data["concepts"] = tuple(data.get("concepts", ()))
            out.append(Anchor(**data))
        except (ValueError, TypeError):
            continue
    return out


def _doc_text(graph: Graph, doc: URIRef) -> str:
    return str(graph.value(doc, NIF.isString) or "")


def _span(graph: Graph, node: URIRef) -> tuple[URIRef, int, int] | None:
    doc = graph.value(node, NIF.referenceContext)
    begin, end = graph.value(node, NIF.beginIndex), graph.value(node, NIF.endIndex)
    if not isinstance(doc, URIRef) or begin is None or end is None:
        return None
    return doc, int(begin), int(end)  # type: ignore[call-overload]


def _kind(iri: URIRef) -> str:
    return str(iri)[len(str(ID)) :].split("/", 1)[0]


def _exists(graph: Graph, iri: URIRef, kind: str) -> bool:
    if kind == "actor":  # actors are typed by their subclass (Expert, PoliceUnit, …)
        return (iri, RDFS.label, None) in graph
    return (iri, RDF.type, KINDS[kind]) in graph


def anchor_for(graph: Graph, iri: URIRef) -> Anchor | None:
    """The anchor of a minted node as ``graph`` holds it now; None if it is not there."""
    kind = _kind(iri)
    if kind not in KINDS or not _exists(graph, iri, kind):
        return None
    if kind == "actor":  # named as the text names them; found again by that name
        name = str(graph.value(iri, RDFS.label) or "")
        return Anchor(str(iri), kind, "", "", name, "", "") if name else None
    role = modality = ""
    concepts: tuple[str, ...] = ()
    where = iri
    if kind == "claim":
        evidence = sorted(o for o in graph.objects(iri, PRK.evidence) if isinstance(o, URIRef))
        if not evidence:
            return None
        where = evidence[0]
        modality = str(graph.value(iri, PRK.modality) or "")
        concepts = tuple(sorted(str(o) for p in SLOTS.values() for o in graph.objects(iri, p)))
    elif kind == "price":
        mention = graph.value(None, PRK.denotes, iri)
        if not isinstance(mention, URIRef):
            return None
        where = mention
    elif kind == "mention":
        role = str(graph.value(iri, PRK.role) or "")
        concepts = tuple(str(o) for o in graph.objects(iri, PRK.denotes))
    span = _span(graph, where)
    if span is None:
        return None
    doc, begin, end = span
    text = _doc_text(graph, doc)
    return Anchor(
        iri=str(iri),
        kind=kind,
        doc=str(graph.value(doc, DCTERMS.identifier) or ""),
        sha256=str(graph.value(doc, PRK.sha256) or ""),
        exact=text[begin:end],
        prefix=text[max(0, begin - CONTEXT) : begin],
        suffix=text[end : end + CONTEXT],
        role=role,
        modality=modality,
        concepts=concepts,
    )


def anchored(text: str, graph: Graph) -> str:
    """``text`` (an edit) with an anchor line for each minted IRI it names that ``graph``
    holds, after its header; anchors already there are kept, not repeated."""
    have = {a.iri for a in read_anchors(text)}
    lines = [
        a.line()
        for iri in minted_iris(text)
        if str(iri) not in have and (a := anchor_for(graph, iri)) is not None
    ]
    if not lines:
        return text
    head, body = _split_header(text)
    return "".join(head) + "\n".join(lines) + "\n" + "".join(body)


def _split_header(text: str) -> tuple[list[str], list[str]]:
    rows = text.splitlines(keepends=True)
    n = 0
    while n < len(rows) and rows[n].startswith("#"):
        n += 1
    return rows[:n], rows[n:]


def _locate(text: str, a: Anchor) -> tuple[int, int] | None:
    """Where the anchored quote is in ``text``: the occurrence whose prefix and suffix agree
    best with the anchor's (W3C TextQuoteSelector)."""
    if not a.exact:
        return None
    best, best_score = None, -1
    start = text.find(a.exact)
    while start >= 0:
        end = start + len(a.exact)
        before, after = text[max(0, start - len(a.prefix)) : start], text[end : end + len(a.suffix)]
        score = _common_suffix(before, a.prefix) + _common_prefix(after, a.suffix)
        if score > best_score:
            best, best_score = (start, end), score
        start = text.find(a.exact, start + 1)
    return best


def _common_prefix(x: str, y: str) -> int:
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return n


def _common_suffix(x: str, y: str) -> int:
    return _common_prefix(x[::-1], y[::-1])


def _documents(graph: Graph, a: Anchor) -> list[URIRef]:
    docs = [d for d in graph.subjects(DCTERMS.identifier, Literal(a.doc)) if isinstance(d, URIRef)]
    if not docs and a.sha256:
        docs = [d for d in graph.subjects(PRK.sha256, Literal(a.sha256)) if isinstance(d, URIRef)]
    return sorted(d for d in docs if (d, RDF.type, PRK.Document) in graph)


def resolve(graph: Graph, a: Anchor) -> URIRef | None:
    """The node ``a`` stands for in ``graph`` now: the node itself if its IRI is still there,
    else the node of the same kind at the anchored quote; None if the quote is gone."""
    iri = URIRef(a.iri)
    if a.kind in KINDS and _exists(graph, iri, a.kind):
        return iri
    if a.kind == "actor":
        named = graph.subjects(RDFS.label, Literal(a.exact, lang="zh"))
        same = sorted(n for n in named if isinstance(n, URIRef) and str(n).startswith(str(ID)))
        return same[0] if same else None
    for doc in _documents(graph, a):
        found = _locate(_doc_text(graph, doc), a)
        if found is None:
            continue
        node = _at(graph, doc, found, a)
        if node is not None:
            return node
    return None


def _overlapping(graph: Graph, doc: URIRef, span: tuple[int, int], cls: URIRef) -> list[URIRef]:
    out = []
    for node in graph.subjects(NIF.referenceContext, doc):
        if not isinstance(node, URIRef) or (node, RDF.type, cls) not in graph:
            continue
        here = _span(graph, node)
        if here and here[1] < span[1] and span[0] < here[2]:
            out.append(node)
    # the node whose span is closest to the anchored one first
    return sorted(out, key=lambda n: (_distance(graph, n, span), str(n)))


def _distance(graph: Graph, node: URIRef, span: tuple[int, int]) -> int:
    here = _span(graph, node)
    return abs(here[1] - span[0]) + abs(here[2] - span[1]) if here else 1 << 30


def _at(graph: Graph, doc: URIRef, span: tuple[int, int], a: Anchor) -> URIRef | None:
    if a.kind == "evidence":
        return next(iter(_overlapping(graph, doc, span, PRK.Evidence)), None)
    if a.kind in ("mention", "price"):
        mentions = _overlapping(graph, doc, span, PRK.Mention)
        if a.kind == "mention" and a.role:
            mentions = [m for m in mentions if str(graph.value(m, PRK.role)) == a.role]
        if a.kind == "price":
            prices = [graph.value(m, PRK.denotes) for m in mentions]
            found = [p for p in prices if (p, RDF.type, PRK.PriceObservation) in graph]
            return found[0] if found and isinstance(found[0], URIRef) else None
        return mentions[0] if mentions else None
    # the claim on the anchored sentence: same modality first, then most concepts in common
    claims: list[tuple[int, int, str, URIRef]] = []
    wanted = set(a.concepts)
    for ev in _overlapping(graph, doc, span, PRK.Evidence):
        for claim in graph.subjects(PRK.evidence, ev):
            if not isinstance(claim, URIRef):
                continue
            other = int(bool(a.modality) and str(graph.value(claim, PRK.modality)) != a.modality)
            have = {str(o) for p in SLOTS.values() for o in graph.objects(claim, p)}
            claims.append((other, -len(have & wanted), str(claim), claim))
    return min(claims)[3] if claims else None


def rewrite(text: str, moves: Mapping[str, str]) -> str:
    """``text`` with each moved IRI replaced by its new one, in full and ``id:`` CURIE form
    (anchor lines keep the old IRI: they say what the curator saw)."""
    rows = text.splitlines(keepends=True)
    out = []
    for row in rows:
        if not _ANCHOR_LINE.match(row.rstrip("\n")):
            for old, new in moves.items():
                row = row.replace(f"<{old}>", f"<{new}>")
                old_curie = "id:" + old[len(str(ID)) :]
                row = re.sub(rf"(?<![\w:/]){re.escape(old_curie)}(?![0-9a-f])", f"<{new}>", row)
        out.append(row)
    return "".join(out)


def reanchor(graph: Graph, text: str) -> tuple[dict[str, str], list[str]]:
    """For an edit's ``text``: the IRIs that moved (old → new) and those whose anchor no
    longer resolves (or that have no anchor and are gone)."""
    anchors = {a.iri: a for a in read_anchors(text)}
    moves: dict[str, str] = {}
    lost: list[str] = []
    for iri in minted_iris(text):
        if _exists(graph, iri, _kind(iri)):
            continue
        a = anchors.get(str(iri))
        node = resolve(graph, a) if a else None
        if node is None:
            lost.append(str(iri))
        elif node != iri:
            moves[str(iri)] = str(node)
    return moves, lost


def short(iri: str) -> str:
    """``id:claim/…`` for a minted IRI."""
    return "id:" + iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri


def anchor_lines(anchors: Iterable[Anchor]) -> list[str]:
    """Readable lines for a list of anchors (for ``kg edit rebase``)."""
    return [
        f"    {short(a.iri)}: “{a.prefix[-8:]}[{a.exact}]{a.suffix[:8]}” in {a.doc}"
        for a in anchors
    ]
