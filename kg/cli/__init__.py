"""The ``kg`` command: wiring only. Each command parses options, calls one library function and
prints its result object. The commands live in one module per area and register on
:data:`kg.cli.app.main`."""

from kg.cli import building, curating, querying, viewing
from kg.cli.app import main

__all__ = ["building", "curating", "main", "querying", "viewing"]
