"""Lexical facts about the project's query texts (allegiance.sparql.where): the WHERE group and the query form."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from allegiance.sparql.canned import load_queries
from allegiance.sparql.where import query_form, uses_service, variables, where_brace, with_using, with_values_first
from allegiance.web import entity_page, linked_data, source_page

# every text the project sends with substitutions: the canned queries and the linked-data pages' queries
TEXTS = {**{n: q.text for n, q in load_queries().items()}, **{f"entity-{n}": t for n, t in entity_page.QUERIES.items()},
         "entity-own": entity_page.OWN, "source-claims": source_page.SOURCE_CLAIMS,
         "entity-rdf": linked_data.ENTITY_RDF, "exists": linked_data.EXISTS}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_values_first_binds_every_project_query(name):
    """Each of the project's texts with a VALUES block first in its WHERE group still parses, and the block binds:
    ASK over an empty store with VALUES of one row and no other pattern would be false if it were misplaced."""
    text = with_values_first(TEXTS[name], "VALUES (?zz) { (<http://example.org/x>) }")
    ox.Store().query(text)  # parses
    brace = where_brace(TEXTS[name])
    assert TEXTS[name][brace] == "{"
    assert text[brace + 1:].lstrip().startswith("VALUES (?zz)")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p ?o }",
    'SELECT ("{" AS ?x) WHERE { ?s ?p ?o }',
    "SELECT * # { not this one\nWHERE { ?s ?p ?o }",
    "PREFIX a: <http://x/(> SELECT * { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p [ ?q '}' ] } { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "SELECT (EXISTS { ?a ?b ?c } AS ?e) { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p """ { """ }',
])
def test_where_brace(text):
    """The brace found opens the group that holds ``?s ?p``, whatever braces come before it."""
    assert text[where_brace(text):].startswith(("{ ?s ?p ?o }", '{ ?s ?p """')), text[where_brace(text):]


def test_no_where_group():
    with pytest.raises(ValueError):
        where_brace("SELECT ?x")


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * {}", "SELECT"),
    ("# a comment\nPREFIX : <http://x/> PREFIX alg: <https://w3id.org/a#>\nBASE <http://b/>\nconstruct {} {}",
     "CONSTRUCT"),
    ("ask {}", "ASK"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
    ("PREFIX select: <http://x/> ASK {}", "ASK"),
    ("INSERT DATA {}", None),
    ("", None),
    ("{ SELECT * {} }", None),
])
def test_query_form(text, form):
    assert query_form(text) == form


UPDATE = """PREFIX ex: <http://x/> PREFIX where: <http://w/>
CLEAR ALL ; INSERT DATA { GRAPH <http://g> { <http://a> <http://b> "WHERE USING" } } ;
DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o } ;
DELETE WHERE { ?a ?b ?c } ; INSERT { GRAPH where:x { ?s ?p ?o } } WHERE { ?s ?p ?o }"""


def test_using_goes_before_each_modify_where_only():
    out = with_using(UPDATE, ["http://d1"], ["http://n1"])
    clauses = "USING <http://d1> USING NAMED <http://n1> WHERE"
    assert out.count(clauses) == 2  # the two DELETE/INSERT ... WHERE, not DELETE WHERE, not the string, not where:x
    assert '"WHERE USING"' in out and "DELETE WHERE { ?a" in out and "GRAPH where:x" in out
    ox.Store().update(out)  # the engine reads it


def test_using_applies_the_dataset():
    """The rewritten update reads only the protocol's graph: data in another graph is not copied."""
    store = ox.Store()
    store.update('INSERT DATA { GRAPH <http://in> { <http://s> <http://p> "in" } '
                 'GRAPH <http://out> { <http://s> <http://p> "out" } }')
    store.update(with_using("INSERT { GRAPH <http://copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }", ["http://in"], []))
    copied = {q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode("http://copy"))}
    assert copied == {"in"}


@pytest.mark.parametrize("update", ["WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                    "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"])
def test_using_beside_a_dataset_in_the_text_is_refused(update):
    with pytest.raises(ValueError, match="give only one"):
        with_using(update, ["http://d"], [])


def test_variables_and_service_are_read_outside_strings_comments_and_iris():
    text = 'SELECT ?a $b WHERE { ?a <http://x/?c> "?d SERVICE" . # ?e SERVICE\n BIND(1 AS ?f) }'
    assert variables(text) == {"a", "b", "f"}
    assert not uses_service(text)
    assert uses_service("SELECT * { service <http://x> { ?s ?p ?o } }")
