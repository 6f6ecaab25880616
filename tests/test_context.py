"""The published JSON-LD context (``src/allegiance/web/static/context.jsonld``): generated from the ontology, and a
compacted entity document read back with it gives the same triples."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF

from allegiance.kb.context import CONTEXT_PREFIXES, STATIC_CONTEXT, build_context, render
from allegiance.namespaces import ALG, ID, PREFIXES


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(STATIC_CONTEXT.read_text(encoding="utf-8"))["@context"]


def test_committed_context_is_the_generated_one(kb):
    assert STATIC_CONTEXT.read_text(encoding="utf-8") == render(kb.ontology), (
        "context.jsonld is out of step with the ontology: run python -m allegiance.kb.context")


def test_every_alg_class_and_property_has_a_term(kb, context):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in kb.ontology.subjects(RDF.type, kind):
            if not str(term).startswith(str(ALG)):
                continue
            name = str(term)[len(str(ALG)):]
            definition = context[name]
            iri = definition if isinstance(definition, str) else definition["@id"]
            assert iri == "alg:" + name
            if kind == OWL.ObjectProperty:
                assert definition["@type"] == "@id"
            if kind == OWL.DatatypeProperty:
                assert definition.get("@type", "xsd:string") != "@id"


def test_prefixes(context):
    assert set(CONTEXT_PREFIXES) == {"alg", "id", "src", "concept", "prov", "org", "skos", "dcterms", "time", "rdfs",
                                     "xsd", "wd", "foaf", "owl"}
    for prefix in CONTEXT_PREFIXES:
        assert context[prefix] == PREFIXES[prefix]


def test_datatype_properties_carry_their_range(context):
    assert context["earliest"] == {"@id": "alg:earliest", "@type": "xsd:date"}
    assert context["value"] == {"@id": "alg:value", "@type": "xsd:decimal"}
    assert context["numberOfPersons"] == {"@id": "alg:numberOfPersons", "@type": "xsd:integer"}
    assert context["excerpt"] == {"@id": "alg:excerpt"}  # xsd:string: a plain JSON string already is one


def test_build_context_refuses_a_term_used_twice():
    g = Graph()
    g.add((ALG.thing, RDF.type, OWL.Class))
    g.add((ALG.thing, RDF.type, OWL.ObjectProperty))
    with pytest.raises(ValueError, match="thing"):
        build_context(g)


def _entity_document(data: Graph, subject: URIRef) -> Graph:
    """The subject's triples and, recursively, those of the blank nodes they reach (a concise bounded description),
    as the linked-data pages serve them."""
    out, todo, seen = Graph(), [subject], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in data.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


# a pledge (interval, dates, excerpts), an organization (labels in several forms, Wikidata match), a figure
# (decimal or integer numbers), an event, a source document
ENTITIES = ["s000-pledge-jund-al-khilafa", "islamic-state", "turkey"]


def _some(kb_graph: Graph, cls) -> URIRef:
    return sorted(s for s in kb_graph.subjects(RDF.type, cls) if isinstance(s, URIRef))[0]


@pytest.mark.parametrize("which", ENTITIES + ["a figure with a value", "an attack", "a source document"])
def test_compacted_entity_document_round_trips(kb_graph, context, which):
    if which == "a figure with a value":
        subject = sorted(s for s in kb_graph.subjects(ALG.value, None))[0]
    elif which == "an attack":
        subject = _some(kb_graph, ALG.Attack)
    elif which == "a source document":
        subject = _some(kb_graph, ALG.SourceDocument)
    else:
        subject = ID[which]
    doc = _entity_document(kb_graph, subject)
    assert len(doc) > 3

    text = doc.serialize(format="json-ld", context=context)
    compacted = json.loads(text)
    assert compacted["@context"] == context

    # read back as published: the document carries the context inline ...
    inline = Graph().parse(data=text, format="json-ld")
    assert isomorphic(inline, doc), _diff(doc, inline)
    # ... or names none, and the reader supplies the published context
    del compacted["@context"]
    bare = Graph().parse(data=json.dumps(compacted), format="json-ld", context=context)
    assert isomorphic(bare, doc), _diff(doc, bare)


def test_compaction_uses_the_terms(kb_graph, context):
    doc = _entity_document(kb_graph, ID["s000-pledge-jund-al-khilafa"])
    text = doc.serialize(format="json-ld", context=context)
    body = json.loads(text)
    body.pop("@context")
    flat = json.dumps(body)
    assert '"Pledge"' in flat and '"excerpt"' in flat and '"status"' in flat
    assert "https://w3id.org/allegiance/ontology#" not in flat


def _diff(want: Graph, got: Graph) -> str:
    _both, only_want, only_got = graph_diff(to_isomorphic(want), to_isomorphic(got))
    return (f"{len(want)} triples expected, {len(got)} read back; missing {sorted(only_want)[:5]}; "
            f"extra {sorted(only_got)[:5]}")
