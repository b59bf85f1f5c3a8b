"""Curation as file-level verbs: check an edit against a graph file, apply it (recorded in the
curation folder and the graph file updated, under the writers' lock), and rebase the recorded
edits onto a rebuilt graph. ``kg edit`` and the review app call these, so every edit goes
through the same check."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.anchors import anchored, reanchor, rewrite, short
from kg.curate import EditCheck, check_edit, tracking_graph
from kg.edits import Edit, edit_files, read_edit
from kg.errors import InputError
from kg.files import write_atomic
from kg.formats import by_name, for_path
from kg.graphs import load_graph
from kg.locks import writing
from kg.serialize import serialize


@dataclass
class EditResult:
    """The check of an edit, and where it was recorded when it was applied."""

    check: EditCheck
    stored: Path | None = None
    graph_path: Path | None = None

    @property
    def accepted(self) -> bool:
        return self.check.accepted

    def lines(self) -> list[str]:
        out = self.check.lines()
        if self.stored is not None:
            out.append(f"recorded as {self.stored}; {self.graph_path} updated")
        return out


def check_edit_file(
    edit: Edit | Path, graph_path: Path, curation: Path, keep: bool = False
) -> EditResult:
    """Check ``edit`` on the graph in ``graph_path``; with ``keep`` and when accepted, record it
    in ``curation`` (anchored to what the curator saw, exactly as the next build replays it) and
    write the edited graph back. A check takes no lock; an application holds the writers' lock
    on the graph and the curation folder, and a rejected edit writes nothing."""
    if isinstance(edit, Path):
        edit = read_edit(edit)
    with writing([graph_path, curation]) if keep else nullcontext():
        graph = tracking_graph(load_graph(graph_path))
        sequence = len(edit_files(curation)) + 1
        result = EditResult(check_edit(graph, edit, sequence=sequence))
        if keep and result.accepted:
            stored = accept(edit, curation, graph)
            check_edit(graph, read_edit(stored), keep=True, sequence=sequence)
            write_atomic(
                graph_path, serialize(graph, (for_path(graph_path) or by_name("ttl")).name)
            )
            result.stored, result.graph_path = stored, graph_path
        return result


@dataclass(frozen=True)
class Rebase:
    """What rebasing one accepted edit onto a graph would do."""

    edit: Edit
    moves: dict[str, str]
    lost: list[str]

    def lines(self) -> list[str]:
        out = [
            f"  MOVED {self.edit.path.name}: {short(o)} → {short(n)}" for o, n in self.moves.items()
        ]
        out += [
            f"  ORPHANED {self.edit.path.name}: {short(i)} no longer resolves" for i in self.lost
        ]
        return out


def rebase_plan(graph: Graph, folder: Path) -> list[Rebase]:
    """For each accepted edit in ``folder`` that names IRIs ``graph`` no longer holds: where
    they moved, and which are lost (the orphans a curator must decide on)."""
    out = []
    for path in edit_files(folder):
        edit = read_edit(path)
        moves, lost = reanchor(graph, edit.text)
        if moves or lost:
            out.append(Rebase(edit, moves, lost))
    return out


def rebase(graph: Graph, plan: Sequence[Rebase]) -> list[Path]:
    """Rewrite each edit of ``plan`` that moved to the IRIs it resolves to now (its old anchors
    kept, anchors of the new IRIs added); orphans are left as they are. Returns the files
    rewritten (atomically)."""
    written = []
    for item in plan:
        if not item.moves or item.lost:
            continue
        text = anchored(rewrite(item.edit.text, item.moves), graph)
        write_atomic(item.edit.path, text.encode("utf-8"))
        written.append(item.edit.path)
    return written


def accept(edit: Edit, folder: Path, graph: Graph | None = None) -> Path:
    """Store an accepted edit in ``folder`` with the next sequence number, unless it is there.

    With ``graph`` (the graph the edit was checked on, before it), the stored text carries an
    anchor for each claim, mention, evidence and price IRI it names, so that the edit survives
    a rebuild that moves them (kg/anchors.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    if edit.path.resolve().parent == folder.resolve():
        return edit.path
    numbers = [int(m.group(1)) for p in edit_files(folder) if (m := re.match(r"(\d+)-", p.name))]
    target = folder / f"{max(numbers, default=0) + 1:04d}-{edit.path.name}"
    text = edit.text if graph is None else anchored(edit.text, graph)
    write_atomic(target, text.encode("utf-8"))
    return target


# ---------------------------------------------------------------- edits written for curators
_PREFIXES = (
    "PREFIX prk: <https://w3id.org/prkg/ns#>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
)


def _header(curator: str, reason: str, day: date | None = None) -> str:
    for name, value in (("curator", curator), ("reason", reason)):
        if not value.strip() or "\n" in value:
            raise InputError(
                f"the edit needs a one-line {name} (set the curator once, at the top)"
                if name == "curator"
                else f"the edit needs a one-line {name}"
            )
    return (
        f"# curator: {curator.strip()}\n# date: {(day or date.today()).isoformat()}\n"
        f"# reason: {reason.strip()}\n"
    )


def retraction(claim: URIRef, curator: str, reason: str) -> tuple[str, str]:
    """The edit (file name, text) that retracts ``claim``: kept, left out of default answers."""
    return "retract-claim.ru", _header(curator, reason) + _PREFIXES + (
        f"INSERT DATA {{ {claim.n3()} prk:status prk:Retracted }}\n"
    )


def spurious(mention: URIRef, curator: str, reason: str) -> tuple[str, str]:
    """The edit that marks ``mention`` as found in error."""
    return "spurious-mention.ru", _header(curator, reason) + _PREFIXES + (
        f"INSERT DATA {{ {mention.n3()} prk:status prk:Spurious }}\n"
    )


def reconcept(mention: URIRef, concept: URIRef, curator: str, reason: str) -> tuple[str, str]:
    """The edit that makes ``mention`` denote ``concept`` instead of what it denotes now."""
    return "change-concept.ru", _header(curator, reason) + _PREFIXES + (
        f"DELETE {{ {mention.n3()} prk:denotes ?old }}\n"
        f"INSERT {{ {mention.n3()} prk:denotes {concept.n3()} }}\n"
        f"WHERE {{ {mention.n3()} prk:denotes ?old }}\n"
    )


def alt_label(concept: URIRef, text: str, lang: str, curator: str, reason: str) -> tuple[str, str]:
    """The Turtle edit that gives ``concept`` another surface form, which the next build's
    lexicon matches."""
    if not text.strip():
        raise InputError("the label is empty")
    literal = Literal(text.strip(), lang=lang or None)
    return "add-altlabel.ttl", _header(curator, reason) + (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"{concept.n3()} skos:altLabel {literal.n3()} .\n"
    )


def merger(old: URIRef, kept: URIRef, curator: str, reason: str) -> tuple[str, str]:
    """The edit that merges concept ``old`` into ``kept`` (deprecated, replaced by it)."""
    if old == kept:
        raise InputError("a concept cannot be merged into itself")
    return "merge-concepts.ru", _header(curator, reason) + _PREFIXES + (
        f"INSERT DATA {{ {old.n3()} owl:deprecated true ; dcterms:isReplacedBy {kept.n3()} }}\n"
    )


def submit(edit: tuple[str, str], graph_path: Path, curation: Path) -> EditResult:
    """Check a written edit exactly as ``kg edit apply`` does and, when accepted, record it in
    ``curation`` and update the graph file; a rejected edit writes nothing."""
    name, text = edit
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / name
        path.write_text(text, encoding="utf-8")
        return check_edit_file(path, graph_path, curation, keep=True)
