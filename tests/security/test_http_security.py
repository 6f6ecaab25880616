"""HTTP-level security of a real server: slow clients (head and body read deadlines), oversized heads and bodies,
path traversal on every route, HTML escaping of labels and parameters (XSS), CSRF on the write routes, the CORS
configuration, and the write token.

Slow-client tests speak raw HTTP over a socket and assert the order of events, not durations: the server closes the
connection (after a 408) before the client has finished sending, within a bounded number of sends.
"""

from __future__ import annotations

import http.client
import os
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.endpoint.conftest import Server, start_server

pytestmark = pytest.mark.slow

TOKEN = "security-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MAX_BODY = 20000
STATE = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = start_server(["--timeout", "5", "--workers", "2", "--max-body", str(MAX_BODY), "--header-timeout", "1",
                      "--body-timeout", "1"], env={**os.environ, "ALLEGIANCE_WRITE_TOKEN": TOKEN})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=30, follow_redirects=False) as c:
        yield c


def state(client: httpx.Client, server: Server) -> tuple[str, int]:
    r = client.get(server.sparql, params={"query": STATE}, headers={"Accept": "application/json"})
    return r.headers["etag"], int(r.json()["results"]["bindings"][0]["n"]["value"])


def connect(server: Server, timeout: float = 0.2) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.settimeout(timeout)
    return sock


def trickle(sock: socket.socket, data: bytes) -> tuple[int, bytes]:
    """Send ``data`` a byte at a time, reading between bytes; (bytes sent when the server closed, what it said).
    Bounded by ``len(data)``; ``sent == len(data)`` means the server let the whole slow request through."""
    received = b""
    for sent in range(len(data)):
        try:
            sock.sendall(data[sent:sent + 1])
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        except OSError:  # reset or broken pipe: the server closed the connection
            return sent, received
        received += chunk
        if not chunk or b"\r\n\r\n" in received:
            return sent, received
    return len(data), received


def read_all(sock: socket.socket, rounds: int = 100) -> bytes:
    """What the server sends until it closes (bounded in rounds of the socket's timeout)."""
    out = b""
    for _ in range(rounds):
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    return out


# -- slow clients


SLOW_HEAD = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Pad: " + b"a" * 3000 + b"\r\n\r\n"


def test_slowloris_head_is_cut_off(server):
    with connect(server) as sock:
        sent, said = trickle(sock, SLOW_HEAD)
    assert sent < len(SLOW_HEAD), "the server waited for the whole head sent a byte at a time"
    assert said.startswith(b"HTTP/1.1 408 "), said[:200]


def test_slowloris_on_a_kept_alive_connection_is_cut_off(server):
    with connect(server, timeout=5) as sock:
        sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n\r\n")
        first = b""
        for _ in range(50):  # bounded: until the first answer is complete (its head and Content-Length bytes)
            first += sock.recv(65536)
            head, _, body = first.partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.lower().split(b"\r\n")
                      if line.startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
        assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"\r\n\r\ntrue"), first[:300]
        sock.settimeout(0.2)
        sent, said = trickle(sock, SLOW_HEAD)
    assert sent < len(SLOW_HEAD)
    assert said.startswith(b"HTTP/1.1 408 "), said[:200]


def test_an_idle_connection_is_closed(server):
    with connect(server) as sock:
        assert read_all(sock) == b""  # closed without a word, before the bounded wait ran out
        sock.settimeout(0.2)
        with pytest.raises(OSError):
            for _ in range(50):
                sock.sendall(b"GET / HTTP/1.1\r\n")


def test_a_stalled_body_is_cut_off(server, client):
    before = state(client, server)
    for path, ctype, auth in (("/sparql", "application/sparql-query", ""),
                              ("/update", "application/sparql-update", f"Authorization: Bearer {TOKEN}\r\n"),
                              ("/store?graph=urn:x:stall", "text/turtle", f"Authorization: Bearer {TOKEN}\r\n")):
        with connect(server) as sock:
            sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n{auth}"
                         f"Content-Length: 1000\r\n\r\nASK".encode())
            said = read_all(sock)  # we never send the other 997 bytes: the server answers and closes
        assert said.startswith(b"HTTP/1.1 408 "), (path, said[:300])
    assert state(client, server) == before


def test_a_trickled_body_is_cut_off(server):
    body = b"ASK { " + b" " * 3000 + b"}"
    with connect(server) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body))
        sent, said = trickle(sock, body)
    assert sent < len(body), "the server waited for the whole body sent a byte at a time"
    assert said.startswith(b"HTTP/1.1 408 "), said[:200]


# -- oversized requests


@pytest.mark.parametrize("head", [b"X-Big: " + b"a" * 200_000 + b"\r\n",
                                  b"".join(b"X-H%d: v\r\n" % i for i in range(20_000)),
                                  b"Cookie: " + b"c=1; " * 30_000 + b"\r\n"])
def test_an_oversized_head_is_refused(server, head):
    with connect(server, timeout=5) as sock:
        try:
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n" + head + b"\r\n")
        except OSError:
            pass  # closed while we were still sending: refused
        said = read_all(sock)
    assert said == b"" or said.startswith((b"HTTP/1.1 431 ", b"HTTP/1.1 400 ")), said[:200]


def test_an_oversized_url_is_refused_without_a_500(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", "/sparql?query=ASK%7B" + "%20" * 100_000 + "%7D")
        status = conn.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        status = 0  # closed before an answer: refused
    finally:
        conn.close()
    assert status in (0, 400, 414, 431), status


@pytest.mark.parametrize("path,ctype,auth", [("/sparql", "application/sparql-query", {}),
                                             ("/update", "application/sparql-update", AUTH),
                                             ("/store?graph=urn:x:big", "text/turtle", AUTH),
                                             ("/api/pledges", "application/x-www-form-urlencoded", {})])
def test_an_oversized_body_is_refused(server, client, path, ctype, auth):
    before = state(client, server)
    big = b"#" + b"x" * (MAX_BODY + 10) + b"\n"
    r = client.post(server.base + path, content=big, headers={"Content-Type": ctype, **auth})
    assert r.status_code in (405, 413), (path, r.status_code, r.text[:200])

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, the limit is counted as it arrives
        for _ in range(40):
            yield b"#" + b"x" * 999 + b"\n"

    r = client.post(server.base + path, content=chunks(), headers={"Content-Type": ctype, **auth})
    assert r.status_code in (405, 413), (path, r.status_code, r.text[:200])
    assert state(client, server) == before
