"""Endpoint benchmark: our SPARQL endpoint side by side with peer servers, on the same data, in one run.

Starts on 127.0.0.1 (free ports, nothing else is ever contacted):

  allegiance         ``allegiance serve`` on the shipped knowledge base (in-memory store, query worker processes)
  oxigraph           the peer ``oxigraph serve-read-only`` (PyPI ``oxigraph``), on an on-disk store loaded with
                     the same data: our store's default-graph union dumped as N-Quads (all in the default graph)
  rdflib-endpoint    ``rdflib-endpoint serve`` on the same N-Quads file, if installed (``--rdflib-endpoint CMD``
                     names the command; skipped when not found)

then, one server at a time, sends each query a bounded number of GET requests (``--requests`` per query and
concurrency, stopped early after ``--seconds``) from a small thread pool, at concurrency 1 and 8, and prints median
and p95 latency, requests/s, result sizes (to check the servers agree), and each server's peak RSS (VmHWM of the
server process and its child processes). Every server started is stopped at the end, also on errors and Ctrl-C.

    python benchmarks/endpoint.py
    python benchmarks/endpoint.py --requests 5 --servers allegiance --concurrency 1

Numbers are printed, never asserted. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only, by design: never change this to another address
SERVERS = ("allegiance", "oxigraph", "rdflib-endpoint")
MAX_REQUESTS = 10_000
MAX_SECONDS = 120.0

PROLOGUE = """PREFIX alg: <https://w3id.org/allegiance/ontology#>
PREFIX id: <https://w3id.org/allegiance/id/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

QUERIES: dict[str, str] = {
    "ask": "ASK { ?accusation a alg:Accusation }",
    "select-10": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10",
    "accusations-syria": """
SELECT ?accusation ?accused ?accusedLabel ?accuserLabel ?date WHERE {
  { ?accusation alg:accused id:syria . BIND(id:syria AS ?accused) }
  UNION
  { ?accused alg:governmentOf|alg:partOfState id:syria . ?accusation alg:accused ?accused }
  ?accusation a alg:Accusation ; alg:accuser ?accuser .
  ?accused rdfs:label ?accusedLabel .
  ?accuser rdfs:label ?accuserLabel .
  OPTIONAL { ?accusation dcterms:date ?date }
} ORDER BY ?accusation ?accuserLabel""",
    "figures-by-country": """
SELECT ?country ?countryLabel (COUNT(DISTINCT ?figure) AS ?figures) (MAX(?value) AS ?largest)
       (COUNT(DISTINCT ?estimator) AS ?estimators) WHERE {
  ?figure a alg:Figure ; alg:aboutCountry ?country .
  ?country rdfs:label ?countryLabel .
  OPTIONAL { ?figure alg:value ?value }
  OPTIONAL { ?figure alg:estimator ?estimator }
} GROUP BY ?country ?countryLabel ORDER BY DESC(?figures) ?countryLabel""",
    "pledge-org-accusation": """
SELECT ?pledge ?organizationLabel ?placeLabel ?accusation ?accuserLabel WHERE {
  ?pledge a alg:Pledge ; org:member ?organization .
  ?organization alg:operatesIn ?place ; rdfs:label ?organizationLabel .
  ?accusation alg:accused ?place ; alg:accuser ?accuser .
  ?place rdfs:label ?placeLabel .
  ?accuser rdfs:label ?accuserLabel .
} ORDER BY ?organizationLabel ?pledge ?accusation ?accuserLabel""",
}
QUERY_NOTES = {
    "ask": "ASK: is there an accusation",
    "select-10": "10-row SELECT of any triples",
    "accusations-syria": "accusations against Syria (its government and state bodies too), with labels",
    "figures-by-country": "GROUP BY aggregate over figures per country",
    "pledge-org-accusation": "3-hop join: pledge -> organization -> place it operates in -> accusation",
}


# -- servers ------------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    cmd: list[str]
    port: int
    path: str  # the query path, e.g. /sparql
    note: str = ""
    proc: subprocess.Popen | None = None
    log: Path | None = None
    started_s: float = 0.0
    pids_seen: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.path}"


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                    out.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def process_tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(_children(p))
    return seen


