"""SPARQL query text, edited as text: the project's prefixes declared where a query leaves them
out, and a block of bindings placed first in a query's outermost WHERE group.

Both ways this project binds variables from outside a query use :func:`opening_where`: a
shape's focus nodes (:mod:`kg.validate`) and query parameters for Oxigraph and remote endpoints
(:mod:`kg.query`).
"""

from __future__ import annotations

import re

from kg.rdftext import PREFIXES

_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.I)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_COMMENT = re.compile(r"(?m)(?:^|(?<=\s))#[^\n]*$")  # not the "#" inside <…#> IRIs


def opening_where(text: str, block: str) -> str | None:
    """SPARQL ``text`` with ``block`` first in its outermost WHERE group (None: no WHERE).

    >>> opening_where("SELECT ?s WHERE { ?s ?p ?o }", "VALUES ?p { <urn:p> }")
    'SELECT ?s WHERE {\\n  VALUES ?p { <urn:p> } ?s ?p ?o }'
    """
    m = re.search(r"\bWHERE\s*\{", text, re.I)
    if m is None:
        return None
    return text[: m.end()] + "\n  " + block + text[m.end() :]


def with_prefixes(text: str) -> str:
    """``text`` with the project's prefixes it does not declare itself declared before it, on
    the query's first line, so the engines' line numbers still match the user's file.

    >>> with_prefixes("SELECT * { ?c a prk:Claim }").startswith("PREFIX prk: <https://")
    True
    >>> "PREFIX kt: <urn:mine#>" in with_prefixes("PREFIX kt: <urn:mine#> ASK {}")
    True
    """
    declared = {m.group(1) or "" for m in _DECLARED.finditer(_COMMENT.sub("", text))}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    return " ".join(missing) + " " + text if missing else text


_MODIFIER = re.compile(r"\b(LIMIT|OFFSET|VALUES)\b", re.I)
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _group_end(code: str, start: int) -> int | None:
    """The position after the ``}`` that closes the group opening at ``start`` (None: none)."""
    if start < 0:
        return None
    depth = 0
    for i in range(start, len(code)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def with_limit(text: str, limit: int | None, offset: int = 0) -> str | None:
    """A SELECT ``text`` asking the engine for one page of its solutions: ``LIMIT``/``OFFSET``
    appended after its solution modifiers, so the engine stops early and only the page is
    converted. None when the query already ends with its own LIMIT, OFFSET or VALUES (the
    caller then cuts the page from all the solutions).

    >>> with_limit("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", 10, 20)
    'SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\\nLIMIT 10 OFFSET 20'
    >>> with_limit("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", 10) is None
    True
    """
    code = _STRING.sub('""', _COMMENT.sub("", text))
    if query_form(code) != "SELECT":
        return None
    end = _group_end(code, code.find("{"))
    if end is None or _MODIFIER.search(code[end:]):
        return None
    page = [f"LIMIT {limit}"] if limit is not None else []
    page += [f"OFFSET {offset}"] if offset else []
    return text.rstrip() + "\n" + " ".join(page) if page else text


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of a query, comments and prefixes aside.

    >>> query_form("# a comment with ASK in it\\nPREFIX a: <urn:a#> CONSTRUCT { } WHERE { }")
    'CONSTRUCT'
    """
    m = _FORM.search(_COMMENT.sub("", text))
    return m.group(1).upper() if m else "SELECT"
