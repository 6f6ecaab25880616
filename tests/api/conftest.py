"""The canned-query API on an app built in-process, with a local SPARQL endpoint standing in for Wikidata.

The stand-in is a small SPARQL server on 127.0.0.1 (a thread of the test process, answering SPARQL 1.1 Protocol
POSTs from a pyoxigraph store of a few Wikidata-shaped triples). It is the app's only allowlisted SERVICE endpoint,
reached through the query sandbox's relay like any other; the test's copy of the shipped federated query names it
in place of ``https://query.wikidata.org/sparql`` (the test rewrites its own copy; the server never rewrites a query).
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from allegiance.sparql.canned import load_queries, parse_query_file
from allegiance.config import WIKIDATA_SPARQL, Settings
from allegiance.web.app import create_app

WIKIDATA_STAND_IN = """
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
wd:Q2429253 rdfs:label "Islamic State"@en , "État islamique"@fr .
wd:Q34490 rdfs:label "al-Qaeda"@en .
wd:Q38799 rdfs:label "Hamas"@en ; wdt:P361 wd:Q1 .
wd:Q1 rdfs:label "an organization Hamas is part of (stand-in)"@en .
wd:Q43 rdfs:label "Turkey"@en .
"""

# extra canned queries, for the API's behaviour (not shipped)
TEST_QUERIES = {
    "echo-label": "#+ summary: echo\n#+ description: returns its parameter\n"
                  "SELECT ?_label_en WHERE { }\n",
    "labels-by-text": "#+ summary: labels\n#+ description: entities with this English label\n"
                      "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                      "SELECT ?entity ?_label_en WHERE { ?entity rdfs:label ?label . FILTER(?label = ?_label_en) }\n",
    "typed-params": "#+ summary: typed\n#+ description: an integer and an optional date\n"
                    "SELECT ?_n_integer ?__d_xsd_date WHERE { }\n",
    "everything": "#+ summary: all\n#+ description: every triple, over the answer's byte cap\n"
                  "SELECT ?s ?p ?o WHERE { ?s ?p ?o }\n",
    "forbidden-service": "#+ summary: forbidden\n#+ description: a SERVICE that is not allowlisted\n"
                         "SELECT ?s WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }\n",
}


class _StandIn(http.server.BaseHTTPRequestHandler):
    store: ox.Store

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, query: str) -> None:
        try:
            body = self.store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
            status = 200
        except (SyntaxError, ValueError) as exc:
            body, status = str(exc).encode(), 400
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        params = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        self._answer(params["query"][0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            body = urllib.parse.parse_qs(body)["query"][0]
        self._answer(body)


def pytest_configure(config) -> None:
    # starlette 1.x asks for httpx2 behind its TestClient; httpx (the project's test dependency) works
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture(scope="session")
def wikidata_stand_in() -> Iterator[str]:
    store = ox.Store()
    store.load(WIKIDATA_STAND_IN.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    handler = type("StandIn", (_StandIn,), {"store": store})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def test_queries(tmp_path_factory, wikidata_stand_in) -> dict:
    folder = tmp_path_factory.mktemp("queries")
    out = {}
    federated = (load_queries()["wikidata-federated"].path.read_text(encoding="utf-8")
                 .replace(f"<{WIKIDATA_SPARQL}>", f"<{wikidata_stand_in}>"))
    for name, text in {**TEST_QUERIES, "wikidata-federated": federated}.items():
        path = folder / f"{name}.rq"
        path.write_text(text, encoding="utf-8")
        out[name] = parse_query_file(path)
    return out


@pytest.fixture(scope="session")
def client(wikidata_stand_in, test_queries) -> Iterator:
    from starlette.testclient import TestClient  # imported here, after the warning filter is set

    queries = {**load_queries(), **test_queries}
    settings = Settings(workers=3, timeout=20, max_answer_bytes=1_000_000, service_allowlist=(wikidata_stand_in,))
    app = create_app(settings, queries=queries)
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


def values(client, name: str, **params) -> list[dict[str, str]]:
    """The rows of a canned query as {variable: lexical value}, following every page."""
    url: str | None = f"/api/{name}"
    rows: list[dict[str, str]] = []
    query_params = {**params, "format": "json"}
    while url:
        r = client.get(url, params=query_params)
        assert r.status_code == 200, r.text
        data = r.json()
        rows += [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
        url = _next(r.headers.get("link", ""))
        query_params = None
    return rows


def _next(link: str) -> str | None:
    for part in link.split(","):
        if 'rel="next"' in part:
            return part.split(";")[0].strip()[1:-1]
    return None


def project(rows: list[dict[str, str]], *columns: str) -> list[tuple]:
    return [tuple(r.get(c) for c in columns) for r in rows]


def excerpts(row: dict[str, str], column: str = "excerpt") -> set[str]:
    return set(row.get(column, "").split(" | ")) - {""}


ID = "https://w3id.org/allegiance/id/"
S000 = "https://w3id.org/allegiance/source/000_fac6d62cb4587eed"
S001 = "https://w3id.org/allegiance/source/001_663e35e9f03aa9a9"
S002 = "https://w3id.org/allegiance/source/002_4516765f07b340b2"
S003 = "https://w3id.org/allegiance/source/003_a07c87de98f3c6d8"
S004 = "https://w3id.org/allegiance/source/004_c28d51e643a470ec"
SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"
