"""What changed between two graphs, and which edits touched a node (``kg diff``, ``kg history``)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from kg.namespaces import PRK


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


def diff_graphs(old: Graph, new: Graph) -> dict[str, dict[str, list[str]]]:
    """Claims, concepts and mappings added, removed and changed between two graphs."""
    out: dict[str, dict[str, list[str]]] = {}
    for name, kind in (("claims", PRK.Claim), ("concepts", SKOS.Concept)):
        a, b = _members(old, kind), _members(new, kind)
        out[name] = {
            "added": sorted(str(n) for n in b.keys() - a.keys()),
            "removed": sorted(str(n) for n in a.keys() - b.keys()),
            "changed": sorted(str(n) for n in a.keys() & b.keys() if a[n] != b[n]),
        }
    match = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch}
    match |= {SKOS.relatedMatch, PRK.governedBy}

    def links(graph: Graph) -> set[str]:
        return {f"{s} {p} {o}" for s, p, o in graph if p in match}

    la, lb = links(old), links(new)
    out["mappings"] = {"added": sorted(lb - la), "removed": sorted(la - lb), "changed": []}
    return out


def diff_lines(diff: dict[str, dict[str, list[str]]], limit: int = 20) -> list[str]:
    """The diff for a person: counts, then the first items of each list."""
    out = []
    for name, parts in diff.items():
        counts = ", ".join(f"{len(v)} {k}" for k, v in parts.items())
        out.append(f"{name}: {counts}")
        for kind, items in parts.items():
            out += [f"  {kind[0].upper() if kind != 'changed' else '~'} {i}" for i in items[:limit]]
            if len(items) > limit:
                out.append(f"  … {len(items) - limit} more {kind}")
    return out
