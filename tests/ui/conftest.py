"""A small knowledge base built in the tests, to check the pictures' data exactly; and the browser tests' fixtures
(``server``: the UI served by a subprocess bound to 127.0.0.1; ``browser``: headless Chromium), from browser.py."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from allegiance.store import ServedStore

from . import browser as ui_browser

GRAPH = "https://w3id.org/allegiance/graph/instances/ui-test"

TTL = """
@prefix alg: <https://w3id.org/allegiance/ontology#> .
@prefix id: <https://w3id.org/allegiance/id/> .
@prefix concept: <https://w3id.org/allegiance/concept/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:is rdfs:label "Islamic State"@en , "État islamique"@fr .
id:aq rdfs:label "al-Qaeda"@en .
id:g1 rdfs:label "Group One"@en .
id:g2 rdfs:label "Group Two"@en .
id:g3 rdfs:label "Group Three"@en .
id:state rdfs:label "Some State"@en .

id:p1 a alg:Pledge ; org:member id:g1 ; org:organization id:is ; alg:pledgeKind concept:allegiance ;
    alg:status concept:alleged ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYearMonth "2014-11"^^xsd:gYearMonth ] ] .
id:p2 a alg:Pledge ; org:member id:g2 ; org:organization id:aq ; alg:pledgeKind concept:allegiance ;
    alg:status concept:alleged ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2010"^^xsd:gYear ] ;
                       time:hasEnd [ time:inXSDgYearMonth "2014-06"^^xsd:gYearMonth ] ] .
id:p3 a alg:Pledge ; org:member id:g2 ; org:organization id:is ; alg:pledgeKind concept:declared-support ;
    alg:status concept:denied ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2015"^^xsd:gYear ] ] .
id:p4 a alg:Pledge ; org:member id:g3 ; org:organization id:is ; alg:pledgeKind concept:declared-support ;
    alg:status concept:alleged .
id:a1 a alg:Affiliation ; org:member id:g1 ; org:organization id:aq ; alg:affiliationKind concept:ally ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2012"^^xsd:gYear ] ;
                       time:hasEnd [ time:inXSDgYear "2013"^^xsd:gYear ] ] .
id:c1 a alg:Accusation ; alg:accuser id:state ; alg:accused id:g3 ; alg:beneficiary id:is ;
    dcterms:date "2014-06-10"^^xsd:date .
id:c2 a alg:Accusation ; alg:accuser id:state ; alg:accused id:g1 ; dcterms:date "2015"^^xsd:gYear .
id:c3 a alg:Accusation ; alg:accuser id:g1 ; alg:accused id:state .
"""

ID = "https://w3id.org/allegiance/id/"


def served_store(tmp_path_factory, folder: str, ttl: str, graph: str) -> ServedStore:
    """On disk like the served store: one named graph, and its merge as the default graph."""
    path = tmp_path_factory.mktemp(folder) / "store"
    store = ox.Store(str(path))
    store.load(ttl.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    store.load(ttl.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return ServedStore(path, store, (graph,), (graph,), True, 0.0)


@pytest.fixture(scope="session")
def small_store(tmp_path_factory) -> ServedStore:
    return served_store(tmp_path_factory, "small", TTL, GRAPH)


@pytest.fixture(scope="module")
def server():
    """The base URL of the UI's server, one per test module, stopped at the module's end."""
    with ui_browser.ui_server(fail=pytest.fail) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (a module wanting one per test overrides this fixture); an error naming
    the package when /usr/bin/chromedriver is missing."""
    with ui_browser.chromium() as driver:
        yield driver
