"""A query worker: one process, inside the sandbox, that runs one query at a time against the on-disk store.

Started by the executor as ``python -m allegiance.sparql.worker --fd N --holder PID``. Before it
imports the engine it joins the sandbox holder's namespaces (:func:`allegiance.sparql.sandbox.enter`), dies with
its parent, and caps its own data segment (``--memory-mb``: a query that needs more gets an allocation failure and
the worker dies; the executor answers 503). Then, for each job (JSON, :mod:`allegiance.sparql.wire`):

1. opens the job's store version (a read-only snapshot folder, :meth:`allegiance.store.ServedStore.version`) if it
   is not the one it has open, so a write committed by the server is seen by the next query; a small snapshot
   (``--memory-copy-quads``) is copied into memory, where the engine is faster;
2. parses and plans the query (pyoxigraph), with the job's dataset, base IRI and SEP-0007 ``substitutions``, and
   reports ``P`` (parsed) at once: a crash before that is a parser crash (deep nesting), the client's doing;
3. negotiates the format once, from the answer's kind, the ``format=`` value and the Accept header
   (:mod:`allegiance.sparql.formats`), or fails with 406;
4. streams the answer through pyoxigraph's own serializer in frames, counting bytes: past ``max_bytes`` it stops
   and fails with 422, so no answer is ever cut off silently.

Failures go back as typed errors (:mod:`allegiance.sparql.errors`), never as HTTP.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import socket
import sys
from collections.abc import Sequence
from typing import Any

from allegiance.sparql import errors, wire
from allegiance.sparql.formats import OFFERS, Kind, choose, describe

FLUSH_AT = 256 * 1024


class FrameWriter:
    """A file-like sink for pyoxigraph's serializers: chunks go out as ``D`` frames; a byte cap is enforced."""

    def __init__(self, sock: socket.socket, limit: int):
        self.sock = sock
        self.limit = limit
        self.total = 0
        self.exceeded = False
        self.pending = bytearray()

    def write(self, data: bytes) -> int:
        self.total += len(data)
        if self.total > self.limit:
            self.exceeded = True
            raise errors.AnswerTooLarge(f"the answer is larger than the limit of {self.limit} bytes; "
                                        "add a LIMIT, or download the dump")
        self.pending += data
        if len(self.pending) >= FLUSH_AT:
            self.sock.sendall(wire.frame(wire.DATA, bytes(self.pending)))
            self.pending.clear()
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes at the end of a document; frames are sent when they are full or at the end."""

    def finish(self, head: bytes) -> None:
        self.sock.sendall(head + wire.frame(wire.DATA, bytes(self.pending)) + wire.frame(wire.END, b""))
        self.pending.clear()


_REFUSED = ("lookup address", "connection refused", "network is unreachable", "not allowed for http",
            "no route to host", "cannot assign requested address", "name or service not known")


def classify(exc: OSError) -> errors.QueryFailure:
    """A failure while evaluating: almost always a SERVICE call. Inside the sandbox, an endpoint that is not
    allowlisted does not resolve or refuses the connection; an allowlisted one fails or times out upstream."""
    message = str(exc)
    low = message.lower()
    if "rocksdb" in low or "storage" in low or "corrupt" in low:
        return errors.WorkerFailed(f"reading the store failed: {message[:300]}")
    if any(s in low for s in _REFUSED):
        return errors.ServiceRefused("a SERVICE endpoint of this query is not allowed or not reachable from the "
                                     "query engine (only the allowlisted endpoints in the service description "
                                     f"are): {message[:200]}")
    if "timed out" in low or "timeout" in low:
        return errors.UpstreamTimeout(f"a SERVICE endpoint did not answer in time: {message[:300]}")
    return errors.UpstreamFailed(f"a SERVICE call failed: {message[:500]}")


def _graph(ox: Any, iri: str | None) -> Any:
    return ox.DefaultGraph() if iri is None else ox.NamedNode(iri)


def query_options(ox: Any, job: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``Store.query`` for a job: dataset, base IRI and SEP-0007 substitutions."""
    options: dict[str, Any] = {}
    if job.get("base_iri"):
        options["base_iri"] = job["base_iri"]
    if job.get("default_graphs") is not None:
        options["default_graph"] = [_graph(ox, g) for g in job["default_graphs"]]
    if job.get("named_graphs") is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
    if job.get("substitutions"):
        from allegiance.sparql.jobs import from_wire

        options["substitutions"] = {ox.Variable(k): from_wire(v) for k, v in job["substitutions"].items()}
    return options


