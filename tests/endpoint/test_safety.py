"""Safety: no SSRF, read-only, query time limit, result-size cap, a slow query does not stall other clients."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from .conftest import start_server

pytestmark = pytest.mark.slow

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Listener:
    """A plain TCP listener on loopback that records every connection it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


def test_no_request_reaches_a_loopback_listener(server, http):
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}"
        refused = [
            f"SELECT * WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
            "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }",
            f"SELECT * WHERE {{ VALUES ?x {{ <{url}/> }} SERVICE ?x {{ ?s ?p ?o }} }}",
            f"PREFIX l: <{url}/> SELECT * WHERE {{ SERVICE l:sparql {{ ?s ?p ?o }} }}",
            f"BASE <{url}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ \\u0053ERVICE <{url}/> {{ ?s ?p ?o }} }}",
        ]
        for q in refused:
            for r in (http.get(server.sparql, params={"query": q}),
                      http.post(server.sparql, data={"query": q}),
                      http.post(server.sparql, content=q.encode(), headers={"Content-Type": "application/sparql-query"})):
                assert 400 <= r.status_code < 500, (q, r.status_code, r.text)
        answered = [
            f"SELECT * FROM <{url}/x> WHERE {{ ?s ?p ?o }}",
            f"SELECT * FROM NAMED <{url}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ GRAPH <{url}/y> {{ ?s ?p ?o }} }}",
            f"ASK {{ <{url}/z> ?p ?o }}",
            f"DESCRIBE <{url}/w>",
        ]
        for q in answered:
            r = http.get(server.sparql, params={"query": q})
            assert r.status_code == 200, (q, r.text)
        r = http.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url + "/d",
                                            "named-graph-uri": url + "/n"})
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


def test_read_only(server, http):
    marker = "urn:test:read-only-probe"
    update = f"INSERT DATA {{ <{marker}> <{marker}> <{marker}> }}"
    attempts = [
        http.get(server.sparql, params={"query": update}),
        http.get(server.sparql, params={"update": update}),
        http.post(server.sparql, data={"query": update}),
        http.post(server.sparql, data={"update": update}),
        http.post(server.sparql, content=update.encode(), headers={"Content-Type": "application/sparql-query"}),
        http.post(server.sparql, content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        http.post(server.sparql, content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}),
    ]
    for r in attempts:
        assert 400 <= r.status_code < 500, r.text
    assert http.get(server.sparql, params={"query": f"ASK {{ <{marker}> ?p ?o }}"}).json()["boolean"] is False
    q = "ASK { GRAPH ?g { <https://w3id.org/allegiance/id/islamic-state> ?p ?o } }"
    assert http.get(server.sparql, params={"query": q}).json()["boolean"] is True


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_timeout_kills_the_worker(server, http):
    before = set(server.children())
    assert len(before) == 2
    t0 = time.monotonic()
    r = http.get(server.sparql, params={"query": RUNAWAY})
    elapsed = time.monotonic() - t0
    assert r.status_code == 503, r.text
    assert "time limit" in r.text
    assert r.headers["content-type"].startswith("text/plain")
    assert elapsed < 2 + 3, elapsed  # --timeout 2, stopped well within a bound
    after = set(server.children())
    assert len(after) == 2
    gone = before - after
    assert len(gone) == 1  # the worker that ran it was killed and replaced
    for pid in gone:
        assert not Path(f"/proc/{pid}").exists() or Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    ticks = {pid: _cpu_ticks(pid) for pid in after}
    time.sleep(0.5)
    busy = {pid: _cpu_ticks(pid) - t for pid, t in ticks.items()}
    assert all(v < 10 for v in busy.values()), busy  # no worker is still burning CPU
    r = http.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_slow_query_does_not_stall_others(server):
    slow_result = {}

    def slow():
        with httpx.Client(trust_env=False, timeout=30) as c:
            slow_result["r"] = c.get(server.sparql, params={"query": RUNAWAY})

    thread = threading.Thread(target=slow)
    thread.start()
    try:
        time.sleep(0.3)
        with httpx.Client(trust_env=False, timeout=10) as c:
            timings = {}
            for name, url, params in (("cheap query", server.sparql, {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}),
                                      ("home page", server.base + "/", None),
                                      ("entity page", server.base + "/id/turkey.html", None)):
                t0 = time.monotonic()
                r = c.get(url, params=params)
                timings[name] = time.monotonic() - t0
                assert r.status_code == 200, (name, r.text)
            # bounded well below the slow query's 2 s limit (generous: the machine may be busy with other work)
            assert timings["cheap query"] < 1.0 and timings["home page"] < 1.0, timings
            assert timings["entity page"] < 1.8, timings
        assert thread.is_alive()  # the slow query was still running meanwhile
    finally:
        thread.join(timeout=20)
    assert slow_result["r"].status_code == 503


def test_result_size_cap():
    s = start_server(["--max-results", "5"])
    try:
        with httpx.Client(trust_env=False, timeout=30) as c:
            r = c.get(s.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
            assert r.status_code == 422 and "more than 5 rows" in r.text
            r = c.get(s.sparql, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
            assert r.status_code == 422 and "more than 5 triples" in r.text
            r = c.get(s.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
            assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 5
    finally:
        s.stop()
