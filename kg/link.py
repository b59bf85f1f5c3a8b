"""Links to other privacy-law datasets: W3C DPV mappings and legal provisions.

Mappings are data: SSSOM TSV files in ``ontology/mappings/`` (read with PyYAML, csv and
curies), one row per mapping with its justification, confidence and curator. The build turns
each row into the direct triple (``kd:face-photo skos:broadMatch pd:Picture``) plus an SSSOM
mapping record carrying its metadata, with an IRI minted from the row's content.

:func:`check_mappings` compares the mappings with the real DPV files: every target must be
defined there and not deprecated; :func:`propose_mappings` suggests targets for unmapped
concepts by label similarity (rapidfuzz) for a curator to accept or reject.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.errors import InputError
from kg.namespaces import ID, PREFIXES, PRK, SCHEMES, curie

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")
PAV = Namespace("http://purl.org/pav/")
SW = Namespace("http://www.w3.org/2003/06/sw-vocab-status/ns#")
DPV_BASE = "https://w3id.org/dpv"

#: The SKOS mapping predicates a DPV mapping may use.
MATCH_PREDICATES = frozenset(
    {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
)
#: Columns a mapping file must have (SSSOM slot names).
REQUIRED_COLUMNS = (
    "subject_id",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "confidence",
    "author_id",
)
#: sw:term_status values that mark a DPV term as on its way out.
DEPRECATED_STATUS = frozenset({"sunset", "deprecated", "archaic"})


@dataclass(frozen=True)
class Mapping:
    """One reviewed row of an SSSOM file."""

    subject: URIRef
    predicate: URIRef
    object: URIRef
    justification: URIRef
    confidence: float
    author: URIRef
    subject_label: str = ""
    object_label: str = ""
    comment: str = ""
    source: str = ""
    row: int = 0

    @property
    def where(self) -> str:
        """File and row, for messages."""
        return f"{self.source}:{self.row}"


@dataclass(frozen=True)
class LinkProblem:
    """Something wrong with one mapping, in words."""

    where: str
    mapping: str
    reason: str

    def line(self) -> str:
        return f"{self.where}: {self.mapping} — {self.reason}"


@dataclass(frozen=True)
class Candidate:
    """A proposed mapping for a curator to review."""

    subject: URIRef
    subject_label: str
    object: URIRef
    object_label: str
    score: float


#: Prefixes the SSSOM specification builds in: a file may use them without declaring them.
SSSOM_BUILTIN_PREFIXES = {
    "sssom": "https://w3id.org/sssom/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
}
#: The columns whose values are CURIEs.
CURIE_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification", "author_id")
_CURIE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:[^\s:/][^\s]*$|^[A-Za-z_][A-Za-z0-9_.-]*:$")


def _metadata(path: Path) -> dict[str, object]:
    """The YAML metadata block (the leading ``#`` lines) of an SSSOM TSV file."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    try:
        meta = yaml.safe_load("\n".join(lines)) if lines else {}
    except yaml.YAMLError as err:
        reason = " ".join(str(err).split())[:160]
        raise InputError(f"{path}: not a readable SSSOM TSV (metadata block: {reason})") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict) or not isinstance(meta.get("curie_map", {}), dict):
        raise InputError(f"{path}: not a readable SSSOM TSV (metadata block is not a mapping)")
    return meta


def read_mappings(path: Path) -> list[Mapping]:
    """Read and validate one SSSOM TSV file; :class:`InputError` names the file and the reason.

    The same two checks ``sssom validate`` makes of the prefixes (every CURIE's prefix in the
    CURIE map or built into SSSOM, and every CURIE well formed: ``tests/test_link.py`` compares
    the verdicts with sssom-py's), with PyYAML for the metadata block, the standard library's
    csv for the rows and the ``curies`` library to expand them."""
    # curies brings pydantic (0.1 s): imported when mappings are read, not by every `kg` command
    import curies

    if not path.is_file():
        raise InputError(f"{path}: no such mapping file")
    meta = _metadata(path)
    prefix_map = {**SSSOM_BUILTIN_PREFIXES, **dict(meta.get("curie_map") or {})}  # type: ignore[call-overload]
    converter = curies.Converter.from_prefix_map({str(k): str(v) for k, v in prefix_map.items()})
    rows = _raw_rows(path)
    columns = set(rows[0][1]) if rows else set(_header(path))
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(f"{path}: missing SSSOM column(s) {', '.join(missing)}")
    for row_no, row in rows:
        for column in CURIE_COLUMNS:
            value = (row.get(column) or "").strip()
            if value and not _CURIE.match(value):
                raise InputError(
                    f"{path}:{row_no}: not valid SSSOM ({column} {value!r} is not a CURIE)"
                )
            if value and value.split(":", 1)[0] not in prefix_map:
                raise InputError(
                    f"{path}:{row_no}: not valid SSSOM (prefix of {value!r} is "
                    "not in the curie_map)"
                )
    out = []
    for row_no, row in rows:

        def iri(slot: str, row: dict[str, str] = row, row_no: int = row_no) -> URIRef:
            value = (row.get(slot) or "").strip()
            expanded = converter.expand(value) if value else None
            if not expanded:
                raise InputError(f"{path}:{row_no}: {slot} {value!r} is not a known CURIE")
            return URIRef(expanded)

        try:
            confidence = float(row.get("confidence") or "nan")
        except ValueError:
            confidence = math.nan
        out.append(
            Mapping(
                subject=iri("subject_id"),
                predicate=iri("predicate_id"),
                object=iri("object_id"),
                justification=iri("mapping_justification"),
                confidence=confidence,
                author=iri("author_id"),
                subject_label=row.get("subject_label") or "",
                object_label=row.get("object_label") or "",
                comment=row.get("comment") or "",
                source=str(path),
                row=row_no,
            )
        )
    return out


