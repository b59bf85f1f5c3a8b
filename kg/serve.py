"""The graph as a read-only SPARQL 1.1 endpoint, served by Oxigraph's own HTTP server.

``kg serve`` loads the graph file into an Oxigraph database folder (once per version of the
file: the folder records the file's SHA-256) and starts ``oxigraph serve-read-only`` on it, on a
private loopback port behind the guard of kg/guard.py (no SERVICE, bounded size, nesting and
time). The endpoint speaks the standard SPARQL 1.1 protocol at ``http://HOST:PORT/query``, so
``kg query --endpoint``, SPARQLWrapper, YASGUI or any other SPARQL client can use it.
"""

from __future__ import annotations

from pathlib import Path

from kg.oxdb import oxigraph_command


def server_command(location: Path, bind: str, timeout_s: int | None = None) -> list[str]:
    """The command line of a read-only Oxigraph server on ``location`` (queries stopped after
    ``timeout_s`` seconds when given)."""
    command = [oxigraph_command(), "serve-read-only", "--location", str(location), "--bind", bind]
    return command + (["--timeout-s", str(timeout_s)] if timeout_s else [])


def endpoint_url(bind: str) -> str:
    """The SPARQL query URL of a server bound to ``bind`` (``host:port``)."""
    return f"http://{bind}/query"
