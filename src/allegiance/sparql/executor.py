"""Running queries: off the event loop, in sandboxed worker processes, with limits that always hold.

The event loop never parses or evaluates a query. :meth:`Executor.run` takes a :class:`~.jobs.Job` and returns an
:class:`~.jobs.Answer` or raises a typed :class:`~.errors.QueryFailure`; it never builds an HTTP response.

* **Time.** One deadline per query covers waiting for a worker, evaluation and serialization. Past it the worker
  is SIGKILLed (its CPU freed at once) and replaced; the client gets 503, never a truncated 200. A query that has
  run for more than a second is niced, so that short queries keep the CPU.
* **Cancellation.** When the caller is cancelled (the HTTP client went away), the worker is killed at once.
* **Fairness.** One client (an address) holds at most ``workers - 1`` workers at a time, so another client always
  finds one; a connection runs one query at a time anyway.
* **Size.** An answer is streamed by the worker with a byte cap (422 past it); each worker caps its memory.
* **Network.** Workers live in the sandbox (:mod:`.sandbox`); the relay (:mod:`.relay`) is their only way out.
* **Writes.** Each job carries the store's version, the folder of its newest read-only snapshot; a worker opens
  that snapshot when it is not the one it has, so a committed write is seen by the next query.
* **Cache.** Complete answers up to a size are kept, keyed by the store version and the normalised request.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from allegiance.sparql import errors, wire
from allegiance.sparql.formats import Kind, by_name
from allegiance.sparql.jobs import Answer, Job
from allegiance.sparql.pool import Pool, Worker
from allegiance.sparql.relay import Relay, endpoint_of
from allegiance.sparql.sandbox import SandboxUnavailable

log = logging.getLogger("allegiance.executor")

NICE_AFTER = 1.0  # seconds of running before a query's worker yields the CPU to others
WRITE_NICENESS = -5  # a write's worker, when the server may raise a priority (root); else it keeps 0


class AnswerCache:
    """Complete answers by key, least recently used first out, bounded in bytes and age."""

    def __init__(self, max_bytes: int, ttl: float, max_entry: int = 1 << 20):
        self.max_bytes, self.ttl, self.max_entry = max_bytes, ttl, max_entry
        self.entries: OrderedDict[str, tuple[float, Answer]] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> Answer | None:
        item = self.entries.get(key)
        if item is None:
            return None
        if time.monotonic() - item[0] > self.ttl:
            self._drop(key)
            return None
        self.entries.move_to_end(key)
        return item[1]

    def put(self, key: str, answer: Answer) -> None:
        if self.max_bytes <= 0 or len(answer.body) > min(self.max_entry, self.max_bytes):
            return
        if key in self.entries:
            self._drop(key)
        self.entries[key] = (time.monotonic(), answer)
        self.size += len(answer.body)
        while self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        _, answer = self.entries.pop(key)
        self.size -= len(answer.body)


class Executor:
    def __init__(self, *, workers: int = 4, timeout: float = 10.0, max_bytes: int = 64 << 20,
                 memory_mb: int = 2048, service_allowlist: tuple[str, ...] = (), sandbox: bool = True,
                 cache_bytes: int = 32 << 20, cache_ttl: float = 60.0, memory_copy_quads: int = 0,
                 version: Callable[[], str]):
        self.size = max(2, workers)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.memory_mb = memory_mb
        self.memory_copy_quads = memory_copy_quads
        self.allowlist = tuple(service_allowlist)
        self.sandbox = sandbox
        self.version = version
        self.cache = AnswerCache(cache_bytes, cache_ttl)
        self.per_client = self.size - 1
        self._clients: dict[str, int] = {}
        self._waiters: dict[str, collections.deque[asyncio.Future[None]]] = {}
        self.run_dir: Path | None = None
        self.relay: Relay | None = None
        self.pool: Pool | None = None
        self._holder: asyncio.subprocess.Process | None = None
        self.killed = 0

    # -- life cycle
    async def start(self) -> None:
        self.run_dir = Path(tempfile.mkdtemp(prefix="allegiance-run-"))
        holder_pid = 0
        if self.sandbox:
            self.relay = Relay(self.run_dir / "relay.sock", self.allowlist, idle_timeout=self.timeout)
            await self.relay.start()
            holder_pid = await self._start_holder()
        self.pool = Pool(self.size, self.run_dir, holder_pid=holder_pid, memory_mb=self.memory_mb,
                         copy_quads=self.memory_copy_quads, version=self.version)
        await self.pool.start()

    async def _start_holder(self) -> int:
        assert self.run_dir is not None and self.relay is not None
        forwards = []
        for iri in self.allowlist:
            host, port = endpoint_of(iri)
            forwards += ["--forward", f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
        self._holder = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "allegiance.sparql.sandbox", "--relay", str(self.relay.path),
            "--run-dir", str(self.run_dir), *forwards, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE)
        assert self._holder.stdout is not None
        try:
            line = await asyncio.wait_for(self._holder.stdout.readline(), 30)
        except TimeoutError:
            line = b"no answer within 30 s"
        if line.strip() != b"ready":
            with contextlib.suppress(ProcessLookupError):
                self._holder.kill()
            raise SandboxUnavailable(f"the query sandbox could not be made: {line.decode(errors='replace').strip()}"
                                     " (run as root, or enable unprivileged user namespaces; --no-sandbox runs "
                                     "without it, and then SERVICE can reach any address the server can)")
        return self._holder.pid

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        if self._holder is not None and self._holder.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._holder.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._holder.wait(), 5)
        if self.relay is not None:
            await self.relay.close()
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def worker_pids(self) -> list[int]:
        return self.pool.pids() if self.pool else []

    # -- fairness
    @contextlib.asynccontextmanager
    async def _client_slot(self, client: str, deadline: float) -> AsyncIterator[None]:
        """At most ``per_client`` queries of one client at a time; the others wait their turn (FIFO).

        No lock and no await in the release path: a cancellation can never leak a slot."""
        loop = asyncio.get_running_loop()
        waiters = self._waiters.setdefault(client, collections.deque())
        while self._clients.get(client, 0) >= self.per_client:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise errors.Busy(f"you already have {self.per_client} queries running; wait for one to end")
            turn = loop.create_future()
            waiters.append(turn)
            try:
                await asyncio.wait({turn}, timeout=remaining)
            except BaseException:
                if turn.done():  # woken just as we were cancelled: pass the turn on
                    self._wake(client)
                raise
            finally:
                if turn in waiters:
                    waiters.remove(turn)
        self._clients[client] = self._clients.get(client, 0) + 1
        try:
            yield
        finally:
            self._clients[client] -= 1
            if not self._clients[client]:
                del self._clients[client]
            self._wake(client)

    def _wake(self, client: str) -> None:
        waiters = self._waiters.get(client)
        while waiters:
            turn = waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                break
        if not waiters:
            self._waiters.pop(client, None)

    # -- queries
    def etag(self, job: Job) -> str:
        return '"' + job.key(self.version()) + '"'

    async def run(self, job: Job, client: str = "-", *, timeout: float | None = None) -> Answer:
        """The complete answer to ``job``, or a :class:`~.errors.QueryFailure`."""
        assert self.pool is not None, "Executor.start() was not awaited"
        version = self.version()
        key = job.key(version)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        limit = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        async with self._client_slot(client, deadline):
            head, body = await self._run_once(job.wire(version, self.max_bytes), deadline, limit, retry=True)
        has_next = head.get("has_next")
        answer = Answer(body, by_name(str(head["format"])), Kind(str(head["kind"])), self.etag(job),
                        bool(has_next) if has_next is not None else None)
        self.cache.put(key, answer)
        return answer

    async def change(self, job: dict[str, Any], *, timeout: float | None = None,
                     max_bytes: int = 1 << 30) -> tuple[dict[str, Any], bytes]:
        """Compute a change in a worker (:mod:`.changes`): the summary and the N-Quads of the quads added then
        removed, or a typed failure. The caller commits it and serializes writes."""
        assert self.pool is not None, "Executor.start() was not awaited"
        limit = self.timeout if timeout is None else timeout
        deadline = asyncio.get_running_loop().time() + limit
        payload = {**job, "kind": "write", "version": self.version(), "max_bytes": max_bytes}
        return await self._run_once(payload, deadline, limit, retry=True, max_bytes=max_bytes)

    async def _run_once(self, payload: dict[str, Any], deadline: float, limit: float, *, retry: bool,
                        max_bytes: int | None = None) -> tuple[dict[str, Any], bytes]:
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        try:
            worker = await self.pool.take(max(0.0, deadline - loop.time()))
        except TimeoutError:
            raise errors.Busy(f"the server is busy: no query worker became free within {limit:g} s; "
                              "try again") from None
        # a query running long is niced so that short ones keep the CPU. A write (one at a time, with the token)
        # is not: it needs seconds of CPU (inferences, validation), and under a full read load it would starve and
        # run into its time limit; it runs at a higher priority instead, where the server may set one (as root)
        write = payload.get("kind") == "write"
        nicer = None if write else loop.call_later(NICE_AFTER, self._nice, worker)
        if write:
            self._nice(worker, WRITE_NICENESS)
        try:
            try:
                worker.writer.write(wire.control(wire.JOB, payload))
                await worker.writer.drain()
            except (ConnectionError, OSError) as exc:  # it died while idle, before its watcher noticed
                raise _WorkerDied(False) from exc
            received = await asyncio.wait_for(self._receive(worker, max_bytes or self.max_bytes),
                                              max(0.0, deadline - loop.time()))
            self.pool.give(worker)
            return received
        except TimeoutError:
            self.killed += 1
            self.pool.discard(worker)
            log.warning("query ran over %.1f s: worker %d killed", limit, worker.pid)
            if self.relay is not None and self.relay.active:
                raise errors.UpstreamTimeout(f"the query was stopped at its time limit of {limit:g} s while a "
                                             "SERVICE endpoint had not finished answering") from None
            raise errors.QueryTimeout(f"the query was stopped: it ran over the time limit of {limit:g} s") from None
        except errors.QueryFailure:
            self.pool.give(worker)
            raise
        except _WorkerDied as died:
            crashed = await self._diagnose(worker, died.parsed)
            if crashed is None and retry:  # killed from outside while idle: not this query's doing
                return await self._run_once(payload, deadline, limit, retry=False, max_bytes=max_bytes)
            raise crashed or errors.WorkerFailed("the query worker stopped unexpectedly") from None
        except BaseException:  # cancelled: the client went away
            self.pool.discard(worker)
            raise
        finally:
            if nicer is not None:
                nicer.cancel()

    def _nice(self, worker: Worker, niceness: int = 10) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.pid, niceness)
            worker.reniced = True

    async def _receive(self, worker: Worker, max_bytes: int) -> tuple[dict[str, Any], bytes]:
        parsed = False
        chunks: list[bytes] = []
        size = 0
        head: dict[str, Any] = {}
        try:
            while True:
                kind, payload = await wire.read_frame(worker.reader, max_bytes + wire.MAX_CONTROL)
                if kind == wire.PARSED:
                    parsed = True
                elif kind == wire.HEAD:
                    head = json.loads(payload)
                elif kind == wire.DATA:
                    size += len(payload)
                    if size > max_bytes:
                        raise errors.AnswerTooLarge(f"the answer is larger than the limit of {max_bytes} bytes")
                    chunks.append(payload)
                elif kind == wire.END:
                    return head, b"".join(chunks)
                elif kind == wire.FAILURE:
                    raise errors.from_wire(json.loads(payload))
        except (EOFError, asyncio.IncompleteReadError, ConnectionError) as exc:
            raise _WorkerDied(parsed) from exc

    async def _diagnose(self, worker: Worker, parsed: bool) -> errors.QueryFailure | None:
        """Why a worker died during a query: the query's doing (400/503), or a kill from outside (None)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(worker.process.wait(), 2)
        tail = worker.log_tail().lower()
        if "overflowed its stack" in tail or "stack overflow" in tail:
            return errors.QueryTooComplex("the query is nested too deeply for the query engine")
        if "memory allocation" in tail or "memoryerror" in tail or "out of memory" in tail:
            return errors.MemoryLimit(f"the query was stopped: it needed more than {self.memory_mb} MB of memory")
        if worker.process.returncode == -9 and not parsed:
            return None
        if not parsed:
            return errors.QueryTooComplex("the query engine could not parse this query (its parser crashed)")
        return errors.WorkerFailed(f"the query worker stopped (exit {worker.process.returncode})")


class _WorkerDied(Exception):
    def __init__(self, parsed: bool):
        super().__init__("the worker died")
        self.parsed = parsed
