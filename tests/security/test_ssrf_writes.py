"""SSRF through the paths test_ssrf.py does not take: the write routes (with the right token, so the request gets as
far as the engine), documents whose syntax can name a remote resource (a JSON-LD remote @context, an RDF/XML
external entity, a Turtle @base), and redirects (an allowlisted endpoint that answers 302 to the canary).

Each holds when no canary sees a connection (polled to a deadline after the last answer), no answer carries the
canary's secret, no answer is a 500, and a refused write leaves the store unchanged.
"""

from __future__ import annotations

import http.server
import os
import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.endpoint.conftest import Server, start_server

from .conftest import Canaries

pytestmark = pytest.mark.slow

TOKEN = "ssrf-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTLE = 2.0
STATE = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@pytest.fixture(scope="module")
def writable() -> Iterator[Server]:
    s = start_server(["--timeout", "3", "--workers", "2"], env={**os.environ, "ALLEGIANCE_WRITE_TOKEN": TOKEN})
    yield s
    s.stop()


def state(c: httpx.Client, server: Server) -> tuple[str, int]:
    r = c.get(server.sparql, params={"query": STATE}, headers={"Accept": "application/json"})
    return r.headers["etag"], int(r.json()["results"]["bindings"][0]["n"]["value"])


def updates(root: str) -> list[str]:
    iri = f"<{root}sparql>"
    return [f"LOAD {iri}", f"LOAD SILENT {iri}", f"LOAD {iri} INTO GRAPH <https://example.org/ssrf>",
            f"PREFIX c: <{root}> LOAD c:x", f"\\u004cOAD {iri}", f"BASE <{root}> LOAD <sparql>",
            f"INSERT {{ GRAPH <https://example.org/ssrf> {{ ?s ?p ?o }} }} WHERE {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
            f"INSERT {{ GRAPH <https://example.org/ssrf> {{ ?s ?p ?o }} }} WHERE "
            f"{{ SERVICE SILENT {iri} {{ ?s ?p ?o }} }}",
            f"PREFIX c: <{root}> DELETE {{ ?s ?p ?o }} WHERE {{ SERVICEc:x {{ ?s ?p ?o }} }}",
            f"INSERT DATA {{ GRAPH <https://example.org/ssrf> {{ <urn:x:s> <urn:x:p> {iri} }} }} ; LOAD {iri}"]


def documents(root: str) -> list[tuple[str, str]]:
    return [
        ("application/ld+json", f'{{"@context": "{root}context.jsonld", "@id": "urn:x:s", "label": "x"}}'),
        ("application/ld+json", f'{{"@context": ["{root}c1", {{"@import": "{root}c2"}}], "@id": "urn:x:s"}}'),
        ("application/rdf+xml", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{root}entity">]>'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                                'rdf:about="urn:x:s"><rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>'),
        ("application/rdf+xml", f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{root}dtd"><rdf:RDF '
                                'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
        ("text/turtle", f"@base <{root}> . <s> <p> <o> ."),
        ("text/turtle", f"@prefix c: <{root}> . c:s c:p c:o ."),
    ]


def test_writes_and_documents_never_reach_the_canary(canaries: Canaries, writable: Server):
    root = f"http://127.0.0.1:{canaries.http.port}/"
    bad = []
    with httpx.Client(trust_env=False, timeout=20) as c:
        before = state(c, writable)
        accepted: list[tuple[str, ...]] = []
        created = ["https://example.org/ssrf"]
        for update in updates(root) + updates(f"http://127.0.0.1:{canaries.raw.port}/"):
            for send in ("form", "body"):
                if send == "form":
                    r = c.post(writable.base + "/update", headers=AUTH, data={"update": update})
                else:
                    r = c.post(writable.base + "/update", content=update.encode(),
                               headers={**AUTH, "Content-Type": "application/sparql-update"})
                if r.status_code == 500 or canaries.secret in r.text:
                    bad.append((update, send, r.status_code, r.text[:200]))
                if r.status_code == 204:
                    accepted.append((update, send))
        for ctype, body in documents(root):
            for method, params in (("PUT", {"graph": "https://example.org/ssrf"}), ("POST", {})):
                r = c.request(method, writable.base + "/store", params=params, content=body.encode(),
                              headers={**AUTH, "Content-Type": ctype})
                if r.status_code == 500 or canaries.secret in r.text:
                    bad.append((ctype, body, r.status_code, r.text[:200]))
                if r.status_code in (201, 204):  # taken as data, never fetched: undone below
                    accepted.append((method, ctype, body))
                    created.append(r.headers.get("location") or "https://example.org/ssrf")
        r = c.get(writable.sparql, params={"query": "ASK {}"})
        assert r.status_code == 200
        reached = canaries.wait_for(lambda connections, requests: connections + requests > 0, timeout=SETTLE)
        assert not reached, f"the canary was reached: {canaries.hits()}"
        assert not bad, bad
        for graph in dict.fromkeys(created):
            c.delete(writable.base + "/store", params={"graph": graph}, headers=AUTH)
        assert state(c, writable)[1] == before[1], f"accepted writes left data behind: {accepted}"


class _Redirector(http.server.BaseHTTPRequestHandler):
    target: str
    seen: list[str]

    def log_message(self, *args) -> None:
        pass

    def _redirect(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1_000_000))
        self.send_response(307 if self.command == "POST" else 302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _redirect


def test_an_allowlisted_endpoint_cannot_redirect_a_query_to_the_canary(canaries: Canaries):
    target = f"http://127.0.0.1:{canaries.http.port}/sparql"
    seen: list[str] = []
    handler = type("R", (_Redirector,), {"target": target, "seen": seen})
    redirector = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=redirector.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{redirector.server_address[1]}/sparql"
    server = start_server(["--allow-service", endpoint, "--timeout", "3", "--workers", "2"])
    try:
        with httpx.Client(trust_env=False, timeout=20) as c:
            outcomes = []
            for q in (f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}",
                      f"ASK {{ SERVICE <{endpoint}?x=1> {{ ?s ?p ?o }} }}"):
                r = c.get(server.sparql, params={"query": q})
                outcomes.append((q, r.status_code, r.text[:200]))
        reached = canaries.wait_for(lambda connections, requests: connections + requests > 0, timeout=SETTLE)
        log = server.log()
    finally:
        server.stop()
        redirector.shutdown()
        redirector.server_close()
    assert seen, f"the allowlisted endpoint was never called (the test would prove nothing): {outcomes}"
    assert not reached, f"a redirect from the allowlisted endpoint reached the canary: {canaries.hits()}"
    assert all(status != 500 and canaries.secret not in text for _, status, text in outcomes), outcomes
    assert any(status in (200, 403, 502, 504) for _, status, _ in outcomes), (outcomes, log[-2000:])
