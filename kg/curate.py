"""Curation: validated, attributed, reversible edits that survive every rebuild.

An edit is a file in ``curation/``: a SPARQL 1.1 Update (``.ru``) or Turtle additions (``.ttl``),
headed by ``# curator:``, ``# date:`` and ``# reason:`` lines. Edits name nodes by their stable,
content-derived IRIs, so ``kg build`` replays them in file-name order on the fresh extraction.

Applying an edit records exactly which triples it added and removed (a tracking store), so it
can be checked and rolled back in time proportional to the edit, not to the graph:

* rules no SHACL shape can see — never delete an evidence-backed claim, a concept, evidence or
  a document (retract or deprecate instead), never touch a node that does not exist;
* the SHACL shapes, on the neighbourhood of the nodes the edit touched (and the whole concept
  scheme when labels change, for the scheme-wide rules).

The concept frequencies an edit changes (a mention re-pointed, negated, marked spurious, added)
are recounted after it, as the build counts them, so frequency listings stay current; an edit may
not change a frequency itself.

Every replayed edit leaves a ``prk:CurationEdit`` node (curator, date, reason, file, the nodes
it touched), so ``kg history`` can list the edits behind any node. An accepted edit is stored
with durable anchors of the nodes it names (kg/anchors.py); on replay an IRI that moved is
re-anchored and the build reports the move. An edit whose anchor no longer resolves, or that no
longer applies, becomes a ``prk:OrphanedEdit``, which fails the build unless orphans are allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.stores.memory import Memory
from rdflib.term import Node

from kg.anchors import reanchor, rewrite, short
from kg.edits import Edit
from kg.frequencies import recount
from kg.namespaces import BASE, NIF, PRK, SLOTS, bind_all
from kg.validate import Report, short_name, validate_graph

#: Kinds of node that are evidence of what the news said: never deleted, only retracted.
PROTECTED = {
    PRK.Claim: "retract it instead: INSERT DATA { <claim> prk:status prk:Retracted }",
    PRK.Evidence: "evidence is never deleted; retract the claim it supports",
    PRK.Mention: "correct its offsets or retract the claim; mentions are never deleted",
    PRK.Document: "documents are never deleted; remove the article from the inputs instead",
    SKOS.Concept: "deprecate it instead: owl:deprecated true ; dcterms:isReplacedBy <replacement>",
}
#: What places a mention in a concept frequency (see :func:`recount`).
_COUNTED = {PRK.denotes, PRK.role, PRK.negated, PRK.status, NIF.referenceContext}
#: Predicates not followed when collecting an edit's neighbourhood (they fan out to everything).
_NOT_FOLLOWED = {PROV.wasGeneratedBy, PROV.used, RDF.type, SKOS.inScheme, PRK.touched}


class TrackingMemory(Memory):
    """An in-memory store that can record which triples are really added and removed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.added: set[tuple[Node, Node, Node]] | None = None
        self.removed: set[tuple[Node, Node, Node]] = set()

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        if self.added is not None and not any(True for _ in self.triples(triple, None)):
            if triple in self.removed:
                self.removed.discard(triple)
            else:
                self.added.add(triple)
        super().add(triple, context, quoted)

    def remove(self, triple: Any, context: Any = None) -> None:
        if self.added is not None:
            for found, _ in list(self.triples(triple, None)):
                if found in self.added:
                    self.added.discard(found)
                else:
                    self.removed.add(found)
        super().remove(triple, context)


def tracking_graph(source: Graph | None = None) -> Graph:
    """A graph on a :class:`TrackingMemory` store, with ``source``'s triples and prefixes."""
    graph = Graph(store=TrackingMemory())
    bind_all(graph)
    if source is not None:
        for prefix, ns in source.namespaces():
            graph.bind(prefix, ns, override=True)
        graph += source
    return graph


@dataclass
class Delta:
    """What an edit changed."""

    added: set[tuple[Node, Node, Node]] = field(default_factory=set)
    removed: set[tuple[Node, Node, Node]] = field(default_factory=set)

    def nodes(self) -> set[Node]:
        """Subjects, and non-literal objects, of every changed triple."""
        out: set[Node] = set()
        for s, _, o in self.added | self.removed:
            out.add(s)
            if not isinstance(o, Literal):
                out.add(o)
        return out


@contextmanager
def _recording(graph: Graph) -> Iterator[Delta]:
    store = graph.store
    if not isinstance(store, TrackingMemory):
        raise TypeError("curation needs a graph made by tracking_graph()")
    store.added, store.removed = set(), set()
    delta = Delta()
    try:
        yield delta
    finally:
        delta.added, delta.removed = set(store.added or ()), set(store.removed)
        store.added, store.removed = None, set()


