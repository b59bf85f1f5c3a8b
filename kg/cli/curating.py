"""``kg edit``, ``kg vocab``, ``kg link``, ``kg export``: curating the graph and linking it."""

from __future__ import annotations

import sys
from datetime import date
from functools import partial
from pathlib import Path

import click

from kg.cli.app import curation_option, dpv_option, graph_option, main, with_progress
from kg.curation import check_edit_file, rebase, rebase_plan
from kg.errors import EXIT_VIOLATIONS
from kg.files import write_atomic
from kg.graphs import load_graph
from kg.lexicon import default_lexicon
from kg.link import (
    LINK_CHECK_STEPS,
    candidates_tsv,
    concepts,
    load_dpv,
    mappings_csv,
    propose_mappings,
    read_mapping_files,
    unmapped,
)
from kg.link import link_check as run_check
from kg.resources import context_path, mapping_files
from kg.vocab import candidate_table, vocabulary_candidates, write_proposals
from kg.vocabulary import vocabulary_graph


@main.group()
def edit() -> None:
    """Curator edits: check one before accepting it, or apply it."""


@edit.command("check")
@click.argument("edit_path", metavar="FILE", type=click.Path(path_type=Path))
@graph_option
@curation_option
def edit_check(edit_path: Path, graph_path: Path, curation_dir: Path) -> None:
    """Apply FILE to a copy of the graph, validate what it touches, say accept (0) or reject (1)."""
    _edit(edit_path, graph_path, curation_dir, keep=False)


@edit.command("apply")
@click.argument("edit_path", metavar="FILE", type=click.Path(path_type=Path))
@graph_option
@curation_option
def edit_apply(edit_path: Path, graph_path: Path, curation_dir: Path) -> None:
    """Check FILE; if accepted, record it in curation/ and update the graph; else change nothing."""
    _edit(edit_path, graph_path, curation_dir, keep=True)


def _edit(edit_path: Path, graph_path: Path, curation_dir: Path, keep: bool) -> None:
    result = check_edit_file(edit_path, graph_path, curation_dir, keep)
    for line in result.lines():
        click.echo(line)
    if not result.accepted:
        sys.exit(EXIT_VIOLATIONS)


@edit.command("rebase")
@graph_option
@curation_option
@click.option("--yes", is_flag=True, help="Rewrite the moved edits without asking.")
def edit_rebase(graph_path: Path, curation_dir: Path, yes: bool) -> None:
    """Show accepted edits whose claims, mentions or evidence moved or are gone in the graph;
    after confirmation, rewrite the moved ones to the new IRIs. Exit 1 while orphans remain."""

    graph = load_graph(graph_path)
    plan = rebase_plan(graph, curation_dir)
    for item in plan:
        for line in item.lines():
            click.echo(line)
    movable = [p for p in plan if p.moves and not p.lost]
    if movable and (yes or click.confirm(f"rewrite {len(movable)} edit(s)?", default=False)):
        for path in rebase(graph, movable):
            click.echo(f"rewrote {path}")
    orphans = [p for p in plan if p.lost]
    click.echo(f"rebase: {len(movable)} moved, {len(orphans)} orphaned")
    if orphans:
        sys.exit(EXIT_VIOLATIONS)


@main.group()
def vocab() -> None:
    """The vocabulary loop: what the news says that the vocabulary does not name yet."""


@vocab.command("candidates")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--min-count", type=click.IntRange(1), default=2, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="Keep the N most frequent.")
@click.option(
    "--propose",
    "propose_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Write each candidate as a curation edit in this folder (e.g. curation/proposals).",
)
@click.option(
    "--curator", default=None, help="Name in the proposals' header (required with --propose)."
)
def vocab_candidates(
    inputs: tuple[Path, ...],
    min_count: int,
    limit: int | None,
    propose_dir: Path | None,
    curator: str | None,
) -> None:
    """Rank words of spans no concept names (found by the construction finders), with counts
    and example quotes; --propose writes them as edits for `kg edit check` / `kg edit apply`."""

    if propose_dir is not None and not curator:
        raise click.UsageError("--propose needs --curator NAME for the edits' header")
    found = vocabulary_candidates(inputs or (Path("seeds"),), default_lexicon(), min_count, limit)
    for line in candidate_table(found):
        click.echo(line)
    if propose_dir is not None and curator:
        paths = write_proposals(found, propose_dir, curator, date.today())
        click.echo(f"{len(paths)} proposal(s) written to {propose_dir}")


@main.group()
def link() -> None:
    """Links to W3C DPV and to legal provisions: check them, propose new ones."""


@link.command("check")
@dpv_option
@click.option(
    "--mappings",
    "mapping_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SSSOM TSV file(s) to check (default: the shipped ontology/mappings/*.sssom.tsv).",
)
def link_check(dpv_dir: Path, mapping_paths: tuple[Path, ...]) -> None:
    """Fail on any mapping whose target is missing from DPV or deprecated there."""
    vocab = vocabulary_graph()
    report = with_progress(
        "checking links",
        partial(run_check, dpv_dir, list(mapping_paths) or mapping_files(), vocab),
        steps=len(LINK_CHECK_STEPS),
    )
    for line in report.lines(vocab):
        click.echo(line)
    if not report.ok:
        sys.exit(EXIT_VIOLATIONS)


@link.command("propose")
@dpv_option
@click.option("--min-score", type=float, default=0.6, show_default=True, help="0..1 similarity.")
@click.option("--per-concept", type=int, default=3, show_default=True)
@click.option("--all", "all_concepts", is_flag=True, help="Also concepts that are mapped already.")
@click.option("--out", type=click.Path(path_type=Path), help="Write the SSSOM rows here.")
def link_propose(
    dpv_dir: Path, min_score: float, per_concept: int, all_concepts: bool, out: Path | None
) -> None:
    """Propose DPV targets for unmapped concepts by label similarity, as SSSOM rows to review."""
    vocab = vocabulary_graph()
    dpv = load_dpv(dpv_dir)
    pool = concepts(vocab) if all_concepts else unmapped(vocab, read_mapping_files(mapping_files()))
    found = propose_mappings(
        vocab, dpv, [c for _, c in pool], min_score=min_score, per_concept=per_concept
    )
    text = candidates_tsv(found, vocab, dpv)
    if out:
        write_atomic(out, text.encode("utf-8"))
        click.echo(f"{len(found)} candidate(s) for {len(pool)} concept(s) written to {out}")
    else:
        click.echo(text, nl=False)


@main.group()
def export() -> None:
    """Exports for people without RDF tooling."""


@export.command("mappings")
@click.option("--out", type=click.Path(path_type=Path), help="CSV file (default: stdout).")
def export_mappings(out: Path | None) -> None:
    """Every DPV and legal mapping as CSV with full IRIs, justification, confidence, curator."""
    text = mappings_csv(read_mapping_files(mapping_files()), vocabulary_graph())
    if out:
        write_atomic(out, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)


@export.command("context")
@click.option("--out", type=click.Path(path_type=Path), help="File (default: stdout).")
def export_context(out: Path | None) -> None:
    """The JSON-LD context the graph's JSON-LD uses (publish it at w3id.org/prkg/context.jsonld)."""

    data = context_path().read_bytes()
    if out:
        write_atomic(out, data)
    else:
        click.echo(data.decode("utf-8"), nl=False)
