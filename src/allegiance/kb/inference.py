"""Materialising what query authors may rely on: the OWL 2 RL closure of ontology plus instances.

The ``reasonable`` engine (OWL 2 RL, in Rust) computes the closure; only triples that are new, and say something
about the project's data, are kept: subclass and subproperty closure, types from domains and ranges, inverses.
Tautologies of the OWL vocabulary (``x a owl:Thing``, ``x owl:sameAs x``, ``owl:Nothing`` axioms) are dropped.
The result is served as its own named graph, so asserted and inferred triples stay apart.
"""

from __future__ import annotations

import reasonable
from rdflib import BNode, Graph, Literal, URIRef

from allegiance.kb.load import KnowledgeBase
from allegiance.namespaces import OWL, PREFIXES, RDF, RDFS

_BUILTIN_PREFIXES = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")


def _trivial(s, p, o) -> bool:
    if p == OWL.sameAs and s == o:
        return True
    if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty) and s == o:
        return True
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(_BUILTIN_PREFIXES):
        # x a owl:Thing / owl:Class / rdf:Property ...: vocabulary bookkeeping, not knowledge
        return o not in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) or str(s).startswith(_BUILTIN_PREFIXES)
    if str(s).startswith(_BUILTIN_PREFIXES):
        return True
    if isinstance(o, URIRef) and o in (OWL.Thing, OWL.Nothing, RDFS.Resource):
        return True
    if p in (RDF.type, RDFS.subClassOf) and isinstance(o, BNode):
        return True  # membership of an anonymous class expression (a union used as a domain)
    return False


def closure(data: Graph) -> Graph:
    """The new, non-trivial triples of the OWL 2 RL closure of ``data``."""
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(data)
    inferred = Graph()
    for prefix, iri in PREFIXES.items():
        inferred.bind(prefix, iri)
    for s, p, o in reasoner.reason():
        if (s, p, o) in data or _trivial(s, p, o):
            continue
        if isinstance(o, Literal):
            # the engine returns plain literals where the data has xsd:string and the like: entailments on
            # literals only restate asserted values here, as no property chain produces literals
            continue
        inferred.add((s, p, o))
    return inferred


def infer(kb: KnowledgeBase) -> Graph:
    """The inferences graph for a loaded knowledge base (ontology and every instances file)."""
    return closure(kb.data())
