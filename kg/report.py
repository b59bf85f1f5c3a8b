"""``kg report``: one static HTML file an analyst can open offline or send on — counts by role
and outlet, unit prices over time (chart), technique → data type → harm flows (chart), the most
corroborated claims with their evidence, harms with no remedy, and the DPV gap list.

Every table comes from a shipped query (so the report says what ``kg query`` says); charts are
drawn by matplotlib as SVG and embedded in the file, which fetches nothing when opened.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, URIRef

from kg.files import write_atomic
from kg.graphs import load_graph
from kg.query import find_query, read_query, run_query
from kg.views import Views

#: Okabe–Ito, as in the review app.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def rows(graph: Graph, name: str, **params: str) -> list[dict[str, str]]:
    """A shipped query's rows as plain strings (missing values as "")."""
    result = run_query(graph, read_query(find_query(name)), params)
    names = [str(v) for v in result.vars or []]
    return [
        {n: "" if r[i] is None else str(r[i]) for i, n in enumerate(names)}  # type: ignore[index]
        for r in result
    ]


def _figure(width: float, height: float) -> tuple[Any, Any]:
    """A new matplotlib figure and axes, drawn off-screen."""
    import matplotlib  # heavy: imported only when a report is made

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    return plt.subplots(figsize=(width, height))


def _svg(figure: Any) -> str:
    """The figure as an SVG element to inline in the page (the figure is closed)."""
    from matplotlib import pyplot as plt

    out = io.StringIO()
    figure.savefig(out, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = out.getvalue()
    return text[text.index("<svg") :]


def price_chart(prices: list[dict[str, str]]) -> str:
    """Unit prices over time, one series per data type and currency, log scale."""
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for p in prices:
        if p["date"] and p["unitPrice"]:
            key = f"{p['itemLabel'] or 'unspecified'} ({p['currency']})"
            series[key].append((date.fromisoformat(p["date"]), float(p["unitPrice"])))
    fig, ax = _figure(9, 4.5)
    markers = "osD^v<>p"
    for i, (key, points) in enumerate(sorted(series.items())):
        xs, ys = zip(*sorted(points), strict=True)
        colour, marker = COLOURS[i % len(COLOURS)], markers[i % len(markers)]
        ax.plot(xs, ys, marker=marker, linestyle=":", label=key, color=colour)
    ax.set_yscale("log")
    ax.set_ylabel("unit price (per item)")
    ax.set_title("Unit prices over time, by data type and currency")
    ax.grid(alpha=0.3)
    if series:
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1, 0.5))
    return _svg(fig)


Chain = tuple[str, str, str]
CHAIN_COLUMNS = ("techniqueLabel", "dataTypeLabel", "harmLabel")


def chain_weights(chains: list[dict[str, str]], top: int = 8) -> dict[Chain, int]:
    """Documents stating each technique → data type → harm chain, keeping the chains whose three
    values are each among the ``top`` of their column."""
    weight = Counter(t[:3] for t in {tuple(r[c] for c in (*CHAIN_COLUMNS, "doc")) for r in chains})
    keep = []
    for i in range(3):
        column: Counter[str] = Counter()
        for t, n in weight.items():
            column[t[i]] += n
        keep.append({v for v, _ in column.most_common(top)})
    return {t: n for t, n in weight.items() if all(t[i] in keep[i] for i in range(3))}  # type: ignore[misc]


def _columns(ax: Any, flows: dict[Chain, int], total: int) -> list[dict[str, float]]:
    """Draw each column's boxes, largest first; the top of each box, by column and value."""
    from matplotlib.patches import Rectangle

    tops = []
    for i in range(3):
        sizes: Counter[str] = Counter()
        for t, n in flows.items():
            sizes[t[i]] += n
        y, placed = 0.0, {}
        for value, n in sorted(sizes.items(), key=lambda kv: -kv[1]):
            placed[value] = y
            ax.add_patch(Rectangle((i * 2, y), 0.25, n / total, color=COLOURS[i], alpha=0.9))
            ax.text(i * 2 + 0.3, y + n / total / 2, f"{value} ({n})", va="center", fontsize=8)
            y += n / total + 0.02
        tops.append(placed)
    return tops


