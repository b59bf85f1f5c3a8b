"""The project's namespaces, defined once.

ontology/prk.ttl declares the same IRIs (a test checks that they agree).
"""

from functools import cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, NamespaceManager

BASE = "https://w3id.org/prkg/"
PRK = Namespace(BASE + "ns#")
ID = Namespace(BASE + "id/")
KT = Namespace(BASE + "technique/")
KD = Namespace(BASE + "datatype/")
KH = Namespace(BASE + "harm/")
KR = Namespace(BASE + "remedy/")
KP = Namespace(BASE + "platform/")
CUE = Namespace(BASE + "cue/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SCHEMA = Namespace("https://schema.org/")
LAW = Namespace(BASE + "law/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
DPV = Namespace("https://w3id.org/dpv#")

PREFIXES: dict[str, Namespace] = {
    "prk": PRK,
    "id": ID,
    "kt": KT,
    "kd": KD,
    "kh": KH,
    "kr": KR,
    "kp": KP,
    "cue": CUE,
    "nif": NIF,
    "schema": SCHEMA,
    "law": LAW,
    "eli": ELI,
    "dpv": DPV,
    "pd": Namespace("https://w3id.org/dpv/pd#"),
    "risk": Namespace("https://w3id.org/dpv/risk#"),
    "tech": Namespace("https://w3id.org/dpv/tech#"),
    "ai": Namespace("https://w3id.org/dpv/ai#"),
    "eu-gdpr": Namespace("https://w3id.org/dpv/legal/eu/gdpr#"),
    "sector-finance": Namespace("https://w3id.org/dpv/sector/finance#"),
    "loc": Namespace("https://w3id.org/dpv/loc#"),
    "sssom": Namespace("https://w3id.org/sssom/"),
    "semapv": Namespace("https://w3id.org/semapv/vocab/"),
    "skos": Namespace(str(SKOS)),
    "prov": Namespace(str(PROV)),
    "dcterms": Namespace(str(DCTERMS)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
}

#: Mention roles as used in gold files and on the command line, and their ontology individuals.
ROLE_IRIS = {
    "technique": PRK.TechniqueRole,
    "datatype": PRK.DataTypeRole,
    "harm": PRK.HarmRole,
    "remedy": PRK.RemedyRole,
    "price": PRK.PriceRole,
    "actor": PRK.ActorRole,
}
#: The four concept schemes whose labels are the extraction lexicon, by role.
SCHEMES = {
    "technique": PRK.TechniqueScheme,
    "datatype": PRK.DataTypeScheme,
    "harm": PRK.HarmScheme,
    "remedy": PRK.RemedyScheme,
}
#: Claim slot property for each concept role.
SLOTS = {
    "technique": PRK.technique,
    "datatype": PRK.dataType,
    "harm": PRK.harm,
    "remedy": PRK.remedy,
}


def bind_all(graph: "object") -> None:
    """Bind the project prefixes on an rdflib graph, so serialisations are readable."""
    for prefix, ns in PREFIXES.items():
        graph.namespace_manager.bind(prefix, ns, override=True, replace=True)  # type: ignore[attr-defined]


#: The project's own concept namespaces, longest first, for :func:`concept_curie`.
_CONCEPT_PREFIXES = sorted(
    ((str(PREFIXES[p]), p) for p in ("kt", "kd", "kh", "kr", "kp")), key=lambda p: -len(p[0])
)


def concept_curie(iri: str) -> str:
    """A vocabulary concept's CURIE (as gold files write it); other IRIs unchanged.

    >>> concept_curie("https://w3id.org/prkg/harm/fraud")
    'kh:fraud'
    """
    for ns, prefix in _CONCEPT_PREFIXES:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand_curie(curie: str) -> str:
    """The IRI of a CURIE with one of the project's prefixes; anything else unchanged.

    >>> expand_curie("kt:deepfake")
    'https://w3id.org/prkg/technique/deepfake'
    """
    prefix, sep, local = curie.partition(":")
    ns = PREFIXES.get(prefix)
    return str(ns) + local if sep and ns is not None and not local.startswith("//") else curie


@cache
def _names() -> NamespaceManager:
    """The project's prefixes, for showing IRIs in tables whatever store answered."""
    graph = Graph()
    bind_all(graph)
    return graph.namespace_manager


#: Namespaces longest first, for writing IRIs that rdflib will not abbreviate as CURIEs.
_BY_LENGTH = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda p: -len(p[0]))


def curie(iri: URIRef) -> str:
    """``iri`` as short as the project's prefixes make it, for people to read and paste back.

    rdflib abbreviates only names that are valid in Turtle; the nodes this tool mints have a
    "/" in their local part, so they are written as W3C CURIEs instead, which ``--param`` reads.

    >>> curie(URIRef("https://w3id.org/prkg/id/claim/8587380abd1d1c95"))
    'id:claim/8587380abd1d1c95'
    >>> curie(URIRef("https://w3id.org/prkg/technique/deepfake"))
    'kt:deepfake'
    """
    try:
        short = _names().normalizeUri(iri)
    except Exception:  # noqa: BLE001 - rdflib refuses some IRIs; they are shown in full
        short = f"<{iri}>"
    if short.startswith("<"):
        for namespace, name in _BY_LENGTH:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
    return short