def _header(path: Path) -> list[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line[:1] != "#" and line.strip():
            return line.split("\t")
    return []


def _raw_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) as written, in file order (sssom-py sorts and de-duplicates rows)."""
    numbered = [
        (n, ln)
        for n, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ln[:1] != "#" and ln.strip()
    ]
    if not numbered:
        return []
    reader = csv.DictReader((ln for _, ln in numbered), delimiter="\t")
    return [(n, row) for (n, _), row in zip(numbered[1:], reader, strict=True)]


def read_mapping_files(paths: Iterable[Path]) -> list[Mapping]:
    """Every row of every file, in file order."""
    return [m for path in paths for m in read_mappings(path)]


def mapping_iri(m: Mapping) -> URIRef:
    """Content-derived IRI of a mapping record: the same triple always has the same record."""
    key = f"{m.subject} {m.predicate} {m.object}".encode()
    return ID[f"mapping/{hashlib.sha256(key).hexdigest()[:16]}"]


def mapping_graph(mappings: Iterable[Mapping]) -> Graph:
    """The mapping triples and one SSSOM record (an ``owl:Axiom``) per mapping."""
    graph = Graph()
    for m in mappings:
        graph.add((m.subject, m.predicate, m.object))
        rec = mapping_iri(m)
        graph.add((rec, RDF.type, OWL.Axiom))
        graph.add((rec, RDF.type, SSSOM.Mapping))
        graph.add((rec, OWL.annotatedSource, m.subject))
        graph.add((rec, OWL.annotatedProperty, m.predicate))
        graph.add((rec, OWL.annotatedTarget, m.object))
        graph.add((rec, SSSOM.mapping_justification, m.justification))
        if not math.isnan(m.confidence):
            graph.add((rec, SSSOM.confidence, Literal(f"{m.confidence:g}", datatype=XSD.double)))
        graph.add((rec, PAV.authoredBy, m.author))
        if m.object_label:
            graph.add((rec, SSSOM.object_label, Literal(m.object_label)))
        if m.comment:
            graph.add((rec, RDFS.comment, Literal(m.comment)))
    return graph


@cache
def _dpv_cached(folder: str) -> Graph:
    graph = Graph()
    files = sorted(Path(folder).rglob("*.ttl"))
    if not files:
        raise InputError(f"{folder}: no DPV Turtle files found")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as err:  # noqa: BLE001 - rdflib raises many parser errors
            reason = " ".join(str(err).split())[:160]
            raise InputError(f"{path}: malformed Turtle ({reason})") from None
    return graph


def load_dpv(folder: Path) -> Graph:
    """Every Turtle file under ``folder`` (the unmodified DPV release), parsed once per process."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such DPV folder")
    return _dpv_cached(str(folder.resolve()))


def is_defined(dpv: Graph, term: URIRef) -> bool:
    """Whether DPV defines ``term`` (it has a type or a label there, not just a mention)."""
    return (term, RDF.type, None) in dpv or (term, SKOS.prefLabel, None) in dpv


def deprecation(dpv: Graph, term: URIRef) -> str | None:
    """Why DPV says ``term`` is deprecated, or None."""
    if (term, OWL.deprecated, Literal(True)) in dpv:
        return "owl:deprecated true"
    for status in dpv.objects(term, SW.term_status):
        if str(status).lower() in DEPRECATED_STATUS:
            note = dpv.value(term, SKOS.scopeNote)
            return f'term status "{status}"' + (f" ({note})" if note else "")
    for label in dpv.objects(term, SKOS.prefLabel):
        if "(deprecated)" in str(label).lower():
            return f'label "{label}"'
    return None


