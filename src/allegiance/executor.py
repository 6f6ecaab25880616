"""Running queries off the event loop, in worker processes that can be killed.

The workers are forked after the store is loaded, so they share it copy-on-write. Each query gets a time limit
(serialization included): when it runs over, its worker is killed with SIGKILL (its CPU is freed at once), a new
worker is forked in its place, and the client gets 503 with a message. A worker answers only with a complete
body, so the HTTP status is committed once the whole answer is known: never a 200 with a truncated body.

The async API, for every part of the server (and for canned queries)::

    result = await executor.run(query, dataset, accept, bindings={"x": URIRef(...)})
    Response(result.body, result.status, media_type=result.media_type)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from . import negotiation, serialization
from .negotiation import Format, Kind
from .query_guard import insert_values

log = logging.getLogger("allegiance.executor")

_SERVER_DEFAULT = object()


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset of one query.

    ``default_graphs`` / ``named_graphs`` as IRIs; ``None`` for both means "the server's default" (the union of
    ontology, instances and inferences as default graph, every named graph available); ``from_query`` means the
    query's own FROM / FROM NAMED clauses decide.
    """

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    from_query: bool = False

    @classmethod
    def protocol(cls, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> Dataset:
        """The dataset named by default-graph-uri / named-graph-uri: exactly those graphs."""
        return cls(tuple(default_graphs), tuple(named_graphs))


SERVER_DEFAULT = Dataset()
QUERY_DATASET = Dataset(from_query=True)


@dataclass(frozen=True)
class Result:
    status: int
    media_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status == 200


def _text(status: int, message: str) -> Result:
    return Result(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


@dataclass(frozen=True)
class _Job:
    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    accept: str | None
    format: str | None
    max_results: int
    base_iri: str | None = None


# ------------------------------------------------------------------------------------------ worker side

_STORE: ox.Store | None = None  # set in the parent before forking; the workers read it


def _execute(store: ox.Store, job: _Job) -> Result:
    kwargs: dict = {"base_iri": job.base_iri} if job.base_iri else {}
    if job.default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        answer = store.query(job.query, **kwargs)
    except SyntaxError as exc:
        return _text(400, f"SPARQL syntax error: {exc.msg if hasattr(exc, 'msg') else exc}")
    except ValueError as exc:
        return _text(400, f"bad query: {exc}")
    kind = (Kind.BOOLEAN if isinstance(answer, ox.QueryBoolean)
            else Kind.SOLUTIONS if isinstance(answer, ox.QuerySolutions) else Kind.GRAPH)
    offers = negotiation.OFFERS[kind]
    fmt: Format | None = negotiation.choose(offers, job.accept, job.format)
    if fmt is None:
        return _text(406, f"no acceptable format for this answer; available: {negotiation.describe(offers)}")
    try:
        if kind is Kind.BOOLEAN:
            body = serialization.boolean(answer, fmt)
        elif kind is Kind.SOLUTIONS:
            names = [v.value for v in answer.variables]
            rows = serialization.take(answer, job.max_results, "rows")
            body = serialization.solutions(names, rows, fmt)
        else:
            triples = serialization.take(answer, job.max_results, "triples", distinct=True)
            body = serialization.graph(triples, fmt)
    except serialization.TooManyResults as exc:
        return _text(422, str(exc))
    except (OSError, RuntimeError, ValueError) as exc:
        return _text(500, f"query evaluation failed: {exc}")
    media_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Result(200, media_type, body)


def _worker_main(conn: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent stops us
    with contextlib.suppress(Exception):  # die with the parent (Linux)
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    keep = conn.fileno()
    os.closerange(3, keep)  # the listening socket, the other workers' pipes ...
    os.closerange(keep + 1, 65536)
    store = _STORE
    assert store is not None
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            result = _execute(store, job)
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            result = _text(500, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except (BrokenPipeError, OSError):
            os._exit(0)


# ------------------------------------------------------------------------------------------ parent side

@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection

    @property
    def pid(self) -> int:
        return self.process.pid or -1


class Executor:
    """A small pool of forked query workers with a per-query time limit and a result-size cap."""

    def __init__(self, store: ox.Store, default_graphs: Sequence[str], *, workers: int = 2,
                 timeout: float = 10.0, max_results: int = 10_000):
        self.store = store
        self.default_graphs = tuple(default_graphs)
        self.size = workers
        self.timeout = timeout
        self.max_results = max_results
        self._ctx = multiprocessing.get_context("fork")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._threads = ThreadPoolExecutor(max_workers=max(2, workers * 2), thread_name_prefix="query-wait")
        self.killed = 0

    # -- life cycle
    def _spawn(self) -> _Worker:
        global _STORE
        _STORE = self.store
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(child,), daemon=True, name="allegiance-query")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def _retire(self, worker: _Worker) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        worker.process.join(timeout=2)
        worker.conn.close()
        if worker in self._all:
            self._all.remove(worker)

    async def close(self) -> None:
        for worker in list(self._all):
            self._retire(worker)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._all]

    # -- queries
    @staticmethod
    def _wait(conn: Connection, seconds: float):
        if conn.poll(max(0.0, seconds)):
            return conn.recv()
        return None

    async def run(self, query: str, dataset: Dataset = SERVER_DEFAULT, accept: str | None = None, *,
                  format: str | None = None, bindings: Mapping[str, object] | None = None,
                  timeout: float | None = None, max_results: int | None = None,
                  base_iri: str | None = None) -> Result:
        """Run ``query`` in a worker; the answer serialized in the negotiated format, or an error as text.

        ``bindings`` pre-binds variables to RDF terms (a VALUES block at the start of the WHERE group);
        ``base_iri`` resolves the query's relative IRIs (the endpoint's URL for protocol requests).
        The query must already have passed :func:`allegiance.query_guard.check` (SERVICE allowlist).
        """
        assert self._idle is not None, "Executor.start() was not awaited"
        if bindings:
            try:
                query = insert_values(query, bindings)
            except (ValueError, TypeError) as exc:
                return _text(400, f"cannot bind parameters: {exc}")
        if dataset.from_query:
            default, named = None, None
        elif dataset.default_graphs is None and dataset.named_graphs is None:
            default, named = self.default_graphs, None
        else:
            default, named = dataset.default_graphs or (), dataset.named_graphs or ()
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        try:
            worker = await asyncio.wait_for(self._idle.get(), limit)
        except TimeoutError:
            return _text(503, f"the server is busy: no query worker became free within {limit:g} s; try again")
        job = _Job(query, default, named, accept, format, self.max_results if max_results is None else max_results, base_iri)
        loop = asyncio.get_running_loop()
        replace = False
        try:
            worker.conn.send(job)
            answer = await loop.run_in_executor(self._threads, self._wait, worker.conn,
                                                deadline - time.monotonic())
            if answer is None:
                replace = True
                self.killed += 1
                log.warning("query ran over %.1f s: worker %d killed", limit, worker.pid)
                return _text(503, f"the query was stopped: it ran over the time limit of {limit:g} s")
            return answer
        except (EOFError, OSError) as exc:
            replace = True
            return _text(500, f"the query worker failed: {exc}")
        except BaseException:
            replace = True  # cancelled (client gone): the worker may still be busy
            raise
        finally:
            if replace:
                self._retire(worker)
                worker = self._spawn()
            self._idle.put_nowait(worker)
