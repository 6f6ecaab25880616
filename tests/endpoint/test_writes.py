"""Writes over HTTP: the Graph Store Protocol at /store and SPARQL Update at /update, behind a bearer token,
validated against the shapes, all or nothing, visible to the next query; and the W3C GSP and update tests."""

from __future__ import annotations

import http.client
import http.server
import re
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from .conftest import HARNESS, Server, start_server

pytestmark = pytest.mark.slow

TOKEN = "test-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPH = "https://example.org/graphs/notes"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def writable() -> Iterator[Server]:
    s = start_server(["--timeout", "60"], env={"ALLEGIANCE_WRITE_TOKEN": TOKEN})
    yield s
    s.stop()


def count(c: httpx.Client, server: Server) -> int:
    return int(c.get(server.sparql, params={"query": COUNT}).json()["results"]["bindings"][0]["n"]["value"])


def test_no_token_wrong_token(writable):
    with httpx.Client(trust_env=False, timeout=60) as c:
        body = b"<urn:x:a> <urn:x:b> <urn:x:c> ."
        r = c.put(writable.base + "/store", params={"graph": GRAPH}, content=body,
                  headers={"Content-Type": "application/n-triples"})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        r = c.put(writable.base + "/store", params={"graph": GRAPH}, content=body,
                  headers={"Content-Type": "application/n-triples", "Authorization": "Bearer wrong"})
        assert r.status_code == 401
        r = c.post(writable.base + "/update", data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"})
        assert r.status_code == 401
        # writes never answer CORS: a browser on another site cannot even ask
        pre = c.options(writable.base + "/store", headers={"Origin": "https://evil.example",
                                                          "Access-Control-Request-Method": "PUT",
                                                          "Access-Control-Request-Headers": "authorization"})
        assert pre.status_code == 400  # the preflight fails: the browser never sends the write
        assert "PUT" not in pre.headers.get("access-control-allow-methods", "")
        assert "authorization" not in pre.headers.get("access-control-allow-headers", "").lower()
    closed = start_server([])  # no token in the environment: every write refused
    try:
        with httpx.Client(trust_env=False, timeout=60) as c:
            r = c.post(closed.base + "/update", headers=AUTH, data={"update": "INSERT DATA { <urn:x:a> <urn:x:b> 1 }"})
            assert r.status_code == 403 and "ALLEGIANCE_WRITE_TOKEN" in r.text
    finally:
        closed.stop()


def test_accepted_write_is_seen_by_the_next_query(writable):
    with httpx.Client(trust_env=False, timeout=60) as c:
        before = count(c, writable)
        ttl = '<urn:x:note1> <http://www.w3.org/2000/01/rdf-schema#comment> "a note" .'
        r = c.put(writable.base + "/store", params={"graph": GRAPH}, content=ttl.encode(),
                  headers={"Content-Type": "text/turtle", **AUTH})
        assert r.status_code == 201, r.text
        ask = {"query": "ASK { <urn:x:note1> ?p ?o }"}
        assert c.get(writable.sparql, params=ask).json()["boolean"] is True  # the default graph is the merge
        got = c.get(writable.base + "/store", params={"graph": GRAPH}, headers={"Accept": "text/turtle"})
        assert got.status_code == 200 and "a note" in got.text
        assert count(c, writable) == before + 1
        r = c.post(writable.base + "/update", headers=AUTH,
                   data={"update": f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:note2> <urn:x:p> "2" }} }}'})
        assert r.status_code == 204, r.text
        assert c.get(writable.sparql, params={"query": "ASK { <urn:x:note2> ?p ?o }"}).json()["boolean"] is True
        assert c.delete(writable.base + "/store", params={"graph": GRAPH}, headers=AUTH).status_code == 204
        assert c.get(writable.base + "/store", params={"graph": GRAPH}).status_code == 404
        assert c.get(writable.sparql, params=ask).json()["boolean"] is False
        assert count(c, writable) == before


def test_violating_write_is_refused_with_the_report_and_changes_nothing(writable):
    with httpx.Client(trust_env=False, timeout=60) as c:
        before = count(c, writable)
        bad = ("@prefix alg: <https://w3id.org/allegiance/ontology#> .\n"
               "<https://w3id.org/allegiance/id/test-new-group> a alg:ArmedGroup .\n")  # no label, no provenance
        r = c.put(writable.base + "/store", params={"graph": GRAPH}, content=bad.encode(),
                  headers={"Content-Type": "text/turtle", **AUTH})
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("text/turtle")
        assert "ValidationReport" in r.text and "test-new-group" in r.text
        assert count(c, writable) == before
        for update in ("INSERT DATA { <urn:x:a> <urn:x:b> ", "DELETE WHERE { ?s ?p ?o ", ""):
            r = c.post(writable.base + "/update", headers=AUTH, data={"update": update})
            assert r.status_code == 400, (update, r.text)
        assert count(c, writable) == before


class _TokenProxy(http.server.BaseHTTPRequestHandler):
    """Forwards every request to the server with the bearer token added (the W3C harness sends none)."""

    target: tuple[str, int]

    def log_message(self, *args) -> None:
        pass

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        headers.update(AUTH)
        conn = http.client.HTTPConnection(*self.target, timeout=60)
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "date", "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward


def test_w3c_graph_store_and_update_tests_on_a_scratch_store():
    s = start_server(["--empty", "--timeout", "60"], env={"ALLEGIANCE_WRITE_TOKEN": TOKEN})
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("P", (_TokenProxy,), {"target": ("127.0.0.1", s.port)}))
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{proxy.server_address[1]}"
    try:
        out = subprocess.run([sys.executable, str(HARNESS), base + "/sparql", "--update-url", base + "/update",
                              "--gsp-url", base + "/store", "--suites", "protocol,gsp"],
                             capture_output=True, text=True, timeout=600)
        failed = set(re.findall(r"^FAIL (\S+)", out.stdout, re.M))
        # every protocol test passes, the using-graph-uri / using-named-graph-uri updates included
        assert not failed, out.stdout[-4000:]
        suites = {m.group(1): (int(m.group(2)), int(m.group(3)))
                  for m in re.finditer(r"^\s*(\w+)\s+(\d+) passed\s+(\d+) failed", out.stdout, re.M)}
        assert suites["gsp"] == (9, 0) and suites["protocol"][0] >= 30, out.stdout[-2000:]
    finally:
        proxy.shutdown()
        proxy.server_close()
        s.stop()
