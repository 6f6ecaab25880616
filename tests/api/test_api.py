"""The canned-query API over HTTP: binding that a hostile value cannot escape, errors, negotiation, pagination,
the OpenAPI document and the listing page."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from openapi_spec_validator import validate

from allegiance.sparql.canned import load_queries

from .conftest import ID, values

HOSTILE = [
    'nobody"@en || true) #',
    "nobody'} UNION { ?s ?p ?o } #",
    'x" . } } SELECT * WHERE { ?s ?p ?o } #',
    "line one\nline two } # {",
    "\\\"; DROP ALL",
    "Turkey\" } VALUES ?label { \"Turkey\"@en",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_literal_is_one_literal(client, value):
    (row,) = values(client, "echo-label", label=value)
    assert row == {"_label_en": value}
    assert values(client, "labels-by-text", label=value) == []  # no label matches: no extra rows


def test_a_literal_parameter_selects_its_rows(client):
    assert values(client, "labels-by-text", label="Turkey") == [{"entity": ID + "turkey", "_label_en": "Turkey"}]


@pytest.mark.parametrize("value", HOSTILE + ["not an iri", ID + "turkey> } #", "<" + ID + "turkey>"])
def test_a_hostile_iri_is_refused_with_400(client, value):
    r = client.get("/api/accusations-against", params={"accused": value})
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["parameter"] == "accused" and "not an absolute IRI" in r.json()["detail"]


@pytest.mark.parametrize("params, parameter, message", [
    ({}, "n", "missing"),
    ({"n": "twenty"}, "n", "not a valid"),
    ({"n": "1", "d": "2014-13-01"}, "d", "not a valid"),
    ({"n": "1", "colour": "red"}, "colour", "unknown parameter"),
    ({"n": "1", "page": "2"}, "page", "not paginated"),
])
def test_bad_parameters_give_400_naming_them(client, params, parameter, message):
    r = client.get("/api/typed-params", params=params)
    assert r.status_code == 400, r.text
    assert r.json()["parameter"] == parameter and message in r.json()["detail"]


def test_repeated_parameter_and_bad_page(client):
    r = client.get("/api/typed-params?n=1&n=2")
    assert r.status_code == 400 and r.json()["parameter"] == "n"
    for page in ("0", "-1", "x", "\u00b2", "9" * 4301, "1" * 25):
        r = client.get("/api/pledges", params={"page": page})
        assert r.status_code == 400 and r.json()["parameter"] == "page"


def test_typed_parameters_are_bound_typed(client):
    (row,) = values(client, "typed-params", n="7", d="2014-11-17")
    assert row == {"_n_integer": "7", "__d_xsd_date": "2014-11-17"}
    r = client.get("/api/typed-params", params={"n": "7", "format": "json"})
    (binding,) = r.json()["results"]["bindings"]
    assert binding == {"_n_integer": {"type": "literal", "value": "7",
                                      "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}  # optional: unbound


def test_unknown_query_404_and_post_405(client):
    r = client.get("/api/no-such-query")
    assert r.status_code == 404 and "no-such-query" in r.json()["detail"]
    assert client.post("/api/pledges", data={"x": "1"}).status_code == 405


def test_engine_errors_keep_their_status(client):
    r = client.get("/api/everything")
    assert r.status_code == 422 and "limit of 1000000 bytes" in r.json()["detail"]  # over the byte cap
    r = client.get("/api/forbidden-service")
    assert r.status_code == 403 and "not allowed" in r.json()["detail"]
    assert r.headers["content-type"] == "application/problem+json"


def test_406_and_negotiation(client):
    r = client.get("/api/timeline", headers={"Accept": "image/png"})
    assert r.status_code == 406
    # a format= of another kind of answer (SPARQLWrapper sends such) falls back to the Accept header
    r = client.get("/api/timeline", params={"format": "turtle"}, headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert client.get("/api/pledges", headers={"Accept": "image/png"}).status_code == 406
    for accept, media in [("application/sparql-results+json", "application/sparql-results+json"),
                          ("application/sparql-results+xml", "application/sparql-results+xml"),
                          ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
                          ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml")]:
        r = client.get("/api/timeline", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), accept
        assert "Accept" in r.headers["vary"].split(", ")


@pytest.mark.parametrize("name", ["timeline", "pledges"])
def test_every_format_parses_back_to_the_same_rows(client, name):
    expected = values(client, name)
    keys = sorted(expected[0])
    want = sorted(tuple(r.get(k, "") for k in keys) for r in expected)
    r = client.get(f"/api/{name}", params={"format": "csv", "page": "1"} if name == "pledges" else {"format": "csv"})
    got = sorted(tuple(row.get(k, "") for k in keys) for row in csv.DictReader(io.StringIO(r.text)))
    assert got == want
    r = client.get(f"/api/{name}", params={"format": "xml"})
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(r.content)
    got = sorted(tuple(next((b[0].text for b in res.findall("r:binding", ns) if b.get("name") == k), "") or ""
                       for k in keys) for res in root.find("r:results", ns))
    assert got == want
    r = client.get(f"/api/{name}", params={"format": "tsv"})
    lines = r.text.rstrip("\n").split("\n")
    variables = client.get(f"/api/{name}", params={"format": "json"}).json()["head"]["vars"]
    assert lines[0].split("\t") == ["?" + v for v in variables]
    assert len(lines) - 1 == len(expected)


def test_pagination_follows_link_headers(client):
    whole = values(client, "entity", entity=ID + "islamic-state")  # follows next links itself
    pages, url, params = [], "/api/entity", {"entity": ID + "islamic-state", "format": "json"}
    while url:
        r = client.get(url, params=params)
        params = None
        links = {part.split(";")[1].strip(): part.split(";")[0].strip()[1:-1] for part in r.headers["link"].split(", ")}
        assert 'rel="first"' in links
        assert ('rel="prev"' in links) == bool(pages)
        pages.append([tuple(sorted((k, v["value"]) for k, v in b.items())) for b in r.json()["results"]["bindings"]])
        url = links.get('rel="next"')
    assert len(whole) > 200  # the data has more than a page
    assert len(pages) == -(-len(whole) // 200) and all(len(p) == 200 for p in pages[:-1]) and pages[-1]
    flat = [row for page in pages for row in page]
    assert len(set(pages[0]) & set(pages[1])) == 0
    assert sorted(flat) == sorted(tuple(sorted(r.items())) for r in whole)


def test_openapi_document_validates(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    validate(doc)
    shipped = load_queries()
    assert {f"/api/{n}" for n in shipped} <= set(doc["paths"])
    op = doc["paths"]["/api/accusations-against"]["get"]
    accused = next(p for p in op["parameters"] if p["name"] == "accused")
    assert accused["schema"] == {"type": "string", "format": "iri", "default": ID + "turkey"}
    assert accused["example"] == ID + "turkey"
    assert "Link" in doc["paths"]["/api/pledges"]["get"]["responses"]["200"]["headers"]
    assert "page" in {p["name"] for p in doc["paths"]["/api/pledges"]["get"]["parameters"]}
    assert set(op["responses"]["200"]["content"]) == {
        "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
        "text/tab-separated-values"}


def test_openapi_document_of_the_shipped_queries_alone_validates():
    from allegiance.web.openapi import document

    validate(document(load_queries(), server_url="http://127.0.0.1:8000"))


def test_listing_page(client):
    r = client.get("/api", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for q in load_queries().values():
        assert f'id="{q.name}"' in r.text and f"/api/{q.name}" in r.text
    assert "/api/accusations-against?accused=https%3A%2F%2Fw3id.org%2Fallegiance%2Fid%2Fturkey" in r.text
    r = client.get("/api", headers={"Accept": "application/json"})
    entries = {e["name"]: e for e in r.json()["queries"]}
    assert entries["entity"]["parameters"] == [{"name": "entity", "type": "IRI", "required": True,
                                                 "default": ID + "islamic-state", "enum": [],
                                                 "variable": "?_entity_iri"}]
    assert entries["pledges"]["pagination"] == 100
    for e in entries.values():  # every example link answers
        if e["name"] in ("everything", "forbidden-service", "echo-label", "labels-by-text",
                         "typed-params"):
            continue
        assert client.get(e["example"]).status_code == 200, e["example"]
