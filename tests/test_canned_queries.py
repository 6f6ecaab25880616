"""Canned queries: the #+ header, typed parameters, and binding that a hostile value cannot escape."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

from allegiance.sparql.canned import CannedQuery, CannedQueryError, ParameterError, load_queries, parse_query_file
from allegiance.sparql.jobs import Job
from allegiance.sparql.worker import query_options

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


def run(store: pyoxigraph.Store, job: Job) -> list:
    """A job as a worker runs it: the text unchanged, the parameters bound by the engine (SEP-0007)."""
    text = job.query
    if job.page is not None:
        text += f"\nLIMIT {job.page.size} OFFSET {job.page.offset}"
    return list(store.query(text, **query_options(pyoxigraph, job.wire("v", 1))))


def bind(q: CannedQuery, values: dict[str, str]) -> Job:
    return q.job(values)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_query_has_a_header_and_runs_with_its_defaults():
    queries = load_queries()
    assert len(queries) >= 10
    store = pyoxigraph.Store()
    for q in queries.values():
        assert q.summary and q.description, q.name
        assert q.method == "GET"
        if "SERVICE" in q.text:
            continue  # federated: executed against a stand-in endpoint in the API tests
        defaults = {p.name: p.default for p in q.parameters if p.default is not None}
        run(store, q.job(defaults))  # raises on a syntax error


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
SELECT ?s ?_label_en WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?_label_en }
"""))
    assert (q.summary, q.description, q.tags, q.pagination, q.form) == (
        "Things by label", "Finds things.", ("things",), 25, "SELECT")
    (p,) = q.parameters
    assert (p.name, p.variable, p.required, p.kind, p.language, p.default, p.enum) == (
        "label", "_label_en", True, "language", "en", "Alpha", ("Alpha", "Beta"))
    with pytest.raises(ParameterError, match="must be one of Alpha, Beta"):
        bind(q, {"label": "Gamma"})


def test_binding_reaches_filters_and_returns_the_right_rows(tmp_path):
    q = parse_query_file(_write(tmp_path, "label-filter", """#+ summary: s
#+ description: d
SELECT ?s ?_label_en WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(?label = ?_label_en)
}
"""))
    rows = run(_store(), bind(q, {"label": "Beta"}))
    assert [str(r["s"].value) for r in rows] == ["http://ex/b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_cannot_change_the_query(tmp_path, value):
    q = parse_query_file(_write(tmp_path, "label-filter", """#+ summary: s
#+ description: d
SELECT ?s ?_label_en WHERE {
  ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER(?label = ?_label_en)
}
"""))
    job = bind(q, {"label": value})
    assert job.query == q.text  # the text is never changed
    rows = run(_store(), job)
    assert rows == []  # the value is one literal: it matches no label, and returns no extra rows
    echo = parse_query_file(_write(tmp_path, "echo", "#+ summary: s\n#+ description: d\n"
                                   "SELECT ?_label_en WHERE { }\n"))
    (row,) = run(_store(), bind(echo, {"label": value}))
    assert (row["_label_en"].value, row["_label_en"].language) == (value, "en")  # one literal, intact


@pytest.mark.parametrize("value", HOSTILE + ["not an iri", "http://ex/a> } #"])
def test_hostile_iris_are_refused(tmp_path, value):
    q = parse_query_file(_write(tmp_path, "by-iri", """#+ summary: s
#+ description: d
SELECT ?label ?_thing_iri WHERE { ?_thing_iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }
"""))
    with pytest.raises(ParameterError, match="'thing'.*not an absolute IRI"):
        bind(q, {"thing": value})


def test_missing_illtyped_and_unknown_parameters_name_the_parameter(tmp_path):
    q = parse_query_file(_write(tmp_path, "typed", """#+ summary: s
#+ description: d
SELECT ?s ?_year_integer ?__since_xsd_date
WHERE { ?s <http://ex/year> ?_year_integer . OPTIONAL { ?s <http://ex/since> ?__since_xsd_date } }
"""))
    assert [(p.name, p.required) for p in q.parameters] == [("year", True), ("since", False)]
    with pytest.raises(ParameterError, match="'year': missing"):
        bind(q, {})
    with pytest.raises(ParameterError, match="'year': 'twenty' is not a valid .*integer"):
        bind(q, {"year": "twenty"})
    with pytest.raises(ParameterError, match="'since': '2014-13-01' is not a valid .*date"):
        bind(q, {"year": "2014", "since": "2014-13-01"})
    with pytest.raises(ParameterError, match="'colour': unknown parameter"):
        bind(q, {"year": "2014", "colour": "red"})
    rows = run(_store(), bind(q, {"year": "2014"}))
    assert [str(r["s"].value) for r in rows] == ["http://ex/b"]


def test_a_select_must_project_its_parameters(tmp_path):
    with pytest.raises(CannedQueryError, match=r"project its parameters.*\?_label_en"):
        parse_query_file(_write(tmp_path, "hidden", "SELECT ?s WHERE { ?s ?p ?_label_en }"))


@pytest.mark.parametrize("name, text, message", [
    ("Bad_Name", "SELECT * WHERE { ?s ?p ?o }", "lower-case"),
    ("no-form", "#+ summary: s\nPREFIX x: <http://x/>\n", "not a SPARQL query"),
    ("bad-type", "SELECT * WHERE { ?s ?p ?_x_colour }", "unknown parameter type 'colour'"),
    ("broken", "SELECT ?s WHERE { ?s ?p }", "not a SPARQL query"),
    ("bad-default", "#+ defaults:\n#+   - y: 1\nSELECT * WHERE { ?s ?p ?_x }", "header names parameter 'y'"),
    ("bad-yaml", "#+ summary: [unclosed\nSELECT * WHERE { ?s ?p ?o }", "bad #\\+ header"),
])
def test_malformed_query_files_are_refused(tmp_path, name, text, message):
    with pytest.raises(CannedQueryError, match=message):
        parse_query_file(_write(tmp_path, name, text))


def test_pages(tmp_path):
    q = parse_query_file(_write(tmp_path, "all", "#+ summary: s\n#+ description: d\n#+ pagination: 1\n"
                                "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n"))
    store = _store()
    assert [r["s"].value for r in run(store, q.job({}, page="2"))] == ["http://ex/b"]
    assert [r["s"].value for r in run(store, q.job({}))] == ["http://ex/a"]  # page 1 by default
    for bad in ("0", "x", "", 0, "\u00b2", "9" * 4301, "1" * 25, "-1"):
        with pytest.raises(ParameterError, match="'page': .* is not a page number"):
            q.job({}, page=bad)
    flat = parse_query_file(_write(tmp_path, "flat", "#+ summary: s\n#+ description: d\nSELECT * WHERE { ?s ?p ?o }\n"))
    with pytest.raises(ParameterError, match="'page': flat is not paginated"):
        flat.job({}, page=1)


def test_prefixed_names_only_for_local_names():
    from allegiance.namespaces import prefixed_name

    assert prefixed_name("https://w3id.org/allegiance/ontology#Pledge") == "alg:Pledge"
    assert prefixed_name("https://w3id.org/allegiance/id/turkey") == "id:turkey"
    assert prefixed_name("https://w3id.org/allegiance/id/a/b") == "https://w3id.org/allegiance/id/a/b"
