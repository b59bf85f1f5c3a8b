"""``kg query`` and ``kg serve``: asking the graph."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.app import graph_option, main, screen_rows, terminal_width
from kg.errors import EXIT_BAD_INPUT, InputError, QueryTimeout
from kg.formats import DEFAULT_STORE, STORES
from kg.query import (
    Request,
    Source,
    answer,
    listing,
    parse_params,
    query_from,
    shipped_queries,
)
from kg.results import GRAPH_FORMATS, SOLUTION_FORMATS


@main.command()
@click.argument("query", required=False)
@graph_option
@click.option("-e", "--expression", metavar="SPARQL", help="The query text itself.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*SOLUTION_FORMATS, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
    help="table, or the W3C SPARQL CSV/TSV/JSON/XML result formats; ttl, nt or jsonld for "
    "CONSTRUCT and DESCRIBE (Turtle by default).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a query parameter: an IRI, a prefixed name like kt:deepfake, a concept label "
    "in any language, or a number, as the query's header says (--list shows them).",
)
@click.option("--list", "list_", is_flag=True, help="List the shipped queries and parameters.")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows.")
@click.option(
    "--width",
    type=click.IntRange(min=0),
    help="Table width in columns; cells wrap, never cut (default: the terminal's; 0: none).",
)
@click.option(
    "--store",
    type=click.Choice(STORES),
    default=DEFAULT_STORE,
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
    expression: str | None,
    params: tuple[str, ...],
    list_: bool,
    fmt: str,
    limit: int | None,
    offset: int,
    width: int | None,
    **source: Any,
) -> None:
    """Run a SPARQL query (a file, a shipped query's name, -e TEXT, or - for stdin) on the
    graph. ASK exits 0 when true and 1 when false."""

    if list_:
        click.echo(listing(shipped_queries(check=False)), nl=False)
        return
    request = Request(
        query_from(query, expression),
        parse_params(params),
        fmt,
        terminal_width() if width is None else width,
        limit,
        offset,
        screen_rows(),
    )
    try:
        out = answer(Source(**source), request)
    except KeyboardInterrupt:
        click.echo("kg: query interrupted", err=True)
        sys.stderr.flush()
        os._exit(130)  # the engine's thread cannot be stopped; the process can
    except QueryTimeout as err:
        click.echo(f"kg: error: {err}", err=True)
        sys.stderr.flush()
        os._exit(EXIT_BAD_INPUT)
    click.echo(out.text, nl=False)
    sys.exit(out.exit_code)


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
    help="Serve this Oxigraph database folder (made from the graph when missing or stale); "
    "implies --on-disk.",
)
@click.option(
    "--on-disk",
    is_flag=True,
    help="Serve an Oxigraph database folder (default <graph>.oxigraph) instead of loading the "
    "graph into memory: starts at once on a known graph and needs little memory, but queries "
    "run 2-5x slower. Chosen by itself when the graph does not fit in the free memory.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Seconds a query may run before the engine stops it.",
)
def serve(graph_path: Path, bind: str, db: Path | None, on_disk: bool, timeout_s: int) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint until stopped: Oxigraph's engine, the
    graph in memory, behind a guard that refuses SERVICE, updates, oversized and deeply nested
    queries."""

    from kg.guard import serve_guarded  # (the HTTP server: not loaded for `kg query`)
    from kg.oxdb import database
    from kg.serve import endpoint_url, fits_in_memory, load_into, server_command

    if not graph_path.is_file():
        raise InputError(f"{graph_path}: no such graph file (run `kg build` first?)")
    in_memory = not on_disk and db is None and fits_in_memory(graph_path)
    location = None if in_memory else database(graph_path, db)
    where = "in memory" if in_memory else f"on disk, {location}"
    click.echo(f"kg serve: loading {graph_path} ({where}) …", err=True)
    announce = (
        f"SPARQL endpoint: {endpoint_url(bind)} (read-only, {where}, no SERVICE, {timeout_s} s "
        "per query; Ctrl-C stops it)"
    )
    try:
        serve_guarded(
            lambda inner: server_command(location, inner, timeout_s),
            bind,
            timeout_s,
            prepare=(lambda inner: load_into(inner, graph_path)) if in_memory else None,
            ready=lambda: click.echo(announce, err=True),
        )
    except OSError as err:  # a busy or foreign address, an engine that does not start
        raise InputError(str(err)) from None