def _bands(ax: Any, flows: dict[Chain, int], tops: list[dict[str, float]], total: int) -> None:
    """Draw the bands between neighbouring columns, stacked inside each box."""
    from matplotlib.patches import Polygon

    for step in range(2):
        pairs: Counter[tuple[str, str]] = Counter()
        for t, n in flows.items():
            pairs[(t[step], t[step + 1])] += n
        out: dict[str, float] = defaultdict(float)
        into: dict[str, float] = defaultdict(float)
        for (a, b), n in sorted(pairs.items(), key=lambda kv: -kv[1]):
            h = n / total
            ya, yb = tops[step][a] + out[a], tops[step + 1][b] + into[b]
            out[a] += h
            into[b] += h
            x0, x1 = step * 2 + 0.25, step * 2 + 2
            corners = [(x0, ya), (x1, yb), (x1, yb + h), (x0, ya + h)]
            ax.add_patch(Polygon(corners, color=COLOURS[step], alpha=0.25, linewidth=0))


def flow_chart(chains: list[dict[str, str]], top: int = 8) -> str:
    """Technique → data type → harm as three columns of boxes joined by bands as wide as the
    number of documents that state the chain (the top ``top`` of each column)."""
    flows = chain_weights(chains, top)
    total = max(sum(flows.values()), 1)
    fig, ax = _figure(10, 6)
    _bands(ax, flows, _columns(ax, flows, total), total)
    ax.set_xlim(-0.1, 6)
    ax.set_ylim(-0.05, 1 + 0.02 * top + 0.05)
    ax.invert_yaxis()
    ax.axis("off")
    for i, name in enumerate(("technique", "data type", "harm")):
        ax.text(i * 2, -0.03, name, fontsize=10, fontweight="bold")
    ax.set_title("Attack chains: technique → data type → harm (band width: documents)")
    return _svg(fig)


def report_context(graph: Graph, top: int = 10) -> dict[str, Any]:
    """Everything the report shows, from the shipped queries."""
    docs = rows(graph, "documents")
    by_role: Counter[str] = Counter()
    for r in rows(graph, "concept-frequency"):
        by_role[r["roleName"]] += int(r["mentions"])
    outlets = Counter(r["outletName"] or "unknown" for r in docs)
    corroborated = rows(graph, "corroborated-claims", minReports="1")[:top]
    views = Views(graph)
    claims = [views.claim(URIRef(r["claim"])) for r in corroborated]
    prices = rows(graph, "unit-prices")
    chains = rows(graph, "attack-chains")
    return {
        "documents": docs,
        "by_role": sorted(by_role.items(), key=lambda kv: -kv[1]),
        "by_outlet": outlets.most_common(),
        "claims": claims,
        "no_remedy": rows(graph, "harms-without-remedy"),
        "gaps": rows(graph, "dpv-gaps"),
        "prices": prices,
        "price_chart": price_chart(prices),
        "flow_chart": flow_chart(chains),
    }


def render_report(graph: Graph, title: str = "Privacy-risk claims: report") -> str:
    """The report as one self-contained HTML page."""
    env = Environment(
        loader=PackageLoader("kg", "templates/report"), autoescape=select_autoescape(["html"])
    )
    context = report_context(graph)
    return env.get_template("report.html").render(
        title=title, made=date.today().isoformat(), **context
    )


def write_report(graph_path: Path, out: Path) -> Path:
    """Load ``graph_path`` and write its report to ``out`` atomically."""
    write_atomic(out, render_report(load_graph(graph_path, "memory")).encode("utf-8"))
    return out
