"""One real ``allegiance serve`` for the fuzz tests (query workers in their sandbox, the write token set), and what
they check after every request: no 500, an answer within the client's time-out, and the store's state."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import HealthCheck, settings

from tests.endpoint.conftest import Server, start_server

TOKEN = "fuzz-token-not-a-secret"
QUERY_TIMEOUT = 3  # the server's --timeout
CLIENT_TIMEOUT = QUERY_TIMEOUT + 12  # every request; a hang fails the test with a transport error
STATE_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
# statuses a request may get: never a 500; 503 is the query time-out (or busy), with Retry-After
ALLOWED = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405, 406, 408, 411, 413, 414, 415, 422, 431, 503}

FUZZ = settings(derandomize=True, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@dataclass(frozen=True)
class State:
    """What a committed write changes: the store's version (in every answer's ETag) and its quad count."""

    etag: str
    quads: int


def state(client: httpx.Client, server: Server) -> State:
    r = client.get(server.sparql, params={"query": STATE_QUERY}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    return State(r.headers["etag"], int(r.json()["results"]["bindings"][0]["n"]["value"]))


def dump_digest(client: httpx.Client, server: Server) -> str:
    r = client.get(server.base + "/dump.nq.gz")
    assert r.status_code == 200
    import gzip

    return hashlib.sha256(b"\n".join(sorted(gzip.decompress(r.content).splitlines()))).hexdigest()


# Known bugs in modules other engineers own, each pinned by a strict xfail test that names it; the fuzz tests do
# not fail on these again (they would stop at the first and hide the rest). Signature in the 500's body -> the bug.
KNOWN_500 = {
    "RuntimeError: The graph": "sparql/changes.py: an update that names a graph that does not exist, or creates one "
                               "that exists (MOVE, DROP, CLEAR, CREATE without SILENT) is a 500, not a 4xx "
                               "(tests/fuzz/test_write_fuzz.py::test_update_of_a_missing_graph_is_a_client_error)",
}


def verdict(r: httpx.Response) -> list[str]:
    """What is wrong with one answer: a status outside :data:`ALLOWED`, or an error without a message."""
    found = []
    if r.status_code == 500 and any(signature in r.text for signature in KNOWN_500):
        return found
    if r.status_code not in ALLOWED:
        found.append(f"status {r.status_code}")
    if r.status_code >= 400 and r.request.method != "HEAD" and not r.content.strip():
        found.append(f"{r.status_code} without a message")
    if r.status_code == 503 and "retry-after" not in r.headers:
        found.append("503 without Retry-After")
    return found


@pytest.fixture(scope="session")
def fuzz_server() -> Iterator[Server]:
    env = {"ALLEGIANCE_WRITE_TOKEN": TOKEN}
    # no SERVICE allowlist: a federated query is then the client's 403 whatever the network (an allowlisted
    # endpoint that cannot be reached is a 502, the upstream's failure, not the client's)
    s = start_server(["--timeout", str(QUERY_TIMEOUT), "--workers", "3", "--max-body", "50000",
                      "--header-timeout", "10", "--body-timeout", "10", "--allow-service", "none"],
                     env={**os.environ, **env})
    yield s
    s.stop()


@pytest.fixture(scope="session")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT, follow_redirects=False) as c:
        yield c
