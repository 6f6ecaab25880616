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


# -- path traversal


TRAVERSALS = ["../../../../etc/passwd", "..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml", "..%252f..%252f..%252fetc%252fpasswd",
              "....//....//....//etc/passwd", "..\\..\\..\\etc\\passwd", "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
              "..%00/etc/passwd", "/etc/passwd", "%2fetc%2fpasswd", "..;/..;/etc/passwd",
              "../../src/allegiance/web/app.py", "..%2f..%2f..%2fsrc%2fallegiance%2fconfig.py"]
ROUTES = ["/{x}", "/sparql/{x}", "/api/{x}", "/store/graph/{x}", "/id/{x}", "/source/{x}", "/concept/{x}",
          "/ontology.{x}", "/ontology/{x}", "/dataset/{x}", "/graph/{x}", "/static/ui/{x}", "/static/vendor/d3/{x}",
          "/static/vendor/yasgui/{x}", "/plots/network.{x}", "/allegiance/id/{x}", "/allegiance/graph/{x}"]
SECRETS = (b"root:x:0:", b"[build-system]", b"def create_app", b"class Settings")


def raw_get(server: Server, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path)  # sent verbatim: no client normalizes the dots away
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


@pytest.mark.parametrize("route", ROUTES)
def test_no_path_escapes_its_route(server, route):
    bad = []
    for t in TRAVERSALS:
        path = route.replace("{x}", t)
        status, body = raw_get(server, path)
        if status >= 500:
            bad.append((path, status))
        if any(secret in body for secret in SECRETS):
            bad.append((path, status, "a file outside the route was served"))
    assert not bad, bad


# -- XSS


XSS = "<script>alert('xss')</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


def test_parameters_are_never_echoed_into_html_unescaped(server, client):
    pages = [("/", {}), ("/query", {}), ("/network", {"year": XSS}), ("/network", {"affiliations": XSS_ATTR}),
             ("/timeline", {"x": XSS}), ("/map", {"q": XSS}), ("/api", {"format": XSS}), ("/ontology.html", {"x": XSS}),
             ("/.well-known/void", {"x": XSS}), ("/id/" + XSS, {}), ("/id/islamic-state.html", {"x": XSS_ATTR}),
             ("/sparql", {"query": XSS}), ("/sparql", {"query": "SELECT * WHERE { BIND(\"" + XSS + "\" AS ?x) }",
                                                      "format": "html"}),
             ("/api/entity", {"entity": XSS}), ("/network/neighbours.json", {"entity": XSS})]
    bad = []
    for path, params in pages:
        r = client.get(server.base + path, params=params, headers={"Accept": "text/html"})
        assert r.status_code < 500, (path, params, r.status_code)
        ctype = r.headers.get("content-type", "")
        if ctype.startswith("text/html") and (XSS in r.text or XSS_ATTR in r.text):
            bad.append((path, params, r.status_code))
        if not ctype.startswith(("text/html", "image/svg")):
            assert r.headers.get("x-content-type-options") == "nosniff", (path, ctype)
    assert not bad, bad


def test_labels_are_escaped_on_every_page(server, client):
    """A label with markup, written through the Graph Store, shows as text on the entity page and in answers."""
    label = XSS + XSS_ATTR
    ttl = ('<https://w3id.org/allegiance/id/islamic-state> <http://www.w3.org/2004/02/skos/core#altLabel> '
           '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"@en .')
    r = client.put(server.base + "/store", params={"graph": "https://example.org/xss"}, content=ttl.encode(),
                   headers={"Content-Type": "text/turtle", **AUTH})
    assert r.status_code in (201, 204), r.text[:500]
    try:
        shown = 0
        for path in ("/id/islamic-state.html", "/allegiance/id/islamic-state.html", "/network", "/timeline", "/map",
                     "/ontology.html", "/.well-known/void"):
            page = client.get(server.base + path, headers={"Accept": "text/html"})
            assert page.status_code == 200, (path, page.status_code)
            assert XSS not in page.text and XSS_ATTR not in page.text, path
            shown += "&lt;script&gt;" in page.text
        assert shown >= 1  # the label is on the entity page, escaped (the check above is not vacuous)
    finally:
        client.delete(server.base + "/store", params={"graph": "https://example.org/xss"}, headers=AUTH)


