"""The query core's small parts: format negotiation, the sandbox plan, the relay's allowlist, failures on the wire."""

from __future__ import annotations

import asyncio

import pytest

from allegiance.sparql import errors
from allegiance.sparql.formats import OFFERS, TURTLE, Kind, choose
from allegiance.sparql.relay import Relay, endpoint_of
from allegiance.sparql.sandbox import Forward, hosts_file, plan


def test_format_override_falls_back_to_accept_and_n3_is_turtle():
    graph, results = OFFERS[Kind.GRAPH], OFFERS[Kind.SOLUTIONS]
    assert choose(graph, "text/turtle", "n3") is TURTLE  # SPARQLWrapper's N3 mode
    assert choose(graph, "text/n3", None) is TURTLE
    assert choose(results, "text/csv", "bogus").media_type == "text/csv"  # unknown format=: Accept decides
    assert choose(results, "text/csv", "turtle").media_type == "text/csv"  # a format of another kind: likewise
    assert choose(results, None, "xml").media_type == "application/sparql-results+xml"
    assert choose(results, "image/png", None) is None


def test_sandbox_plan_maps_names_to_namespace_addresses():
    forwards = plan([("query.wikidata.org", 443), ("127.0.0.1", 8799), ("query.wikidata.org", 443),
                     ("query.wikidata.org", 80), ("10.1.2.3", 80), ("::1", 9000)])
    assert forwards == [Forward("query.wikidata.org", 443, "127.77.0.1"), Forward("127.0.0.1", 8799, "127.0.0.1"),
                        Forward("query.wikidata.org", 80, "127.77.0.1"), Forward("::1", 9000, "::1")]
    hosts = hosts_file(forwards)
    assert "127.77.0.1\tquery.wikidata.org" in hosts
    assert "localhost" not in hosts  # nothing else resolves inside


@pytest.mark.parametrize("iri, pair", [
    ("https://query.wikidata.org/sparql", ("query.wikidata.org", 443)),
    ("http://QUERY.wikidata.org./x", ("query.wikidata.org", 80)),
    ("http://127.0.0.1:8799/sparql", ("127.0.0.1", 8799)),
    ("http://[::1]:9/", ("::1", 9)),
])
def test_endpoint_of(iri, pair):
    assert endpoint_of(iri) == pair


@pytest.mark.parametrize("iri", ["file:///etc/passwd", "ftp://x/", "http:///nohost"])
def test_endpoint_of_refuses_other_schemes(iri):
    with pytest.raises(ValueError):
        endpoint_of(iri)


def test_relay_tunnels_allowlisted_pairs_and_refuses_others(tmp_path):
    async def scenario() -> tuple[bytes, bytes, int, int]:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"echo:" + await reader.read(100))
            await writer.drain()
            writer.close()

        upstream = await asyncio.start_server(echo, "127.0.0.1", 0)
        port = upstream.sockets[0].getsockname()[1]
        relay = Relay(tmp_path / "relay.sock", [f"http://127.0.0.1:{port}/sparql"])
        await relay.start()
        try:
            reader, writer = await asyncio.open_unix_connection(str(relay.path))
            writer.write(f"127.0.0.1 {port}\n".encode() + b"hello")
            await writer.drain()
            allowed = await asyncio.wait_for(reader.read(100), 5)
            writer.close()
            reader, writer = await asyncio.open_unix_connection(str(relay.path))
            writer.write(f"127.0.0.1 {port + 1}\n".encode() + b"hello")  # another port of the same host
            await writer.drain()
            refused = await asyncio.wait_for(reader.read(100), 5)
            writer.close()
            return allowed, refused, relay.tunnels, relay.refused
        finally:
            await relay.close()
            upstream.close()

    allowed, refused, tunnels, refusals = asyncio.run(scenario())
    assert allowed == b"echo:hello" and tunnels == 1
    assert refused == b"" and refusals == 1


def test_failures_travel_as_json_not_pickle():
    failure = errors.ServiceRefused("not allowed", parameter="query")
    back = errors.from_wire(errors.to_wire(failure))
    assert type(back) is errors.ServiceRefused and back.status == 403 and back.parameter == "query"
    assert type(errors.from_wire({"kind": "os.system", "message": "x"})) is errors.WorkerFailed
