"""HTTP load on a real server, loopback only: concurrent clients, one of them running away, for a bounded time.

    python benchmarks/load_http.py                        # 8 clients for 60 s (issue 11)
    python benchmarks/load_http.py --clients 8 --seconds 8 --json out.json

It starts ``allegiance serve`` on 127.0.0.1 (a free port, a fresh store folder, a random write token), then runs
``--clients`` clients at once, each from a loopback address of its own (127.0.0.10, .11, ...: the server's
fairness counts workers per client address, as it would for clients on other machines):

* client 0 sends runaway queries back to back (``--no-runaway``: none): each is stopped by the server's time limit
  and answered 503; those are the only errors allowed, and they are its own;
* the other clients mix canned queries (``/api/<name>``), raw SPARQL (GET and POST, uncached: each text differs),
  Graph Store reads (``/store?graph=...``), and, every ``--write-interval`` seconds across all clients, one write
  with the token (a Graph Store POST adding one triple to one graph; default every 10 s).

At the end every acknowledged write is looked for: an acknowledged write that is missing is *lost*. The peak RSS
of the server's process tree (the server, the sandbox holder and the query workers) is sampled from /proc every
0.25 s (the sum of VmRSS), beside the largest VmHWM of any one of its processes.

Printed: requests, p50 and p99 latency per kind, statuses per client, writes acknowledged/lost, peak RSS. The
exit status is 1 when a promise is broken (below), 0 otherwise, 2 when the server cannot start:

* no error (a status other than 2xx/304, or a transport error) on any client but the runaway one;
* no acknowledged write lost, none of the writes' triples seen that was not sent;
* the p99 of ordinary reads (canned, raw, Graph Store reads) under ``--p99-limit`` seconds (default 1);
* the peak RSS of the server's process tree under ``--rss-limit-mb`` (default 2048).

Writes are reported beside the reads, not held to the p99 limit: each one derives the inferences again and
validates the whole store against the shapes (about 2.5 s here). Every loop is bounded by ``--seconds`` and every
request by a client time-out. Nothing but 127.0.0.0/8 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from endpoint_servers import process_tree  # benchmarks/ is this script's folder

HOST = "127.0.0.1"  # loopback only, by design
TOKEN_VARIABLE = "ALLEGIANCE_WRITE_TOKEN"
ID = "https://w3id.org/allegiance/id/"
GRAPH = "https://w3id.org/allegiance/graph/"
WRITES_GRAPH = "urn:allegiance:load:writes"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"
READS = ("canned", "raw", "gsp")

CANNED = [
    ("pledges", {}), ("timeline", {}), ("contested-claims", {}), ("foreign-fighters", {}),
    ("sources-by-claims", {}), ("citizenship-revocations", {}), ("organizational-changes", {}),
    ("accusations-against", {"accused": ID + "turkey"}), ("accusations-against", {"accused": ID + "saudi-arabia"}),
    ("about-country", {}), ("entity", {}), ("entity", {"entity": ID + "islamic-state"}),
]
RAW = [
    "SELECT ?s ?label WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }} LIMIT {n}",
    "SELECT ?type (COUNT(*) AS ?n) WHERE {{ ?s a ?type }} GROUP BY ?type ORDER BY DESC(?n) LIMIT {n}",
    "ASK {{ ?s ?p {n} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }} LIMIT {n}",
    "SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?p ORDER BY ?p OFFSET {n} LIMIT 20",
    "SELECT ?c ?d WHERE {{ ?c a <https://w3id.org/allegiance/ontology#Accusation> ; "
    "<http://purl.org/dc/terms/date> ?d }} ORDER BY ?d LIMIT {n}",
]
GSP_GRAPHS = ["ontology", "concepts", "instances/entities", "instances/sources", "instances/s002-al-akhbar",
              "instances/s003-global-research"]


# -- the server ----------------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class ServerProcess:
    """``allegiance serve`` on a free loopback port, in a session of its own (so its workers stop with it)."""

    args: list[str]
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log: Path | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, work: Path, ready_timeout: float = 120.0) -> None:
        self.log = work / "server.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "allegiance", "serve", "--host", HOST, "--port", str(self.port), *self.args],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, TOKEN_VARIABLE: self.token})
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:  # bounded in time
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                r = httpx.get(self.base + "/sparql", params={"query": "ASK {}"}, timeout=5, trust_env=False)
                if r.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server was not ready within {ready_timeout:g} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log and self.log.exists() else ""

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL after 10 s; only the group started here."""
        if self.proc is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything of the group that outlived the server
        except ProcessLookupError:
            pass


