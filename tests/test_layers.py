"""The import contract covers the whole package: a module missing from its layers would be free
to import anything (import-linter only checks the modules it is told about)."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_module_of_kg_has_a_layer_in_the_import_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    layered = {m.strip() for layer in contract["layers"] for m in layer.split("|")}
    modules = {f"kg.{p.stem}" for p in (ROOT / "kg").glob("*.py") if p.stem != "__init__"}
    modules |= {f"kg.{p.parent.name}" for p in (ROOT / "kg").glob("*/__init__.py")}
    assert modules == layered
