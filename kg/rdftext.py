"""RDF terms as text, without rdflib: the project's prefixes, CURIEs, N-Triples literals.

Everything a query's answer needs to be written for people or programs is here, so that a
query sent to an endpoint (:mod:`kg.client`) can be answered without loading rdflib, which
takes longer to import than a small query takes to run. :mod:`kg.namespaces` builds rdflib's
namespaces from the same table (a test checks that they agree with ontology/prk.ttl).
"""

from __future__ import annotations

BASE = "https://w3id.org/prkg/"

#: The project's prefixes: every graph, query and table uses these names.
PREFIXES: dict[str, str] = {
    "prk": BASE + "ns#",
    "id": BASE + "id/",
    "kt": BASE + "technique/",
    "kd": BASE + "datatype/",
    "kh": BASE + "harm/",
    "kr": BASE + "remedy/",
    "kp": BASE + "platform/",
    "cue": BASE + "cue/",
    "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
    "schema": "https://schema.org/",
    "law": BASE + "law/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "risk": "https://w3id.org/dpv/risk#",
    "tech": "https://w3id.org/dpv/tech#",
    "ai": "https://w3id.org/dpv/ai#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "sector-finance": "https://w3id.org/dpv/sector/finance#",
    "loc": "https://w3id.org/dpv/loc#",
    "sssom": "https://w3id.org/sssom/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}

#: Namespaces longest first, so an IRI is shortened by the most specific one.
_BY_LENGTH = sorted(((ns, name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))
#: The project's own concept namespaces, for :func:`concept_curie`.
_CONCEPTS = [(ns, name) for ns, name in _BY_LENGTH if name in ("kt", "kd", "kh", "kr", "kp")]


def curie(iri: str) -> str:
    """``iri`` as short as the project's prefixes make it, for people to read and paste back
    (``--param`` reads it): a W3C CURIE, whose local part may hold a "/" as the nodes this tool
    mints do; an IRI outside the project's namespaces in full, in angle brackets.

    >>> curie("https://w3id.org/prkg/id/claim/8587380abd1d1c95")
    'id:claim/8587380abd1d1c95'
    >>> curie("https://w3id.org/prkg/technique/deepfake"), curie("http://example.org/x")
    ('kt:deepfake', '<http://example.org/x>')
    """
    for namespace, name in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def concept_curie(iri: str) -> str:
    """A vocabulary concept's CURIE (as gold files write it); other IRIs unchanged.

    >>> concept_curie("https://w3id.org/prkg/harm/fraud")
    'kh:fraud'
    """
    for namespace, prefix in _CONCEPTS:
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def expand_curie(curie: str) -> str:
    """The IRI of a CURIE with one of the project's prefixes; anything else unchanged.

    >>> expand_curie("kt:deepfake")
    'https://w3id.org/prkg/technique/deepfake'
    """
    prefix, sep, local = curie.partition(":")
    ns = PREFIXES.get(prefix)
    return ns + local if sep and ns is not None and not local.startswith("//") else curie


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def quoted(lexical: str) -> str:
    r"""A lexical form as an N-Triples string.

    >>> print(quoted('他说"刷脸"\n可以'))
    "他说\"刷脸\"\n可以"
    """
    return f'"{lexical.translate(_ESCAPES)}"'


def literal(lexical: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples: quoted, then its language tag or datatype IRI.

    >>> literal("人脸", "zh"), literal("3", None, "http://www.w3.org/2001/XMLSchema#integer")
    ('"人脸"@zh', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    if lang:
        return f"{quoted(lexical)}@{lang}"
    if datatype:
        return f"{quoted(lexical)}^^<{datatype}>"
    return quoted(lexical)
