"""The ``kg`` command group, the options several commands share, and the one place where the
errors a user can cause become one line on stderr and an exit status.

Exit codes: 0 ok / conforms, 1 SHACL violations or scores below a threshold (or graphs that
differ), 2 bad input.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kg import __version__
from kg.errors import KgError, UsageError

T = TypeVar("T")


#: The module of :mod:`kg.cli` that defines each command: imported only when that command runs
#: (or help lists them all), so ``kg query`` does not pay for the extractor's imports.
COMMAND_MODULES = {
    "build": "building",
    "validate": "building",
    "diff": "building",
    "history": "building",
    "eval": "building",
    "edit": "curating",
    "vocab": "curating",
    "link": "curating",
    "export": "curating",
    "query": "querying",
    "serve": "querying",
    "show": "viewing",
    "report": "viewing",
    "review": "viewing",
}


class KgGroup(click.Group):
    """Runs a command and turns every :class:`KgError` (and its subclasses, each with its exit
    status) into ``kg: error: <message>`` on stderr and that status: no traceback. A command's
    module is imported when the command is looked up (:data:`COMMAND_MODULES`)."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            importlib.import_module(f"kg.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in sorted(set(COMMAND_MODULES.values())):
            importlib.import_module(f"kg.cli.{module}")
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise click.UsageError(str(err), ctx) from None
        except KgError as err:
            click.echo(f"kg: error: {err}", err=True)
            sys.exit(err.exit_code)


@click.group(cls=KgGroup)
@click.version_option(__version__, prog_name="kg")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Privacy-risk claim knowledge graph: Chinese news on face/identity data trade → RDF."""
    ctx.meta["kg.quiet"] = quiet


def with_progress(label: str, work: Callable[..., T], steps: int | None = None) -> T:
    """Run ``work(progress=...)`` with a progress bar on stderr when it is a terminal, quietly
    otherwise or with ``kg --quiet``. ``work`` calls ``progress(name)`` after each step (a
    document, or one of ``steps`` stages when the count is known); the bar shows that name."""
    ctx = click.get_current_context(silent=True)
    if not sys.stderr.isatty() or (ctx is not None and ctx.meta.get("kg.quiet")):
        return work()
    with click.progressbar(
        # no length when the count is unknown: a moving bar and "n" rather than "n/0"
        iter(int, 1) if steps is None else None,
        length=steps,
        label=label,
        file=sys.stderr,
        show_pos=True,
        show_percent=False,
        item_show_func=lambda name: name,
    ) as bar:
        return work(progress=lambda name: bar.update(1, name))


def terminal_width(piped: int | None = None) -> int | None:
    """The terminal's width when output goes to one; ``piped`` (no limit: None) otherwise."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else piped


def screen_rows() -> int | None:
    """Table rows that fit a screen when output goes to a terminal (None otherwise: all)."""
    return max(10, shutil.get_terminal_size().lines - 4) if sys.stdout.isatty() else None


def echo_lines(lines: Any) -> None:
    """Print ``(text, to_stderr)`` pairs as a result object yields them."""
    for text, to_stderr in lines:
        click.echo(text, err=to_stderr)


graph_option = click.option(
    "--graph",
    "graph_path",
    type=click.Path(path_type=Path),
    default=Path("build/graph.ttl"),
    show_default=True,
    help="Graph file to read (.ttl, .nt, .jsonld).",
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of validation messages.",
)
dpv_option = click.option(
    "--dpv",
    "dpv_dir",
    type=click.Path(path_type=Path),
    envvar="PRKG_DPV",
    required=True,
    help="Folder of the unmodified DPV release's Turtle files (or set PRKG_DPV).",
)
curation_option = click.option(
    "--curation",
    "curation_dir",
    type=click.Path(path_type=Path),
    default=Path("curation"),
    show_default=True,
    help="Folder of accepted curator edits.",
)
