"""The ``kg`` command: wiring only. Each command parses options and calls one library function.

Exit codes: 0 ok / conforms, 1 SHACL violations or scores below a threshold, 2 bad input.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date
from functools import partial, wraps
from pathlib import Path
from typing import Any, TypeVar, cast

import click
from rdflib import URIRef

from kg import __version__
from kg.curate import accept, check_edit, rebase, rebase_plan, tracking_graph
from kg.diff import diff_graphs, diff_lines
from kg.diff import history as edit_history
from kg.edits import Edit, edit_files, read_edit
from kg.emit import serialize
from kg.errors import EXIT_BAD_INPUT, EXIT_VIOLATIONS, InputError, KgError, QueryTimeout
from kg.evaluate import evaluate_paths, evaluation_json, format_errors, format_scores
from kg.executors import make_executor
from kg.files import write_atomic
from kg.formats import OUTPUT_FORMATS
from kg.guard import serve_guarded
from kg.lexicon import default_lexicon
from kg.link import (
    candidates_tsv,
    concepts,
    load_dpv,
    mappings_csv,
    propose_mappings,
    read_mapping_files,
    unmapped,
)
from kg.link import link_check as run_check
from kg.locks import writing
from kg.namespaces import PREFIXES
from kg.oxdb import database
from kg.pipeline import Task, build_stream, validate_file
from kg.pipeline import build as run_build
from kg.query import (
    bounded,
    endpoint_graph,
    find_query,
    format_result,
    load_graph,
    read_query,
    run_query,
    shipped_queries,
)
from kg.read import DEFAULT_MAX_BYTES
from kg.resources import context_path, mapping_files
from kg.serve import endpoint_url, server_command
from kg.vocab import candidate_table, vocabulary_candidates, write_proposals
from kg.vocabulary import vocabulary_graph

F = TypeVar("F", bound=Callable[..., Any])


def _bad_input(func: F) -> F:
    """Turn every error a user can cause (:class:`KgError`) into one line on stderr and that
    error's exit status (2 for bad input); the one place errors become exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


graph_option = click.option(
    "--graph",
    "graph_path",
    type=click.Path(path_type=Path),
    default=Path("build/graph.ttl"),
    show_default=True,
    help="Graph file to read (.ttl, .nt, .jsonld).",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of validation messages.",
)