def execute(ox: Any, store: Any, job: dict[str, Any], sock: socket.socket) -> None:
    options = query_options(ox, job)
    text = job["query"]
    page = job.get("page")
    has_next = None
    try:
        if page:
            size, offset = int(page["size"]), int(page["offset"])
            probe = store.query(f"{text}\nLIMIT 1 OFFSET {offset + size}", **options)
            has_next = any(True for _ in probe)
            text = f"{text}\nLIMIT {size} OFFSET {offset}"
        answer = store.query(text, **options)
    except SyntaxError as exc:
        raise errors.QuerySyntaxError(f"SPARQL syntax error: {getattr(exc, 'msg', None) or exc}") from None
    except (ValueError, TypeError) as exc:
        raise errors.BadRequest(f"bad query: {exc}") from None
    except RuntimeError as exc:
        raise errors.BadRequest(f"cannot run this query: {exc}") from None
    except OSError as exc:
        raise classify(exc) from None
    kind = (Kind.BOOLEAN if isinstance(answer, ox.QueryBoolean)
            else Kind.SOLUTIONS if isinstance(answer, ox.QuerySolutions) else Kind.GRAPH)
    sock.sendall(wire.control(wire.PARSED, {"kind": kind.value}))
    offers = OFFERS[kind]
    fmt = choose(offers, job.get("accept"), job.get("format"))
    if fmt is None:
        raise errors.NotAcceptable(f"no acceptable format for this answer; available: {describe(offers)}")
    ox_format = getattr(ox.RdfFormat if kind is Kind.GRAPH else ox.QueryResultsFormat, fmt.name)
    writer = FrameWriter(sock, int(job["max_bytes"]))
    try:
        answer.serialize(writer, ox_format)
    except errors.QueryFailure:
        raise
    except OSError as exc:
        raise classify(exc) from None
    except (ValueError, RuntimeError) as exc:
        raise errors.BadRequest(f"the query failed while it was evaluated: {exc}") from None
    writer.finish(wire.control(wire.HEAD, {"format": fmt.name, "kind": kind.value, "has_next": has_next}))


def open_snapshot(ox: Any, path: str, copy_limit: int) -> Any:
    """The snapshot, read-only on disk; copied into memory when it holds at most ``copy_limit`` quads (pyoxigraph's
    in-memory store answers scans and filters 1.5 to 3.5 times faster than RocksDB)."""
    disk = ox.Store.read_only(path)
    if copy_limit <= 0:
        return disk
    count = 0
    for _ in disk.quads_for_pattern(None, None, None, None):
        count += 1
        if count > copy_limit:
            return disk
    memory = ox.Store()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return memory


def serve(sock: socket.socket, copy_limit: int, first: str | None) -> None:
    import pyoxigraph as ox

    store: Any = None
    version = None
    if first:  # open the current snapshot before the first job, then say so
        store = open_snapshot(ox, first, copy_limit)
        version = first
    sock.sendall(wire.frame(wire.READY, b""))
    while True:
        try:
            kind, payload = wire.recv_frame(sock)
        except (EOFError, OSError):
            return
        if kind != wire.JOB:
            return
        job = json.loads(payload)
        try:
            if job["version"] != version or store is None:
                store = None
                store = open_snapshot(ox, job["version"], copy_limit)
                version = job["version"]
            if job.get("kind") == "write":
                from .changes import execute_write

                execute_write(ox, ox.Store.read_only(job["version"]), job, sock)
            else:
                execute(ox, store, job, sock)
        except errors.QueryFailure as failure:
            sock.sendall(wire.control(wire.FAILURE, errors.to_wire(failure)))
        except MemoryError:
            sock.sendall(wire.control(wire.FAILURE, errors.to_wire(
                errors.MemoryLimit("the query needed more memory than a query may use"))))
        except Exception as exc:  # noqa: BLE001 - report, never die silently
            sock.sendall(wire.control(wire.FAILURE, errors.to_wire(
                errors.WorkerFailed(f"{type(exc).__name__}: {exc}"))))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m allegiance.sparql.worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--holder", type=int, default=0, help="the sandbox holder's PID; 0: no sandbox")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--memory-copy-quads", type=int, default=0)
    parser.add_argument("--open", help="the store version (snapshot folder) to open before the first job")
    args = parser.parse_args(argv)
    from allegiance.sparql.sandbox import _die_with_parent, enter

    _die_with_parent()
    if args.holder:
        enter(args.holder)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if args.memory_mb:
        limit = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    sock = socket.socket(fileno=args.fd)
    try:
        serve(sock, args.memory_copy_quads, args.open)
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