def status_kb(pid: int, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def memory(server: Server) -> dict:
    """VmHWM (peak) and VmRSS of the server process and each of its living child processes, in kB."""
    if server.proc is None:
        return {}
    pids = process_tree(server.proc.pid)
    server.pids_seen.update(pids)
    per = {p: (status_kb(p, "VmHWM") or 0, status_kb(p, "VmRSS") or 0) for p in pids}
    return {"main_hwm": per.get(server.proc.pid, (0, 0))[0], "total_hwm": sum(h for h, _ in per.values()),
            "total_rss": sum(r for _, r in per.values()), "processes": len(per)}


def start(server: Server, work: Path) -> None:
    server.log = work / f"{server.name}.log"
    with server.log.open("wb") as log:
        server.proc = subprocess.Popen(server.cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
    server.started_s = time.monotonic()


def wait_ready(server: Server, timeout: float) -> float:
    """Seconds from start until the server answers an ASK with 200."""
    deadline = server.started_s + timeout
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}; see {server.log}:\n"
                               + server.log.read_text(errors="replace")[-2000:])
        try:
            conn = http.client.HTTPConnection(HOST, server.port, timeout=5)
            conn.request("GET", f"{server.path}?{query}", headers={"Accept": "application/sparql-results+json"})
            if conn.getresponse().status == 200:
                conn.close()
                return time.monotonic() - server.started_s
            conn.close()
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s; see {server.log}")


def stop(server: Server) -> None:
    """SIGTERM to the server's process group, SIGKILL after 10 s. Only processes this script started."""
    proc = server.proc
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session (start_new_session): the server and its workers
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


# -- data ---------------------------------------------------------------------------------------------------------

def dump_default_graph(out: Path) -> int:
    """Our store's default graph (the union the endpoint queries) as N-Quads, every quad in the default graph."""
    import pyoxigraph as ox

    from allegiance import store

    served = store.build()
    union = ox.Store()
    for g in served.default_graphs:
        union.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                          for q in served.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    union.dump(output=str(out), format=ox.RdfFormat.N_QUADS)
    return len(union)


# -- load ---------------------------------------------------------------------------------------------------------

@dataclass
class Result:
    latencies: list[float]
    errors: int
    wall: float
    size: str
    first_error: str = ""


def _result_size(body: bytes) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return "?"
    if "boolean" in doc:
        return str(doc["boolean"]).lower()
    return f"{len(doc.get('results', {}).get('bindings', []))} rows"


def hammer(server: Server, query: str, requests: int, seconds: float, concurrency: int, timeout: float) -> Result:
    """Up to ``requests`` GETs (fewer if ``seconds`` run out) from ``concurrency`` threads, keep-alive connections."""
    target = f"{server.path}?{urllib.parse.urlencode({'query': query})}"
    headers = {"Accept": "application/sparql-results+json"}
    lock = threading.Lock()
    latencies: list[float] = []
    state = {"sent": 0, "errors": 0, "size": "", "first_error": ""}
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        try:
            while True:
                with lock:
                    if state["sent"] >= requests or time.monotonic() > deadline:
                        return
                    state["sent"] += 1
                t = time.perf_counter()
                try:
                    conn.request("GET", target, headers=headers)
                    resp = conn.getresponse()
                    body = resp.read()
                    ok = resp.status == 200
                    why = f"HTTP {resp.status}: {body[:100]!r}"
                except (OSError, http.client.HTTPException) as exc:
                    ok, body, why = False, b"", f"{type(exc).__name__}: {exc}"
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
                    if isinstance(exc, TimeoutError):
                        with lock:  # a query that times out once will again: stop this measurement
                            state["sent"] = requests
                elapsed = time.perf_counter() - t
                with lock:
                    if ok:
                        latencies.append(elapsed)
                        if not state["size"]:
                            state["size"] = _result_size(body)
                    else:
                        state["errors"] += 1
                        state["first_error"] = state["first_error"] or why
        finally:
            conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return Result(latencies, state["errors"], time.perf_counter() - t0, state["size"], state["first_error"])


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


# -- driver -------------------------------------------------------------------------------------------------------

