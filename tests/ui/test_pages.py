"""The HTML pages of entities, sources and descriptions, against the built-in knowledge base (TestClient).

Numbers on the pages are checked against SPARQL queries run at /sparql of the same app.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from allegiance.namespaces import sparql_prologue
from allegiance.paths import default_layout
from allegiance.web.entity_page import PAGE_SIZE

IS = "https://w3id.org/allegiance/id/islamic-state"
SOURCE = "https://w3id.org/allegiance/source/001_663e35e9f03aa9a9"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GROUP = re.compile(r'<section class="claim-group" id="([a-z]+)">(.*?)</section>', re.S)
LINE_ID = re.compile(r'<li class="claim-line" id="c-([^"]+)"')


@pytest.fixture(scope="module")
def client():
    from allegiance.config import Settings
    from allegiance.web.app import create_app

    with TestClient(create_app(Settings(workers=2, timeout=30.0))) as c:
        yield c


def select(client: TestClient, query: str) -> list[dict[str, str]]:
    r = client.post("/sparql", data={"query": sparql_prologue() + query},
                    headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in row.items()} for row in r.json()["results"]["bindings"]]


def groups(page: str) -> dict[str, str]:
    return dict(GROUP.findall(page))


def test_is_page_is_small_and_its_counts_are_the_graphs(client):
    r = client.get("/id/islamic-state.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert len(r.content) < 300_000, len(r.content)
    page = r.text
    counts = {row["kind"].rsplit("#", 1)[1].lower(): int(row["n"]) for row in select(client, f"""
        SELECT ?kind (COUNT(DISTINCT ?c) AS ?n) WHERE {{
          ?c ?p <{IS}> . ?c a ?kind . ?kind rdfs:subClassOf alg:Claim .
          FILTER NOT EXISTS {{ ?c a ?sub . ?sub rdfs:subClassOf ?kind . FILTER(?sub != ?kind) }}
        }} GROUP BY ?kind""")}
    assert len(counts) > 3
    shown = {key: int(n) for key, n in re.findall(
        r'<tr data-kind="([a-z]+)">.*?<td class="total">(\d+)</td>', page, re.S)}
    assert shown == counts
    total = int(select(client, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c ?p <{IS}> . ?c a alg:Claim }}")[0]["n"])
    assert sum(shown.values()) == total
    assert f"{total} claims name it" in page
    statuses = {row["s"].rsplit("/", 1)[1]: int(row["n"]) for row in select(client, f"""
        SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c ?p <{IS}> . ?c a alg:Claim ; alg:status ?s }} GROUP BY ?s""")}
    for status, n in statuses.items():
        assert f"{n} {status}" in page, status


def test_claims_are_grouped_by_kind_one_line_each_with_the_excerpt_on_demand(client):
    page = client.get("/id/islamic-state.html").text
    sections = groups(page)
    assert set(sections) >= {"accusation", "pledge"}
    accusations = {row["c"] for row in select(client, "SELECT ?c WHERE { ?c a alg:Accusation }")}
    ids = LINE_ID.findall(sections["accusation"])
    assert 0 < len(ids) <= PAGE_SIZE
    assert all(f"https://w3id.org/allegiance/id/{name}" in accusations for name in ids)
    pledges = LINE_ID.findall(sections["pledge"])
    assert pledges and not any(f"https://w3id.org/allegiance/id/{name}" in accusations for name in pledges)
    # every line: a status, a date, a link to the claim and to its source; the excerpt inside <details>
    first = sections["accusation"].split('<li class="claim-line"')[1]
    assert 'class="status s-' in first and 'class="date"' in first and 'href="/source/' in first
    assert re.search(r"<details>.*<blockquote", first, re.S)
    assert "<blockquote" not in first.split("<details>")[0]


def test_paging_reaches_every_claim_once(client):
    expected = {row["c"].rsplit("/", 1)[1] for row in select(
        client, f"SELECT DISTINCT ?c WHERE {{ ?c ?p <{IS}> . ?c a alg:Claim }}")}
    first = client.get("/id/islamic-state.html").text
    seen: list[str] = []
    paged = 0
    for key in groups(first):
        page, n = first, 1
        while True:
            section = groups(page)[key]
            seen += LINE_ID.findall(section)
            follow = re.search(rf'href="\?group={key}&amp;page={n + 1}#{key}"', section)
            if follow is None:
                break
            n += 1
            paged += 1
            r = client.get(f"/id/islamic-state.html?group={key}&page={n}")
            assert r.status_code == 200 and len(r.content) < 300_000
            page = r.text
    assert paged > 0  # IS has more claims of some kind than one page holds
    assert len(seen) == len(set(seen)) and set(seen) == expected


def test_bad_paging_parameters_are_400_naming_them(client):
    for query, parameter in (("group=nothing", "group"), ("page=0", "page"), ("page=x", "page"),
                             ("group=accusation&page=999", "page")):
        r = client.get(f"/id/islamic-state.html?{query}")
        assert r.status_code == 400 and f"'{parameter}'" in r.text, query


@pytest.mark.data
def test_is_summary(client):
    page = client.get("/id/islamic-state.html").text
    assert "<h1>Islamic State</h1>" in page
    assert "Daesh" in page and "ISIL" in page  # other names
    assert 'href="https://www.wikidata.org/wiki/Q2429253"' in page
    operates = page.split("Operates in", 1)[1].split("</tr>", 1)[0]
    assert 'href="/id/iraq.html"' in operates and 'href="/id/syria.html"' in operates
    src = re.search(r'<div class="neighbour-network" data-src="([^"]+)"', page).group(1)
    assert src.startswith("/network/neighbours.json?entity=") and unquote(src.split("=", 1)[1]) == IS


def _source_text() -> str:
    folder = default_layout().sources
    path = folder / "001_663e35e9f03aa9a9.txt"
    if not path.is_file():
        pytest.skip(f"the cited sources are not at {folder}")
    return Path(path).read_text(encoding="utf-8")


def _pattern(excerpt: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(w) for w in excerpt.split()))


def test_source_page_lists_the_claims_in_text_order_with_excerpts_highlighted(client):
    text = _source_text()
    r = client.get("/source/001_663e35e9f03aa9a9.html")
    assert r.status_code == 200 and len(r.content) < 300_000, len(r.content)
    page = r.text
    excerpts: dict[str, set[str]] = {}
    for row in select(client, f"""SELECT ?c ?e WHERE {{ ?c a alg:Claim ; prov:qualifiedDerivation ?d .
                                   ?d prov:entity <{SOURCE}> ; alg:excerpt ?e }}"""):
        excerpts.setdefault(row["c"], set()).add(row["e"])
    items = re.findall(r'<li class="claim-line" id="claim-(\d+)" data-start="(\d*)">.*?<a href="([^"]+)"',
                       page, re.S)
    assert len(items) == len(excerpts)
    starts = [int(s) for _, s, _ in items if s]
    assert len(starts) == len(items)  # every excerpt is in the text
    assert starts == sorted(starts)  # text order
    for _, start, href in items:
        claim = "https://w3id.org/allegiance" + href.removesuffix(".html")
        # the claim's place in the text is where one of its excerpts begins
        assert any(_pattern(e).match(text, int(start)) for e in excerpts[claim]), claim
    # the text is on the page with the excerpts marked, and each claim's number where its first excerpt begins
    marked = " ".join(html.unescape(m) for m in re.findall(r"<mark [^>]*>(.*?)</mark>", page, re.S))
    sample = next(iter(excerpts.values()))
    assert all(" ".join(e.split()) in " ".join(marked.split()) for e in sample)
    refs = [int(n) for n in re.findall(r'<a class="claim-ref" id="at-(\d+)"', page)]
    assert refs == sorted(refs) and len(refs) == len(items)


@pytest.mark.parametrize("path", ["/sparql", "/.well-known/void"])
def test_descriptions_are_pages_for_browsers_and_rdf_otherwise(client, path):
    r = client.get(path, headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'class="ui-header"' in r.text and "Vary" in r.headers and "Accept" in r.headers["vary"]
    assert f'href="{path}?format=turtle"' in r.text  # links to the RDF
    for accept, media in (("*/*", "text/turtle"), (None, "text/turtle"), ("text/turtle", "text/turtle"),
                          ("application/rdf+xml", "application/rdf+xml"),
                          ("application/ld+json", "application/ld+json")):
        headers = {"Accept": accept} if accept else {}
        r = client.get(path, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), (accept, r.headers)
    assert client.get(path + "?format=turtle", headers={"Accept": BROWSER}).headers["content-type"].startswith(
        "text/turtle")


def test_void_page_shows_the_counts(client):
    page = client.get("/.well-known/void", headers={"Accept": "text/html"}).text
    triples = int(select(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    assert f"{triples:,}" in page
    assert 'href="/ontology.html#Pledge"' in page  # classes link to their documentation


def test_ontology_opens_as_html_in_a_browser(client):
    r = client.get("/ontology", headers={"Accept": BROWSER}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ontology.html"
    assert client.get("/ontology", headers={"Accept": "text/turtle"}, follow_redirects=False).headers[
        "location"] == "/ontology.ttl"


def test_favicon_and_layout(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.lstrip().startswith(b"<svg")
    api = client.get("/api", headers={"Accept": BROWSER}).text
    assert 'class="ui-header"' in api and 'rel="icon"' in api


def test_query_page_offers_every_canned_query_with_its_fields(client):
    import json

    from allegiance.sparql.canned import load_queries

    page = client.get("/").text
    config = json.loads(re.search(r'<script id="ui-config" type="application/json">(.*?)</script>', page,
                                  re.S).group(1))
    assert config["prefixes"]["alg"] == "https://w3id.org/allegiance/ontology#"
    for name, q in load_queries().items():
        assert f'class="canned-query" value="{name}"' in page
        example = next(e for e in config["examples"] if e["name"] == name)
        assert [f["name"] for f in example["fields"]] == [p.name for p in q.parameters]