def _apply(graph: Graph, edit: Edit) -> Delta:
    with _recording(graph) as delta:
        if edit.kind == "update":
            graph.update(edit.text)
        else:
            graph += Graph().parse(data=edit.text, format="turtle")
    return delta


def rollback(graph: Graph, delta: Delta) -> None:
    """Undo ``delta`` on ``graph``."""
    for triple in delta.added:
        graph.remove(triple)
    for triple in delta.removed:
        graph.add(triple)


def _refusals(graph: Graph, delta: Delta) -> list[str]:
    """The reasons ``delta`` (already applied to ``graph``) breaks a curation rule."""
    out = []
    if not delta.added and not delta.removed:
        return ["the edit changes nothing: does the node it targets exist in this graph?"]
    for s, p, o in sorted(delta.removed):
        if p == RDF.type and o in PROTECTED:
            kind = graph.namespace_manager.normalizeUri(o)  # type: ignore[arg-type]
            if (
                o == PRK.Claim
                and (s, PRK.evidence, None) not in graph
                and not any(t[0] == s and t[1] == PRK.evidence for t in delta.removed)
            ):
                continue  # a claim with no evidence (curator-made) may be removed
            out.append(f"deletes the {kind} {short_name(graph, s)}; {PROTECTED[o]}")  # type: ignore[index]
        elif p == PRK.evidence and (s, RDF.type, PRK.Claim) in graph:
            out.append(
                f"removes evidence {short_name(graph, o)} from claim {short_name(graph, s)}; "
                f"{PROTECTED[PRK.Claim]}"
            )
    for s in sorted({t[0] for t in delta.added | delta.removed}, key=str):
        if (s, RDF.type, PRK.ConceptFrequency) in graph or (
            (s, RDF.type, PRK.ConceptFrequency) in delta.removed
        ):
            out.append(
                f"changes the concept frequency {short_name(graph, s)}; frequencies are counted "
                "from the mentions after every edit: correct the mentions instead"
            )
    typed_new = {s for s, p, _ in delta.added if p == RDF.type}
    existed = {s for s in {t[0] for t in delta.added | delta.removed} if _existed(graph, s, delta)}
    for s in sorted({t[0] for t in delta.added} - typed_new - existed, key=str):
        if isinstance(s, URIRef) and str(s).startswith(BASE):
            out.append(
                f"node {short_name(graph, s)} does not exist (typo, or gone after a rebuild?)"
            )
    return out


def _recounted(graph: Graph, delta: Delta) -> Delta:
    """Recount the concept frequencies ``delta`` can have changed; what that changed."""
    mentions = {s for s, p, _ in delta.added | delta.removed if p in _COUNTED}
    pairs: set[tuple[Node, Node]] = set()
    for m in mentions:
        was = {(p, o) for s, p, o in delta.removed if s == m}
        targets = set(graph.objects(m, PRK.denotes)) | {o for p, o in was if p == PRK.denotes}
        roles = set(graph.objects(m, PRK.role)) | {o for p, o in was if p == PRK.role}
        pairs.update((t, r) for t in targets for r in roles)
    with _recording(graph) as counted:
        recount(graph, sorted(pairs))
    return counted


def _count_changes(graph: Graph, counted: Delta) -> list[str]:
    """The frequencies a recount (``counted``, applied to ``graph``) changed, in words."""
    out = []
    for node in sorted({s for s, _, _ in counted.added | counted.removed}, key=str):
        was = {p: o for s, p, o in counted.removed if s == node}
        now = {p: o for s, p, o in counted.added if s == node}
        target = was.get(PRK.frequencyOf, graph.value(node, PRK.frequencyOf))
        role = was.get(PRK.inRole, graph.value(node, PRK.inRole))
        old, new = was.get(PRK.mentionCount, 0), now.get(PRK.mentionCount, 0)
        if target is not None and role is not None and old != new:
            role_name = short_name(graph, role).removeprefix("prk:").removesuffix("Role").lower()
            out.append(f"{short_name(graph, target)} as {role_name} {old} → {new}")
    return sorted(out)


def _existed(graph: Graph, node: Node, delta: Delta) -> bool:
    """Whether ``node`` had triples as a subject before the edit."""
    if any(t[0] == node for t in delta.removed):
        return True
    return any(t not in delta.added for t in graph.triples((node, None, None)))


