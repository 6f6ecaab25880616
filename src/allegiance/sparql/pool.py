"""Query worker processes: spawned inside the sandbox, watched, killed and replaced.

A :class:`Worker` is one ``python -m allegiance.sparql.worker`` process with a Unix socket to the server. The
:class:`Pool` keeps ``size`` of them alive: one that dies while idle (killed from outside, out of memory) is noticed
by its watcher and replaced before a client is handed to it. Workers are started from the event loop with
``asyncio.create_subprocess_exec`` (fork + exec: no engine state is shared or inherited).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from allegiance.sparql import wire

log = logging.getLogger("allegiance.pool")


class Worker:
    def __init__(self, process: asyncio.subprocess.Process, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, log_path: Path):
        self.process = process
        self.reader = reader
        self.writer = writer
        self.log_path = log_path
        self.reniced = False
        self.busy = False
        self.killed_by_us = False

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def kill(self) -> None:
        self.killed_by_us = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def log_tail(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - 65536))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""


class Pool:
    """``size`` workers; :meth:`take` hands out an idle one (FIFO among waiters), :meth:`give` takes it back."""

    def __init__(self, size: int, run_dir: Path, *, holder_pid: int = 0, memory_mb: int = 0, copy_quads: int = 0,
                 version: Callable[[], str] | None = None):
        self.size = size
        self.run_dir = run_dir
        self.holder_pid = holder_pid
        self.memory_mb = memory_mb
        self.copy_quads = copy_quads
        self.version = version
        self.workers: list[Worker] = []
        self.idle: asyncio.LifoQueue[Worker] = asyncio.LifoQueue()  # the warmest worker first
        self.spawned = 0
        self.replaced = 0
        self._closing = False
        self._watchers: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await asyncio.gather(*(self._add() for _ in range(self.size)))

    async def _spawn(self) -> Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.spawned += 1
        log_path = self.run_dir / f"worker-{self.spawned}.log"
        with open(log_path, "wb") as log_file:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "allegiance.sparql.worker", "--fd", str(theirs.fileno()),
                "--holder", str(self.holder_pid),
                "--memory-mb", str(self.memory_mb), "--memory-copy-quads", str(self.copy_quads),
                *(["--open", self.version()] if self.version else []),
                pass_fds=(theirs.fileno(),), stdin=asyncio.subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                env={**os.environ, "RUST_BACKTRACE": "0"})
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours, limit=1 << 20)
        worker = Worker(process, reader, writer, log_path)
        try:  # ready once it has the store open: no client waits for a worker's start-up
            kind, _ = await asyncio.wait_for(wire.read_frame(reader, 0), 120)
        except (TimeoutError, EOFError, asyncio.IncompleteReadError, ConnectionError):
            kind = b""
        if kind != wire.READY:
            log.error("query worker %d did not start: %s", process.pid, worker.log_tail()[-500:])
        return worker

    async def _add(self) -> None:
        worker = await self._spawn()
        self.workers.append(worker)
        task = asyncio.ensure_future(self._watch(worker))
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)
        self.idle.put_nowait(worker)

    async def _watch(self, worker: Worker) -> None:
        await worker.process.wait()
        if worker in self.workers:
            self.workers.remove(worker)
        with contextlib.suppress(Exception):
            worker.writer.close()
        if self._closing:
            return
        if not worker.busy and not worker.killed_by_us:
            log.warning("query worker %d died while idle (exit %s); replacing it", worker.pid,
                        worker.process.returncode)
        self.replaced += 1
        await self._add()

    async def take(self, timeout: float) -> Worker:
        """An idle worker, or TimeoutError. A time-out or a cancellation never loses a worker (on 3.11,
        ``wait_for(queue.get())`` can drop the item it got just as it times out)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            getter = asyncio.ensure_future(self.idle.get())
            try:
                done, _ = await asyncio.wait({getter}, timeout=max(0.0, deadline - loop.time()))
            except BaseException:
                self._abandon(getter)
                raise
            if not done:
                self._abandon(getter)
                raise TimeoutError
            worker = getter.result()
            if worker.alive and worker in self.workers:
                worker.busy = True
                return worker

    def _abandon(self, getter: asyncio.Future[Worker]) -> None:
        if not getter.done():
            getter.cancel()  # Queue.get leaves the item in the queue when it is cancelled before it resumes
        elif not getter.cancelled() and getter.exception() is None:
            self.idle.put_nowait(getter.result())

    def give(self, worker: Worker) -> None:
        """Back to the idle queue, or killed (its watcher replaces it) when it may be in a bad state."""
        worker.busy = False
        if not worker.alive or worker.killed_by_us:
            return
        if worker.reniced:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.pid, 0)
                worker.reniced = False
            except OSError:  # not allowed to raise a priority again: a fresh worker instead
                worker.kill()
                return
        self.idle.put_nowait(worker)

    def discard(self, worker: Worker) -> None:
        """Kill a worker whose query is abandoned (time limit, client gone); its watcher replaces it."""
        worker.kill()

    async def close(self) -> None:
        self._closing = True
        for worker in list(self.workers):
            worker.kill()
        for worker in list(self.workers):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(worker.process.wait(), 5)
        for task in list(self._watchers):
            task.cancel()

    def pids(self) -> list[int]:
        return [w.pid for w in self.workers if w.alive]
