"""The kg command, as a user runs it: exit codes 0 ok, 1 violations, 2 bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.conftest import GOLD, SEEDS


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "graph.ttl"
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_kg_console_script_starts() -> None:
    exe = shutil.which("kg") or str(Path(sys.executable).parent / "kg")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("kg, version")


def test_build_prints_a_summary_and_writes_the_graph_and_run_log(built: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(built)])
    assert "documents read: 5" in result.output
    assert "SHACL: conforms" in result.output and "price observations:" in result.output
    assert built.stat().st_size > 100_000 and built.with_suffix(".run.json").exists()


@pytest.mark.parametrize("fmt, suffix", [("nt", ".nt"), ("jsonld", ".jsonld")])
def test_build_writes_other_formats_on_request(tmp_path: Path, fmt: str, suffix: str) -> None:
    out = tmp_path / f"g{suffix}"
    result = CliRunner().invoke(
        main, ["build", str(SEEDS), "--format", fmt, "--out", str(out), "--no-validate"]
    )
    assert result.exit_code == 0 and out.exists()


@pytest.mark.parametrize("suffix, first", [(".nt", b"<"), (".jsonld", b"{"), (".ttl", b"@prefix")])
def test_build_writes_the_format_its_out_file_is_named_for(
    tmp_path: Path, suffix: str, first: bytes
) -> None:
    out = tmp_path / f"g{suffix}"
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--no-validate"])
    assert result.exit_code == 0 and out.read_bytes().startswith(first)


def test_a_format_other_than_the_out_file_names_is_refused_writing_nothing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "g.nt"
    result = CliRunner().invoke(main, ["build", str(SEEDS), "--out", str(out), "--format", "ttl"])
    assert result.exit_code != 0 and not out.exists()
    assert "g.nt names a .nt file, but --format asks for ttl" in result.output


def test_query_list_and_table(built: Path) -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["query", "--list"])
    assert "unit-prices" in listing.output and "Which" in listing.output
    table = runner.invoke(main, ["query", "documents", "--graph", str(built)])
    assert table.exit_code == 0 and "(5 rows)" in table.output


def test_validate_exits_0_on_the_built_graph_and_1_on_a_broken_one(
    built: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(built)]).exit_code == 0
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        built.read_text(encoding="utf-8").replace('"CNY"', '"yuan"'), encoding="utf-8"
    )
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "Violation" in result.output and "ISO 4217" in result.output


@pytest.mark.parametrize(
    "args, needle",
    [
        (["build", "no-such-folder"], "no-such-folder: no such file or folder"),
        (["validate", "missing.ttl"], "missing.ttl: no such graph file"),
        (["query", "no-such-query"], "no-such-query: no such query file"),
        (["eval", "--gold", "missing.jsonl"], "missing.jsonl: cannot read gold file"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert needle in result.output and result.output.count("\n") == 1


def test_malformed_turtle_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b ", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2 and "bad.ttl: malformed turtle" in result.output


def test_malformed_ntriples_is_one_line_naming_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nt"
    bad.write_text('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open .\n', encoding="utf-8")
    for args in (["validate", str(bad)], ["query", "documents", "--graph", str(bad)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and result.output.count("\n") == 1
        assert "bad.nt: malformed nt" in result.output and "line 2" in result.output


def test_a_failed_build_leaves_the_previous_graph_in_place(tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    out.write_text("previous", encoding="utf-8")
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01binary")
    result = CliRunner().invoke(main, ["build", str(bad), "--out", str(out)])
    assert result.exit_code == 2 and "no document could be read" in result.output
    assert "a.txt: binary file" in result.output
    assert out.read_text(encoding="utf-8") == "previous"


def test_unreadable_inputs_are_reported_and_strict_makes_them_fatal(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("专家建议，应选择多重验证方式。", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "not read: " in result.output and "empty.txt: file is empty" in result.output
    assert "inputs not read: 1" in result.output and out.exists()
    out.unlink()
    strict = CliRunner().invoke(main, ["build", str(corpus), "--out", str(out), "--strict"])
    assert strict.exit_code == 2 and "--strict" in strict.output and not out.exists()


def test_eval_prints_scores_and_errors_on_request() -> None:
    result = CliRunner().invoke(
        main,
        ["eval", "--gold", str(GOLD), "--docs", str(SEEDS), "--show-errors", "--min-f1", "0.85"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == [
        "role",
        "gold",
        "pred",
        "P",
        "R",
        "F1",
        "missed",
        "spur",
        "wrole",
    ]
    assert "missed" in result.output


def test_every_command_is_found_in_the_module_that_defines_it() -> None:
    from kg.cli.app import COMMAND_MODULES

    names = main.list_commands(click.Context(main))  # imports every command module
    assert sorted(names) == sorted(COMMAND_MODULES)
    for name in names:
        callback = main.commands[name].callback
        assert callback is not None
        assert callback.__module__ == f"kg.cli.{COMMAND_MODULES[name]}", name


def test_kg_query_does_not_load_the_extractor_or_the_shape_engine() -> None:
    probe = (
        "import sys\nfrom kg.cli import main\n"
        "try:\n    main(['query', '--list'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('kg.extract', 'jieba', 'pyshacl', 'curies') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
