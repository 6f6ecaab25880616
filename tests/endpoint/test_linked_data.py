"""Linked data: 303 See Other from each resource IRI to a document chosen by Accept (W3C recipes 3 and 5)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF

pytestmark = pytest.mark.slow

ISIS = URIRef("https://w3id.org/allegiance/id/islamic-state")
ALG = "https://w3id.org/allegiance/ontology#"


@pytest.mark.parametrize("accept,ext,fmt", [("text/turtle", "ttl", "turtle"), ("application/n-triples", "nt", "nt"),
                                            ("application/ld+json", "jsonld", "json-ld"),
                                            ("application/rdf+xml", "rdf", "xml")])
def test_entity_rdf_by_accept(server, http, accept, ext, fmt):
    r = http.get(server.base + "/id/islamic-state", headers={"Accept": accept})
    assert r.status_code == 303
    assert r.headers["location"] == f"/id/islamic-state.{ext}"
    assert "Accept" in r.headers["vary"]
    doc = http.get(server.base + r.headers["location"])
    assert doc.status_code == 200
    assert doc.headers["content-type"].split(";")[0] == accept
    g = Graph().parse(data=doc.content, format=fmt)
    assert (ISIS, None, Literal("Islamic State", lang="en")) in g
    sources = set(g.objects(ISIS, PROV.wasDerivedFrom))
    assert sources
    derivations = list(g.objects(ISIS, PROV.qualifiedDerivation))
    assert derivations
    excerpts = [e for d in derivations for e in g.objects(d, URIRef(ALG + "excerpt"))]
    assert excerpts and all(len(str(e)) > 5 for e in excerpts)
    assert any(g.value(d, PROV.entity) in sources for d in derivations)
    # the claims that point at it
    assert list(g.subjects(URIRef(ALG + "beneficiary"), ISIS)) or list(g.subjects(None, ISIS))


def test_entity_html(server, http):
    r = http.get(server.base + "/id/turkey", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 303 and r.headers["location"] == "/id/turkey.html"
    page = http.get(server.base + "/id/turkey.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>Turkey</h1>" in text
    assert "<blockquote>" in text  # excerpts of its sources
    assert 'href="/id/' in text  # related entities, linked on this server
    assert "https://w3id.org/allegiance/id/turkey" in text
    assert 'href="https://w3id.org/allegiance/id/' not in text


def test_allegiance_prefix_route(server, http):
    r = http.get(server.base + "/allegiance/id/islamic-state", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/allegiance/id/islamic-state.ttl"
    doc = http.get(server.base + r.headers["location"])
    assert doc.status_code == 200
    assert (ISIS, None, None) in Graph().parse(data=doc.text, format="turtle")
    page = http.get(server.base + "/allegiance/id/islamic-state.html")
    assert page.status_code == 200 and 'href="/allegiance/id/' in page.text


def test_ontology(server, http):
    r = http.get(server.base + "/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/ontology.ttl"
    g = Graph().parse(data=http.get(server.base + "/ontology.ttl").text, format="turtle")
    assert (URIRef(ALG + "Accusation"), RDF.type, OWL.Class) in g
    r = http.get(server.base + "/ontology", headers={"Accept": "text/html"})
    assert r.status_code == 303 and r.headers["location"] == "/ontology.html"
    html = http.get(server.base + "/ontology.html").text
    assert 'id="Accusation"' in html and "domain" in html and "range" in html
    assert "Concept schemes" in html
    assert http.get(server.base + "/allegiance/ontology.rdf").status_code == 200


def test_sources_and_concepts_dereference(server, http):
    for path in ("/source/000_fac6d62cb4587eed", "/concept/denied"):
        r = http.get(server.base + path, headers={"Accept": "application/n-triples"})
        assert r.status_code == 303, path
        assert http.get(server.base + r.headers["location"]).status_code == 200


def test_unknown_is_404(server, http):
    for path in ("/id/no-such-entity-xyz", "/id/no-such-entity-xyz.ttl", "/source/nothing", "/concept/nothing.html",
                 "/id/islamic-state.exe", "/allegiance/id/no-such-entity-xyz"):
        assert http.get(server.base + path, headers={"Accept": "text/turtle"}).status_code == 404, path


def test_406_for_unacceptable(server, http):
    assert http.get(server.base + "/id/islamic-state", headers={"Accept": "image/png"}).status_code == 406


def test_ontology_alone_its_version_iri_and_its_documentation(server, http):
    r = http.get(server.base + "/ontology.ttl")
    g = Graph().parse(data=r.content, format="turtle")
    onto = URIRef("https://w3id.org/allegiance/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    skos_scheme = URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme")
    assert not list(g.subjects(RDF.type, skos_scheme))  # the concept schemes are documents of their own
    version = g.value(onto, OWL.versionIRI)
    assert version is not None and str(version).startswith("https://w3id.org/allegiance/ontology/")
    local = "/ontology/" + str(version).rsplit("/", 1)[1]
    r = http.get(server.base + local, headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/ontology.ttl"
    assert http.get(server.base + "/ontology/0.0.0-no-such").status_code == 404
    scheme = http.get(server.base + "/concept/support-types", headers={"Accept": "text/turtle"})
    assert scheme.status_code == 303
    page = http.get(server.base + "/ontology.html").text
    assert "alg:Pledge" in page and "Instances:" in page and "SELECT" in page  # counts and example queries