def neighbourhood(graph: Graph, focus: Iterable[Node], depth: int = 3) -> Graph:
    """The triples an edit's SHACL check needs: ``focus`` and what it points at, ``depth`` deep,
    plus every member of a concept scheme a focus concept belongs to (for scheme-wide rules)."""
    sub = Graph()
    for prefix, ns in graph.namespaces():
        sub.bind(prefix, ns, override=True)
    frontier: set[Node] = set(focus)
    seen: set[Node] = set()
    frontier.update(e for n in list(frontier) for e in graph.subjects(PRK.touched, n))  # edits
    for scheme in {o for n in list(frontier) for o in graph.objects(n, SKOS.inScheme)}:
        frontier.add(scheme)
        frontier.update(graph.subjects(SKOS.inScheme, scheme))
    sub += graph.triples((None, RDFS.subClassOf, None))  # for sh:class on subclasses
    for _ in range(depth + 1):
        nxt: set[Node] = set()
        for node in frontier - seen:
            seen.add(node)
            for s, p, o in graph.triples((node, None, None)):
                sub.add((s, p, o))
                if p not in _NOT_FOLLOWED and not isinstance(o, Literal):
                    nxt.add(o)
        frontier = nxt
    return sub


def _focus(graph: Graph, delta: Delta) -> set[Node]:
    """Touched nodes, plus the nodes that point at them (a claim when its evidence changes)."""
    touched: set[Node] = {n for n in delta.nodes() if isinstance(n, URIRef | BNode)}
    vocabulary_terms = {n for n in touched if (n, RDF.type, OWL.Class) in graph}
    touched -= vocabulary_terms
    out: set[Node] = set(touched)
    for node in touched:
        for s, p in graph.subject_predicates(node):
            if p not in _NOT_FOLLOWED and p != PRK.touched:
                out.add(s)
    for node in list(out):
        out.update(graph.objects(node, SKOS.inScheme))  # scheme-wide label rules
        out.update(graph.objects(node, NIF.referenceContext))  # the document's text checks
    return out


@dataclass(frozen=True)
class Change:
    """What an edit does, in a curator's terms."""

    claims_added: list[str]
    claims_retracted: list[str]
    claims_repointed: list[str]
    concepts_changed: list[str]
    labels_added: list[str]
    labels_removed: list[str]
    triples_added: int
    triples_removed: int
    #: Concept frequencies the recount after the edit changed: "kt:x as technique: 4 → 3".
    counts_changed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"triples: +{self.triples_added} −{self.triples_removed}"]
        for title, items in (
            ("claims added", self.claims_added),
            ("claims retracted", self.claims_retracted),
            ("claims re-pointed", self.claims_repointed),
            ("concepts changed", self.concepts_changed),
            ("labels added", self.labels_added),
            ("labels removed", self.labels_removed),
            ("mentions recounted", self.counts_changed),
        ):
            if items:
                out.append(f"{title}: " + ", ".join(items))
        return out


def describe(graph: Graph, delta: Delta) -> Change:
    """Summarise ``delta`` (applied to ``graph``) as claims and concepts, not triples."""
    slots = set(SLOTS.values())
    claims = {s for s in delta.nodes() if (s, RDF.type, PRK.Claim) in graph}
    new = {s for s, p, o in delta.added if p == RDF.type and o == PRK.Claim}
    retracted = {s for s, p, o in delta.added if p == PRK.status and o == PRK.Retracted}
    repointed = {s for s, p, _ in delta.added | delta.removed if p in slots} & (claims - new)
    concepts = {
        s for s, _, _ in delta.added | delta.removed if (s, RDF.type, SKOS.Concept) in graph
    }
    label_props = (SKOS.prefLabel, SKOS.altLabel)

    def labels(triples: set[tuple[Node, Node, Node]]) -> list[str]:
        return sorted(f"{short_name(graph, s)} “{o}”" for s, p, o in triples if p in label_props)

    def names(nodes: Iterable[Node]) -> list[str]:
        return sorted(short_name(graph, n) for n in nodes)

    return Change(
        names(new),
        names(retracted),
        names(repointed),
        names(concepts),
        labels(delta.added),
        labels(delta.removed),
        len(delta.added),
        len(delta.removed),
    )


@dataclass(frozen=True)
class EditCheck:
    """The verdict on one edit."""

    edit: Edit
    change: Change
    refusals: list[str]
    report: Report
    focus_nodes: int

    @property
    def accepted(self) -> bool:
        return not self.refusals and self.report.conforms

    def lines(self) -> list[str]:
        out = [
            f"edit {self.edit.path.name} by {self.edit.curator} on {self.edit.date}: "
            f"{self.edit.reason}"
        ]
        out += ["  " + line for line in self.change.lines()]
        out += [f"  refused: {r}" for r in self.refusals]
        out += ["  " + f.line() for f in self.report.findings]
        verdict = "ACCEPT" if self.accepted else "REJECT"
        out.append(
            f"{verdict} — checked {self.focus_nodes} touched node(s); {self.report.summary()}"
        )
        return out