def status_kb(pid: int, name: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# -- the clients ---------------------------------------------------------------------------------------------------

@dataclass
class Record:
    client: int
    kind: str
    status: int  # 0: a transport error or a client time-out
    seconds: float
    note: str = ""


@dataclass
class Shared:
    deadline: float
    write_interval: float
    next_write: float
    records: list[Record] = field(default_factory=list)
    writes_sent: set[str] = field(default_factory=set)
    writes_acked: set[str] = field(default_factory=set)
    writes_unknown: set[str] = field(default_factory=set)  # no answer: committed or not, the client cannot know


def _client_http(index: int, timeout: float) -> httpx.AsyncClient:
    local = f"127.0.0.{10 + index}"
    return httpx.AsyncClient(transport=httpx.AsyncHTTPTransport(local_address=local), timeout=timeout,
                             trust_env=False, follow_redirects=False)


async def _send(http: httpx.AsyncClient, shared: Shared, index: int, kind: str, method: str, url: str,
                **kw: Any) -> httpx.Response | None:
    started = time.monotonic()
    try:
        r = await http.request(method, url, **kw)
    except httpx.HTTPError as exc:
        shared.records.append(Record(index, kind, 0, time.monotonic() - started, f"{type(exc).__name__}: {exc}"))
        return None
    note = "" if r.status_code < 400 else r.text[:200]
    shared.records.append(Record(index, kind, r.status_code, time.monotonic() - started, note))
    return r


async def runaway_client(base: str, shared: Shared, timeout: float) -> None:
    async with _client_http(0, timeout) as http:
        for n in range(100_000):  # bounded by the deadline, and by count
            if time.monotonic() >= shared.deadline:
                return
            await _send(http, shared, 0, "runaway", "GET", base + "/sparql",
                        params={"query": f"{RUNAWAY} # {n}"}, headers={"Accept": JSON})


async def ordinary_client(index: int, base: str, shared: Shared, rng: random.Random, timeout: float,
                          token: str | None) -> None:
    async with _client_http(index, timeout) as http:
        for n in range(1_000_000):  # bounded by the deadline, and by count
            now = time.monotonic()
            if now >= shared.deadline:
                return
            if token and now >= shared.next_write:
                shared.next_write = now + shared.write_interval
                subject = f"urn:allegiance:load:write/{index}-{n}"
                shared.writes_sent.add(subject)
                body = f'<{subject}> <http://www.w3.org/2000/01/rdf-schema#comment> "load write {index}-{n}" .'
                r = await _send(http, shared, index, "write", "POST", base + "/store",
                                params={"graph": WRITES_GRAPH}, content=body.encode(),
                                headers={"Content-Type": "application/n-triples",
                                         "Authorization": f"Bearer {token}"})
                if r is None:
                    shared.writes_unknown.add(subject)
                elif r.status_code in (200, 201, 204):
                    shared.writes_acked.add(subject)
                continue
            kind = rng.choices(READS, weights=(40, 35, 25))[0]
            if kind == "canned":
                name, params = rng.choice(CANNED)
                accept = rng.choice((JSON, JSON, "text/csv"))
                await _send(http, shared, index, kind, "GET", f"{base}/api/{name}", params=params,
                            headers={"Accept": accept})
            elif kind == "raw":
                text = rng.choice(RAW).format(n=rng.randint(1, 500))
                if rng.random() < 0.5:
                    await _send(http, shared, index, kind, "GET", base + "/sparql", params={"query": text})
                else:
                    await _send(http, shared, index, kind, "POST", base + "/sparql", content=text.encode(),
                                headers={"Content-Type": "application/sparql-query"})
            else:
                graph = GRAPH + rng.choice(GSP_GRAPHS)
                accept = rng.choice(("text/turtle", "application/n-triples"))
                await _send(http, shared, index, kind, rng.choice(("GET", "GET", "HEAD")), base + "/store",
                            params={"graph": graph}, headers={"Accept": accept})


async def sample_rss(pid: int, stop: asyncio.Event, peak: dict[str, int]) -> None:
    for _ in range(1_000_000):  # bounded by the stop event, and by count
        pids = process_tree(pid)
        tree = sum(status_kb(p, "VmRSS") for p in pids)
        peak["tree_kb"] = max(peak.get("tree_kb", 0), tree)
        peak["process_hwm_kb"] = max([peak.get("process_hwm_kb", 0), *(status_kb(p, "VmHWM") for p in pids)])
        peak["main_hwm_kb"] = max(peak.get("main_hwm_kb", 0), status_kb(pid, "VmHWM"))
        peak["processes"] = max(peak.get("processes", 0), len(pids))
        try:
            await asyncio.wait_for(stop.wait(), 0.25)
            return
        except TimeoutError:
            continue


async def drive(server: ServerProcess, clients: int, seconds: float, *, runaway: bool = True,
                write_interval: float = 10.0, seed: int = 11, client_timeout: float = 60.0) -> dict[str, Any]:
    """Run the clients against ``server`` (started) for ``seconds``; the report as a dict."""
    assert server.proc is not None
    started = time.monotonic()
    shared = Shared(deadline=started + seconds, write_interval=write_interval, next_write=started + 1.0)
    peak: dict[str, int] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(server.proc.pid, stop, peak))
    tasks = []
    for i in range(clients):
        if i == 0 and runaway:
            tasks.append(runaway_client(server.base, shared, client_timeout))
        else:
            tasks.append(ordinary_client(i, server.base, shared, random.Random(seed * 1000 + i), client_timeout,
                                         server.token if write_interval > 0 else None))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - started
    stop.set()
    await sampler
    present = await _written(server.base)
    return report(shared, present, peak, clients=clients, seconds=seconds, elapsed=elapsed, runaway=runaway)


