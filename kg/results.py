"""Query answers written out: SELECT solutions as a table for people or in the W3C SPARQL
result formats (CSV, TSV, JSON, XML) for programs, ASK as a boolean, CONSTRUCT and DESCRIBE as
RDF in Turtle, N-Triples or JSON-LD.

Solutions are written from :class:`Solutions`, plain terms in the shape of the SPARQL JSON
results, so an answer from rdflib (:func:`solutions_of`) and one read straight from an
endpoint's JSON (:mod:`kg.client`, which does not load rdflib) are written by the same code.
The W3C formats are written exactly as the specs write them (the tests parse each back with
rdflib's standard result parsers): TSV cells are RDF terms in N-Triples syntax, CSV cells plain
values, JSON as rdflib's serialiser writes it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.rdftext import curie, literal

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

    from rdflib.query import Result

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
MIN_COLUMN = 8
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Term:
    """An RDF term in an answer: ``kind`` is ``uri``, ``literal`` or ``bnode``."""

    kind: str
    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass
class Solutions:
    """A SELECT's variables and rows (None where a variable is unbound), or an ASK's answer."""

    form: str  # "SELECT" or "ASK"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool = False


def solutions_of(result: Result) -> Solutions:
    """An rdflib SELECT or ASK result as :class:`Solutions`."""
    from rdflib import BNode, Literal, URIRef

    def plain(value: object) -> Term | None:
        if isinstance(value, URIRef):
            return Term("uri", str(value))
        if isinstance(value, BNode):
            return Term("bnode", str(value))
        if isinstance(value, Literal):
            datatype = None if value.datatype is None else str(value.datatype)
            return Term("literal", str(value), datatype, value.language)
        return None

    if result.type == "ASK":
        return Solutions("ASK", boolean=bool(result.askAnswer))
    variables = [str(v) for v in result.vars or []]
    rows = [[plain(row[i]) for i in range(len(variables))] for row in result]  # type: ignore[index]
    return Solutions("SELECT", variables, rows)


def solutions_from_json(data: dict[str, Any]) -> Solutions:
    """SPARQL 1.1 JSON results as :class:`Solutions` (``typed-literal``, from SPARQL 1.0
    endpoints, read as a literal).

    >>> solutions_from_json({"head": {}, "boolean": False}).boolean
    False
    """
    if "boolean" in data:
        return Solutions("ASK", boolean=bool(data["boolean"]))
    variables = [str(v) for v in data.get("head", {}).get("vars", [])]

    def plain(value: dict[str, str] | None) -> Term | None:
        if value is None:
            return None
        kind = "literal" if value["type"] == "typed-literal" else value["type"]
        return Term(kind, value["value"], value.get("datatype"), value.get("xml:lang"))

    rows = [[plain(b.get(v)) for v in variables] for b in data["results"]["bindings"]]
    return Solutions("SELECT", variables, rows)


def render(
    result: Result | Solutions, fmt: str, width: int | None = None, footer: str | None = None
) -> str:
    """``result`` in ``fmt``: a SELECT or ASK in one of :data:`SOLUTION_FORMATS`, a CONSTRUCT or
    DESCRIBE in one of :data:`GRAPH_FORMATS` (``table`` stands for Turtle there). A table ends
    with ``footer``, by default its row count."""
    if not isinstance(result, Solutions) and result.type in ("CONSTRUCT", "DESCRIBE"):
        from kg.serialize import serialize

        fmt = "ttl" if fmt == "table" else fmt
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"--format {fmt}: a {result.type} answer is RDF (ttl, nt or jsonld)")
        assert result.graph is not None
        return serialize(result.graph, fmt).decode("utf-8")
    answer = result if isinstance(result, Solutions) else solutions_of(result)
    if fmt not in SOLUTION_FORMATS:
        raise UsageError(
            f"--format {fmt}: a {answer.form} answer is one of table, csv, tsv, json or xml"
        )
    if fmt == "json":
        return json_text(answer)
    if fmt == "xml":
        return xml_text(answer)
    if answer.form == "ASK":
        return f"{'true' if answer.boolean else 'false'}\n"
    if fmt == "tsv":
        return tsv(answer.variables, answer.rows)
    if fmt == "csv":
        return csv_text(answer.variables, answer.rows)
    cells = [[cell(v) for v in row] for row in answer.rows]
    return table(answer.variables, cells, width, footer)


def nt(value: Term) -> str:
    """A term in N-Triples syntax."""
    if value.kind == "uri":
        return f"<{value.value}>"
    if value.kind == "bnode":
        return f"_:{value.value}"
    return literal(value.value, value.lang, value.datatype)


def tsv(variables: Sequence[str], rows: Sequence[Sequence[Term | None]]) -> str:
    """SPARQL 1.1 TSV results: ``?name`` headers, cells as RDF terms in N-Triples syntax, whose
    escapes keep tabs and newlines out of the cells.

    >>> cells = [Term("uri", "http://x/a"), Term("literal", "说\\t了", lang="zh")]
    >>> tsv(["s", "q"], [cells]).splitlines()
    ['?s\\t?q', '<http://x/a>\\t"说\\\\t了"@zh']
    """
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += [
        "\t".join("" if v is None else nt(v).replace("\t", "\\t") for v in row) for row in rows
    ]
    return "\n".join(lines) + "\n"


def csv_text(variables: Sequence[str], rows: Sequence[Sequence[Term | None]]) -> str:
    """SPARQL 1.1 CSV results: plain values (IRIs bare, blank nodes ``_:x``, literals their
    lexical form), RFC 4180 quoting and CRLF line ends."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(
            ["" if v is None else f"_:{v.value}" if v.kind == "bnode" else v.value for v in row]
        )
    return out.getvalue()


