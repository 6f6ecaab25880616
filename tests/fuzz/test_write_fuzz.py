"""Property-based tests of the write paths, with the right token: random, truncated and mutated RDF bodies for the
Graph Store Protocol (PUT, POST, multipart POST, DELETE) and random SPARQL Updates. Never a 500, never a hang, and
after every rejected write the store is unchanged (its version, in every answer's ETag, and its quad count); at the
end the dump of the store is the one from before the fuzz, less and plus only what accepted writes did.

The server is this module's own (accepted writes change it), with the knowledge base and its shapes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.endpoint.conftest import Server, start_server

from . import strategies as S
from .conftest import FUZZ, QUERY_TIMEOUT, TOKEN, dump_digest, state, verdict

pytestmark = pytest.mark.slow

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ACCEPTED = (200, 201, 204)


@pytest.fixture(scope="module")
def writable() -> Iterator[Server]:
    s = start_server(["--timeout", str(QUERY_TIMEOUT), "--workers", "2", "--max-body", "50000",
                      "--allow-service", "none"],
                     env={**os.environ, "ALLEGIANCE_WRITE_TOKEN": TOKEN})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def accepted() -> list[str]:
    """What the accepted writes were, for the final check."""
    return []


def check_write(client: httpx.Client, server: Server, accepted: list[str], what: str, send) -> None:
    before = state(client, server)
    r = send()
    assert not verdict(r), (verdict(r), what, r.text[:500])
    after = state(client, server)
    if r.status_code in ACCEPTED:
        accepted.append(what)
    else:
        assert after == before, f"a rejected write ({r.status_code}) changed the store: {what}\n{r.text[:300]}"


@pytest.fixture(scope="module")
def original_dump(writable) -> str:
    with httpx.Client(trust_env=False, timeout=60) as c:
        return dump_digest(c, writable)


def test_first_the_dump(original_dump):
    """The store's dump before any write of this module (this test runs first)."""
    assert original_dump


TARGETS = st.sampled_from((
    {"default": ""}, {"graph": "https://example.org/fuzz"}, {"graph": "urn:fuzz:g"}, {"graph": "relative"},
    {"graph": "https://w3id.org/allegiance/graph/ontology"}, {"graph": "https://w3id.org/allegiance/graph/shapes"},
    {"graph": "https://w3id.org/allegiance/graph/inferences"}, {}, {"default": "", "graph": "urn:x"},
    {"graph": "http://[::1"}, {"graph": "<urn:x>"}))


@settings(FUZZ, max_examples=80)
@given(method=st.sampled_from(("PUT", "POST", "DELETE")), target=TARGETS, doc=S.rdf_bodies())
def test_graph_store_writes(writable, client, accepted, method, target, doc):
    ctype, body = doc
    headers = {**AUTH, **({"Content-Type": ctype} if ctype else {})}

    def send() -> httpx.Response:
        return client.request(method, writable.base + "/store", params=target, headers=headers,
                              content=body if method != "DELETE" else None)

    check_write(client, writable, accepted, f"{method} {target} {ctype!r} {body[:200]!r}", send)


@settings(FUZZ, max_examples=25)
@given(parts=st.lists(S.rdf_bodies(), min_size=0, max_size=3),
       names=st.lists(st.sampled_from(("a.ttl", "b.nt", "c.rdf", "d.jsonld", "e", "../../x.ttl", "")), max_size=3))
def test_multipart_graph_store_posts(writable, client, accepted, parts, names):
    files = [("file", (names[i] if i < len(names) else f"f{i}", body, ctype or "application/octet-stream"))
             for i, (ctype, body) in enumerate(parts)]

    def send() -> httpx.Response:
        if not files:
            return client.post(writable.base + "/store", headers={**AUTH, "Content-Type": "multipart/form-data"},
                               content=b"--x--")
        return client.post(writable.base + "/store", headers=AUTH, files=files)

    check_write(client, writable, accepted, f"multipart {files!r}"[:400], send)


@settings(FUZZ, max_examples=60)
@given(update=S.updates(), as_form=st.booleans(), ctype=st.one_of(st.none(), S.CONTENT_TYPES))
def test_updates(writable, client, accepted, update, as_form, ctype):
    def send() -> httpx.Response:
        if as_form:
            return client.post(writable.base + "/update", headers=AUTH, data={"update": update})
        return client.post(writable.base + "/update", content=update.encode("utf-8", "surrogatepass"),
                           headers={**AUTH, "Content-Type": ctype or "application/sparql-update"})

    check_write(client, writable, accepted, f"update {update!r} form={as_form} {ctype!r}", send)


@pytest.mark.parametrize("update", ["MOVE <https://example.org/absent-a> TO <https://example.org/absent-b>",
                                    "DROP GRAPH <https://example.org/absent-a>",
                                    "CLEAR GRAPH <https://example.org/absent-a>",
                                    "CREATE GRAPH <https://example.org/twice> ; CREATE GRAPH <https://example.org/twice>"])
def test_update_of_a_missing_graph_is_a_client_error(writable, client, update):
    """Found by test_updates: 'MOVE <https://example.org/a> TO <https://example.org/b>' answered 500."""
    before = state(client, writable)
    r = client.post(writable.base + "/update", headers=AUTH, data={"update": update})
    assert state(client, writable) == before
    assert 400 <= r.status_code < 500, (r.status_code, r.text)


def test_rejected_writes_left_nothing_behind(writable, client, accepted, original_dump):
    """With no accepted write the dump is exactly the one from before; the server is up and never raised."""
    if not accepted:
        assert dump_digest(client, writable) == original_dump
    assert writable.process.poll() is None
    assert "Exception in ASGI application" not in writable.log(), writable.log()[-3000:]
