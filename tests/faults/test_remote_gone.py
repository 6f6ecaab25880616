"""A remote SPARQL store (a real ``oxigraph serve``) that goes away in the middle of a query: the client gets 502
or 503 with a message naming the store, never a hang or a cut-off 200; while it is away every query gets the
same; when it comes back on the same port the server answers again, without a restart."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.endpoint.conftest import Server, start_server
from tests.helpers import free_port
from tests.stores import servers

pytestmark = pytest.mark.slow

JSON = "application/sparql-results+json"
# a cross product Oxigraph works on for minutes: the query is still running when the store is killed
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DATA = "\n".join(f'<urn:remote:s{i}> <urn:remote:p> "{i}" .' for i in range(300)).encode()


class Oxigraph:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = servers.oxigraph_binary()
        if binary is None:
            raise FileNotFoundError("oxigraph")
        with (self.folder / "oxigraph.log").open("ab") as out:
            self.process = subprocess.Popen([binary, "serve", "--location", str(self.folder / "data"), "--bind",
                                             f"127.0.0.1:{self.port}"], stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        servers._wait_ready(self.process, self.base + "/query", self.folder / "oxigraph.log")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            servers.stop(self.process)


@pytest.fixture
def oxigraph(tmp_path) -> Iterator[Oxigraph]:
    if servers.oxigraph_binary() is None:
        message = "oxigraph is not installed here; .ci/install-stores.sh (or pip install oxigraph) installs it"
        if servers.env_flag("ALLEGIANCE_REQUIRE_STORES"):
            pytest.fail(message)
        pytest.skip(message)
    store = Oxigraph(tmp_path, free_port())
    store.start()
    r = httpx.post(store.base + "/store?default", content=DATA, headers={"Content-Type": "application/n-triples"},
                   timeout=60, trust_env=False)
    assert r.status_code in (200, 201, 204), r.text
    yield store
    store.stop()


@pytest.fixture
def fronted(oxigraph) -> Iterator[Server]:
    s = start_server(["--store", oxigraph.base + "/query", "--timeout", "60", "--cache-bytes", "1"])
    yield s
    s.stop()


def count(c: httpx.Client, server: Server) -> httpx.Response:
    return c.get(server.sparql, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s <urn:remote:p> ?o }"},
                 headers={"Accept": JSON})


def assert_store_failure(r: httpx.Response, oxigraph: Oxigraph) -> None:
    assert r.status_code in (502, 503), (r.status_code, r.text[:300])
    assert str(oxigraph.port) in r.text and "store" in r.text.lower(), r.text[:300]


def test_store_gone_mid_query_is_503_and_the_server_recovers(oxigraph, fronted):
    with httpx.Client(trust_env=False, timeout=120) as c:
        r = count(c, fronted)
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "300"
        answers: list[httpx.Response] = []

        def runaway() -> None:
            with httpx.Client(trust_env=False, timeout=120) as rc:
                answers.append(rc.get(fronted.sparql, params={"query": RUNAWAY}, headers={"Accept": JSON}))

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(2.0)  # the runaway is in Oxigraph's hands by now
        assert thread.is_alive(), "the runaway query ended before the store went away"
        oxigraph.kill()
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert_store_failure(answers[0], oxigraph)
        # while it is away: every query, the protocol's and the API's, fails the same way, quickly
        for _ in range(3):
            assert_store_failure(count(c, fronted), oxigraph)
        r = c.get(fronted.base + "/api/pledges", headers={"Accept": JSON})
        assert r.status_code in (502, 503), r.text[:300]
        # it comes back on the same port, with the same data: the server answers again, no restart
        oxigraph.start()
        deadline = time.monotonic() + 30
        for _ in range(60):  # bounded
            r = count(c, fronted)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert r.status_code == 200, r.text[:300]
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "300"
        assert fronted.process.poll() is None
