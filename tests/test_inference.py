"""The materialised inferences: subclass and subproperty closure and inverses, kept apart from asserted triples."""

from __future__ import annotations

from rdflib import Graph

from allegiance.kb.inference import closure, infer
from allegiance.namespaces import ALG, ID, ORG, OWL, PROV, RDF, RDFS

TBOX = """
@prefix alg: <https://w3id.org/allegiance/ontology#> .
@prefix id: <https://w3id.org/allegiance/id/> .
id:acc a alg:Accusation ; alg:accuser id:someone ; alg:accused id:state .
id:den a alg:Denial ; alg:respondsTo id:acc ; alg:respondent id:state .
"""


def test_closure_adds_subclass_subproperty_and_inverse_triples(kb):
    data = kb.ontology + Graph().parse(data=TBOX, format="turtle")
    inferred = closure(data)
    assert (ID.acc, RDF.type, ALG.Claim) in inferred
    assert (ID.acc, RDF.type, PROV.Entity) in inferred
    assert (ID.acc, ALG.claimedBy, ID.someone) in inferred
    assert (ID.acc, PROV.wasAttributedTo, ID.someone) in inferred
    assert (ID.acc, ALG.hasResponse, ID.den) in inferred          # owl:inverseOf
    assert (ID.den, RDF.type, ALG.Response) in inferred
    assert (ID.someone, RDF.type, PROV.Agent) in inferred           # rdfs:range
    assert (ALG.Denial, RDFS.subClassOf, ALG.Claim) in inferred    # transitive closure of the TBox


def test_inferences_exclude_asserted_and_trivial_triples(kb):
    data = kb.data()
    inferred = infer(kb)
    assert len(inferred) > 0
    assert all(t not in data for t in inferred)
    assert (None, RDF.type, OWL.Thing) not in inferred
    assert not any(s == o for s, p, o in inferred.triples((None, OWL.sameAs, None)))


def test_shipped_entities_get_their_superclasses(kb):
    inferred = infer(kb)
    assert (ID["islamic-state"], RDF.type, ORG.Organization) in inferred
    assert (ID["islamic-state"], RDF.type, PROV.Agent) in inferred
    assert (ID["turkey"], RDF.type, ALG.Place) not in kb.data()
    assert (ID["turkey"], RDF.type, ALG.Place) in inferred