def _label(graph: Graph, term: URIRef) -> str:
    for label in graph.objects(term, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language in ("en", None):
            return str(label)
    return str(term)


def check_mappings(mappings: Sequence[Mapping], vocab: Graph, dpv: Graph) -> list[LinkProblem]:
    """Every problem with ``mappings`` against our vocabulary and the real DPV, in file order."""
    problems: list[LinkProblem] = []
    seen: dict[tuple[URIRef, URIRef], Mapping] = {}

    def bad(m: Mapping, reason: str) -> None:
        text = f"{curie(m.subject)} {curie(m.predicate)} {curie(m.object)}"
        problems.append(LinkProblem(m.where, text, reason))

    for m in mappings:
        if (m.subject, RDF.type, SKOS.Concept) not in vocab:
            bad(m, "the subject is not a concept of our vocabulary")
        if not 0.0 <= m.confidence <= 1.0:
            bad(m, f"confidence must be a number from 0 to 1, not {m.confidence}")
        pair = (m.subject, m.object)
        if pair in seen:
            bad(m, f"the same pair is already mapped at row {seen[pair].row}")
        seen[pair] = m
        if m.predicate in MATCH_PREDICATES:
            if not str(m.object).startswith(DPV_BASE):
                bad(m, "a SKOS match here must point into DPV (https://w3id.org/dpv…)")
            elif not is_defined(dpv, m.object):
                bad(m, "the target does not exist in the DPV files")
            elif reason := deprecation(dpv, m.object):
                bad(m, f"the target is deprecated in DPV: {reason}")
        elif m.predicate == PRK.governedBy:
            kinds = set(vocab.objects(m.object, RDF.type))
            if not kinds & {PRK.LegalProvision, PRK.LegalAct}:
                bad(m, "the target is not a provision of ontology/provisions.ttl")
        else:
            bad(m, "the predicate must be a SKOS match property or prk:governedBy")
    return problems


def concepts(vocab: Graph) -> list[tuple[str, URIRef]]:
    """(role, concept) for every concept of the four schemes, sorted; each scheme's
    unclassified concept (a holder of candidates, mapped to nothing by design) left out."""
    out = []
    for role, scheme in SCHEMES.items():
        out += [
            (role, c)
            for c in vocab.subjects(SKOS.inScheme, scheme)
            if isinstance(c, URIRef) and (c, RDF.type, PRK.UnclassifiedConcept) not in vocab
        ]
    return sorted(out)


def unmapped(vocab: Graph, mappings: Sequence[Mapping]) -> list[tuple[str, URIRef]]:
    """Concepts with no SKOS mapping to DPV: the gap list to offer upstream."""
    mapped = {m.subject for m in mappings if m.predicate in MATCH_PREDICATES}
    return [(role, c) for role, c in concepts(vocab) if c not in mapped]


def _dpv_labels(dpv: Graph) -> list[tuple[URIRef, str]]:
    out = []
    for term, label in dpv.subject_objects(SKOS.prefLabel):
        if isinstance(term, URIRef) and str(term).startswith(DPV_BASE):
            if (term, RDF.type, SKOS.Concept) in dpv and deprecation(dpv, term) is None:
                out.append((term, str(label)))
    return sorted(out)


def propose_mappings(
    vocab: Graph,
    dpv: Graph,
    targets: Sequence[URIRef],
    *,
    min_score: float = 0.6,
    per_concept: int = 3,
) -> list[Candidate]:
    """Up to ``per_concept`` DPV terms per concept whose label is like one of its English labels."""
    from rapidfuzz import fuzz, process, utils

    choices = _dpv_labels(dpv)
    labels = [label for _, label in choices]
    out: list[Candidate] = []
    for concept in targets:
        names = {
            str(label)
            for p in (SKOS.prefLabel, SKOS.altLabel)
            for label in vocab.objects(concept, p)
            if isinstance(label, Literal) and label.language == "en"
        }
        best: dict[URIRef, float] = {}
        for name in sorted(names):
            for _, score, idx in process.extract(
                name,
                labels,
                scorer=fuzz.token_sort_ratio,
                processor=utils.default_process,
                limit=per_concept * 3,
            ):
                term = choices[idx][0]
                best[term] = max(best.get(term, 0.0), score / 100)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], str(kv[0])))[:per_concept]
        out += [
            Candidate(concept, _label(vocab, concept), term, _label(dpv, term), round(score, 3))
            for term, score in ranked
            if score >= min_score
        ]
    return out


