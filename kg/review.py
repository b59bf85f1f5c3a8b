"""``kg review``: a local web app over a built graph for curators and analysts.

Pages (Flask, Jinja templates in ``kg/templates/review``, no JavaScript build step, nothing
fetched from the network): the document list with filters, a document with every mention
highlighted by role, a claim with its evidence across documents, a concept with its links.

Writing actions compose a curation edit (:mod:`kg.curation`) and submit it through exactly the
check ``kg edit apply`` runs: an accepted edit is recorded in ``curation/`` (replayed by the
next ``kg build``) and the graph file updated; a rejected one shows the check's message and
writes nothing. Every form carries a CSRF token (Flask-WTF); ``read_only`` removes the actions.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from flask import Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from rdflib import Graph, URIRef

from kg.curation import EditResult, alt_label, merger, reconcept, retraction, spurious, submit
from kg.errors import InputError
from kg.graphs import load_graph
from kg.namespaces import ID, PRK, curie, expand_curie
from kg.views import ROLES, Views, role_name

#: Okabe–Ito colours, which readers with the common colour-vision deficiencies tell apart.
PALETTE = {
    "technique": "#E69F00",
    "datatype": "#56B4E9",
    "harm": "#D55E00",
    "remedy": "#009E73",
    "price": "#F0E442",
    "actor": "#CC79A7",
}


@dataclass
class Workspace:
    """The graph file the app shows and the curation folder it writes to, reloaded when the
    file changes (after an edit, or a rebuild)."""

    graph_path: Path
    curation: Path
    read_only: bool = False
    curator: str | None = None
    _views: Views | None = None
    _stamp: tuple[int, int] = (0, 0)
    documents_cache: list[Any] = field(default_factory=list)

    def views(self) -> Views:
        stat = self.graph_path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if self._views is None or stamp != self._stamp:
            graph: Graph = load_graph(self.graph_path, "memory")
            self._views, self._stamp = Views(graph), stamp
            self.documents_cache = self._views.documents()
        return self._views


def create_app(
    graph_path: Path, curation: Path, read_only: bool = False, curator: str | None = None
) -> Flask:
    """The review app for ``graph_path``; edits land in ``curation``."""
    if not graph_path.exists():
        raise InputError(f"{graph_path}: no such graph file (run kg build first)")
    app = Flask(__name__, template_folder="templates/review")
    app.config.update(SECRET_KEY=secrets.token_hex(32), WTF_CSRF_TIME_LIMIT=None)
    CSRFProtect(app)
    space = Workspace(graph_path, curation, read_only, curator)
    space.views()
    app.extensions["kg.workspace"] = space
    app.context_processor(shared)
    for rule, methods, view in _ROUTES:
        app.add_url_rule(rule, view.__name__, view, methods=methods)
    return app


_ROUTES: list[tuple[str, list[str], Any]] = []


_View = TypeVar("_View", bound=Callable[..., Any])


def _route(method: str, rule: str) -> Callable[[_View], _View]:
    """Record a page or action of the app (registered on each app by :func:`create_app`)."""

    def record(view: _View) -> _View:
        _ROUTES.append((rule, [method], view))
        return view

    return record


def _space() -> Workspace:
    return cast(Workspace, current_app.extensions["kg.workspace"])


def shared() -> dict[str, Any]:
    return {
        "palette": PALETTE,
        "roles": [role_name(PRK[r]) for r in ROLES],
        "read_only": _space().read_only,
        "curator": session.get("curator", _space().curator or ""),
        "curie": curie,
        "key": _key,
    }


@_route("GET", "/")
def documents() -> str:
    views = _space().views()
    docs = _space().documents_cache
    q = request.args
    concept = q.get("concept", "").strip()
    if concept:
        try:
            _, iri = views.resolve(concept)
        except InputError:
            iri = None
        in_docs = views.documents_with(iri) if iri is not None else set()
        docs = [d for d in docs if d.doc_id in in_docs]
    if q.get("role"):
        docs = [d for d in docs if d.counts.get(q["role"], 0)]
    if q.get("outlet"):
        docs = [d for d in docs if d.outlet == q["outlet"]]
    if q.get("since"):
        docs = [d for d in docs if d.date and d.date >= q["since"]]
    if q.get("until"):
        docs = [d for d in docs if d.date and d.date <= q["until"]]
    if q.get("q"):
        words = q["q"].casefold()
        docs = [d for d in docs if words in (d.title + d.outlet + d.doc_id).casefold()]
    outlets = sorted({d.outlet for d in _space().documents_cache if d.outlet})
    return render_template("documents.html", docs=docs, outlets=outlets, args=q)


def page(kind: str, key: str, message: str | None, rejected: bool = False) -> str:
    """A document (``doc``), claim or concept page, with a message above it."""
    views = _space().views()
    shown = {"message": message, "rejected": rejected}
    try:
        if kind == "doc":
            doc = views.document(key)
            return render_template("document.html", doc=doc, concepts=views.concepts(), **shown)
        if kind == "claim":
            found = views.claim(URIRef(ID + "claim/" + key))
            if not found.evidence and not found.label:
                abort(404)
            return render_template("claim.html", claim=found, **shown)
        found_concept = views.concept(key)
    except InputError:
        abort(404)
    return render_template(
        "concept.html", concept=found_concept, concepts=views.concepts(), **shown
    )


@_route("GET", "/doc/<doc_id>")
def document(doc_id: str) -> str:
    return page("doc", doc_id, request.args.get("m"))


@_route("GET", "/claim/<path:key>")
def claim(key: str) -> str:
    return page("claim", key, request.args.get("m"))


@_route("GET", "/concept/<path:key>")
def concept(key: str) -> str:
    return page("concept", key, request.args.get("m"))


@_route("POST", "/curator")
def set_curator() -> Any:
    session["curator"] = request.form.get("curator", "").strip()
    return redirect(request.form.get("next") or url_for("documents"))


def act(compose: Any, back: str) -> Any:
    """Write the edit ``compose`` makes for the curator and submit it; back to the page ``back``
    with the stored file's name, or that page again with the rejection (nothing written)."""
    space = _space()
    if space.read_only:
        abort(403)
    try:
        result: EditResult = submit(
            compose(session.get("curator", space.curator or "")), space.graph_path, space.curation
        )
        problem = None if result.accepted else " / ".join(result.lines())
    except InputError as err:
        problem = str(err)
    if problem is not None or result.stored is None:
        kind, _, key = back.strip("/").partition("/")
        return page(kind, key, f"rejected: {problem}", rejected=True), 422
    return redirect(f"{back}?{urlencode({'m': f'recorded as {result.stored.name}'})}")


