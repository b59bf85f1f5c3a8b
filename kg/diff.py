"""What changed between two graphs, and which edits touched a node (``kg diff``, ``kg history``)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import NIF, PRK, curie


def history(graph: Graph, node: URIRef) -> list[dict[str, str]]:
    """The edits that touched ``node``, in replay order."""
    rows = []
    for edit in graph.subjects(PRK.touched, node):
        rows.append(
            {
                "sequence": str(graph.value(edit, PRK.sequence)),
                "file": str(graph.value(edit, PRK.editFile)),
                "curator": str(graph.value(edit, DCTERMS.creator)),
                "date": str(graph.value(edit, DCTERMS.date)),
                "reason": str(graph.value(edit, PRK.reason)),
                "edit": str(edit),
            }
        )
    return sorted(rows, key=lambda r: int(r["sequence"]) if r["sequence"].isdigit() else 0)


def _members(graph: Graph, kind: URIRef) -> dict[Node, set[tuple[Node, Node]]]:
    return {
        s: {(p, o) for _, p, o in graph.triples((s, None, None))}
        for s in graph.subjects(RDF.type, kind)
    }


def _evidence(graph: Graph, claim: Node) -> list[str]:
    """A claim's evidence as ``doc-id: sentence``, sorted (what re-keyed claims share)."""
    out = []
    for ev in graph.objects(claim, PRK.evidence):
        doc = graph.value(graph.value(ev, NIF.referenceContext), DCTERMS.identifier)
        out.append(f"{doc}: {graph.value(ev, NIF.anchorOf)}")
    return sorted(out)


def _label(graph: Graph, node: Node) -> str:
    zh = en = ""
    for prop in (SKOS.prefLabel, RDFS.label):
        for value in graph.objects(node, prop):
            lang = getattr(value, "language", None)
            zh = zh or (str(value) if lang == "zh" else "")
            en = en or (str(value) if lang != "zh" else "")
    return " · ".join(x for x in (zh, en) if x)


def _item(graph: Graph, node: Node) -> dict[str, str]:
    item = {"iri": str(node), "label": _label(graph, node)}
    evidence = _evidence(graph, node)
    if evidence:
        item["evidence"] = evidence[0]
    return item


def diff_graphs(old: Graph, new: Graph) -> dict[str, dict[str, list[dict[str, str]]]]:
    """Claims, concepts and mappings added, removed and changed between two graphs, each with
    its label and (claims) its first evidence sentence. A removed and an added claim resting on
    the same evidence sentences are one claim re-keyed (its IRI moved when its content did):
    they are listed once under ``rekeyed``, with both IRIs."""
    out: dict[str, dict[str, list[dict[str, str]]]] = {}
    for name, kind in (("claims", PRK.Claim), ("concepts", SKOS.Concept)):
        a, b = _members(old, kind), _members(new, kind)
        added, removed = set(b.keys() - a.keys()), set(a.keys() - b.keys())
        rekeyed = []
        if kind == PRK.Claim:
            by_evidence = {tuple(_evidence(new, n)): n for n in added}
            for gone in sorted(removed, key=str):
                twin = by_evidence.pop(tuple(_evidence(old, gone)), None)
                if twin is not None and _evidence(old, gone):
                    removed.discard(gone)
                    added.discard(twin)
                    rekeyed.append({**_item(new, twin), "was": str(gone)})
        out[name] = {
            "added": [_item(new, n) for n in sorted(added, key=str)],
            "removed": [_item(old, n) for n in sorted(removed, key=str)],
            "changed": [
                _item(new, n) for n in sorted(a.keys() & b.keys(), key=str) if a[n] != b[n]
            ],
            "rekeyed": sorted(rekeyed, key=lambda i: i["iri"]),
        }
    match = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch}
    match |= {SKOS.relatedMatch, PRK.governedBy}

    def links(graph: Graph) -> set[tuple[Node, Node, Node]]:
        return {(s, p, o) for s, p, o in graph if p in match}

    la, lb = links(old), links(new)

    def link(graph: Graph, t: tuple[Node, Node, Node]) -> dict[str, str]:
        s, p, o = t
        text = " ".join(curie(URIRef(str(x))) for x in (s, p, o))
        return {"iri": f"{s} {p} {o}", "label": f"{text} ({_label(graph, s)})"}

    out["mappings"] = {
        "added": [link(new, t) for t in sorted(lb - la)],
        "removed": [link(old, t) for t in sorted(la - lb)],
        "changed": [],
        "rekeyed": [],
    }
    return out


def differ(diff: dict[str, dict[str, list[dict[str, str]]]]) -> bool:
    """Whether the graphs differ in anything the diff reports."""
    return any(items for kinds in diff.values() for items in kinds.values())


_MARK = {"added": "+", "removed": "-", "changed": "~", "rekeyed": "="}


def diff_lines(diff: dict[str, dict[str, list[dict[str, str]]]], limit: int = 20) -> list[str]:
    """The diff for a person: counts, then the first items of each list with their labels and
    evidence sentence (a re-keyed claim with its old IRI)."""
    out = []
    for name, parts in diff.items():
        counts = ", ".join(f"{len(v)} {k}" for k, v in parts.items() if k != "rekeyed" or v)
        out.append(f"{name}: {counts}")
        for kind, items in parts.items():
            for i in items[:limit]:
                short = curie(URIRef(i["iri"])) if " " not in i["iri"] else ""
                out.append(f"  {_MARK[kind]} {short} {i['label']}".rstrip())
                if "was" in i:
                    out.append(f"      was {curie(URIRef(i['was']))} (same evidence, new key)")
                if "evidence" in i:
                    out.append(f"      « {i['evidence']} »")
            if len(items) > limit:
                out.append(f"  … {len(items) - limit} more {kind}")
    return out