# -- CSRF, CORS and the token


def test_cross_site_writes_are_refused(server, client):
    """What a hostile page can make a browser send (a form POST, with the visitor's cookies, from another origin)
    carries no bearer token: refused, and nothing changes."""
    before = state(client, server)
    evil = {"Origin": "https://evil.example", "Referer": "https://evil.example/page", "Cookie": "session=1"}
    form = {"Content-Type": "application/x-www-form-urlencoded", **evil}
    for method, path, body, headers in (
            ("POST", "/update", b"update=DROP+ALL", form),
            ("POST", "/update", b"update=INSERT+DATA+%7B%3Curn%3Ax%3E%3Curn%3Ay%3E1%7D", form),
            ("POST", "/store", b"a=b", form),
            ("POST", "/store?graph=urn:x:csrf", b'<urn:x> <urn:y> "1" .', {"Content-Type": "text/plain", **evil}),
            ("POST", "/sparql", b"update=DROP+ALL", form)):
        r = client.request(method, server.base + path, content=body, headers=headers)
        assert r.status_code in (401, 403), (path, r.status_code, r.text[:200])
    assert state(client, server) == before


def test_cors_lets_any_origin_read_and_no_origin_write(server, client):
    r = client.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and r.headers.get("access-control-allow-origin") == "*"
    assert "access-control-allow-credentials" not in r.headers
    for path, method, extra in (("/store", "PUT", "authorization"), ("/store", "DELETE", ""),
                                ("/update", "POST", "authorization"), ("/sparql", "POST", "authorization")):
        pre = client.options(server.base + path, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": method,
            **({"Access-Control-Request-Headers": extra} if extra else {})})
        allowed_methods = pre.headers.get("access-control-allow-methods", "")
        allowed_headers = pre.headers.get("access-control-allow-headers", "").lower()
        assert pre.status_code >= 400 or (method in ("GET", "POST") and "authorization" not in allowed_headers), \
            (path, method, pre.status_code, dict(pre.headers))
        assert method not in ("PUT", "DELETE") or method not in allowed_methods
        assert "authorization" not in allowed_headers


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer wrong", f"Bearer {TOKEN}x",
                                           f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", f"Token {TOKEN}",
                                           f"Bearer {TOKEN.upper()}", f"{TOKEN}", f"Bearer {TOKEN} {TOKEN}"])
def test_a_write_without_the_right_token_is_refused(server, client, authorization):
    before = state(client, server)
    headers = {"Content-Type": "application/sparql-update"}
    if authorization is not None:
        headers["Authorization"] = authorization
    r = client.post(server.base + "/update", params={"access_token": TOKEN},
                    content=b"INSERT DATA { <urn:x:token> <urn:x:p> 1 }", headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer"), (r.status_code, r.text)
    r = client.put(server.base + "/store", params={"graph": "urn:x:token"}, content=b'<urn:x> <urn:y> "1" .',
                   headers={"Content-Type": "application/n-triples",
                            **({"Authorization": authorization} if authorization is not None else {})})
    assert r.status_code == 401, r.status_code
    assert state(client, server) == before


def test_the_right_token_writes(server, client):
    """The positive control: the same requests with the right token are accepted (the refusals above are the
    token's doing)."""
    before = state(client, server)
    r = client.put(server.base + "/store", params={"graph": "urn:x:token"}, content=b'<urn:x> <urn:y> "1" .',
                   headers={"Content-Type": "application/n-triples", **AUTH})
    assert r.status_code == 201, r.text
    assert state(client, server) != before
    assert client.delete(server.base + "/store", params={"graph": "urn:x:token"}, headers=AUTH).status_code == 204