def form(name: str) -> str:
    return request.form.get(name, "").strip()


@_route("POST", "/claim/<path:key>/retract")
def retract(key: str) -> Any:
    iri = URIRef(ID + "claim/" + key)
    return act(lambda who: retraction(iri, who, form("reason")), f"/claim/{key}")


@_route("POST", "/mention/<key>/spurious")
def mark_spurious(key: str) -> Any:
    iri = URIRef(ID + "mention/" + key)
    return act(lambda who: spurious(iri, who, form("reason")), f"/doc/{form('doc')}")


@_route("POST", "/mention/<key>/concept")
def change_concept(key: str) -> Any:
    iri = URIRef(ID + "mention/" + key)
    target = URIRef(expand_curie(form("concept")))
    return act(lambda who: reconcept(iri, target, who, form("reason")), f"/doc/{form('doc')}")


@_route("POST", "/altlabel")
def add_alt_label() -> Any:
    target = URIRef(expand_curie(form("concept")))
    back = f"/doc/{form('doc')}" if form("doc") else f"/concept/{form('concept')}"
    return act(
        lambda who: alt_label(target, form("label"), form("lang") or "zh", who, form("reason")),
        back,
    )


@_route("POST", "/merge")
def merge() -> Any:
    old, kept = URIRef(expand_curie(form("old"))), URIRef(expand_curie(form("kept")))
    return act(lambda who: merger(old, kept, who, form("reason")), f"/concept/{form('old')}")


def _key(iri: URIRef, kind: str) -> str:
    """The part of a minted IRI after ``id/KIND/``, as the app's URLs use it."""
    return str(iri).removeprefix(f"{ID}{kind}/")


def serve_review(app: Flask, bind: str) -> None:
    """Run the app on ``bind`` (host:port) with Werkzeug's server, until stopped."""
    host, _, port = bind.rpartition(":")
    app.run(host=host or "127.0.0.1", port=int(port), debug=False, use_reloader=False)
