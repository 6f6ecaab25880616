"""Servers for benchmarks/endpoint.py: start on a free loopback port in a process group of their own, wait until
ready, read their memory from /proc, stop (SIGTERM, then SIGKILL); and move the data between them over HTTP only
(our endpoint's default graph out with a CONSTRUCT, into Oxigraph with its Graph Store API), so that the benchmark
depends on no internals of the server it measures.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, by design: never change this to another address
JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    cmd: list[str]
    path: str  # the SPARQL query path: /sparql for ours, /query for Oxigraph
    note: str = ""
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log: Path | None = None
    ready_s: float = 0.0
    peak: dict = field(default_factory=dict)

    def start(self, work: Path, timeout: float) -> None:
        """Start in a new session (its own process group) and wait until GET ?query=ASK{} answers 200."""
        self.log = work / f"{self.name}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; its log ends:\n"
                                   + self.log.read_text(errors="replace")[-1500:])
            try:
                status, _, _ = self.get(self.path + "?query=ASK%7B%7D", JSON, timeout=5)
                if status == 200:
                    self.ready_s = time.monotonic() - t0
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        """SIGTERM to the server's process group (it and its workers), SIGKILL after 10 s. Only what we started."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        try:  # workers that outlived their parent are still in the group
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def request(self, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 60) -> tuple[int, str, bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, target, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.getheader("Content-Type", ""), resp.read()
        finally:
            conn.close()

    def get(self, target: str, accept: str, timeout: float = 60) -> tuple[int, str, bytes]:
        return self.request("GET", target, headers={"Accept": accept}, timeout=timeout)

    def query(self, text: str, accept: str = JSON, timeout: float = 120) -> tuple[int, str, bytes]:
        return self.get(f"{self.path}?{urllib.parse.urlencode({'query': text})}", accept, timeout)

    def count_triples(self) -> int | None:
        status, _, body = self.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
        if status != 200:
            return None
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    def sample_memory(self) -> dict:
        """Peak RSS (VmHWM, kB) of the server process and summed over it and its living children; the peaks seen
        so far are kept (a worker that exits takes its own peak along, so this is read after every measurement)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.peak
        pids = process_tree(self.proc.pid)
        hwm = {p: status_kb(p, "VmHWM") or 0 for p in pids}
        now = {"main": hwm.get(self.proc.pid, 0), "tree": sum(hwm.values()), "processes": len(pids)}
        self.peak = {k: max(v, self.peak.get(k, 0)) for k, v in now.items()}
        return self.peak

    def cpu_ticks(self) -> int:
        """utime + stime of the server process tree, in clock ticks."""
        total = 0
        for pid in process_tree(self.proc.pid) if self.proc else []:
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return total


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, read from /proc (bounded: at most 10,000 processes are visited)."""
    seen: list[int] = []
    todo = [pid]
    for _ in range(10_000):
        if not todo:
            break
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as f:
                    todo.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return seen


def status_kb(pid: int, name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


# -- data over HTTP -----------------------------------------------------------------------------------------------

ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
NT = "application/n-triples"


def dump_default_graph(server: Server, out: Path, page: int = 5000) -> str:
    """Write the default graph ``server`` answers queries on to ``out`` as N-Triples (N-Quads with every quad in
    the default graph), from one CONSTRUCT; if the server refuses an answer that large (a row cap: 422, 413...),
    page through it with ORDER BY/LIMIT/OFFSET. Returns how it was fetched."""
    status, ctype, body = server.query(ALL, NT, timeout=600)
    if status == 200 and ctype.split(";")[0].strip() == NT:
        out.write_bytes(body)
        return f"one CONSTRUCT ({len(body):,} bytes)"
    first_refusal = f"HTTP {status} {body[:120].decode(errors='replace').strip()}"
    pages = 0
    with out.open("wb") as f:
        while True:
            text = f"{ALL} ORDER BY ?s ?p ?o LIMIT {page} OFFSET {pages * page}"
            status, ctype, body = server.query(text, NT, timeout=600)
            if status != 200:
                raise RuntimeError(f"paging the dump failed at page {pages + 1}: HTTP {status} {body[:200]!r}")
            if not body.strip():
                break
            f.write(body if body.endswith(b"\n") else body + b"\n")
            pages += 1
    return f"{pages} pages of {page} (one CONSTRUCT was refused: {first_refusal})"


def load_oxigraph(server: Server, data: Path) -> None:
    """Load N-Triples/N-Quads into the default graph of a running ``oxigraph serve`` (its Graph Store API)."""
    quads = data.suffix == ".nq"  # N-Quads into the dataset (default-graph quads stay there), else the default graph
    status, _, body = server.request("POST", "/store" if quads else "/store?default", data.read_bytes(),
                                     {"Content-Type": "application/n-quads" if quads else NT}, timeout=600)
    if status not in (200, 201, 204):
        raise RuntimeError(f"loading {data.name} into oxigraph: HTTP {status} {body[:300]!r}")
