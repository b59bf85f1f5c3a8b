"""``kg query`` and ``kg serve``: asking the graph."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kg.cli.app import graph_option, main
from kg.errors import EXIT_BAD_INPUT, InputError, QueryTimeout
from kg.graphs import endpoint_graph, load_graph
from kg.guard import serve_guarded
from kg.oxdb import database
from kg.query import (
    bounded,
    find_query,
    format_result,
    read_query,
    run_query,
    shipped_queries,
)
from kg.serve import endpoint_url, server_command


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
