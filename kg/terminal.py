"""``kg show``: a document, claim or concept as text for the terminal — evidence sentences with
their mention spans marked ``[span|role]`` (coloured on a terminal), wrapped to its width, no
quote cut short."""

from __future__ import annotations

from collections.abc import Callable

from kg.namespaces import curie
from kg.results import display_width, wrap
from kg.views import Claim, Concept, Document, Evidence, Mention, Views

#: ANSI colours per role (used only when writing to a terminal).
COLOURS = {
    "technique": "yellow",
    "datatype": "cyan",
    "harm": "red",
    "remedy": "green",
    "price": "bright_yellow",
    "actor": "magenta",
}
Style = Callable[[str, str], str]


def plain(text: str, role: str) -> str:
    del role
    return text


def marked(
    quote: str, start: int, mentions: tuple[Mention, ...] | list[Mention], style: Style = plain
) -> str:
    """``quote`` (which begins at offset ``start`` of its document) with each mention inside it
    written ``[span|role]``; negated mentions ``[span|role, negated]``.

    >>> from rdflib import URIRef
    >>> m = Mention(URIRef("urn:m"), 12, 14, "人脸", "datatype", None, "", "", False, False)
    >>> marked("出售人脸照片", 10, [m])
    '出售[人脸|datatype]照片'
    """
    out, at = [], 0
    for m in sorted(mentions, key=lambda m: m.begin):
        a, b = m.begin - start, m.end - start
        if a < at or b > len(quote):
            continue
        tag = m.role + (", negated" if m.negated else "") + (", spurious" if m.spurious else "")
        out += [quote[at:a], style(f"[{quote[a:b]}|{tag}]", m.role)]
        at = b
    return "".join(out + [quote[at:]])


def _para(text: str, width: int, indent: str = "  ") -> list[str]:
    return [indent + line for line in wrap(text, max(width - len(indent), 20))]


def _evidence(e: Evidence, width: int, style: Style) -> list[str]:
    lines = _para(marked(e.quote, e.begin, e.mentions, style), width)
    source = f"— {e.doc_title or e.doc} ({e.outlet}, {e.doc})"
    return lines + _para(source + (f"; speaker: {e.speaker}" if e.speaker else ""), width, "    ")


def show_claim(claim: Claim, width: int, style: Style = plain) -> str:
    lines = [
        f"claim {curie(claim.iri)}: {claim.modality}" + (" (RETRACTED)" if claim.retracted else ""),
        f"  {claim.reports} independent report(s), {claim.documents} document(s), "
        f"{claim.copies} syndicated copies",
    ]
    lines += [f"  {role}: {zh} · {en} ({curie(c)})" for role, c, zh, en in claim.concepts]
    lines.append("evidence:")
    for e in claim.evidence:
        lines += _evidence(e, width, style)
    if claim.links:
        lines.append("links:")
        lines += [f"  {c} {rel} {target}" for c, rel, target in claim.links]
    lines.append("curation history:" if claim.history else "curation history: none")
    lines += [f"  {d} {who}: {why} ({f})" for d, who, why, f in claim.history]
    return "\n".join(lines) + "\n"


def show_document(doc: Document, width: int, style: Style = plain) -> str:
    lines = [
        doc.title,
        f"  {doc.outlet} · {doc.date} · {doc.doc_id} · {doc.url}",
        "  mentions: " + ", ".join(f"{r} {n}" for r, n in sorted(doc.counts.items())),
    ]
    lines.append("evidence sentences:")
    for e in doc.evidence:
        lines += _para(marked(e.quote, e.begin, e.mentions, style), width)
        lines += _para(
            f"→ claim {curie(e.claim)}" + (f"; speaker: {e.speaker}" if e.speaker else ""),
            width,
            "    ",
        )
    if doc.prices:
        lines.append("prices:")
        lines += [
            f"  {p.quote}: {p.amount} {p.currency} for {p.quantity} = {p.unit_price} "
            f"{p.currency} each ({p.item})"
            for p in doc.prices
        ]
    return "\n".join(lines) + "\n"


def show_concept(concept: Concept, width: int) -> str:
    lines = [
        f"{concept.label_zh} · {concept.label_en} ({curie(concept.iri)}, {concept.scheme})"
        + (" DEPRECATED" if concept.deprecated else "")
    ]
    lines += _para(concept.definition, width)
    lines += _para("altLabels: " + "、".join(concept.alt_labels), width)
    lines.append(f"  {concept.mentions} mention(s) in {concept.documents} document(s)")
    lines += [f"  {rel} {t}" for rel, t in concept.links]
    lines.append(f"claims ({len(concept.claims)}):")
    for c, text in concept.claims:
        lines += _para(f"{curie(c)}: {text}", width)
    return "\n".join(lines) + "\n"


def fit(text: str, width: int) -> str:
    """Every line of ``text`` within ``width`` columns, wrapped lines keeping their indent."""
    out = []
    for line in text.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        out += [line] if display_width(line) <= width else _para(line.strip(), width, indent)
    return "\n".join(out) + "\n"


def show(views: Views, key: str, width: int, style: Style = plain) -> str:
    """The claim, document or concept ``key`` names (id, CURIE, IRI or concept label)."""
    kind, iri = views.resolve(key)
    if kind == "claim":
        return fit(show_claim(views.claim(iri), width, style), width)
    if kind == "document":
        doc = views.document(key if ":" not in key else str(iri))
        return fit(show_document(doc, width, style), width)
    return fit(show_concept(views.concept(key), width), width)
