"""The executor on a small on-disk store: answers, typed failures, writes seen by the next query, cancellation,
and a worker killed while idle. The workers run in the sandbox, as in the server."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest

from allegiance.sparql import errors
from allegiance.sparql.executor import Executor
from allegiance.sparql.jobs import Job
from allegiance.store import ServedStore

pytestmark = pytest.mark.slow  # starts processes

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture
def served(tmp_path: Path) -> ServedStore:
    path = tmp_path / "store"
    store = ox.Store(str(path))
    for i in range(60):
        store.add(ox.Quad(ox.NamedNode(f"http://ex/s{i}"), ox.NamedNode("http://ex/p"), ox.Literal(str(i))))
    store.flush()
    return ServedStore(path, store, (), (), True, 0.0)


def run(coro):
    return asyncio.run(coro)


def test_answers_failures_and_a_write_seen_by_the_next_query(served):
    async def scenario() -> None:
        ex = Executor(workers=2, timeout=5, version=served.version)
        await ex.start()
        try:
            a = await ex.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", accept="text/csv"))
            assert a.body.splitlines()[1] == b"60" and a.format.media_type == "text/csv"
            probe = Job("ASK { <http://ex/new> ?p ?o }", accept="application/sparql-results+json")
            assert b"false" in (await ex.run(probe)).body
            served.update("INSERT DATA { <http://ex/new> <http://ex/p> 1 }")
            assert b"true" in (await ex.run(probe)).body  # a new version: not the cached answer, not a stale store
            with pytest.raises(errors.QuerySyntaxError, match="syntax"):
                await ex.run(Job("SELEC"))
            with pytest.raises(errors.NotAcceptable):
                await ex.run(Job("ASK {}", accept="image/png"))
        finally:
            await ex.close()

    run(scenario())


def test_cancelled_query_kills_its_worker_and_an_idle_kill_costs_nothing(served):
    async def scenario() -> None:
        ex = Executor(workers=2, timeout=60, version=served.version)
        await ex.start()
        try:
            before = set(ex.worker_pids())
            task = asyncio.ensure_future(ex.run(Job(RUNAWAY)))
            await asyncio.sleep(0.5)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            for _ in range(100):  # bounded: the killed worker is replaced
                if len(ex.worker_pids()) == 2 and set(ex.worker_pids()) != before:
                    break
                await asyncio.sleep(0.05)
            assert len(ex.worker_pids()) == 2 and set(ex.worker_pids()) != before
            for pid in ex.worker_pids():  # killed from outside while idle
                os.kill(pid, signal.SIGKILL)
            for i in range(4):
                answer = await ex.run(Job(f"ASK {{ ?s ?p {i} }}"))
                assert answer.body
        finally:
            await ex.close()

    run(scenario())


def test_time_limit_and_byte_cap(served):
    async def scenario() -> None:
        ex = Executor(workers=2, timeout=1, max_bytes=500, version=served.version)
        await ex.start()
        try:
            with pytest.raises(errors.QueryTimeout):
                await ex.run(Job(RUNAWAY))
            with pytest.raises(errors.AnswerTooLarge, match="500 bytes"):
                await ex.run(Job("SELECT * WHERE { ?s ?p ?o }"))
            assert (await ex.run(Job("SELECT * WHERE { ?s ?p ?o } LIMIT 1"))).body
        finally:
            await ex.close()

    run(scenario())
