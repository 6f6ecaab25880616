"""Everything out, with its licence: the dump holds every quad, VoID names it, and every minted IRI answers."""

from __future__ import annotations

import gzip
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF

pytestmark = pytest.mark.slow

VOID = "http://rdfs.org/ns/void#"
DATASET = URIRef("https://w3id.org/allegiance/dataset")


def test_the_dump_holds_every_quad_and_void_names_it(server, http):
    r = http.get(server.base + "/dump.nq.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    quads = list(ox.parse(gzip.decompress(r.content), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == int(r.headers["x-quads"])
    named = int(http.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
                .json()["results"]["bindings"][0]["n"]["value"])
    default = int(http.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
                  .json()["results"]["bindings"][0]["n"]["value"])
    assert len(quads) == named + default  # every quad: the named graphs and the default graph (the merge)
    assert len({q.graph_name for q in quads}) >= 10
    void = Graph().parse(data=http.get(server.base + "/.well-known/void", headers={"Accept": "text/turtle"}).text,
                         format="turtle")
    dumps = list(void.objects(DATASET, URIRef(VOID + "dataDump")))
    assert [str(d) for d in dumps] == [server.base + "/dump.nq.gz"]
    assert str(len(quads)) in str(void.value(dumps[0], DCTERMS.extent))


@pytest.mark.parametrize("path", ["/dataset", "/dataset/wikidata-links", "/allegiance/dataset"])
def test_dataset_iris_answer(server, http, path):
    r = http.get(server.base + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/.well-known/void"


def test_only_the_linksets_the_void_names_answer(server, http):
    r = http.get(server.base + "/dataset/no-such-linkset")
    assert r.status_code == 404 and "wikidata-links" in r.text


def test_graph_iris_answer_with_their_triples(server, http):
    r = http.get(server.base + "/graph/instances/entities", headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    iri = "https://w3id.org/allegiance/graph/instances/entities"
    assert r.headers["location"] == "/store?graph=" + quote(iri, safe="")
    doc = http.get(server.base + r.headers["location"], headers={"Accept": "text/turtle"})
    assert doc.status_code == 200 and len(Graph().parse(data=doc.text, format="turtle")) > 100
    assert http.get(server.base + "/graph/no-such-graph").status_code == 404


def test_entity_documents_name_their_licence_and_dataset(server, http):
    r = http.get(server.base + "/id/turkey.ttl")
    g = Graph().parse(data=r.text, format="turtle")
    doc = URIRef("https://w3id.org/allegiance/id/turkey.ttl")
    assert (doc, FOAF.primaryTopic, URIRef("https://w3id.org/allegiance/id/turkey")) in g
    assert (doc, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    assert (doc, URIRef(VOID + "inDataset"), DATASET) in g
    assert 'rel="license"' in r.headers["link"]
