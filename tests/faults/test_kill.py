"""SIGKILL to the server during a Graph Store write over HTTP, and while it serves reads and writes: the restart
serves exactly the committed data. (SIGKILL during ``allegiance import`` is tests/test_import.py's; a worker killed
while idle is tests/endpoint/test_safety.py's; the journal's steps one by one are tests/endpoint/test_store.py's.)

"Exactly the committed data": a write acknowledged before the kill is there, whole; a write not acknowledged is
there whole or not at all; nothing else changed; and the served default graph is still the merge of the named
graphs (no write half applied to the parts and not to the merge). Every wait is bounded in count and time.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.endpoint.conftest import Server, start_server

pytestmark = pytest.mark.slow

TOKEN = "fault-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSON = "application/sparql-results+json"
GRAPH = "urn:allegiance:faults:notes"
SHAPES = "https://w3id.org/allegiance/graph/shapes"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


def start(store: Path, args: tuple[str, ...] = ()) -> Server:
    return start_server(["--store", str(store), "--timeout", "60", *args], env={"ALLEGIANCE_WRITE_TOKEN": TOKEN})


def sigkill(server: Server) -> None:
    """SIGKILL the server; its workers die with it (bounded wait)."""
    workers = server.workers()
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    for _ in range(200):
        if not any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers):
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    raise AssertionError(f"workers {workers} outlived the killed server")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def select(c: httpx.Client, server: Server, query: str) -> list[dict]:
    r = c.get(server.sparql, params={"query": query}, headers={"Accept": JSON})
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def state(server: Server) -> dict[str, object]:
    """What the server serves: the triple count of every named graph and of the default graph, and the notes."""
    with httpx.Client(trust_env=False, timeout=60) as c:
        graphs = {b["g"]["value"]: int(b["n"]["value"]) for b in select(
            c, server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        (default,) = select(c, server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        (merge,) = select(c, server, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
                                     f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SHAPES}>) }} }}")
        notes = frozenset(b["s"]["value"] for b in select(c, server, f"SELECT ?s WHERE {{ GRAPH <{GRAPH}> "
                                                                     "{ ?s ?p ?o } }"))
        in_default = frozenset(b["s"]["value"] for b in select(
            c, server, f"SELECT ?s WHERE {{ ?s <{COMMENT}> ?o FILTER(STRSTARTS(STR(?s), 'urn:allegiance:faults:')) }}"))
    return {"graphs": graphs, "default": int(default["n"]["value"]), "merge": int(merge["n"]["value"]),
            "notes": notes, "notes_in_default": in_default}


def assert_consistent(s: dict[str, object]) -> None:
    """The default graph is the merge of the named graphs (but the shapes), notes included."""
    assert s["default"] == s["merge"], s
    assert s["notes_in_default"] == s["notes"], s


def notes(prefix: str, n: int) -> tuple[bytes, frozenset[str]]:
    subjects = [f"urn:allegiance:faults:{prefix}-{i}" for i in range(n)]
    body = "\n".join(f'<{s}> <{COMMENT}> "note {prefix} {i}" .' for i, s in enumerate(subjects))
    return body.encode(), frozenset(subjects)


@pytest.fixture
def store(tmp_path) -> Iterator[Path]:
    yield tmp_path / "store"


def test_sigkill_during_a_graph_store_write_then_restart(store):
    """PUT a graph of 400 notes, SIGKILL the server at a random moment of the write (computing, validating,
    committing, or just after), restart it on the same store: the graph is the old one or the new one, whole."""
    rng = random.Random(11)
    server = start(store)
    try:
        with httpx.Client(trust_env=False, timeout=120) as c:
            body, first = notes("first", 50)
            r = c.put(server.base + "/store", params={"graph": GRAPH}, content=body,
                      headers={"Content-Type": "application/n-triples", **AUTH})
            assert r.status_code == 201, r.text
            started = time.monotonic()
            body, _ = notes("timing", 400)
            r = c.put(server.base + "/store", params={"graph": GRAPH}, content=body,
                      headers={"Content-Type": "application/n-triples", **AUTH})
            duration = time.monotonic() - started
            assert r.status_code == 204, r.text
            r = c.put(server.base + "/store", params={"graph": GRAPH}, content=notes("first", 50)[0],
                      headers={"Content-Type": "application/n-triples", **AUTH})
            assert r.status_code == 204, r.text
        before = state(server)
        assert before["notes"] == first
        assert_consistent(before)
        outcomes = []
        for attempt in range(5):
            body, new = notes(f"attempt{attempt}", 400)
            answer: list[int] = []

            def put(body: bytes = body, answer: list[int] = answer, base: str = server.base) -> None:
                try:
                    with httpx.Client(trust_env=False, timeout=120) as c:
                        answer.append(c.put(base + "/store", params={"graph": GRAPH}, content=body,
                                            headers={"Content-Type": "application/n-triples", **AUTH}).status_code)
                except httpx.TransportError:
                    answer.append(0)

            thread = threading.Thread(target=put)
            thread.start()
            # bounded random moments over the write, the last attempt just after its usual end
            delay = rng.uniform(0.1, duration * (1.0 if attempt < 4 else 1.3))
            time.sleep(delay)
            sigkill(server)
            thread.join(timeout=30)
            assert not thread.is_alive()
            server = start(store)
            after = state(server)
            assert_consistent(after)
            assert after["notes"] in (before["notes"], new), f"a partial graph after SIGKILL at {delay:.2f} s"
            if answer and answer[0] in (201, 204):
                assert after["notes"] == new, f"an acknowledged write was lost (SIGKILL at {delay:.2f} s)"
            others = {g: n for g, n in after["graphs"].items() if g not in (GRAPH,)}
            inferences = "https://w3id.org/allegiance/graph/inferences"
            # nothing but the notes' graph (and the inferences derived from it) changed
            assert {g: n for g, n in others.items() if g != inferences} == {
                g: n for g, n in before["graphs"].items() if g not in (GRAPH, inferences)}
            assert not store.with_name(store.name + ".journal").exists()
            outcomes.append("new" if after["notes"] == new else "old")
            before = after
        assert "old" in outcomes, outcomes  # at least one kill landed before the commit
    finally:
        server.stop()


def test_sigkill_while_serving_reads_and_writes_then_restart(store):
    """Readers read and one writer adds a note at a time; SIGKILL at a random moment; the restart serves every
    acknowledged note, at most the one in flight besides, and reads answered 200 until the kill."""
    rng = random.Random(12)
    server = start(store)
    try:
        for attempt in range(2):
            stop = threading.Event()
            acked: list[str] = []
            sent: list[str] = []
            read_statuses: list[int] = []

            def writer(base: str = server.base, attempt: int = attempt, stop: threading.Event = stop,
                       acked: list[str] = acked, sent: list[str] = sent) -> None:
                with httpx.Client(trust_env=False, timeout=120) as c:
                    for i in range(100):  # bounded
                        if stop.is_set():
                            return
                        subject = f"urn:allegiance:faults:serving{attempt}-{i}"
                        sent.append(subject)
                        try:
                            r = c.post(base + "/store", params={"graph": GRAPH},
                                       content=f'<{subject}> <{COMMENT}> "n" .'.encode(),
                                       headers={"Content-Type": "application/n-triples", **AUTH})
                        except httpx.TransportError:
                            return
                        if r.status_code in (200, 201, 204):
                            acked.append(subject)

            def reader(base: str = server.base, stop: threading.Event = stop,
                       statuses: list[int] = read_statuses) -> None:
                with httpx.Client(trust_env=False, timeout=60) as c:
                    for i in range(10_000):  # bounded
                        if stop.is_set():
                            return
                        try:
                            r = c.get(base + "/sparql", params={"query": f"ASK {{ ?s ?p {i} }}"})
                        except httpx.TransportError:
                            return
                        statuses.append(r.status_code)

            threads = [threading.Thread(target=writer), *(threading.Thread(target=reader) for _ in range(3))]
            for t in threads:
                t.start()
            deadline = time.monotonic() + 90
            for _ in range(900):  # bounded: until a first write is acknowledged
                if acked or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            time.sleep(rng.uniform(0.2, 5.0))  # then SIGKILL at a random moment of the writes that follow
            sigkill(server)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            assert not any(t.is_alive() for t in threads)
            assert acked, "no write was acknowledged before the kill"
            assert read_statuses and set(read_statuses) == {200}, set(read_statuses)
            server = start(store)
            after = state(server)
            assert_consistent(after)
            present = {s for s in after["notes"] if f"serving{attempt}-" in s}
            assert set(acked) <= present, f"acknowledged writes lost: {set(acked) - present}"
            assert present <= set(sent)
            assert len(present - set(acked)) <= 1  # the write in flight, whole or not at all
    finally:
        server.stop()


def test_a_restart_leaves_no_snapshots_of_the_killed_server(store):
    server = start(store)
    try:
        with httpx.Client(trust_env=False, timeout=120) as c:
            for i in range(2):
                r = c.post(server.base + "/store", params={"graph": GRAPH},
                           content=f'<urn:allegiance:faults:snap-{i}> <{COMMENT}> "n" .'.encode(),
                           headers={"Content-Type": "application/n-triples", **AUTH})
                assert r.status_code in (201, 204), r.text
        killed = server.process.pid
        sigkill(server)
        server = start(store)
        snapshots = store.with_name(store.name + ".snapshots")
        left = [p.name for p in snapshots.iterdir() if p.name.startswith(f"{killed}-")]
        assert left == [], f"{len(left)} snapshots of the killed server are still on disk"
    finally:
        server.stop()


def test_a_stopped_server_removes_its_temporary_store():
    server = start_server([])
    try:
        found = re.search(r"store built in [\d.]+ s at (\S+):", server.log())
        assert found, server.log()
        path = Path(found.group(1))
        assert path.is_dir()
    finally:
        server.stop()
    assert server.process.returncode is not None
    leftovers = [p for p in (path, path.with_name(path.name + ".snapshots")) if p.exists()]
    for p in leftovers:  # do not leave them behind ourselves
        import shutil

        shutil.rmtree(p, ignore_errors=True)
    assert not leftovers, f"left behind: {leftovers}"


def test_workers_do_not_outlive_a_killed_server(store):
    server = start(store)
    workers = server.workers()
    assert len(workers) >= 2
    sigkill(server)  # asserts that the workers are gone
    assert all(not os.path.exists(f"/proc/{pid}") or _state(pid) == "Z" for pid in workers)
