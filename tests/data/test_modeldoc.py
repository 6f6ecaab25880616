"""docs/model.md is generated from the ontology and the instances, and stays in step with them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import OWL, RDF

from allegiance.kb.modeldoc import ALG, collect, render_html, render_markdown

from . import cookbook

pytestmark = pytest.mark.data

DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"


def test_model_doc_is_in_step_with_the_ontology_and_instances(kb):
    expected = render_markdown(kb.ontology, kb.instance_union())
    assert DOC.read_text(encoding="utf-8") == expected, "run: python -m allegiance.kb.modeldoc docs/model.md"


def test_every_class_and_property_is_documented_with_its_definition(kb):
    text = DOC.read_text(encoding="utf-8")
    html = render_html(kb.ontology, kb.instance_union())
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in kb.ontology.subjects(RDF.type, kind):
            if str(term).startswith(str(ALG)):
                name = "alg:" + str(term).split("#")[1]
                assert f"`{name}`" in text, name
                assert name in html, name


def test_every_class_has_an_example_query_that_runs(kb):
    classes, _, _ = collect(kb.ontology, kb.instance_union())
    store = cookbook.store()
    for term in classes:
        rows = list(store.query(term.example, use_default_graph_as_union=True))
        if term.count:
            assert rows, term.iri
