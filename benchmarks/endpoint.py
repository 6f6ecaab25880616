"""Endpoint speed benchmark (issue 7 §8): our SPARQL endpoint against `oxigraph serve` (in-memory), driven by wrk.

    python benchmarks/endpoint.py                     # everything: cold + warm, 1 and 8 connections, 10 s each
    python benchmarks/endpoint.py --seconds 1 --connections 1 --queries select10 --workloads cold  # smallest

1. Starts `allegiance serve` on a free 127.0.0.1 port (its own process group) and dumps the default graph it
   answers queries on, over HTTP (one CONSTRUCT as N-Triples, paged if the server refuses that), to N-Quads.
2. Starts `oxigraph serve` in memory on another free port and loads the dump with its Graph Store API.
3. For each workload, query and connection count, runs wrk (benchmarks/wrk/sparql.lua) against each server in
   turn for --seconds: "cold" sends a different query text on every request, "warm" repeats one text.
4. Prints requests/s, p50, p99 and non-2xx per server side by side with the ratio ours/oxigraph, the issue's
   targets with MET / NOT MET, CPU use of the servers and of wrk, and each server's peak RSS.
5. --profile: runs our server under py-spy during one cold workload and prints the top functions.

Every server started is stopped at the end (SIGTERM, then SIGKILL), also on errors and Ctrl-C. A peer or wrk that
is not installed is skipped with a line at the top and bottom of the output. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from endpoint_servers import HOST, JSON, Server, dump_default_graph, load_oxigraph

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk" / "sparql.lua"
QUERY_DIR = HERE.parent / "queries"
SERVERS = ("allegiance", "oxigraph")
WORKLOADS = ("cold", "warm")
MARK = "__COLD__"  # replaced per request by the Lua script with a unique token

# {cold} is where the cold workload puts its per-request no-op; warm leaves it empty
SPARQL = {
    "select10": "SELECT * WHERE {{ ?s ?p ?o {cold}}} LIMIT 10",
    "aggregate": "SELECT ?type (COUNT(?s) AS ?n) WHERE {{ ?s a ?type {cold}}} GROUP BY ?type ORDER BY DESC(?n)",
    "filter": "SELECT ?s ?l WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
              'FILTER(CONTAINS(LCASE(STR(?l)), "state")) {cold}}}',
}
CANNED = ("pledges", "timeline")  # warm only: ours at GET /api/<name>, Oxigraph the same .rq text at /query
QUERIES = (*SPARQL, *CANNED)
NOTES = {"select10": "10-row SELECT", "aggregate": "COUNT per rdf:type over the whole graph",
         "filter": "label CONTAINS filter over the whole graph",
         "pledges": "canned query (queries/pledges.rq, page 1)", "timeline": "canned query (queries/timeline.rq)"}
# issue 7 §8: minimum ratio of requests/s, ours / oxigraph
TARGETS = {("cold", "select10"): 0.5, ("cold", "aggregate"): 0.8, ("cold", "filter"): 0.8,
           ("warm", "pledges"): 1.0, ("warm", "timeline"): 1.0}


def sparql_text(name: str, workload: str, variant: str) -> str:
    if workload == "warm":
        return SPARQL[name].format(cold="")
    if variant == "comment":
        return SPARQL[name].format(cold="") + f"\n# {MARK}"
    # a no-op that even a cache keyed by the parsed, normalised query cannot share between requests
    return SPARQL[name].format(cold=f"FILTER(?s != <urn:allegiance-bench:{MARK}>) ")


def canned_text(name: str) -> str:
    """The .rq file as our API runs page 1 of it: a paginated query gets LIMIT pagination+1 (one look-ahead row)."""
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    m = re.search(r"^#\+\s*pagination:\s*(\d+)", text, re.M)
    return text.rstrip() + f"\nLIMIT {int(m.group(1)) + 1}" if m else text


def target_for(server: Server, workload: str, name: str, variant: str) -> str:
    if name in CANNED:
        return f"/api/{name}" if server.name == "allegiance" else f"{server.path}?query={quote(canned_text(name))}"
    return f"{server.path}?query={quote(sparql_text(name, workload, variant))}"


def quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")  # keeps MARK as is: letters and '_' are unreserved


def rows(body: bytes) -> str:
    try:
        doc = json.loads(body)
        return str(len(doc["results"]["bindings"])) if "results" in doc else str(doc.get("boolean"))
    except (ValueError, KeyError, TypeError):
        return "?"


def run_wrk(wrk: str, server: Server, target: str, connections: int, seconds: float) -> dict:
    """One wrk run; returns its BENCH numbers, plus CPU use of wrk and of the server tree (% of one core)."""
    threads = min(connections, 2)
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(LUA),
           f"http://{HOST}:{server.port}", "--", target, secrets.token_hex(4)]
    ru0, srv0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_ticks(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    wall = time.perf_counter() - t0
    ru1, srv1 = resource.getrusage(resource.RUSAGE_CHILDREN), server.cpu_ticks()
    out = {k: float(v) for k, v in re.findall(r"^BENCH (\w+) ([-\d.]+)$", proc.stdout, re.M)}
    if proc.returncode != 0 or "requests" not in out:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-500:]} {proc.stdout[-500:]}")
    secs = out["duration_us"] / 1e6
    out["ok_rps"] = max(0.0, out["requests"] - out["non2xx"]) / secs if secs else 0.0
    out["wrk_cpu"] = 100 * (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime) / wall
    out["srv_cpu"] = 100 * (srv1 - srv0) / os.sysconf("SC_CLK_TCK") / wall
    return out


def fmt_ms(us: float) -> str:
    ms = us / 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def profile(servers: dict[str, Server], wrk: str, query: str, connections: int, seconds: float, variant: str,
            out_file: str | None, work: Path) -> None:
    """py-spy record on our server and its workers during one cold workload; prints the top functions."""
    ours = servers.get("allegiance")
    spy = shutil.which("py-spy")
    print(f"\n## Profile: py-spy on allegiance (server + workers), cold {query}, c={connections}, {seconds:g} s\n")
    if ours is None or spy is None:
        print("SKIPPED profile: " + ("py-spy not installed (pip install py-spy)" if ours else "our server not run"))
        return
    raw = Path(out_file) if out_file else work / "profile.txt"
    cmd = [spy, "record", "--pid", str(ours.proc.pid), "--subprocesses", "--format", "raw", "--nolineno",
           "--rate", "200", "--duration", str(int(seconds) + 2), "--output", str(raw)]
    spy_proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(1.0)  # let py-spy attach first
        r = run_wrk(wrk, ours, target_for(ours, "cold", query, variant), connections, seconds)
        log = spy_proc.communicate(timeout=seconds + 60)[0]
    finally:
        if spy_proc.poll() is None:
            spy_proc.kill()
            spy_proc.wait()
    if not raw.exists():
        print(f"py-spy wrote no profile: {log[-500:]}")
        return
    own, ours_total, where, samples = Counter(), Counter(), Counter(), 0
    callees: dict[str, set[str]] = {}
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        parts = stack.split(";")
        frames = [f for f in parts if not f.startswith(("process ", "thread "))]
        depth = sum(f.startswith("process ") for f in parts)  # 1: the server process, 2: one of its workers
        samples += int(n)
        where["server process (HTTP, event loop)" if depth <= 1 else "query worker processes"] += int(n)
        for outer, inner in zip(frames, frames[1:]):
            callees.setdefault(outer, set()).add(inner)
        if frames:
            own[frames[-1]] += int(n)
            for f in set(frames):
                if "(allegiance/" in f:
                    ours_total[f] += int(n)
    print(f"{r['ok_rps']:,.0f} req/s while profiled; {samples:,} non-idle samples at 200 Hz: "
          + ", ".join(f"{k} {100 * v / max(samples, 1):.0f}%" for k, v in where.most_common())
          + (f"; raw stacks in {raw}" if out_file else ""))
    for f in [f for f in ours_total if not own[f] and len(callees.get(f, ())) == 1]:
        del ours_total[f]  # entry points that only pass the call on (main, run, lifespan...): no information
    for title, counts in (("self: the function on top of the stack", own),
                          ("total: our functions with what they call (native pyoxigraph included); "
                           "pass-through entry points left out", ours_total)):
        print(f"\n| {title} | samples | % |\n|---|---:|---:|")
        for frame, n in counts.most_common(15):
            print(f"| `{frame[:110]}` | {n} | {100 * n / max(samples, 1):.1f} |")


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=int, default=10, help="each wrk run, whole seconds (default %(default)s)")
    p.add_argument("--connections", default="1,8", help="wrk connection counts (default %(default)s)")
    p.add_argument("--workloads", default="cold,warm", help="cold, warm or both (default %(default)s)")
    p.add_argument("--queries", default=",".join(QUERIES), help="subset of %(default)s")
    p.add_argument("--servers", default=",".join(SERVERS), help="subset of %(default)s")
    p.add_argument("--workers", type=int, help="`allegiance serve --workers` (default: the server's default)")
    p.add_argument("--cold-variant", choices=("filter", "comment"), default="filter",
                   help="how cold requests differ: a unique no-op FILTER(?s != <urn:...>) (default) or a unique "
                        "'# ...' comment line")
    p.add_argument("--data", metavar="FILE", help="an N-Quads/N-Triples file for Oxigraph instead of our dump")
    p.add_argument("--allegiance-cmd", default=f"{shlex.quote(sys.executable)} -m allegiance",
                   help="the command that runs our CLI (default %(default)s)")
    p.add_argument("--profile", action="store_true", help="also profile our server with py-spy (one cold run)")
    p.add_argument("--profile-query", default="aggregate", choices=tuple(SPARQL), help="default %(default)s")
    p.add_argument("--profile-out", metavar="FILE", help="keep py-spy's raw (collapsed) stacks here")
    p.add_argument("--start-timeout", type=float, default=180.0, help="seconds a server may take to start")
    args = p.parse_args(argv)

    def pick(value: str, allowed: tuple, flag: str) -> list[str]:
        chosen = [v.strip() for v in value.split(",") if v.strip()]
        if not chosen or set(chosen) - set(allowed):
            p.error(f"{flag}: choose from {', '.join(allowed)}")
        return chosen

    wanted = pick(args.servers, SERVERS, "--servers")
    workloads = pick(args.workloads, WORKLOADS, "--workloads")
    queries = pick(args.queries, QUERIES, "--queries")
    try:
        connections = [int(c) for c in args.connections.split(",") if c.strip()]
    except ValueError:
        p.error("--connections: comma-separated integers")
    if not connections or not all(1 <= c <= 256 for c in connections):
        p.error("--connections: each between 1 and 256")
    seconds = max(1, min(args.seconds, 600))

    skipped: list[str] = []
    wrk = shutil.which("wrk")
    if wrk is None:
        skipped.append("wrk: not installed, nothing measured (Debian/Ubuntu: apt-get update && apt-get install -y "
                       "wrk; macOS: brew install wrk)")
    if args.profile and not shutil.which("py-spy"):
        skipped.append("profile: py-spy not installed (pip install py-spy)")
    ox_cmd = shutil.which("oxigraph")
    if "oxigraph" in wanted and ox_cmd is None:
        skipped.append("oxigraph: not installed, no ratios (pip install 'oxigraph>=0.5,<0.6', the `bench` extra)")
        wanted.remove("oxigraph")
    print(f"# endpoint benchmark: {os.cpu_count()} CPUs, loopback only, wrk and the servers share the machine; "
          f"{seconds:g} s per run; cold requests differ by a unique {args.cold_variant}", flush=True)
    for line in skipped:
        print(f"# SKIPPED {line}", flush=True)
    if wrk is None or not wanted:
        for line in skipped:
            print(f"SKIPPED {line}")
        return 0

    signal.signal(signal.SIGTERM, interrupted)  # so that `finally` stops the servers on a kill too
    work = Path(tempfile.mkdtemp(prefix="allegiance-bench-endpoint-"))
    servers: dict[str, Server] = {}
    try:
        data = Path(args.data) if args.data else work / "default-graph.nq"
        if "allegiance" in wanted or not args.data:
            base = shlex.split(args.allegiance_cmd)
            helptext = subprocess.run([*base, "serve", "--help"], capture_output=True, text=True).stdout
            extra = ["--log-level", "warning"] if "--log-level" in helptext else []  # no access log, like Oxigraph
            extra += ["--workers", str(args.workers)] if args.workers else []
            ours = Server("allegiance", [], "/sparql", "allegiance serve" + (f" --workers {args.workers}"
                                                                             if args.workers else ""))
            ours.cmd = [*base, "serve", "--host", HOST, "--port", str(ours.port), *extra]
            servers["allegiance"] = ours
            ours.start(work, args.start_timeout)
            print(f"# allegiance ready in {ours.ready_s:.1f} s: {shlex.join(ours.cmd)}", flush=True)
            if not args.data:
                t = time.perf_counter()
                how = dump_default_graph(ours, data)
                print(f"# dumped our default graph to {data.name} in {time.perf_counter() - t:.1f} s: {how}; "
                      f"{ours.count_triples():,} distinct triples", flush=True)
            if "allegiance" not in wanted:
                ours.stop()
                del servers["allegiance"]
        if "oxigraph" in wanted:
            version = subprocess.run([ox_cmd, "--version"], capture_output=True, text=True).stdout.strip()
            ox = Server("oxigraph", [], "/query", f"{version} serve, in memory")
            ox.cmd = [ox_cmd, "serve", "--bind", f"{HOST}:{ox.port}"]
            servers["oxigraph"] = ox
            ox.start(work, args.start_timeout)
            t = time.perf_counter()
            load_oxigraph(ox, data)
            print(f"# {version} serve (in memory) ready in {ox.ready_s:.1f} s, loaded in "
                  f"{time.perf_counter() - t:.1f} s: {ox.count_triples():,} distinct triples", flush=True)
        for s in servers.values():
            s.sample_memory()

        plan = [(w, q, c) for w in workloads for q in queries for c in connections if not (w == "cold" and q in CANNED)]
        if any(q in CANNED for q in queries) and "cold" in workloads:
            print("# canned queries (pledges, timeline) are measured warm only: their text is not in the request")
        results: dict[tuple, dict] = {}
        sizes: dict[tuple, str] = {}
        for w, q, c in plan:  # servers alternate within each measurement, so drift hits both alike
            for s in servers.values():
                target = target_for(s, w, q, args.cold_variant)
                status, _, body = s.get(target.replace(MARK, "warmup-" + secrets.token_hex(4)), JSON, timeout=60)
                sizes[(s.name, w, q)] = rows(body) if status == 200 else f"HTTP {status}"
                r = results[(s.name, w, q, c)] = run_wrk(wrk, s, target, c, seconds)
                s.sample_memory()
                print(f"#   {w:4} {q:9} c={c:<3} {s.name:10} {r['ok_rps']:9,.1f} req/s  p50 {fmt_ms(r['p50_us'])} ms"
                      f"  p99 {fmt_ms(r['p99_us'])} ms  non-2xx {r['non2xx']:.0f}"
                      + (f" (last {r['bad_status']:.0f})" if r["non2xx"] else "")
                      + (f"  socket errors {r['socket_errors']:.0f}" if r["socket_errors"] else ""), flush=True)
        names = list(servers)
        both = names == list(SERVERS)

        print("\n## Requests/s (2xx answers only), p50 and p99 latency in ms, non-2xx answers"
              + ("; ratio = allegiance / oxigraph requests/s (>1: we are faster)" if both else "") + "\n")
        print("| workload | query | c |" + "".join(f" {n} req/s | p50 | p99 | non-2xx |" for n in names)
              + (" ratio |" if both else "") + " rows |")
        print("|---|---|---:|" + "---:|---:|---:|---:|" * len(names) + ("---:|" if both else "") + "---|")
        ratios = {}
        for w, q, c in plan:
            line = f"| {w} | {q} | {c} |"
            for n in names:
                r = results[(n, w, q, c)]
                line += f" {r['ok_rps']:,.1f} | {fmt_ms(r['p50_us'])} | {fmt_ms(r['p99_us'])} | {r['non2xx']:.0f} |"
            if both:
                ox_rps = results[("oxigraph", w, q, c)]["ok_rps"]
                ratios[(w, q, c)] = results[("allegiance", w, q, c)]["ok_rps"] / ox_rps if ox_rps else float("nan")
                line += f" {ratios[(w, q, c)]:.2f} |"
            got = [sizes[(n, w, q)] for n in names]
            print(line + (f" {got[0]} |" if len(set(got)) == 1 else " " + " / ".join(got) + " DIFFER |"))

        if both:
            print("\n## Targets (issue 7 §8): ratio of requests/s, allegiance / oxigraph\n")
            print("| workload | query | c | ratio | target | verdict |\n|---|---|---:|---:|---:|---|")
            for (w, q, c), ratio in ratios.items():
                if (w, q) in TARGETS:
                    verdict = "MET" if ratio >= TARGETS[(w, q)] else "NOT MET"
                    print(f"| {w} | {q} | {c} | {ratio:.2f} | >= {TARGETS[(w, q)]:g} | {verdict} |")

        print("\n## CPU use during each run, % of one core (the machine has "
              f"{os.cpu_count()}): the server's process tree, and wrk\n")
        print("| workload | query | c |" + "".join(f" {n} cpu% | wrk cpu% |" for n in names))
        print("|---|---|---:|" + "---:|---:|" * len(names))
        for w, q, c in plan:
            print(f"| {w} | {q} | {c} |" + "".join(f" {results[(n, w, q, c)]['srv_cpu']:.0f} |"
                                                 f" {results[(n, w, q, c)]['wrk_cpu']:.0f} |" for n in names))
        worst = max(max(results[(n, *k)]["wrk_cpu"] for k in plan) for n in names)
        print(f"\nwrk used at most {worst:.0f}% of one core in any run above (it is single-threaded per -t thread).")
        if "oxigraph" in servers:  # the fastest answer there is: what wrk can drive on this machine
            ox, cmax = servers["oxigraph"], max(connections)
            r = run_wrk(wrk, ox, f"{ox.path}?query=ASK%7B%7D", cmax, seconds)
            print(f"wrk ceiling check: {r['ok_rps']:,.0f} req/s of `ASK {{}}` from oxigraph at c={cmax} (wrk "
                  f"{r['wrk_cpu']:.0f}% of a core, oxigraph {r['srv_cpu']:.0f}%); a run well below this rate is not "
                  "limited by wrk.")
        print("\n## Peak memory (MB): VmHWM of the server process, and summed over it and its child processes\n")
        print("| server | start-up s | processes | peak RSS main | peak RSS main + children | what |")
        print("|---|---:|---:|---:|---:|---|")
        for s in servers.values():
            pk = s.sample_memory()
            print(f"| {s.name} | {s.ready_s:.1f} | {pk.get('processes', 0)} | {pk.get('main', 0) / 1024:.0f} |"
                  f" {pk.get('tree', 0) / 1024:.0f} | {s.note} |")

        print("\nQueries: " + "; ".join(f"{q}: {NOTES[q]}" for q in queries) + ".")
        if any(q in CANNED for q in queries):
            print("Canned queries: ours through the canned-query API (GET /api/<name>, page 1: LIMIT page size + 1), "
                  "Oxigraph the same queries/<name>.rq text with that LIMIT as GET /query?query=.")
        if args.profile and "allegiance" in servers:
            pq = args.profile_query
            profile(servers, wrk, pq, max(connections), seconds, args.cold_variant, args.profile_out, work)
        for line in skipped:
            print(f"SKIPPED {line}")
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the servers", file=sys.stderr)
        return 130
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
