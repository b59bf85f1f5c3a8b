"""``kg build``, ``kg validate``, ``kg diff``, ``kg history``, ``kg eval``: making a graph and
checking it."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

import click
from rdflib import URIRef

from kg.cli.app import echo_lines, graph_option, lang_option, main, with_progress
from kg.diff import diff_graphs, diff_lines, differ
from kg.diff import history as edit_history
from kg.errors import EXIT_VIOLATIONS
from kg.evaluate import evaluate_paths, evaluation_json, format_errors, format_scores
from kg.formats import OUTPUT_FORMATS
from kg.graphs import load_graph
from kg.namespaces import expand_curie
from kg.pipeline import VALIDATION_STEPS, BuildOptions, build_command, validate_file
from kg.read import DEFAULT_MAX_BYTES


@main.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/graph.ttl"),
    show_default=True,
    help="Where to write the graph.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    help="The graph's format (default: by the suffix of --out, .ttl .nt or .jsonld; else ttl).",
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation.")
@click.option(
    "--strict", is_flag=True, help="Fail (exit 2, nothing written) if any input cannot be read."
)
@click.option(
    "--max-bytes",
    type=int,
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Report and skip input files larger than this.",
)
@click.option(
    "--curation",
    type=click.Path(path_type=Path),
    default=Path("curation"),
    show_default=True,
    help="Folder of accepted curator edits to replay.",
)
@click.option(
    "--allow-orphans",
    is_flag=True,
    help="Write the graph even if a curator's edit no longer applies (it stays listed).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Worker processes for extraction (0: one per core). The graph is the same for any N.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    envvar="PRKG_CLUSTER",
    help="Extract on a Dask cluster (scheduler address, e.g. tcp://10.0.0.5:8786).",
)
@click.option(
    "--stream",
    is_flag=True,
    help="Write N-Triples document by document in bounded memory (for large corpora; "
    "no curation replay or validation: run `kg validate` on the file).",
)
def build(inputs: tuple[str, ...], **options: Any) -> None:
    """Build the graph from files, folders, globs, .jsonl records or .warc archives
    (default: seeds/)."""
    options["validate"] = not options.pop("no_validate")
    result = with_progress("extracting", partial(build_command, BuildOptions(inputs, **options)))
    echo_lines(result.lines())
    if not result.ok:
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--waivers", type=click.Path(path_type=Path), help="Extra reviewed waivers file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.option(
    "--all", "every", is_flag=True, help="Every finding on its own line (default: repeats folded)."
)
@lang_option
@click.option(
    "--engine",
    type=click.Choice(["auto", "oxigraph", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="oxigraph: every rule as SPARQL in Oxigraph (N-Triples and Turtle files); "
    "fast: pySHACL for SHACL Core, SPARQL rules in Oxigraph; pyshacl: pySHACL alone; "
    "auto: oxigraph where it applies, else fast. All give the same report.",
)
def validate(
    graph_path: Path, waivers: Path | None, as_json: bool, lang: str, engine: str, every: bool
) -> None:
    """Validate a graph file against the SHACL shapes; exit 1 when it does not conform."""

    report = with_progress(
        "validating",
        partial(validate_file, graph_path, waivers, lang, engine),
        steps=len(VALIDATION_STEPS),
    )
    if as_json:
        click.echo(
            json.dumps(
                {"conforms": report.conforms, "findings": [f.__dict__ for f in report.findings]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for text in report.lines(folded=not every):
            click.echo(text)
        click.echo(report.summary())
    if not report.conforms:
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def diff(old: Path, new: Path, as_json: bool) -> None:
    """Claims, concepts and mappings added, removed and changed between two graph files.
    Exit 0 when they agree, 1 when they differ (as `diff` does), 2 on bad input."""
    result = diff_graphs(load_graph(old), load_graph(new))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for line in diff_lines(result):
            click.echo(line)
    if differ(result):
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("iri")
@graph_option
def history(iri: str, graph_path: Path) -> None:
    """The curator edits that touched a node (full IRI or prefixed name such as kh:fraud)."""

    rows = edit_history(load_graph(graph_path), URIRef(expand_curie(iri)))
    if not rows:
        click.echo(f"no curator edit touched {iri}")
    for r in rows:
        click.echo(f"{r['sequence']:>4}  {r['date']}  {r['curator']}  {r['file']}  — {r['reason']}")


@main.command(name="eval")
@click.option(
    "--gold", required=True, type=click.Path(path_type=Path), help="Gold annotations (JSON Lines)."
)
@click.option(
    "--docs",
    type=click.Path(path_type=Path),
    default=Path("seeds"),
    show_default=True,
    help="Folder (or file) of the documents the gold annotates.",
)
@click.option(
    "--show-errors", is_flag=True, help="List missed, spurious and wrong-concept mentions."
)
@click.option("--by-doc", is_flag=True, help="Add a score line per document.")
@click.option("--json", "as_json", is_flag=True, help="Write the whole evaluation as JSON.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 when any role's F1 is below this.")
def eval_(
    gold: Path, docs: Path, show_errors: bool, by_doc: bool, as_json: bool, min_f1: float | None
) -> None:
    """Score the extractor against gold annotations: precision, recall, F1 per role, the
    missed, spurious and wrong-role counts, and concept accuracy."""

    result = with_progress("extracting", partial(evaluate_paths, gold, docs))
    if as_json:
        click.echo(evaluation_json(result))
    else:
        click.echo(format_scores(result, by_doc=by_doc))
        if show_errors:
            click.echo(format_errors(result))
    if min_f1 is not None and any(s.f1 < min_f1 for s in result.scores.values()):
        sys.exit(EXIT_VIOLATIONS)
