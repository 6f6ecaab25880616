"""The published ontology: the metadata and annotations reviewers (OOPS!, FOOPS!) check, and no hijacked terms."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from allegiance.namespaces import ALG, CONCEPT, DCTERMS, ONTOLOGY_IRI, OWL, RDF, RDFS, SKOS, VANN

ONTOLOGY = URIRef(ONTOLOGY_IRI)


def _terms(ontology, kinds):
    return sorted({s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(str(ALG))})


def test_ontology_header(kb):
    o = kb.ontology
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in o
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, OWL.versionInfo):
        assert o.value(ONTOLOGY, p) is not None, p
    assert isinstance(o.value(ONTOLOGY, DCTERMS.license), URIRef)  # a licence IRI, not text
    assert str(o.value(ONTOLOGY, OWL.versionIRI)).startswith(ONTOLOGY_IRI + "/")
    assert str(o.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "alg"
    assert str(o.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(ALG)


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_is_labelled_and_defined(kb, kind):
    o = kb.ontology
    terms = _terms(o, [kind])
    assert terms
    for t in terms:
        labels = [l for l in o.objects(t, RDFS.label) if isinstance(l, Literal) and l.language == "en"]
        assert len(labels) == 1, t
        assert o.value(t, SKOS.definition) is not None, t


def test_every_property_has_one_domain_and_one_range(kb):
    o = kb.ontology
    for p in _terms(o, [OWL.ObjectProperty, OWL.DatatypeProperty]):
        assert len(list(o.objects(p, RDFS.domain))) == 1, p  # several rdfs:domain would mean their intersection
        assert len(list(o.objects(p, RDFS.range))) == 1, p


def test_no_two_terms_share_a_label(kb):
    o = kb.ontology
    seen: dict[str, URIRef] = {}
    for t in _terms(o, [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty]):
        label = str(o.value(t, RDFS.label)).lower()
        assert label not in seen, (t, seen.get(label))
        seen[label] = t


def test_external_terms_are_only_declared_never_defined(kb):
    """No label, definition, domain, range or superclass is written on a term of a namespace we do not own."""
    o = kb.ontology
    defining = {RDFS.label, SKOS.definition, RDFS.comment, RDFS.domain, RDFS.range, RDFS.subClassOf,
                RDFS.subPropertyOf, OWL.equivalentClass, OWL.inverseOf}
    for s, p, _ in o:
        if isinstance(s, URIRef) and p in defining:
            assert str(s).startswith(("https://w3id.org/allegiance/",)), (s, p)


def test_every_class_and_property_used_by_the_instances_is_declared(kb):
    o = kb.ontology
    declared = set(_terms(o, [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty]))
    used = set()
    for g in kb.instances.values():
        used |= {p for p in g.predicates() if str(p).startswith(str(ALG))}
        used |= {c for c in g.objects(None, RDF.type) if str(c).startswith(str(ALG))}
    assert used - declared == set()


def test_disjointness_and_inverses_are_stated(kb):
    o = kb.ontology
    assert len(list(o.subjects(RDF.type, OWL.AllDisjointClasses))) >= 5
    assert (ALG.respondsTo, OWL.inverseOf, ALG.hasResponse) in o


def test_every_concept_is_in_a_scheme_with_label_and_definition(kb):
    o = kb.ontology
    concepts = set(o.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 40
    for c in concepts:
        assert str(c).startswith(str(CONCEPT)), c
        scheme = o.value(c, SKOS.inScheme)
        assert (scheme, RDF.type, SKOS.ConceptScheme) in o, c
        assert o.value(c, SKOS.prefLabel) is not None and o.value(c, SKOS.definition) is not None, c
