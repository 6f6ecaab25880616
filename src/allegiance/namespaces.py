"""The IRIs the project owns and the W3C vocabularies it reuses."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD

BASE = "https://w3id.org/allegiance/"
ONTOLOGY_IRI = BASE + "ontology"
ALG = Namespace(ONTOLOGY_IRI + "#")
ID = Namespace(BASE + "id/")
SRC = Namespace(BASE + "source/")
CONCEPT = Namespace(BASE + "concept/")
GRAPH = Namespace(BASE + "graph/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "alg": str(ALG),
    "id": str(ID),
    "src": str(SRC),
    "concept": str(CONCEPT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "org": str(ORG),
    "foaf": str(FOAF),
    "time": str(TIME),
    "vann": str(VANN),
    "sh": str(SH),
    "wd": str(WD),
}


def prefixed_name(iri: object) -> str:
    """``alg:Pledge`` for an IRI in one of the namespaces above (the longest that matches, and only when the rest
    is a local name without ``/``), else the IRI."""
    text = str(iri)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = text[len(ns):]
        if text.startswith(ns) and local and "/" not in local:
            return f"{prefix}:{local}"
    return text


def sparql_prologue() -> str:
    """PREFIX declarations for every namespace above, for queries written in Python."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


__all__ = [
    "ALG", "ID", "SRC", "CONCEPT", "GRAPH", "VANN", "SH", "WD", "BASE", "ONTOLOGY_IRI", "PREFIXES",
    "DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SKOS", "TIME", "XSD", "ORG", "sparql_prologue",
    "prefixed_name",
]
