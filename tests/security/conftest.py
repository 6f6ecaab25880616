"""Canaries and servers for the SSRF tests; self-contained (nothing imported from the other test packages).

* :class:`Canary` -- an HTTP server in a thread that records every connection and request and answers with a secret:
  SPARQL JSON results carrying the secret (200), or an error page carrying it (500 on ``/err``, HTML on ``/html``).
* :class:`RawListener` -- a plain TCP listener that records every connection (a non-HTTP internal service).
* :func:`start_server` / :class:`Server` -- ``python -m allegiance serve`` in a subprocess on a free loopback port;
  every wait is bounded in count and time, and :meth:`Server.stop` sends SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.helpers import free_port

# Variables that the hostile queries use inside SERVICE; the canary binds each of them to the secret.
CANARY_VARS = ("x", "s", "p", "o", "b", "c", "y", "z", "g", "v", "n")



@dataclass
class Hit:
    """One connection (``request`` empty when no HTTP request line was read) seen by a canary."""

    listener: str
    peer: str
    request: str = ""  # "METHOD /path" as received
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class _Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.connections: list[Hit] = []
        self.requests: list[Hit] = []

    def connection(self, hit: Hit) -> None:
        with self._lock:
            self.connections.append(hit)

    def request(self, hit: Hit) -> None:
        with self._lock:
            self.requests.append(hit)

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return len(self.connections), len(self.requests)


class Canary:
    """HTTP canary on ``host`` (IPv4 or IPv6 loopback), random free port, serving in a daemon thread."""

    def __init__(self, secret: str, host: str = "127.0.0.1", recorder: _Recorder | None = None):
        self.secret = secret
        self.host = host
        self.recorder = recorder or _Recorder()
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"
            timeout = 5  # a client that sends half a request does not hold the thread for ever

            def log_message(self, *args) -> None:  # keep pytest's output clean
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, 1_000_000)) if length > 0 else b""
                canary.recorder.request(Hit(f"http {canary.host}:{canary.port}", str(self.client_address[0]),
                                            f"{self.command} {self.path}", dict(self.headers.items()), body))
                status, ctype, payload = canary.response(self.path)
                if self.command == "HEAD":
                    payload = b""
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

        class Server(http.server.ThreadingHTTPServer):
            address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
            daemon_threads = True

            def get_request(self):
                conn, addr = super().get_request()
                canary.recorder.connection(Hit(f"http {canary.host}:{canary.port}", str(addr[0])))
                return conn, addr

        self.httpd = Server((host, 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def response(self, path: str) -> tuple[int, str, bytes]:
        if "/err" in path:
            return 500, "text/plain", f"INTERNAL-ERROR {self.secret}".encode()
        if "/html" in path:
            return 200, "text/html", f"<html><body>{self.secret}</body></html>".encode()
        results = {"head": {"vars": list(CANARY_VARS)},
                   "results": {"bindings": [{v: {"type": "literal", "value": self.secret} for v in CANARY_VARS}]}}
        return 200, "application/sparql-results+json", json.dumps(results).encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


class RawListener:
    """A plain TCP listener that records every connection, reads what comes (bounded) and answers garbage + secret."""

    def __init__(self, secret: str, recorder: _Recorder | None = None):
        self.secret = secret
        self.recorder = recorder or _Recorder()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, addr = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.recorder.connection(Hit(f"raw 127.0.0.1:{self.port}", str(addr[0])))
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(1.0)
            try:
                data = conn.recv(4096)
                line = data.split(b"\r\n", 1)[0].decode("latin-1")
                self.recorder.request(Hit(f"raw 127.0.0.1:{self.port}", "", line[:200], {}, data))
                conn.sendall(f"HTTP/1.0 500 Oops\r\nContent-Type: text/plain\r\n\r\nRAW {self.secret}".encode())
            except OSError:
                pass

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.sock.close()


class Canaries:
    """One secret, one recorder: HTTP canaries on 127.0.0.1 and (when the host has it) ::1, and a raw TCP listener."""

    def __init__(self) -> None:
        self.secret = f"CANARY-SECRET-{secrets.token_hex(12)}"
        self.recorder = _Recorder()
        self.http = Canary(self.secret, "127.0.0.1", self.recorder)
        try:
            self.http6: Canary | None = Canary(self.secret, "::1", self.recorder)
        except OSError:
            self.http6 = None
        self.raw = RawListener(self.secret, self.recorder)

    def counts(self) -> tuple[int, int]:
        return self.recorder.counts()

    def hits(self) -> list[Hit]:
        return list(self.recorder.connections) + list(self.recorder.requests)

    def wait_for(self, predicate: Callable[[int, int], bool], timeout: float, step: float = 0.05) -> bool:
        """Poll (connections, requests) until ``predicate`` holds; bounded in count and time."""
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / step) + 1):
            if predicate(*self.counts()):
                return True
            if time.monotonic() >= deadline:
                break
            time.sleep(step)
        return predicate(*self.counts())

    def close(self) -> None:
        for c in (self.http, self.http6, self.raw):
            if c is not None:
                c.close()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def sparql(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def descendants(self) -> dict[int, str]:
        """PID -> start time of every process below the server (workers, sandbox, relay)."""
        parents: dict[int, tuple[int, str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(entry)] = (int(fields[1]), fields[19])
        found: dict[int, str] = {}
        frontier = [self.process.pid]
        for _ in range(10):  # bounded depth
            frontier = [pid for pid, (ppid, _) in parents.items() if ppid in frontier and pid not in found]
            if not frontier:
                break
            found.update({pid: parents[pid][1] for pid in frontier})
        return found

    def stop(self) -> None:
        """SIGTERM, then SIGKILL; then SIGKILL any process the server started that outlived it (same PID and
        start time, so never a process that merely reused the PID)."""
        below = self.descendants() if self.process.poll() is None else {}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        deadline = time.monotonic() + 5
        for _ in range(100):  # bounded in count and time
            left = {pid: t for pid, t in below.items() if _start_time(pid) == t}
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for pid, started in below.items():
            if _start_time(pid) == started:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        try:
            self.log_path.unlink()
        except OSError:
            pass


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else fields[19]


def start_server(args: Sequence[str] = (), ready_timeout: float = 60.0) -> Server:
    """``allegiance serve`` bound to 127.0.0.1 on a free port; returns once ``ASK {}`` answers 200."""
    port = free_port()
    log_file = tempfile.NamedTemporaryFile("wb", prefix="allegiance-ssrf-", suffix=".log", delete=False)
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    process = subprocess.Popen(
        [sys.executable, "-m", "allegiance", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    log_file.close()
    server = Server(process, port, Path(log_file.name))
    deadline = time.monotonic() + ready_timeout
    for _ in range(int(ready_timeout / 0.1) + 1):  # bounded in count and time
        if process.poll() is not None:
            log = server.log()
            server.stop()
            raise RuntimeError(f"server exited with {process.returncode}:\n{log}")
        try:
            r = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2, trust_env=False)
            if r.status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    log = server.log()
    server.stop()
    raise RuntimeError(f"server not ready within {ready_timeout} s:\n{log}")


@pytest.fixture
def canaries() -> Iterator[Canaries]:
    c = Canaries()
    yield c
    c.close()