def _record(graph: Graph, edit: Edit, delta: Delta, sequence: int) -> None:
    node = edit.iri
    graph.add((node, RDF.type, PRK.CurationEdit))
    graph.add((node, DCTERMS.creator, Literal(edit.curator)))
    graph.add((node, DCTERMS.date, Literal(edit.date.isoformat(), datatype=XSD.date)))
    graph.add((node, PRK.reason, Literal(edit.reason)))
    graph.add((node, PRK.editFile, Literal(edit.path.name)))
    graph.add((node, PRK.sequence, Literal(sequence)))
    for touched in sorted(n for n in delta.nodes() if isinstance(n, URIRef)):
        if str(touched).startswith(BASE) and touched != node:
            graph.add((node, PRK.touched, touched))


def check_edit(
    graph: Graph,
    edit: Edit,
    shapes: Graph | None = None,
    keep: bool = False,
    sequence: int = 0,
) -> EditCheck:
    """Apply ``edit`` to ``graph`` (a :func:`tracking_graph`) and check it; roll it back unless
    ``keep`` and it is accepted. Only the neighbourhood of the touched nodes is validated."""
    delta = _apply(graph, edit)
    refusals = _refusals(graph, delta)
    change = describe(graph, delta)
    counted = _recounted(graph, delta)
    change = replace(change, counts_changed=_count_changes(graph, counted))
    with _recording(graph) as record:
        _record(graph, edit, delta, sequence)
    focus = _focus(graph, delta)
    if refusals:  # already rejected: a SHACL run would add nothing the curator must act on
        report = Report(True, [])
    else:
        report = validate_graph(neighbourhood(graph, focus), shapes, focus=focus)
    result = EditCheck(edit, change, refusals, report, len(focus))
    if not (keep and result.accepted):
        rollback(graph, record)
        rollback(graph, counted)
        rollback(graph, delta)
    return result


@dataclass(frozen=True)
class Replay:
    """The result of replaying the accepted edits on a fresh build."""

    applied: list[Edit]
    orphans: list[tuple[Edit, str]]
    #: Edits whose minted IRIs had moved and were re-anchored: (edit, {old: new}).
    moved: list[tuple[Edit, dict[str, str]]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"curation: {len(self.applied)} edit(s) replayed ({len(self.moved)} re-anchored), "
            f"{len(self.orphans)} orphaned"
        ]
        for e, moves in self.moved:
            out += [f"  MOVED {e.path.name}: {short(o)} → {short(n)}" for o, n in moves.items()]
        out += [f"  ORPHANED {e.path.name}: {reason}" for e, reason in self.orphans]
        return out


def _orphan(graph: Graph, edit: Edit, reason: str) -> None:
    node = edit.iri
    graph.add((node, RDF.type, PRK.OrphanedEdit))
    graph.add((node, PRK.editFile, Literal(edit.path.name)))
    graph.add((node, RDFS.comment, Literal(reason)))


def reanchored(graph: Graph, edit: Edit) -> tuple[Edit, dict[str, str], list[str]]:
    """``edit`` with the minted IRIs that moved in ``graph`` replaced by where their anchors
    resolve now, the moves, and the IRIs whose anchors no longer resolve."""
    moves, lost = reanchor(graph, edit.text)
    if moves:
        edit = replace(edit, text=rewrite(edit.text, moves), stored=edit.text)
    return edit, moves, lost


def replay(graph: Graph, edits: Sequence[Edit]) -> Replay:
    """Replay ``edits`` in order. An edit naming a claim, mention, evidence or price IRI that
    is gone is re-anchored first (kg/anchors.py); one whose anchor no longer resolves, or that
    no longer applies, is rolled back and marked orphaned."""
    applied, orphans, moved = [], [], []
    for seq, original in enumerate(edits, start=1):
        edit, moves, lost = reanchored(graph, original)
        if lost:
            reason = (
                f"{short(lost[0])} is gone and its anchor no longer resolves "
                "(the sentence changed or left the inputs); see kg edit rebase"
            )
            orphans.append((original, reason))
            _orphan(graph, original, reason)
            continue
        delta = _apply(graph, edit)
        refusals = _refusals(graph, delta)
        if refusals:
            rollback(graph, delta)
            orphans.append((original, refusals[0]))
            _orphan(graph, original, refusals[0])
            continue
        _recounted(graph, delta)
        with _recording(graph):
            _record(graph, edit, delta, seq)
        applied.append(edit)
        if moves:
            moved.append((original, moves))
    return Replay(applied, orphans, moved)


def vocabulary_with_edits(vocabulary: Graph, edits: Sequence[Edit]) -> Graph:
    """The vocabulary as the accepted edits leave it, for building the extraction lexicon."""
    graph = tracking_graph(vocabulary)
    for edit in edits:
        delta = _apply(graph, edit)
        if _refusals(graph, delta):
            rollback(graph, delta)
    return graph