async def _written(base: str) -> set[str] | None:
    query = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{WRITES_GRAPH}> {{ ?s ?p ?o }} }}"
    async with httpx.AsyncClient(timeout=60, trust_env=False) as http:
        r = await http.get(base + "/sparql", params={"query": query}, headers={"Accept": JSON})
    if r.status_code != 200:
        return None
    return {b["s"]["value"] for b in r.json()["results"]["bindings"]}


# -- the report ----------------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _ok(status: int) -> bool:
    return 200 <= status < 300 or status == 304


def report(shared: Shared, present: set[str] | None, peak: dict[str, int], *, clients: int, seconds: float,
           elapsed: float, runaway: bool) -> dict[str, Any]:
    by_kind: dict[str, list[Record]] = defaultdict(list)
    by_client: dict[int, Counter[int]] = defaultdict(Counter)
    errors: dict[int, list[str]] = defaultdict(list)
    for r in shared.records:
        by_kind[r.kind].append(r)
        by_client[r.client][r.status] += 1
        if not _ok(r.status) and len(errors[r.client]) < 5:
            errors[r.client].append(f"{r.kind} {r.status} {r.note}".strip())
    kinds = {}
    for kind, records in sorted(by_kind.items()):
        times = [r.seconds for r in records]
        kinds[kind] = {"requests": len(records), "ok": sum(_ok(r.status) for r in records),
                       "p50": percentile(times, 50), "p99": percentile(times, 99), "max": max(times)}
    reads = [r.seconds for r in shared.records if r.kind in READS]
    ordinary = [r for r in shared.records if r.kind != "runaway"]
    lost = sorted(shared.writes_acked - present) if present is not None else None
    phantom = sorted(present - shared.writes_sent) if present is not None else None
    return {
        "clients": clients, "seconds": seconds, "elapsed": round(elapsed, 2), "runaway_client": runaway,
        "requests": len(shared.records), "kinds": kinds,
        "reads": {"requests": len(reads), "p50": percentile(reads, 50), "p99": percentile(reads, 99)},
        "statuses_by_client": {str(c): {str(s): n for s, n in sorted(cnt.items())}
                               for c, cnt in sorted(by_client.items())},
        "ordinary_errors": sum(not _ok(r.status) for r in ordinary),
        "ordinary_5xx": sum(r.status >= 500 for r in ordinary),
        "runaway_statuses": {str(s): n for s, n in sorted(by_client.get(0, Counter()).items())} if runaway else {},
        "error_samples": {str(c): e for c, e in sorted(errors.items())},
        "writes": {"sent": len(shared.writes_sent), "acknowledged": len(shared.writes_acked),
                   "unanswered": len(shared.writes_unknown), "found": None if present is None else len(present),
                   "lost": lost, "unexpected": phantom},
        "peak_rss_mb": {k: round(v / 1024, 1) for k, v in peak.items() if k.endswith("_kb")} | {
            "processes": peak.get("processes", 0)},
    }


