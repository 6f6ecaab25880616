"""The web UI's routes, on the endpoint's app (create_app puts them ahead of its own)."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from allegiance.web import pictures
from allegiance.web import ui as webui
from allegiance.sparql.canned import load_queries
from allegiance.paths import Layout, default_layout

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def client():
    from allegiance.web.app import create_app
    from allegiance.config import Settings

    app = create_app(Settings(workers=2, timeout=20.0))
    with TestClient(app) as c:
        yield c


def test_query_page(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    for name in load_queries():
        assert f'value="{name}"' in page, name
    assert 'id="ui-config"' in page and '"endpoint": "/sparql"' in page
    for fmt in ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdfxml"):
        assert f'data-format="{fmt}"' in page
    if webui.yasgui_installed():
        assert "/static/vendor/yasgui/yasgui.min.js" in page and 'id="yasgui"' in page
    else:
        assert "npm ci" in page and 'id="plain-form"' in page


def test_static_files(client):
    assert client.get("/static/ui/ui-query.js").status_code == 200
    assert client.get("/static/ui/ui.css").headers["content-type"].startswith("text/css")
    r = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert r.status_code == (200 if webui.yasgui_installed() else 404)


def test_examples_keep_the_text_and_offer_the_api_with_defaults():
    examples = {q.name: webui.example(q) for q in load_queries().values()}
    for name, q in load_queries().items():
        assert examples[name]["text"] == q.text  # never rewritten: parameters are bound by the engine
        for p in q.parameters:
            if p.default is not None:
                assert examples[name]["defaults"][p.name] == p.default, name


@pytest.mark.parametrize("fmt, media", [("json", "application/sparql-results+json"),
                                        ("xml", "application/sparql-results+xml"), ("csv", "text/csv"),
                                        ("tsv", "text/tab-separated-values")])
def test_result_download_links_work(client, fmt, media):
    query = quote("SELECT ?s WHERE { ?s a <https://w3id.org/allegiance/ontology#Pledge> } LIMIT 3")
    r = client.get(f"/sparql?query={query}&format={fmt}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


@pytest.mark.parametrize("fmt, media", [("ttl", "text/turtle"), ("nt", "application/n-triples"),
                                        ("jsonld", "application/ld+json"), ("rdfxml", "application/rdf+xml")])
def test_graph_download_links_work(client, fmt, media):
    query = quote("CONSTRUCT WHERE { ?s a <https://w3id.org/allegiance/ontology#Pledge> } LIMIT 3")
    r = client.get(f"/sparql?query={query}&format={fmt}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)


def test_network_page(client):
    r = client.get("/network")
    assert r.status_code == 200
    assert "<svg" in r.text and "<?xml" not in r.text and "Islamic State" in r.text
    assert '<option value="2014"' in r.text
    r = client.get("/network?year=2014&affiliations=1")
    assert r.status_code == 200 and "active in 2014" in r.text and "checked" in r.text
    assert 'href="/plots/network.svg?year=2014&amp;affiliations=1"' in r.text


def test_network_pictures(client):
    r = client.get("/plots/network.svg?year=2014")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert "active in 2014" in r.text and 'id="node-islamic-state"' in r.text
    assert client.get("/plots/network.svg?year=2014").content == r.content
    r = client.get("/plots/network.png")
    assert r.status_code == 200 and r.content.startswith(PNG_MAGIC)
    data = client.get("/plots/network.json?year=2014").json()
    assert data["year"] == 2014 and data["nodes"] and data["edges"]
    assert all(e["relation"] == "pledge" for e in data["edges"])


def test_timeline(client):
    r = client.get("/timeline")
    assert r.status_code == 200 and "<svg" in r.text and "Claims per year" in r.text
    assert client.get("/plots/timeline.svg").headers["content-type"].startswith("image/svg+xml")
    assert client.get("/plots/timeline.png").content.startswith(PNG_MAGIC)
    assert "per_year" in client.get("/plots/timeline.json").json()


def test_bad_requests(client):
    assert client.get("/plots/network.svg?year=14").status_code == 400
    assert client.get("/network?year=abcd").status_code == 400
    assert client.get("/plots/network.gif").status_code == 404
    assert client.get("/plots/timeline.pdf").status_code == 404


def test_without_node_modules(tmp_path, small_store):
    """Without `npm ci` the page still works, with a plain form, and says how to install the editor."""
    shutil.copytree(default_layout().queries, tmp_path / "queries")
    app = Starlette(routes=[*webui.routes(small_store, {}, layout=Layout(tmp_path)), *pictures.routes(small_store)])
    with TestClient(app) as c:
        page = c.get("/").text
        assert "npm ci" in page and 'id="plain-form"' in page and "yasgui.min.js" not in page
        r = c.get("/static/vendor/yasgui/yasgui.min.js")
        assert r.status_code == 404 and "npm ci" in r.text
        svg = c.get("/plots/network.svg?year=2015").text
        assert "Group Two" in svg and "Group Three" not in svg
