"""The Oxigraph database kept beside a graph file: reused while it holds that very file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.oxdb import _MARK, current_database, database

TRIPLE = "<urn:x:a> <urn:x:p> <urn:x:{}> .\n"


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    path = tmp_path / "g.nt"
    path.write_text(TRIPLE.format("b"), encoding="utf-8")
    return path


def test_a_database_is_current_for_the_file_it_was_loaded_from(graph: Path) -> None:
    folder = database(graph)
    assert current_database(graph) == folder


def test_a_touched_but_unchanged_file_keeps_its_database(graph: Path) -> None:
    folder = database(graph)
    loaded = (folder / _MARK).read_text().splitlines()[0]
    os.utime(graph, ns=(1, 1))
    assert current_database(graph) == folder  # the SHA-256 decides, and is recorded again
    assert database(graph) == folder
    assert (folder / _MARK).read_text().splitlines()[0] == loaded


def test_a_file_replaced_with_the_same_size_and_time_is_stale(graph: Path) -> None:
    database(graph)
    before = graph.stat()
    fresh = graph.with_suffix(".tmp")
    fresh.write_text(TRIPLE.format("c"), encoding="utf-8")  # same size, other triple
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
    fresh.replace(graph)  # as every kg output is written: a new file renamed into place
    assert current_database(graph) is None


def test_a_database_marked_before_stats_were_recorded_is_still_recognised(graph: Path) -> None:
    folder = database(graph)
    mark = folder / _MARK
    mark.write_text(mark.read_text().splitlines()[0] + "\n")  # the digest alone
    assert current_database(graph) == folder
    mark.write_text("0" * 64 + "\n")
    assert current_database(graph) is None
