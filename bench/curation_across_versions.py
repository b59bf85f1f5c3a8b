"""Curator decisions across an extractor change: made on the graph of an old version, replayed
by a build with this one. Prints how many edits applied as they were, were re-anchored, or were
orphaned (lost); the target is zero orphans.

    python bench/curation_across_versions.py [--old REV]   (default: bd0a4f1, before issue 12)

The old version's package, vocabulary and seeds are taken from git (``git archive``) and run
with the installed dependencies. On its graph, these edits are made and stored with anchors, as
``kg edit apply`` does: a retraction of every claim, one edit per claim; and each template of
``curation/templates/`` with its placeholders filled from that graph (an altLabel, a deprecated
concept, two actors merged). Then this version builds the seeds and replays them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kg.curate import check_edit, tracking_graph
from kg.curation import accept
from kg.edits import read_edit
from kg.namespaces import PRK
from kg.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
HEADER = "# curator: bench\n# date: 2026-12-04\n# reason: {}\n"


def old_tree(rev: str, into: Path) -> Path:
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "kg", "ontology", "queries", "seeds"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def old_graph(tree: Path, out: Path) -> Graph:
    subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", "seeds", "--out", str(out), "--curation", "none"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    return Graph().parse(out)


def edits_for(graph: Graph, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, str]] = []
    for n, claim in enumerate(sorted(graph.subjects(RDF.type, PRK.Claim)), 1):
        texts.append(
            (
                f"retract-{n:03d}.ru",
                HEADER.format("retraction")
                + f"INSERT DATA {{ <{claim}> <{PRK.status}> <{PRK.Retracted}> }}\n",
            )
        )
    templates = ROOT / "curation" / "templates"
    texts.append(("add-altlabel.ttl", (templates / "add-altlabel.ttl").read_text("utf-8")))
    deprecate = (templates / "deprecate-concept.ru").read_text("utf-8")
    texts.append(
        (
            "deprecate-concept.ru",
            deprecate.replace("technique/OLD", "technique/printed-photo-attack").replace(
                "technique/NEW", "technique/presentation-attack"
            ),
        )
    )
    experts = sorted(
        a
        for a in graph.subjects(RDF.type, PRK.Expert)
        if any(graph.subjects(PRK.claimant, a)) and isinstance(a, URIRef)
    )
    merge = (templates / "merge-actors.ru").read_text("utf-8")
    texts.append(
        (
            "merge-actors.ru",
            merge.replace("https://w3id.org/prkg/id/actor/OLD", str(experts[0])).replace(
                "https://w3id.org/prkg/id/actor/KEPT", str(experts[1])
            ),
        )
    )
    paths = []
    for name, text in texts:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="bd0a4f1", help="git revision of the old extractor")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tree = old_tree(args.old, work / "old")
        graph = tracking_graph(old_graph(tree, work / "old.ttl"))
        curation = work / "curation"
        accepted = rejected = 0
        for path in edits_for(graph, work / "proposed"):
            edit = read_edit(path)
            if check_edit(graph, edit).accepted:
                accept(edit, curation, graph)  # stored with anchors of the old graph's nodes
                check_edit(graph, edit, keep=True)
                accepted += 1
            else:
                rejected += 1
        result = build([ROOT / "seeds"], work / "new.ttl", curation=curation, allow_orphans=True)
        replay = result.curation
        assert replay is not None
        labels = {str(a) for a in result.graph.subjects(RDF.type, PRK.Claim)}
        print(
            f"old extractor: {args.old}; edits made on its graph: {accepted} (rejected {rejected})"
        )
        print(
            f"replayed by this version: {len(replay.applied)} applied "
            f"({len(replay.moved)} re-anchored), {len(replay.orphans)} orphaned; "
            f"claims now: {len(labels)}"
        )
        for edit, reason in replay.orphans:
            print(f"  ORPHANED {edit.path.name}: {reason}")
        retracted = sum(1 for _ in result.graph.subjects(PRK.status, PRK.Retracted))
        print(f"claims retracted in the new graph: {retracted}")


if __name__ == "__main__":
    main()