@click.group()
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Privacy-risk claim knowledge graph: Chinese news on face/identity data trade → RDF."""


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
    "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="ttl", show_default=True
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
    "curation_dir",
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
@_bad_input
def build(
    inputs: tuple[str, ...],
    out: Path,
    fmt: str,
    no_validate: bool,
    strict: bool,
    max_bytes: int,
    curation_dir: Path,
    allow_orphans: bool,
    jobs: int,
    cluster: str | None,
    stream: bool,
) -> None:
    """Build the graph from files, folders, globs, .jsonl records or .warc archives
    (default: seeds/)."""

    sources: list[Path | str] = list(inputs) or [Path("seeds")]
    if stream:
        if fmt not in ("ttl", "nt"):
            raise click.UsageError("--stream writes N-Triples (--format nt)")
        fmt = "nt"
    if fmt != "ttl" and out == Path("build/graph.ttl"):
        out = out.with_suffix("." + fmt)
    executor = make_executor(jobs, cluster, initializer=Task().load)  # forked workers share it
    # one writer at a time: the output, and the edits this build replays
    guarded = [out, curation_dir if curation_dir.is_dir() and not stream else None]
    try:
        with writing(guarded):
            if stream:
                _stream_build(build_stream(sources, out, None, strict, max_bytes, executor))
                return
            run = partial(
                run_build,
                sources,
                out,
                fmt,
                validate=not no_validate,
                strict=strict,
                max_bytes=max_bytes,
                curation=curation_dir,
                executor=executor,
                allow_orphans=allow_orphans,
            )
            if sys.stderr.isatty():
                with click.progressbar(
                    length=0, label="extracting", file=sys.stderr, show_pos=True, show_percent=False
                ) as bar:
                    result = run(progress=lambda _: bar.update(1))
            else:
                result = run()
    finally:
        executor.close()
    c = result.counts
    mentions = cast(dict[str, int], c["mentions"])
    statements = cast(dict[str, int], c["claim_statements"])
    for problem in result.corpus.problems:
        click.echo(f"kg: not read: {problem.line()}", err=True)
    click.echo(f"documents read: {c['documents']} ({c['reports']} reports after grouping copies)")
    if result.corpus.problems:
        click.echo(
            f"inputs not read: {len(result.corpus.problems)} (listed above; --strict fails on them)"
        )
    click.echo("mentions: " + ", ".join(f"{k} {v}" for k, v in mentions.items()))
    click.echo(
        f"claims: {c['claims']} (statements: "
        + ", ".join(f"{k} {v}" for k, v in statements.items())
        + ")"
    )
    click.echo(f"price observations: {c['price_observations']}")
    click.echo(f"triples: {c['triples']}")
    if result.curation is not None:
        for line in result.curation.lines():
            click.echo(line, err=line.lstrip().startswith("ORPHANED"))
    if result.report is None:
        click.echo("validation: skipped")
    else:
        click.echo(result.report.summary())
        for finding in result.report.findings:
            click.echo("  " + finding.line())
    if result.ok:
        click.echo(f"graph written to {result.written}")
    else:
        why = "curator edits orphaned (kg edit rebase; --allow-orphans)" if result.orphaned else ""
        click.echo(
            f"graph NOT written to {out}; the rejected graph is in {result.written}"
            + (f" — {why}" if why else ""),
            err=True,
        )
        sys.exit(EXIT_VIOLATIONS)


def _stream_build(result: Any) -> None:
    c = result.counts
    for problem in result.problems:
        click.echo(f"kg: not read: {problem.line()}", err=True)
    click.echo(f"documents read: {c['documents']}")
    click.echo("mentions: " + ", ".join(f"{k} {v}" for k, v in c["mentions"].items()))
    click.echo(f"claims: {c['claims']}")
    click.echo(f"price observations: {c['price_observations']}")
    click.echo(f"triples: {c['triples']}")
    click.echo(f"validation: {c['validation']}")
    click.echo(f"graph written to {result.written}")


@main.command()
@click.argument("query", required=False)
@graph_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="table, or the W3C SPARQL CSV/TSV/JSON result formats.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter (IRI, prefixed name like kt:deepfake, or literal).",
)
@click.option(
    "--list", "list_", is_flag=True, help="List the shipped queries and what they answer."
)
@click.option(
    "--store",
    type=click.Choice(["oxigraph", "memory"]),
    default="oxigraph",
    show_default=True,
    help="Query engine for the graph file: Oxigraph's embedded store, or rdflib's in memory.",
)
@click.option(
    "--index",
    is_flag=True,
    help="Keep the graph in an Oxigraph database beside it (<graph>.oxigraph, remade when the "
    "file changes) and query that: later queries skip parsing the file. A current database "
    "(also made by `kg serve`) is used even without this flag.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="Query a SPARQL 1.1 endpoint (e.g. one started by `kg serve`) instead of a file.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds the query may run (locally or at the endpoint) before it is stopped.",
)
@_bad_input
def query(
    query: str | None,
    graph_path: Path,
    fmt: str,
    params: tuple[str, ...],
    list_: bool,
    store: str,
    index: bool,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run a SPARQL query file (a path, or the name of a shipped query) on the graph."""

    if list_:
        for q in shipped_queries():
            click.echo(f"{q.name:<36} {q.description or q.title}")
        return
    if not query:
        raise click.UsageError("give a query file or name, or --list")
    bound = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--param {item!r}: expected NAME=VALUE")
        bound[name] = value
    q = read_query(find_query(query))
    if index and store != "oxigraph":
        raise click.UsageError("--index needs --store oxigraph")
    graph = endpoint_graph(endpoint, timeout) if endpoint else load_graph(graph_path, store, index)
    try:
        out = bounded(
            lambda: format_result(graph, run_query(graph, q, bound), fmt), timeout, q.path.name
        )
    except KeyboardInterrupt:
        click.echo("kg: query interrupted", err=True)
        sys.stderr.flush()
        os._exit(130)  # the engine's thread cannot be stopped; the process can
    except QueryTimeout as err:
        click.echo(f"kg: error: {err}", err=True)
        sys.stderr.flush()
        os._exit(EXIT_BAD_INPUT)
    click.echo(out, nl=False)


