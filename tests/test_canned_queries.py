"""Canned queries: the #+ header, typed parameters, and binding that a hostile value cannot escape."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from allegiance.canned import CannedQueryError, ParameterError, load_queries, parse_query_file

HOSTILE = [
    'nobody"@en || true) #',
    "nobody'} UNION { ?s ?p ?o } #",
    'x" . } } SELECT * WHERE { ?s ?p ?o } #',
    "line one\nline two } # {",
    "\\\"; DROP ALL",
]

LABELS = """
<http://ex/a> <http://www.w3.org/2000/01/rdf-schema#label> "Alpha"@en .
<http://ex/b> <http://www.w3.org/2000/01/rdf-schema#label> "Beta"@en .
<http://ex/b> <http://ex/year> "2014"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


def _store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(LABELS.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_query_has_a_header_and_parses_after_binding():
    queries = load_queries()
    assert len(queries) >= 10
    store = pyoxigraph.Store()
    for q in queries.values():
        assert q.summary and q.description, q.name
        assert q.method == "GET"
        if "SERVICE" in q.text:
            continue  # federated: executed against a stand-in endpoint in the API tests
        defaults = {p.name: p.default for p in q.parameters if p.default is not None}
        store.query(q.bind(defaults))  # raises on a syntax error


def test_header_vocabulary(tmp_path):
    q = parse_query_file(_write(tmp_path, "by-label", """#+ summary: Things by label
#+ description: Finds things.
#+ tags:
#+   - things
#+ pagination: 25
#+ defaults:
#+   - label: Alpha
#+ enumerate:
#+   - label:
#+     - Alpha
#+     - Beta
SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?_label_en }
"""))
    assert (q.summary, q.description, q.tags, q.pagination, q.form) == (
        "Things by label", "Finds things.", ("things",), 25, "SELECT")
    (p,) = q.parameters
    assert (p.name, p.variable, p.required, p.kind, p.language, p.default, p.enum) == (
        "label", "_label_en", True, "language", "en", "Alpha", ("Alpha", "Beta"))
    with pytest.raises(ParameterError, match="must be one of Alpha, Beta"):
        q.bind({"label": "Gamma"})


def test_binding_reaches_filters_and_returns_the_right_rows(tmp_path):
    q = parse_query_file(_write(tmp_path, "label-filter", """#+ summary: s
#+ description: d
SELECT ?s WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(?label = ?_label_en)
}
"""))
    rows = list(_store().query(q.bind({"label": "Beta"})))
    assert [str(r["s"].value) for r in rows] == ["http://ex/b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_cannot_change_the_query(tmp_path, value):
    q = parse_query_file(_write(tmp_path, "label-filter", """#+ summary: s
#+ description: d
SELECT ?s WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(?label = ?_label_en)
}
"""))
    bound = q.bind({"label": value})
    rows = list(_store().query(bound))
    assert rows == []  # the value is one literal: it matches no label, and returns no extra rows
    echo = parse_query_file(_write(tmp_path, "echo", "#+ summary: s\n#+ description: d\n"
                                   "SELECT ?_label_en WHERE { }\n"))
    (row,) = list(_store().query(echo.bind({"label": value})))
    assert (row["_label_en"].value, row["_label_en"].language) == (value, "en")  # one literal, intact


@pytest.mark.parametrize("value", HOSTILE + ["not an iri", "http://ex/a> } #"])
def test_hostile_iris_are_refused(tmp_path, value):
    q = parse_query_file(_write(tmp_path, "by-iri", """#+ summary: s
#+ description: d
SELECT ?label WHERE { ?_thing_iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""))
    with pytest.raises(ParameterError, match="'thing'.*not an absolute IRI"):
        q.bind({"thing": value})


def test_missing_illtyped_and_unknown_parameters_name_the_parameter(tmp_path):
    q = parse_query_file(_write(tmp_path, "typed", """#+ summary: s
#+ description: d
SELECT ?s WHERE { ?s <http://ex/year> ?_year_integer . OPTIONAL { ?s <http://ex/since> ?__since_xsd_date } }
"""))
    assert [(p.name, p.required) for p in q.parameters] == [("year", True), ("since", False)]
    with pytest.raises(ParameterError, match="'year': missing"):
        q.bind({})
    with pytest.raises(ParameterError, match="'year': 'twenty' is not a valid .*integer"):
        q.bind({"year": "twenty"})
    with pytest.raises(ParameterError, match="'since': '2014-13-01' is not a valid .*date"):
        q.bind({"year": "2014", "since": "2014-13-01"})
    with pytest.raises(ParameterError, match="'colour': unknown parameter"):
        q.bind({"year": "2014", "colour": "red"})
    rows = list(_store().query(q.bind({"year": "2014"})))
    assert [str(r["s"].value) for r in rows] == ["http://ex/b"]


def test_pagination_appends_limit_and_offset(tmp_path):
    q = parse_query_file(_write(tmp_path, "all", "#+ summary: s\n#+ description: d\n#+ pagination: 1\n"
                                "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n"))
    store = _store()
    first = [r["s"].value for r in store.query(q.bind({}, limit=1))]
    second = [r["s"].value for r in store.query(q.bind({}, limit=1, offset=1))]
    assert first == ["http://ex/a"] and second == ["http://ex/b"]


@pytest.mark.parametrize("name, text, message", [
    ("Bad_Name", "SELECT * WHERE { ?s ?p ?o }", "lower-case"),
    ("no-form", "#+ summary: s\nPREFIX x: <http://x/>\n", "no SELECT"),
    ("bad-type", "SELECT * WHERE { ?s ?p ?_x_colour }", "unknown parameter type 'colour'"),
    ("bad-default", "#+ defaults:\n#+   - y: 1\nSELECT * WHERE { ?s ?p ?_x }", "header names parameter 'y'"),
    ("bad-yaml", "#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }", "bad #\\+ header"),
])
def test_malformed_query_files_are_refused(tmp_path, name, text, message):
    with pytest.raises(CannedQueryError, match=message):
        parse_query_file(_write(tmp_path, name, text))


def test_bind_page_checks_the_page_and_adds_the_lookahead(tmp_path):
    q = parse_query_file(_write(tmp_path, "all", "#+ summary: s\n#+ description: d\n#+ pagination: 1\n"
                                "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n"))
    store = _store()
    assert [r["s"].value for r in store.query(q.bind_page({}, "2"))] == ["http://ex/b"]
    assert len(list(store.query(q.bind_page({}, 1, lookahead=1)))) == 2
    for bad in ("0", "x", "", 0):
        with pytest.raises(ParameterError, match="'page': .* is not a page number"):
            q.bind_page({}, bad)
    flat = parse_query_file(_write(tmp_path, "flat", "#+ summary: s\n#+ description: d\nSELECT * WHERE { ?s ?p ?o }\n"))
    with pytest.raises(ParameterError, match="'page': flat is not paginated"):
        flat.bind_page({}, 1)


def test_prefixed_names_only_for_local_names():
    from allegiance.namespaces import prefixed_name

    assert prefixed_name("https://w3id.org/allegiance/ontology#Pledge") == "alg:Pledge"
    assert prefixed_name("https://w3id.org/allegiance/id/turkey") == "id:turkey"
    assert prefixed_name("https://w3id.org/allegiance/id/a/b") == "https://w3id.org/allegiance/id/a/b"
