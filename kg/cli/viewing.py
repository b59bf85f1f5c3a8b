"""``kg show``, ``kg report`` and ``kg review``: the graph for people to look at."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.app import curation_option, graph_option, main, terminal_width
from kg.graphs import load_graph
from kg.report import write_report
from kg.review import create_app, serve_review
from kg.terminal import COLOURS, plain, show
from kg.views import Views


@main.command("show")
@click.argument("key")
@graph_option
@click.option("--width", type=click.IntRange(min=20), help="Wrap at this many columns.")
def show_command(key: str, graph_path: Path, width: int | None) -> None:
    """Show a claim (id:claim/…), a document (its id) or a concept (CURIE or any label) with its
    evidence sentences, mention spans marked [span|role]."""
    tty = sys.stdout.isatty()
    style = (lambda text, role: click.style(text, fg=COLOURS.get(role))) if tty else plain
    columns = width or terminal_width(piped=100) or 100
    click.echo(show(Views(load_graph(graph_path, "memory")), key, columns, style), nl=False)


@main.command("report")
@graph_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/report.html"),
    show_default=True,
    help="Where to write the HTML report.",
)
def report_command(graph_path: Path, out: Path) -> None:
    """Write a static HTML report (charts embedded, nothing fetched when opened)."""
    click.echo(f"report written to {write_report(graph_path, out)}")


@main.command("review")
@graph_option
@curation_option
@click.option(
    "--bind",
    default="127.0.0.1:8765",
    show_default=True,
    help="Host and port; loopback by default (other hosts could edit the graph).",
)
@click.option("--read-only", is_flag=True, help="No writing actions (for analysts).")
@click.option("--curator", help="Name recorded on edits (can also be set in the page).")
def review_command(
    graph_path: Path, curation_dir: Path, bind: str, read_only: bool, curator: str | None
) -> None:
    """Open a local web app to read documents, claims and concepts and to curate them."""
    app = create_app(graph_path, curation_dir, read_only, curator)
    click.echo(
        f"kg review on http://{bind}/ ({'read-only' if read_only else 'curating'}; "
        "Ctrl-C stops it)",
        err=True,
    )
    serve_review(app, bind)