def find_rdflib_endpoint(given: str | None) -> str | None:
    if given:
        return given if shutil.which(given) or Path(given).is_file() else None
    found = shutil.which("rdflib-endpoint")
    if found:
        return found
    beside = Path(sys.executable).with_name("rdflib-endpoint")
    return str(beside) if beside.is_file() else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--servers", default=",".join(SERVERS), help="comma-separated subset of " + ", ".join(SERVERS))
    p.add_argument("--queries", default=",".join(QUERIES), help="comma-separated subset of " + ", ".join(QUERIES))
    p.add_argument("--requests", type=int, default=200,
                   help=f"requests per query, server and concurrency (default %(default)s, at most {MAX_REQUESTS})")
    p.add_argument("--seconds", type=float, default=20.0,
                   help=f"time limit per query, server and concurrency (default %(default)s, at most {MAX_SECONDS:.0f})")
    p.add_argument("--concurrency", default="1,8", help="comma-separated client thread counts (default %(default)s)")
    p.add_argument("--workers", type=int, default=2, help="`allegiance serve --workers` (default %(default)s)")
    p.add_argument("--request-timeout", type=float, default=30.0, help="seconds per request (default %(default)s)")
    p.add_argument("--start-timeout", type=float, default=180.0, help="seconds a server may take to start")
    p.add_argument("--rdflib-endpoint", metavar="CMD", help="the rdflib-endpoint command, if not on PATH")
    p.add_argument("--oxigraph", metavar="CMD", help="the oxigraph command, if not on PATH")
    args = p.parse_args(argv)

    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    queries = [q.strip() for q in args.queries.split(",") if q.strip()]
    if set(wanted) - set(SERVERS) or not wanted:
        p.error(f"--servers: choose from {', '.join(SERVERS)}")
    if set(queries) - set(QUERIES) or not queries:
        p.error(f"--queries: choose from {', '.join(QUERIES)}")
    requests = max(1, min(args.requests, MAX_REQUESTS))
    seconds = max(0.1, min(args.seconds, MAX_SECONDS))
    concurrency = [max(1, min(int(c), 64)) for c in args.concurrency.split(",") if c.strip()]

    print(f"# endpoint benchmark: {os.cpu_count()} CPUs, loopback only ({HOST}); up to {requests} requests or "
          f"{seconds:g} s per query, server and concurrency; the client runs on the same machine", flush=True)
    work = Path(tempfile.mkdtemp(prefix="allegiance-bench-endpoint-"))
    servers: list[Server] = []
    skipped: list[str] = []
    try:
        t = time.perf_counter()
        dump = work / "default-graph.nq"
        n = dump_default_graph(dump)
        print(f"# dumped our default graph (ontology + instances + inferences): {n:,} quads in "
              f"{time.perf_counter() - t:.2f} s -> {dump.name}", flush=True)

        if "allegiance" in wanted:
            exe = shutil.which("allegiance")
            cmd = [exe] if exe else [sys.executable, "-m", "allegiance"]
            port = free_port()
            servers.append(Server("allegiance", [*cmd, "serve", "--host", HOST, "--port", str(port),
                                                 "--workers", str(args.workers), "--log-level", "warning",
                                                 "--allow-service", "none"], port, "/sparql",
                                  f"allegiance serve, in-memory pyoxigraph, {args.workers} query workers"))
        if "oxigraph" in wanted:
            ox_cmd = args.oxigraph or shutil.which("oxigraph")
            if not ox_cmd:
                skipped.append("oxigraph: not installed (pip install oxigraph==0.5.13 gives the `oxigraph` "
                               "server command); skipped")
            else:
                location = work / "oxigraph-db"
                t = time.perf_counter()
                subprocess.run([ox_cmd, "load", "--location", str(location), "--file", str(dump)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
                version = subprocess.run([ox_cmd, "--version"], capture_output=True, text=True).stdout.strip()
                print(f"# {version}: `oxigraph load` took {time.perf_counter() - t:.2f} s", flush=True)
                port = free_port()
                servers.append(Server("oxigraph", [ox_cmd, "serve-read-only", "--location", str(location),
                                                   "--bind", f"{HOST}:{port}"], port, "/query",
                                      f"{version} serve-read-only, on-disk store"))
        if "rdflib-endpoint" in wanted:
            re_cmd = find_rdflib_endpoint(args.rdflib_endpoint)
            if not re_cmd:
                skipped.append("rdflib-endpoint: not installed (pip install rdflib-endpoint==0.6.3, or give "
                               "--rdflib-endpoint CMD); skipped")
            else:
                port = free_port()
                servers.append(Server("rdflib-endpoint", [re_cmd, "serve", "--host", HOST, "--port", str(port),
                                                          str(dump)], port, "/",
                                      "rdflib-endpoint serve (rdflib Dataset, default_union)"))
        for line in skipped:
            print(f"# SKIPPED {line}", flush=True)
        if not servers:
            print("no server to measure")
            return 1

        ready = {}
        for s in servers:  # one after the other, so that each start-up time is its own
            start(s, work)
            ready[s.name] = wait_ready(s, args.start_timeout)
            print(f"# {s.name} ready after {ready[s.name]:.2f} s on {s.url}: {s.note}", flush=True)
        idle = {s.name: memory(s) for s in servers}

        results: dict[tuple[str, str, int], Result] = {}
        peaks: dict[str, dict] = {}
        for s in servers:
            for q in queries:
                query = PROLOGUE + QUERIES[q]
                hammer(s, query, min(3, requests), seconds, 1, args.request_timeout)  # warm-up, not counted
                for c in concurrency:
                    r = hammer(s, query, requests, seconds, c, args.request_timeout)
                    results[(s.name, q, c)] = r
                    ok = len(r.latencies)
                    print(f"#   {s.name:16} {q:22} c={c}: {ok} ok, {r.errors} errors in {r.wall:.2f} s"
                          + (f" ({r.first_error[:90]})" if r.first_error else ""), flush=True)
                    mem = memory(s)  # read during the run too: a worker that is replaced takes its peak along
                    peaks[s.name] = {k: max(v, peaks.get(s.name, {}).get(k, 0)) for k, v in mem.items()}
            mem = memory(s)
            peaks[s.name] = {k: max(v, peaks.get(s.name, {}).get(k, 0)) for k, v in mem.items()}

        print()
        print("## Latency and throughput (median / p95 latency in ms, requests/s; "
              "result size to check the servers agree)")
        print()
        names = [s.name for s in servers]
        head = "| query | c |" + "".join(f" {n} median ms | {n} p95 ms | {n} req/s |" for n in names) + " result |"
        print(head)
        print("|---|---:|" + "---:|---:|---:|" * len(names) + "---|")
        for q in queries:
            for c in concurrency:
                line = f"| {q} | {c} |"
                sizes = []
                for n in names:
                    r = results[(n, q, c)]
                    if r.latencies:
                        line += (f" {fmt_ms(statistics.median(r.latencies))} | {fmt_ms(pct(r.latencies, 0.95))} |"
                                 f" {len(r.latencies) / r.wall:,.0f}" + (f" ({r.errors} err)" if r.errors else "")
                                 + " |")
                    else:
                        line += f" - | - | failed ({r.errors} err) |"
                    sizes.append(r.size or "-")
                same = len(set(sizes)) == 1
                line += (f" {sizes[0]} |" if same else " " + " / ".join(f"{n}: {z}" for n, z in zip(names, sizes))
                         + " DIFFER |")
                print(line)
        print()
        print("## Memory (MB): peak RSS (VmHWM) of the server process, and summed over it and its child processes")
        print()
        print("| server | start-up s | processes | idle RSS (all) | peak RSS main | peak RSS main + children |")
        print("|---|---:|---:|---:|---:|---:|")
        for s in servers:
            pk, i = peaks.get(s.name, {}), idle.get(s.name, {})
            print(f"| {s.name} | {ready[s.name]:.2f} | {pk.get('processes', 0)} | {i.get('total_rss', 0) / 1024:.0f} |"
                  f" {pk.get('main_hwm', 0) / 1024:.0f} | {pk.get('total_hwm', 0) / 1024:.0f} |")
        print()
        print("Queries: " + "; ".join(f"{q}: {QUERY_NOTES[q]}" for q in queries) + ".")
        for line in skipped:
            print(f"SKIPPED {line}")
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers", file=sys.stderr)
        return 130
    finally:
        for s in servers:
            stop(s)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
