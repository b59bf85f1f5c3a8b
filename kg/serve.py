"""The graph as a read-only SPARQL 1.1 endpoint, served by Oxigraph's own HTTP server.

``kg serve`` starts Oxigraph's server on a private loopback port behind the guard of
kg/guard.py (no SERVICE, bounded size, nesting and time, nothing but queries). By default the
graph is loaded into the server's memory, where queries run 2–5× faster than on Oxigraph's
on-disk database (bench/RESULTS.md); a graph too large for the free memory, or ``--on-disk``,
is served from a database folder instead (made once per version of the file: the folder
records the file's SHA-256), with ``oxigraph serve-read-only``. The endpoint speaks the standard
SPARQL 1.1 protocol at ``http://HOST:PORT/query``, so ``kg query --endpoint``, SPARQLWrapper,
YASGUI or any other SPARQL client can use it.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from kg.errors import InputError
from kg.formats import for_path
from kg.oxdb import oxigraph_command

#: Bytes of memory the in-memory server takes per byte of N-Triples (measured: 414 MB for a
#: 198 MB file of 1.27 million triples), with room to spare.
MEMORY_PER_BYTE = 3
#: Formats the server loads itself (JSON-LD may name remote contexts: the database path
#: reads it with the project's local contexts instead).
_SERVED = ("nt", "ttl", "nq")


def server_command(location: Path | None, bind: str, timeout_s: int | None = None) -> list[str]:
    """The command line of an Oxigraph server: read-only on the database folder ``location``,
    or in memory (empty until :func:`load_into` fills it) when None. Queries are stopped after
    ``timeout_s`` seconds when given."""
    if location is None:
        command = [oxigraph_command(), "serve", "--bind", bind]
    else:
        command = [oxigraph_command(), "serve-read-only", "--location", str(location)]
        command += ["--bind", bind]
    return command + (["--timeout-s", str(timeout_s)] if timeout_s else [])


def fits_in_memory(graph: Path) -> bool:
    """Whether the in-memory server can hold ``graph``: a format it loads, and the free memory
    for it."""
    found = for_path(graph)
    if found is None or found.name not in _SERVED:
        return False
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return False
    return graph.stat().st_size * MEMORY_PER_BYTE < free


def load_into(bind: str, graph: Path) -> None:
    """Load ``graph`` into the in-memory server at ``bind`` (its default graph, with Oxigraph's
    bulk loader). A file the server cannot parse is :class:`InputError`."""
    found = for_path(graph)
    assert found is not None and found.name in _SERVED
    url = f"http://{bind}/store?default&no_transaction"
    with graph.open("rb") as body:
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", found.media_type)
        request.add_header("Content-Length", str(graph.stat().st_size))
        try:
            with urllib.request.urlopen(request, timeout=3600) as reply:
                reply.read()
        except urllib.error.HTTPError as err:
            reason = " ".join(err.read().decode("utf-8", "replace").split())[:160]
            raise InputError(f"{graph}: the server cannot load it ({reason})") from None


def endpoint_url(bind: str) -> str:
    """The SPARQL query URL of a server bound to ``bind`` (``host:port``)."""
    return f"http://{bind}/query"