def json_text(answer: Solutions) -> str:
    """SPARQL 1.1 JSON results, laid out as rdflib's serialiser lays them out, indented.

    >>> print(json_text(Solutions("ASK", boolean=True)), end="")
    {
     "head": {},
     "boolean": true
    }
    """
    data: dict[str, Any]
    if answer.form == "ASK":
        data = {"head": {}, "boolean": answer.boolean}
    else:
        bindings = [
            {name: _json_term(v) for name, v in zip(answer.variables, row, strict=True) if v}
            for row in answer.rows
        ]
        data = {"results": {"bindings": bindings}, "head": {"vars": answer.variables}}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _json_term(value: Term) -> dict[str, str]:
    out = {"type": value.kind, "value": value.value}
    if value.datatype is not None:
        out["datatype"] = value.datatype
    if value.lang is not None:
        out["xml:lang"] = value.lang
    return out


def xml_text(answer: Solutions) -> str:
    """SPARQL Query Results XML. rdflib's own writer leaves ``false`` literals empty (it tests
    the value's truth, not its presence), so the elements are made here with the standard
    library.

    >>> print(xml_text(Solutions("ASK", boolean=False)), end="")
    <?xml version='1.0' encoding='utf-8'?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#"><head /><boolean>false</boolean></sparql>
    """
    import xml.etree.ElementTree as ET

    root = ET.Element("sparql", xmlns=SPARQL_RESULTS)
    head = ET.SubElement(root, "head")
    if answer.form == "ASK":
        ET.SubElement(root, "boolean").text = "true" if answer.boolean else "false"
    else:
        for name in answer.variables:
            ET.SubElement(head, "variable", name=name)
        results = ET.SubElement(root, "results")
        for row in answer.rows:
            solution = ET.SubElement(results, "result")
            for name, value in zip(answer.variables, row, strict=True):
                if value is not None:
                    _xml_term(ET.SubElement(solution, "binding", name=name), value)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _xml_term(parent: ET.Element, value: Term) -> None:
    import xml.etree.ElementTree as ET

    if value.kind == "literal":
        attrs = {}
        if value.lang:
            attrs[XML_LANG] = value.lang
        elif value.datatype:
            attrs["datatype"] = value.datatype
        ET.SubElement(parent, "literal", attrs).text = value.value
    else:
        ET.SubElement(parent, value.kind).text = value.value


def cell(value: Term | None) -> str:
    """A value as people read it in a table: IRIs shortened by the project's prefixes."""
    if value is None:
        return ""
    if value.kind == "uri":
        return curie(value.value)
    return " ".join(value.value.split())


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two.

    >>> display_width("人脸 data")
    9
    """
    text = _ANSI.sub("", text) if "\x1b" in text else text
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOKEN = re.compile(r"\x1b\[[0-9;]*m|\[[^\[\]\s]{1,24}\|[a-z, ]+\]|[!-~]+|\s+|.")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces or between Chinese
    characters, never inside a Latin word, a number or a ``[span|role]`` mark unless it is wider
    than a whole line; nothing is cut off.

    >>> wrap("人脸识别数据", 6)
    ['人脸识', '别数据']
    >>> wrap("face data for sale", 9)
    ['face data', 'for sale']
    >>> wrap("出售[人脸|datatype]照片", 16)
    ['出售', '[人脸|datatype]', '照片']
    """
    if display_width(text) <= width:
        return [text]
    width = max(width, 1)
    lines: list[str] = []
    current, used = "", 0
    for token in _TOKEN.findall(text):
        w = display_width(token)
        if used + w > width and current.strip():
            lines.append(current.rstrip())
            current, used = "", 0
            if token.isspace():
                continue
        while w > width:  # a token wider than a line: split it where it must be
            room, head, taken = width - used, "", 0
            for ch in token:
                cw = display_width(ch)
                if taken + cw > room and (head or current):
                    break  # (an empty line takes one character, however wide)
                head, taken = head + ch, taken + cw
            lines.append(current + head)
            current, used, token = "", 0, token[len(head) :]
            w = display_width(token)
        current, used = current + token, used + w
    if current.strip():
        lines.append(current.rstrip())
    return lines


def column_widths(natural: list[int], limit: int | None) -> list[int]:
    """Widths for columns whose full cells need ``natural`` columns, within ``limit`` columns in
    all (two spaces between columns): the widest column gives way first, none below
    :data:`MIN_COLUMN`. No limit: every column as wide as its widest cell."""
    widths = list(natural)
    if not limit:
        return widths
    budget = limit - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def table(
    variables: Sequence[str],
    cells: Sequence[Sequence[str]],
    width: int | None,
    footer: str | None = None,
) -> str:
    """An aligned table with full cells: a cell wider than its column wraps onto more lines;
    last, ``footer`` or the number of rows."""
    natural = [
        max([display_width(v)] + [display_width(r[i]) for r in cells])
        for i, v in enumerate(variables)
    ]
    widths = column_widths(natural, width)
    lines = [_line(variables, widths), "  ".join("-" * w for w in widths)]
    for row in cells:
        wrapped = [wrap(c, w) for c, w in zip(row, widths, strict=True)]
        for k in range(max(len(w) for w in wrapped) if wrapped else 0):
            lines.append(_line([w[k] if k < len(w) else "" for w in wrapped], widths))
    lines.append(footer or f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)
    ).rstrip()
