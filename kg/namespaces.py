"""The project's namespaces as rdflib namespaces, made from the table in :mod:`kg.rdftext`.

ontology/prk.ttl declares the same IRIs (a test checks that they agree).
"""

from rdflib import Namespace

from kg.rdftext import BASE as BASE
from kg.rdftext import PREFIXES as _PREFIXES
from kg.rdftext import concept_curie as concept_curie
from kg.rdftext import curie as curie
from kg.rdftext import expand_curie as expand_curie

PREFIXES: dict[str, Namespace] = {name: Namespace(ns) for name, ns in _PREFIXES.items()}
_OWN = ("prk", "id", "kt", "kd", "kh", "kr", "kp", "cue", "nif", "schema", "law", "eli", "dpv")
PRK, ID, KT, KD, KH, KR, KP, CUE, NIF, SCHEMA, LAW, ELI, DPV = (PREFIXES[p] for p in _OWN)

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