#: Prefixes SSSOM files need beyond the project's own (``PREFIXES``).
_SSSOM_PREFIXES = {
    "semapv": "https://w3id.org/semapv/vocab/",
    "prkg": "https://w3id.org/prkg/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def candidates_tsv(candidates: Sequence[Candidate], vocab: Graph, dpv: Graph) -> str:
    """Candidates as an SSSOM TSV file (``sssom validate`` accepts it): the metadata block with
    the CURIE map of every prefix the rows use, then the rows, ready to review and paste into a
    mapping file."""
    buf = io.StringIO()
    rows = [(curie(c.subject), curie(c.object)) for c in candidates]
    used = {"skos", "semapv", "prkg"} | {i.split(":", 1)[0] for pair in rows for i in pair}
    names = {**{p: str(ns) for p, ns in PREFIXES.items()}, **_SSSOM_PREFIXES}
    buf.write("# curie_map:\n")
    buf.writelines(f"#   {p}: {names[p]}\n" for p in sorted(used) if p in names)
    buf.write(
        "# mapping_set_id: https://w3id.org/prkg/mappings/proposed\n"
        "# mapping_set_description: Candidates proposed by kg link propose (label similarity);"
        " review each before accepting.\n"
        "# license: https://creativecommons.org/licenses/by/4.0/\n"
        f"# mapping_date: {date.today().isoformat()}\n"
    )
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(
        ["subject_id", "subject_label", "predicate_id", "object_id", "object_label"]
        + ["mapping_justification", "confidence", "author_id", "comment"]
    )
    for c in candidates:
        writer.writerow(
            [
                curie(c.subject),
                c.subject_label,
                "skos:relatedMatch",
                curie(c.object),
                c.object_label,
                "semapv:LexicalMatching",
                f"{c.score:.3f}",
                "prkg:tool/kg-link-propose",
                "proposed by label similarity; review the predicate before accepting",
            ]
        )
    return buf.getvalue()


def mappings_csv(mappings: Sequence[Mapping], vocab: Graph) -> str:
    """Every mapping as CSV with full IRIs, for spreadsheets and web developers."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        ["subject", "subject_label", "predicate", "object", "object_label"]
        + ["justification", "confidence", "curator", "comment"]
    )
    for m in mappings:
        writer.writerow(
            [
                m.subject,
                m.subject_label or _label(vocab, m.subject),
                m.predicate,
                m.object,
                m.object_label,
                m.justification,
                "" if math.isnan(m.confidence) else f"{m.confidence:g}",
                m.author,
                m.comment,
            ]
        )
    return buf.getvalue()


@dataclass(frozen=True)
class LinkReport:
    """What ``kg link check`` found."""

    mappings: list[Mapping]
    problems: list[LinkProblem]
    gaps: list[tuple[str, URIRef]]
    total: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self, vocab: Graph) -> list[str]:
        """The report as a curator reads it."""
        by_pred: dict[str, int] = {}
        for m in self.mappings:
            key = curie(m.predicate)
            by_pred[key] = by_pred.get(key, 0) + 1
        files = len({m.source for m in self.mappings})
        out = [f"mappings: {len(self.mappings)} rows in {files} file(s)"]
        out.append("  " + ", ".join(f"{k} {v}" for k, v in sorted(by_pred.items())))
        gaps_by_role: dict[str, int] = {}
        for role, _ in self.gaps:
            gaps_by_role[role] = gaps_by_role.get(role, 0) + 1
        out.append(
            "concepts mapped to DPV: "
            + ", ".join(
                f"{role} {n - gaps_by_role.get(role, 0)}/{n}" for role, n in self.total.items()
            )
        )
        if self.gaps:
            out.append(
                "no DPV counterpart (gap list): " + ", ".join(curie(c) for _, c in self.gaps)
            )
        out += [p.line() for p in self.problems]
        verdict = "OK" if self.ok else f"FAILED — {len(self.problems)} problem(s)"
        out.append(f"link check: {verdict}")
        return out


LINK_CHECK_STEPS = ("mappings", "DPV", "checked")


def link_check(
    dpv_dir: Path,
    mapping_paths: Sequence[Path],
    vocab: Graph,
    progress: Callable[[str], None] | None = None,
) -> LinkReport:
    """Check ``mapping_paths`` against our vocabulary and the DPV release in ``dpv_dir``;
    ``progress`` hears each of :data:`LINK_CHECK_STEPS`."""
    step = progress or (lambda _: None)
    mappings = read_mapping_files(mapping_paths)
    step(f"read {len(mappings)} mappings")
    dpv = load_dpv(dpv_dir)
    step(f"read DPV ({len(dpv)} triples)")
    problems = check_mappings(mappings, vocab, dpv)
    total: dict[str, int] = {}
    for role, _ in concepts(vocab):
        total[role] = total.get(role, 0) + 1
    step("checked")
    return LinkReport(mappings, problems, unmapped(vocab, mappings), total)
