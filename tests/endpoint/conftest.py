"""Servers for the endpoint tests: ``allegiance serve`` in a subprocess on a free loopback port.

Every wait is bounded in count and time; every server is stopped (SIGTERM, then SIGKILL) by the test that started it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from allegiance.paths import default_layout
from tests.helpers import free_port

HARNESS = default_layout().home.parent / "shared" / "conformance" / "sparql_protocol_tests.py"



@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    started: float
    ready_after: float = 0.0  # wall-clock seconds from start to the first answered query
    ready_cpu: float = 0.0  # CPU seconds the server process had used by then (independent of machine load)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[int]:
        """PIDs of the server's child processes (its query workers)."""
        out = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                out.append(int(entry))
        return sorted(out)

    def workers(self) -> list[int]:
        """PIDs of the query workers (the sandbox holder is a child too)."""
        out = []
        for pid in self.children():
            try:
                if b"allegiance.sparql.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    out.append(pid)
            except OSError:
                pass
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(args: Sequence[str] = (), env: dict[str, str] | None = None, ready_timeout: float = 60.0) -> Server:
    port = free_port()
    log_file = tempfile.NamedTemporaryFile("wb", prefix="allegiance-serve-", suffix=".log", delete=False)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "allegiance", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    log_file.close()
    server = Server(process, port, Path(log_file.name), started)
    deadline = started + ready_timeout
    for _ in range(int(ready_timeout / 0.1)):  # bounded in count and time
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        try:
            r = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=2, trust_env=False)
            if r.status_code == 200:
                server.ready_after = time.monotonic() - started
                fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                server.ready_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                return server
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server not ready within {ready_timeout} s:\n{server.log()}")


@pytest.fixture(scope="session")
def fixtures_nq(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fixtures") / "protocol-fixtures.nq"
    data = subprocess.run([sys.executable, str(HARNESS), "--print-fixtures"], check=True, capture_output=True,
                          timeout=60).stdout
    out.write_bytes(data)
    return out


@pytest.fixture(scope="session")
def server(fixtures_nq) -> Iterator[Server]:
    """The shipped data plus the harness fixtures; short timeout, small body limit, one CORS origin."""
    s = start_server(["--load", str(fixtures_nq), "--timeout", "2", "--max-body", "20000",
                      "--cors-origin", "http://allowed.example"])
    yield s
    s.stop()


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=30, follow_redirects=False) as client:
        yield client
