"""Property-based tests over the HTTP API of a real server: never a 500, never a hang, no write without the token.

Generated and mutated SPARQL (grammar-aware, :mod:`tests.fuzz.strategies`) by GET, POST form and POST direct, with
random ``Accept``, ``Content-Type`` and ``format=``; random parameters, methods and bodies on every route; odd paths.
Every request has a client time-out above the server's query time-out, so a hang fails the test. Hypothesis runs
derandomized with a fixed number of examples.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.sparql.canned import load_queries

from . import strategies as S
from .conftest import FUZZ, state, verdict

pytestmark = pytest.mark.slow

CANNED = {q.name: q.text for q in load_queries().values()}


def send_query(client: httpx.Client, base: str, method: str, query: str, accept: str | None, fmt: str | None,
               ctype: str | None = None) -> httpx.Response:
    headers = {"Accept": accept} if accept is not None else {}
    params = {"format": fmt} if fmt is not None else {}
    url = base + "/sparql"
    if method == "get":
        return client.get(url, params={"query": query, **params}, headers=headers)
    if method == "form":
        return client.post(url, params=params, content=httpx.QueryParams({"query": query}).__str__().encode(),
                           headers={**headers, "Content-Type": ctype or "application/x-www-form-urlencoded"})
    return client.post(url, params=params, content=query.encode("utf-8", "surrogatepass"),
                       headers={**headers, "Content-Type": ctype or "application/sparql-query"})


METHOD = st.sampled_from(("get", "form", "direct"))


@settings(FUZZ, max_examples=200)
@given(query=S.queries(), method=METHOD, accept=S.ACCEPTS, fmt=st.one_of(st.none(), S.FORMATS))
def test_generated_queries(fuzz_server, client, query, method, accept, fmt):
    r = send_query(client, fuzz_server.base, method, query, accept, fmt)
    assert not verdict(r), (verdict(r), query, r.text[:500])
    if accept in (None, "*/*", "application/sparql-results+json") and fmt is None:
        assert r.status_code in (200, 503), (query, r.status_code, r.text[:500])  # a valid query is answered


@settings(FUZZ, max_examples=300)
@given(query=S.mutated(st.one_of(S.queries(), st.sampled_from(sorted(CANNED.values())))), method=METHOD,
       accept=S.ACCEPTS, fmt=st.one_of(st.none(), S.FORMATS), ctype=S.CONTENT_TYPES)
def test_mutated_queries(fuzz_server, client, query, method, accept, fmt, ctype):
    r = send_query(client, fuzz_server.base, method, query, accept, fmt, ctype if method != "get" else None)
    assert not verdict(r), (verdict(r), query, ctype, r.text[:500])


ROUTES = ("/sparql", "/api", "/api/{name}", "/openapi.json", "/store", "/store/graph/{x}", "/update", "/id/{x}",
          "/source/{x}", "/concept/{x}", "/ontology", "/ontology.{x}", "/ontology/{x}", "/dataset", "/dataset/{x}",
          "/graph/{x}", "/.well-known/void", "/context.jsonld", "/", "/query", "/static/ui/{x}",
          "/allegiance/id/{x}", "/allegiance/ontology", "/network", "/timeline", "/plots/network.{x}",
          "/plots/timeline.{x}", "/yasgui/{x}", "/nowhere/{x}")
SEGMENTS = st.one_of(st.sampled_from(("islamic-state", "islamic-state.ttl", "islamic-state.html", "x.jsonld", "svg",
                                      "json", "png", "ui.css", "pledges", "accusations-against", "instances",
                                      "ontology", "1.0", "..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "a%00b",
                                      "%ff", "é", "<script>", "a;b", "", "x" * 3000)),
                     S.string.map(lambda s: quote(s, safe="")))
WRITE_METHODS = ("PUT", "POST", "DELETE", "PATCH")
AUTH = st.sampled_from((None, "Bearer wrong", "Bearer ", "Basic Zm9vOmJhcg==", "bearer  ", "Bearer fuzz-token",
                        "Bearer fuzz-token-not-a-secret\x01", "Token fuzz-token-not-a-secret"))


@settings(FUZZ, max_examples=300)
@given(route=st.sampled_from(ROUTES), segment=SEGMENTS, name=st.sampled_from(sorted(CANNED) + ["nope"]),
       method=st.sampled_from(("GET", "GET", "GET", "HEAD", "OPTIONS", *WRITE_METHODS)),
       params=st.lists(st.tuples(S.PARAM_NAMES, S.PARAM_VALUES), max_size=4), accept=S.ACCEPTS,
       ctype=S.CONTENT_TYPES, body=st.one_of(st.just(b""), st.binary(max_size=64), S.rdf_bodies().map(lambda x: x[1])),
       auth=AUTH)
def test_random_requests_on_every_route(fuzz_server, client, route, segment, name, method, params, accept, ctype,
                                        body, auth):
    path = route.replace("{name}", name).replace("{x}", segment)
    headers = {k: v for k, v in (("Accept", accept), ("Content-Type", ctype), ("Authorization", auth))
               if v is not None and v == v.strip() and all(32 <= ord(c) < 127 for c in v)}
    writes = method in WRITE_METHODS and route in ("/store", "/update")
    before = state(client, fuzz_server) if writes else None
    r = client.request(method, fuzz_server.base + path, params=params, headers=headers,
                       content=body if method not in ("GET", "HEAD") else None)
    assert not verdict(r), (verdict(r), method, path, params, headers, r.text[:500])
    if writes:
        assert r.status_code in (401, 405), (method, path, headers, r.status_code, r.text[:300])  # never the token
        assert state(client, fuzz_server) == before, (method, path, params)


ODD_PATHS = st.one_of(
    st.lists(SEGMENTS, min_size=1, max_size=6).map(lambda segs: "/" + "/".join(segs)),
    st.sampled_from(("//sparql", "/sparql/", "/./sparql", "/api/../sparql", "/%73parql", "/SPARQL", "/sparql;x=1",
                     "/id//islamic-state", "/id/%2e%2e/%2e%2e/etc/passwd", "/static/ui/..%2f..%2fapp.py",
                     "/static/ui/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/allegiance/allegiance/id/x", "/" + "a/" * 500,
                     "/id/islamic-state.ttl.ttl", "/ontology.", "/ontology..ttl", "/plots/network.", "/api/%00")))


@settings(FUZZ, max_examples=150)
@given(path=ODD_PATHS, accept=S.ACCEPTS)
def test_odd_paths(fuzz_server, client, path, accept):
    headers = {"Accept": accept} if accept is not None else {}
    r = client.get(fuzz_server.base + path, headers=headers)
    assert not verdict(r), (verdict(r), path, r.text[:500])
    assert "root:x:0:0" not in r.text


def test_the_server_is_still_up_and_unchanged_after_the_fuzz(fuzz_server, client):
    r = client.get(fuzz_server.sparql, params={"query": "ASK { }"})
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert fuzz_server.process.poll() is None
    assert "Exception in ASGI application" not in fuzz_server.log(), fuzz_server.log()[-3000:]


@pytest.mark.parametrize("name", ["a%20b", "%3C%3E", "x%7By%7D"])
def test_a_direct_graph_name_that_is_not_an_iri_segment_is_a_client_error(fuzz_server, client, name):
    """Found by schemathesis: GET /store/graph/%F2%AA%AB%BDU%C2%A6... answered 500."""
    r = client.get(fuzz_server.base + "/store/graph/" + name)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
