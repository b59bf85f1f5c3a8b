"""The ``kg`` command: wiring only. Each command parses options, calls one library function and
prints its result object. The commands live in one module per area (building, curating,
querying, viewing), register on :data:`kg.cli.app.main`, and are imported when first looked up
(:data:`kg.cli.app.COMMAND_MODULES`)."""

from kg.cli.app import main

__all__ = ["main"]
