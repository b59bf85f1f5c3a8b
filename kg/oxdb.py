"""Oxigraph database folders that hold a graph file, kept beside it and reused while current.

``<graph>.oxigraph`` records the SHA-256 of the file it was loaded from; ``kg query --index``
and ``kg serve`` open it instead of parsing the file again, and load it anew when the file
changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from kg.errors import InputError
from kg.formats import for_path

_MARK = "prkg-source.sha256"


def oxigraph_command() -> str:
    """The ``oxigraph`` program installed with the package (PyPI ``oxigraph``)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("oxigraph: server program not found (pip install oxigraph)")
    return found


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_folder(graph: Path) -> Path:
    """Where the database of ``graph`` is kept by default: beside it, ``<graph>.oxigraph``."""
    return graph.with_name(graph.name + ".oxigraph")


def _recorded(folder: Path) -> str | None:
    mark = folder / _MARK
    return mark.read_text().strip() if mark.is_file() else None


def current_database(graph: Path, folder: Path | None = None) -> Path | None:
    """The database folder of ``graph`` if it holds this very file (same SHA-256), else None."""
    target = folder or default_folder(graph)
    recorded = _recorded(target)
    return target if recorded is not None and recorded == _sha256(graph) else None


def database(graph: Path, folder: Path | None = None) -> Path:
    """The Oxigraph database folder holding ``graph``, loaded now unless already current."""
    fmt = for_path(graph)
    if fmt is None:
        raise InputError(f"{graph}: unknown RDF format (use .ttl, .nt, .nq or .jsonld)")
    if not graph.is_file():
        raise InputError(f"{graph}: no such graph file (run `kg build` first?)")
    target = folder or default_folder(graph)
    digest = _sha256(graph)
    if _recorded(target) == digest:
        return target
    fresh = target.with_name(target.name + ".loading")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    done = subprocess.run(
        [
            oxigraph_command(),
            "load",
            "--location",
            str(fresh),
            "--file",
            str(graph),
            "--format",
            fmt.oxigraph,
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        reason = " ".join((done.stderr or done.stdout).split())[:160]
        raise InputError(f"{graph}: cannot load into Oxigraph ({reason})")
    (fresh / _MARK).write_text(digest + "\n")
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return target
