"""Oxigraph database folders that hold a graph file, kept beside it and reused while current.

``<graph>.oxigraph`` records the SHA-256, size, inode and modification time of the file it was
loaded from; ``kg query --index`` and ``kg serve`` open it instead of parsing the file again,
and load it anew when the file changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.formats import by_name, for_path

if TYPE_CHECKING:
    import pyoxigraph as ox

_MARK = "prkg-source.sha256"


def oxigraph_command() -> str:
    """The ``oxigraph`` program installed with the package (PyPI ``oxigraph``)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("oxigraph: server program not found (pip install oxigraph)")
    return found


def _sha256(path: Path) -> str:
    """SHA-256 of the file at ``path``, remembered for this very file (:func:`_stat`): checking
    a database and then loading a new one hash the file once."""
    return _file_digest(path, _stat(path))


@lru_cache(maxsize=8)
def _file_digest(path: Path, stat: str) -> str:
    """The digest itself; ``stat`` only keys the memo, so a changed file is read again."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_folder(graph: Path) -> Path:
    """Where the database of ``graph`` is kept by default: beside it, ``<graph>.oxigraph``."""
    return graph.with_name(graph.name + ".oxigraph")


def _stat(path: Path) -> str:
    """Size, inode and modification time of ``path``: when all are as recorded, the file is
    taken to be the one loaded (as git's index does) without reading it again. An atomic
    rewrite (a new file renamed into place) changes the inode even within one clock tick."""
    st = path.stat()
    return f"{st.st_size} {st.st_ino} {st.st_mtime_ns}"


def _recorded(folder: Path) -> tuple[str, str] | None:
    """(SHA-256, stat line) of the file the database was loaded from; the stat line is empty
    in a folder made before it was recorded."""
    mark = folder / _MARK
    if not mark.is_file():
        return None
    lines = mark.read_text().splitlines() + ["", ""]
    return lines[0].strip(), lines[1].strip()


def _holds(graph: Path, target: Path) -> bool:
    """Whether the database in ``target`` holds this very file: same size and modification
    time as recorded, or else the same SHA-256 (a file touched but unchanged stays current)."""
    recorded = _recorded(target)
    if recorded is None:
        return False
    digest, stat = recorded
    if stat and stat == _stat(graph):
        return True
    if digest != _sha256(graph):
        return False
    with suppress(OSError):  # a read-only folder stays usable, at the cost of a hash each time
        _mark(target, digest, graph)
    return True


def _mark(folder: Path, digest: str, graph: Path) -> None:
    (folder / _MARK).write_text(f"{digest}\n{_stat(graph)}\n")


#: Formats read straight into Oxigraph, for querying and validating (JSON-LD goes through
#: rdflib, with the project's local contexts; N-Quads through oxrdflib, into the default graph).
LOADED_FORMATS = ("nt", "ttl")


def oxigraph_format(name: str) -> ox.RdfFormat:
    """Oxigraph's name for the format kg calls ``name`` (see :data:`kg.formats.FORMATS`)."""
    import pyoxigraph as ox

    found = ox.RdfFormat.from_extension(by_name(name).oxigraph)
    if found is None:  # every entry of kg.formats.FORMATS has one
        raise ValueError(f"Oxigraph has no format {name!r}")
    return found


def open_store(graph: Path, index: bool = False) -> ox.Store | None:
    """The graph file in an Oxigraph store to query: its current database folder opened
    read-only (made first with ``index``), else the file bulk-loaded into memory. None for a
    format loaded through rdflib (:func:`kg.graphs.load_graph`). Bad input is
    :class:`InputError`. (pyoxigraph is imported here, not for every command.)"""
    import pyoxigraph as ox

    found = for_path(graph)
    if found is None:
        raise InputError(f"{graph}: unknown RDF format (use .ttl, .nt, .nq or .jsonld)")
    if not graph.is_file():
        raise InputError(f"{graph}: no such graph file (run `kg build` first?)")
    folder = database(graph) if index else current_database(graph)
    if folder is not None:
        try:
            return ox.Store.read_only(str(folder))
        except OSError as err:
            raise InputError(f"{folder}: cannot open the Oxigraph database ({err})") from None
    if found.name not in LOADED_FORMATS:
        return None
    store = ox.Store()
    try:
        store.bulk_load(  # relative IRIs resolved against the file, as rdflib reads them
            path=str(graph),
            format=oxigraph_format(found.name),
            base_iri=graph.resolve().as_uri(),
        )
    except (SyntaxError, ValueError) as err:
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{graph}: malformed {found.rdflib} ({reason})") from None
    return store


def current_database(graph: Path, folder: Path | None = None) -> Path | None:
    """The database folder of ``graph`` if it holds this very file (see :func:`_holds`)."""
    target = folder or default_folder(graph)
    return target if _holds(graph, target) else None


def database(graph: Path, folder: Path | None = None) -> Path:
    """The Oxigraph database folder holding ``graph``, loaded now unless already current."""
    fmt = for_path(graph)
    if fmt is None:
        raise InputError(f"{graph}: unknown RDF format (use .ttl, .nt, .nq or .jsonld)")
    if not graph.is_file():
        raise InputError(f"{graph}: no such graph file (run `kg build` first?)")
    target = folder or default_folder(graph)
    if _holds(graph, target):
        return target
    digest = _sha256(graph)
    fresh = target.with_name(target.name + ".loading")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    load = ["load", "--location", str(fresh), "--file", str(graph), "--format", fmt.oxigraph]
    # compacted after loading: a quarter less time on every later query (bench/RESULTS.md)
    for step in (load, ["optimize", "--location", str(fresh)]):
        done = subprocess.run([oxigraph_command(), *step], capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(fresh, ignore_errors=True)
            reason = " ".join((done.stderr or done.stdout).split())[:160]
            raise InputError(f"{graph}: cannot load into Oxigraph ({reason})")
    _mark(fresh, digest, graph)
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return target