def broken_promises(result: dict[str, Any], p99_limit: float, rss_limit_mb: float) -> list[str]:
    broken = []
    if result["ordinary_errors"]:
        broken.append(f"{result['ordinary_errors']} errors on ordinary clients: {result['error_samples']}")
    writes = result["writes"]
    if writes["lost"] is None:
        broken.append("the written graph could not be read back")
    elif writes["lost"] or writes["unexpected"]:
        broken.append(f"writes lost: {writes['lost'][:5]}; unexpected: {writes['unexpected'][:5]}")
    p99 = result["reads"]["p99"]
    if p99 is not None and p99 >= p99_limit:
        broken.append(f"p99 of reads {p99:.3f} s is not under {p99_limit:g} s")
    if result["peak_rss_mb"].get("tree_kb", 0) >= rss_limit_mb:
        broken.append(f"peak RSS of the server's tree {result['peak_rss_mb']['tree_kb']} MB is not under "
                      f"{rss_limit_mb:g} MB")
    if result["runaway_client"] and set(result["runaway_statuses"]) - {"503"}:
        broken.append(f"the runaway client got more than 503s: {result['runaway_statuses']}")
    return broken


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.1f}"


def render(result: dict[str, Any]) -> str:
    lines = [f"load: {result['clients']} clients for {result['seconds']:g} s ({result['elapsed']:g} s with the last "
             f"answers), {result['requests']} requests",
             "", f"{'kind':<10} {'requests':>8} {'ok':>8} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}"]
    for kind, k in result["kinds"].items():
        lines.append(f"{kind:<10} {k['requests']:>8} {k['ok']:>8} {_ms(k['p50']):>9} {_ms(k['p99']):>9} "
                     f"{_ms(k['max']):>9}")
    reads = result["reads"]
    lines += [f"{'reads':<10} {reads['requests']:>8} {'':>8} {_ms(reads['p50']):>9} {_ms(reads['p99']):>9}", "",
              "statuses by client: " + "; ".join(f"{c}: {s}" for c, s in result["statuses_by_client"].items()),
              f"errors on ordinary clients: {result['ordinary_errors']} (5xx: {result['ordinary_5xx']})",
              f"runaway client: {result['runaway_statuses'] or 'none'}",
              "writes: " + ", ".join(f"{k} {v if not isinstance(v, list) else len(v)}"
                                     for k, v in result["writes"].items()),
              "peak RSS (MB): " + ", ".join(f"{k.removesuffix('_kb')} {v}" for k, v in result["peak_rss_mb"].items())]
    return "\n".join(lines)


def run(clients: int = 8, seconds: float = 60.0, *, workers: int = 4, timeout: float = 10.0, runaway: bool = True,
        write_interval: float = 10.0, seed: int = 11, store: Path | None = None,
        extra_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """Start a server, drive it, stop it; the report (``server_log`` holds the end of the server's log)."""
    if not 1 <= clients <= 200:
        raise ValueError("--clients must be between 1 and 200")
    with tempfile.TemporaryDirectory(prefix="allegiance-load-") as tmp:
        work = Path(tmp)
        args = ["--store", str(store or work / "store"), "--workers", str(workers), "--timeout", str(timeout),
                "--log-level", "warning", *extra_args]
        server = ServerProcess(args)
        server.start(work)
        try:
            result = asyncio.run(drive(server, clients, seconds, runaway=runaway, write_interval=write_interval,
                                       seed=seed, client_timeout=max(30.0, 3 * timeout)))
            result["server_alive"] = server.proc is not None and server.proc.poll() is None
            result["server_log"] = server.log_tail()
        finally:
            server.stop()
        result["server_args"] = args
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients, one of them runaway (default 8)")
    parser.add_argument("--seconds", type=float, default=60.0, help="duration (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="the server's --workers (default 4)")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout (default 10)")
    parser.add_argument("--no-runaway", dest="runaway", action="store_false", help="no runaway client")
    parser.add_argument("--write-interval", type=float, default=10.0,
                        help="seconds between writes across all clients; 0: no writes (default 10)")
    parser.add_argument("--p99-limit", type=float, default=1.0, help="seconds the p99 of reads must stay under")
    parser.add_argument("--rss-limit-mb", type=float, default=2048.0, help="MB the server's tree must stay under")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be in (0, 3600]")
    try:
        result = run(args.clients, args.seconds, workers=args.workers, timeout=args.timeout, runaway=args.runaway,
                     write_interval=args.write_interval, seed=args.seed)
    except RuntimeError as exc:
        print(f"load_http: {exc}", file=sys.stderr)
        return 2
    broken = broken_promises(result, args.p99_limit, args.rss_limit_mb)
    result["limits"] = {"p99_seconds": args.p99_limit, "rss_mb": args.rss_limit_mb}
    result["broken"] = broken
    print(render(result))
    print("\n" + ("BROKEN: " + "\n        ".join(broken) if broken else "every promise held"))
    if args.json:
        args.json.write_text(json.dumps({k: v for k, v in result.items() if k != "server_log"}, indent=1),
                             encoding="utf-8")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
