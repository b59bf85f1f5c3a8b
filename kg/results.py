"""Query answers written out: SELECT solutions as a table for people or in the W3C SPARQL
result formats (CSV, TSV, JSON, XML) for programs, ASK as a boolean, CONSTRUCT and DESCRIBE as
RDF in Turtle, N-Triples or JSON-LD.

The W3C formats are written exactly as the specs write them (the tests parse each back with
rdflib's standard result parsers): TSV cells are RDF terms in N-Triples syntax, CSV cells plain
values, JSON and XML rdflib's own serialisers.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from kg.errors import UsageError
from kg.namespaces import curie
from kg.ntriples import term
from kg.serialize import serialize

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
MIN_COLUMN = 8
SPARQL_RESULTS = "http://www.w3.org/2005/sparql-results#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render(result: Result, fmt: str, width: int | None = None, footer: str | None = None) -> str:
    """``result`` in ``fmt``: a SELECT or ASK in one of :data:`SOLUTION_FORMATS`, a CONSTRUCT or
    DESCRIBE in one of :data:`GRAPH_FORMATS` (``table`` stands for Turtle there). A table ends
    with ``footer``, by default its row count."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        fmt = "ttl" if fmt == "table" else fmt
        if fmt not in GRAPH_FORMATS:
            raise UsageError(f"--format {fmt}: a {result.type} answer is RDF (ttl, nt or jsonld)")
        assert result.graph is not None
        return serialize(result.graph, fmt).decode("utf-8")
    if fmt not in SOLUTION_FORMATS:
        raise UsageError(
            f"--format {fmt}: a {result.type} answer is one of table, csv, tsv, json or xml"
        )
    if fmt == "json":
        data = result.serialize(format="json", encoding="utf-8") or b"{}"
        return json.dumps(json.loads(data), ensure_ascii=False, indent=1) + "\n"
    if fmt == "xml":
        return xml_text(result)
    if result.type == "ASK":
        return f"{'true' if result.askAnswer else 'false'}\n"
    variables = [str(v) for v in result.vars or []]
    rows = [[row[i] for i in range(len(variables))] for row in result]  # type: ignore[index]
    if fmt == "tsv":
        return tsv(variables, rows)
    if fmt == "csv":
        return csv_text(variables, rows)
    return table(variables, [[cell(v) for v in row] for row in rows], width, footer)


def tsv(variables: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """SPARQL 1.1 TSV results: ``?name`` headers, cells as RDF terms in N-Triples syntax, whose
    escapes keep tabs and newlines out of the cells.

    >>> tsv(["s", "q"], [[URIRef("http://x/a"), Literal("说\\t了", lang="zh")]]).splitlines()
    ['?s\\t?q', '<http://x/a>\\t"说\\\\t了"@zh']
    """
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += [
        "\t".join("" if v is None else term(v).replace("\t", "\\t") for v in row)  # type: ignore[arg-type]
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def csv_text(variables: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """SPARQL 1.1 CSV results: plain values (IRIs bare, blank nodes ``_:x``, literals their
    lexical form), RFC 4180 quoting and CRLF line ends."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(
            ["" if v is None else f"_:{v}" if isinstance(v, BNode) else str(v) for v in row]
        )
    return out.getvalue()


def xml_text(result: Result) -> str:
    """SPARQL Query Results XML. rdflib's own writer leaves ``false`` literals empty (it tests
    the value's truth, not its presence), so the elements are made here with the standard
    library.

    >>> answer = Result("ASK"); answer.askAnswer = False
    >>> print(xml_text(answer), end="")
    <?xml version='1.0' encoding='utf-8'?>
    <sparql xmlns="http://www.w3.org/2005/sparql-results#"><head /><boolean>false</boolean></sparql>
    """
    root = ET.Element("sparql", xmlns=SPARQL_RESULTS)
    head = ET.SubElement(root, "head")
    if result.type == "ASK":
        ET.SubElement(root, "boolean").text = "true" if result.askAnswer else "false"
    else:
        names = [str(v) for v in result.vars or []]
        for name in names:
            ET.SubElement(head, "variable", name=name)
        results = ET.SubElement(root, "results")
        for row in result.bindings:
            solution = ET.SubElement(results, "result")
            for name, value in sorted(row.items(), key=lambda kv: names.index(str(kv[0]))):
                binding = ET.SubElement(solution, "binding", name=str(name))
                _xml_term(binding, value)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _xml_term(parent: ET.Element, value: object) -> None:
    if isinstance(value, URIRef):
        ET.SubElement(parent, "uri").text = str(value)
    elif isinstance(value, BNode):
        ET.SubElement(parent, "bnode").text = str(value)
    elif isinstance(value, Literal):
        attrs = {}
        if value.language:
            attrs[XML_LANG] = value.language
        elif value.datatype:
            attrs["datatype"] = str(value.datatype)
        ET.SubElement(parent, "literal", attrs).text = str(value)


def cell(value: object) -> str:
    """A value as people read it in a table: IRIs shortened by the project's prefixes."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        return curie(value)
    return " ".join(str(value).split())


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
