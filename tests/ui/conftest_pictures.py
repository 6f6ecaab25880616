"""A small knowledge base with countries, places, governments and dated claims of every kind, to check the
timeline's and the map's data exactly (import the fixture: ``from .conftest_pictures import geo_store``)."""

from __future__ import annotations

import pytest

from allegiance.store import ServedStore

from .conftest import served_store

GRAPH = "https://w3id.org/allegiance/graph/instances/pictures-test"
ID = "https://w3id.org/allegiance/id/"
SRC = "https://w3id.org/allegiance/source/"

TTL = """
@prefix alg: <https://w3id.org/allegiance/ontology#> .
@prefix id: <https://w3id.org/allegiance/id/> .
@prefix src: <https://w3id.org/allegiance/source/> .
@prefix concept: <https://w3id.org/allegiance/concept/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

src:doc a alg:SourceDocument ; dcterms:title "A Document"@en .

id:turkey a alg:Country ; rdfs:label "Turkey"@en .
id:us a alg:Country ; rdfs:label "United States"@en ; skos:altLabel "US"@en .
id:syria a alg:Country ; rdfs:label "Syria"@en .
id:libya a alg:Country ; rdfs:label "Libya"@en .
id:derna a alg:Place ; rdfs:label "Derna"@en ; alg:inCountry id:libya .
id:gov-turkey a alg:Government ; rdfs:label "Government of Turkey"@en ; alg:governmentOf id:turkey .
id:mit a alg:IntelligenceAgency ; rdfs:label "MIT"@en ; alg:partOfState id:turkey .
id:someone a alg:Person ; rdfs:label "Someone"@en ; alg:associatedCountry id:turkey .
id:is a alg:QuasiState ; rdfs:label "Islamic State"@en .
id:g1 a alg:ArmedGroup ; rdfs:label "Group One"@en ; alg:operatesIn id:libya .
id:g2 a alg:ArmedGroup ; rdfs:label "Group Two"@en ; alg:operatesIn id:derna , id:syria .
id:g3 a alg:ArmedGroup ; rdfs:label "Group Three"@en ; alg:operatesIn id:syria .

id:p1 a alg:Pledge ; rdfs:label "Group One pledges allegiance"@en ; org:member id:g1 ; org:organization id:is ;
    alg:pledgeKind concept:allegiance ; alg:status concept:alleged ; dcterms:date "2014-11"^^xsd:gYearMonth ;
    prov:wasDerivedFrom src:doc ;
    prov:qualifiedDerivation [ prov:entity src:doc ; alg:excerpt "Group One pledged" ] .
id:p2 a alg:Pledge ; rdfs:label "Group Two declares support"@en ; org:member id:g2 ; org:organization id:is ;
    alg:pledgeKind concept:declared-support ; alg:status concept:alleged .
id:p3 a alg:Pledge ; rdfs:label "Group One pledges again"@en ; org:member id:g1 ; org:organization id:is ;
    alg:pledgeKind concept:allegiance ; alg:status concept:alleged .
id:h1 a alg:Affiliation ; rdfs:label "Group One and Group Two are rivals"@en ; org:member id:g1 ;
    org:organization id:g2 ; alg:affiliationKind concept:rival ;
    org:memberDuring [ time:hasBeginning [ time:inXSDgYear "2013"^^xsd:gYear ] ] .
id:c1 a alg:Accusation ; rdfs:label "US accuses the government of Turkey"@en ; alg:accuser id:us ;
    alg:accused id:gov-turkey ; alg:status concept:denied ; dcterms:date "2014"^^xsd:gYear ;
    prov:wasDerivedFrom src:doc .
id:c2 a alg:Accusation ; rdfs:label "US accuses MIT"@en ; alg:accuser id:us ; alg:accused id:mit ;
    alg:status concept:alleged ; dcterms:date "2015-03-02"^^xsd:date .
id:c3 a alg:Accusation ; rdfs:label "Turkey accuses the US"@en ; alg:accuser id:turkey ; alg:accused id:us ;
    alg:status concept:alleged .
id:c4 a alg:Accusation ; rdfs:label "US accuses someone"@en ; alg:accuser id:us ; alg:accused id:someone ;
    alg:status concept:alleged .
id:d1 a alg:Denial ; rdfs:label "Turkey denies"@en ; alg:respondsTo id:c1 ; alg:respondent id:gov-turkey ;
    dcterms:date "2014-07"^^xsd:gYearMonth .
id:r1 a alg:Renaming ; rdfs:label "Group Two renamed"@en ; org:originalOrganization id:g2 ;
    org:resultingOrganization id:g2 .
id:des1 a alg:Designation ; rdfs:label "US designates Group One"@en ; alg:designatedBy id:us ;
    alg:designatedOrganization id:g1 .
"""

# what world-atlas' countries-110m.json gives for these countries (ISO 3166-1 numeric ids, the atlas's names)
ATLAS = [{"id": "792", "name": "Turkey"}, {"id": "840", "name": "United States of America"},
         {"id": "760", "name": "Syria"}, {"id": "434", "name": "Libya"}, {"id": "250", "name": "France"}]


@pytest.fixture(scope="session")
def geo_store(tmp_path_factory) -> ServedStore:
    return served_store(tmp_path_factory, "pictures", TTL, GRAPH)