@main.command()
@graph_option
@click.option(
    "--bind",
    default="127.0.0.1:7878",
    show_default=True,
    help="Host and port to listen on. A non-loopback address (0.0.0.0:PORT) lets anyone who "
    "can reach the machine read the whole graph; nothing else is exposed.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    help="Oxigraph database folder (default: beside the graph file, <graph>.oxigraph).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Seconds a query may run before the engine stops it.",
)
@_bad_input
def serve(graph_path: Path, bind: str, db: Path | None, timeout_s: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint until stopped: Oxigraph's engine
    behind a guard that refuses SERVICE, oversized and deeply nested queries."""

    location = database(graph_path, db)
    click.echo(
        f"SPARQL endpoint: {endpoint_url(bind)} (read-only, no SERVICE, {timeout_s} s per "
        "query; Ctrl-C stops it)",
        err=True,
    )
    serve_guarded(lambda inner: server_command(location, inner, timeout_s), bind, timeout_s)


@main.command()
@click.argument("graph_path", metavar="GRAPH", type=click.Path(path_type=Path))
@click.option("--waivers", type=click.Path(path_type=Path), help="Extra reviewed waivers file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@lang_option
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: pySHACL for SHACL Core, SPARQL constraints once per shape in Oxigraph; "
    "pyshacl: pySHACL alone (same report, slower).",
)
@_bad_input
def validate(graph_path: Path, waivers: Path | None, as_json: bool, lang: str, engine: str) -> None:
    """Validate a graph file against the SHACL shapes; exit 1 when it does not conform."""

    report = validate_file(graph_path, waivers, lang, engine)
    if as_json:
        click.echo(
            json.dumps(
                {"conforms": report.conforms, "findings": [f.__dict__ for f in report.findings]},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for finding in report.findings:
            click.echo(finding.line())
        click.echo(report.summary())
    if not report.conforms:
        sys.exit(EXIT_VIOLATIONS)


dpv_option = click.option(
    "--dpv",
    "dpv_dir",
    type=click.Path(path_type=Path),
    envvar="PRKG_DPV",
    required=True,
    help="Folder of the unmodified DPV release's Turtle files (or set PRKG_DPV).",
)


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
@_bad_input
def link_check(dpv_dir: Path, mapping_paths: tuple[Path, ...]) -> None:
    """Fail on any mapping whose target is missing from DPV or deprecated there."""
    vocab = vocabulary_graph()
    report = run_check(dpv_dir, list(mapping_paths) or mapping_files(), vocab)
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
@_bad_input
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
@_bad_input
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


curation_option = click.option(
    "--curation",
    "curation_dir",
    type=click.Path(path_type=Path),
    default=Path("curation"),
    show_default=True,
    help="Folder of accepted curator edits.",
)


@main.group()
def edit() -> None:
    """Curator edits: check one before accepting it, or apply it."""


def _run_edit(edit_path: Path, graph_path: Path, keep: bool, curation_dir: Path) -> None:
    edit_ = read_edit(edit_path)
    # one writer at a time: a build or another apply waits for an application (not a check)
    with writing([graph_path, curation_dir]) if keep else nullcontext():
        _check_and_keep(edit_, graph_path, curation_dir, keep)


def _check_and_keep(edit_: Edit, graph_path: Path, curation_dir: Path, keep: bool) -> None:
    graph = tracking_graph(load_graph(graph_path))
    sequence = len(edit_files(curation_dir)) + 1
    result = check_edit(graph, edit_, sequence=sequence)
    for line in result.lines():
        click.echo(line)
    if not result.accepted:
        sys.exit(EXIT_VIOLATIONS)
    if keep:  # record it under its name in curation/, exactly as the next build will replay it
        stored = accept(edit_, curation_dir, graph)  # with anchors of what the curator saw
        check_edit(graph, read_edit(stored), keep=True, sequence=sequence)
        fmt = {".nt": "nt", ".jsonld": "jsonld"}.get(graph_path.suffix, "ttl")
        write_atomic(graph_path, serialize(graph, fmt))
        click.echo(f"recorded as {stored}; {graph_path} updated")


@edit.command("check")
@click.argument("edit_path", metavar="FILE", type=click.Path(path_type=Path))
@graph_option
@curation_option
@_bad_input
def edit_check(edit_path: Path, graph_path: Path, curation_dir: Path) -> None:
    """Apply FILE to a copy of the graph, validate what it touches, say accept (0) or reject (1)."""
    _run_edit(edit_path, graph_path, keep=False, curation_dir=curation_dir)


@edit.command("apply")
@click.argument("edit_path", metavar="FILE", type=click.Path(path_type=Path))
@graph_option
@curation_option
@_bad_input
def edit_apply(edit_path: Path, graph_path: Path, curation_dir: Path) -> None:
    """Check FILE; if accepted, record it in curation/ and update the graph; else change nothing."""
    _run_edit(edit_path, graph_path, keep=True, curation_dir=curation_dir)


@edit.command("rebase")
@graph_option
@curation_option
@click.option("--yes", is_flag=True, help="Rewrite the moved edits without asking.")
@_bad_input
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


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_bad_input
def diff(old: Path, new: Path, as_json: bool) -> None:
    """Claims, concepts and mappings added, removed and changed between two graph files.
    Exit 0 when they agree, 1 when they differ (as `diff` does), 2 on bad input."""
    result = diff_graphs(load_graph(old), load_graph(new))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        for line in diff_lines(result):
            click.echo(line)
    if any(values for kinds in result.values() for values in kinds.values()):
        sys.exit(EXIT_VIOLATIONS)


@main.command()
@click.argument("iri")
@graph_option
@_bad_input
def history(iri: str, graph_path: Path) -> None:
    """The curator edits that touched a node (full IRI or prefixed name such as kh:fraud)."""

    prefix, _, local = iri.partition(":")
    node = (
        URIRef(PREFIXES[prefix] + local) if prefix in PREFIXES and "//" not in iri else URIRef(iri)
    )
    rows = edit_history(load_graph(graph_path), node)
    if not rows:
        click.echo(f"no curator edit touched {iri}")
    for r in rows:
        click.echo(f"{r['sequence']:>4}  {r['date']}  {r['curator']}  {r['file']}  — {r['reason']}")


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
@_bad_input
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
@_bad_input
def eval_(
    gold: Path, docs: Path, show_errors: bool, by_doc: bool, as_json: bool, min_f1: float | None
) -> None:
    """Score the extractor against gold annotations: precision, recall, F1 per role, the
    missed, spurious and wrong-role counts, and concept accuracy."""

    result = evaluate_paths(gold, docs)
    if as_json:
        click.echo(evaluation_json(result))
    else:
        click.echo(format_scores(result, by_doc=by_doc))
        if show_errors:
            click.echo(format_errors(result))
    if min_f1 is not None and any(s.f1 < min_f1 for s in result.scores.values()):
        sys.exit(EXIT_VIOLATIONS)


if __name__ == "__main__":
    main()
