"""SSRF, black box: no spelling of SERVICE, LOAD or a dataset clause makes the server reach a loopback canary.

A differential fuzz test (issue 7, part 1). The corpus (:mod:`tests.security.spellings`) is a hand-written list of
the known bypasses and their families plus queries composed by Hypothesis (fixed count, derandomized). Each query is
sent to a real ``allegiance serve`` subprocess -- hand-written ones by GET, POST form and POST
``application/sparql-query``, generated ones by one of the three in turn -- while an HTTP canary (IPv4 and IPv6
loopback) and a raw TCP listener record every connection. It must hold:

* the canaries see no connection at all: checked after the last answer, and again after a final known-good request
  by polling the counters up to a deadline;
* no response carries the canary's secret (its JSON answer, its 500 page, its HTML page or the raw listener's reply);
* no response is a 500: a refused or unreachable SERVICE is a 4xx, or 502/503/504 with a message; an update is a
  4xx; a dataset clause naming the canary is answered (200) from the store;
* the server is still up and answers at the end.

It runs with the default allowlist (Wikidata only) and with ``--allow-service none``. A positive control allowlists
the canary itself and checks that a plain SERVICE call does reach it and that the detector flags that answer, so this
test is known to be able to fail; on that same server, look-alike IRIs that mean another port (the raw listener) or
the IPv6 twin must still reach nothing.

Against a server from before the relay (the hand-written guard of commit fa4c74a), both corpus runs fail: the
review's three bypasses and their families (glued keywords, escapes in local names, error pages) reach the canary.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from .conftest import Canaries, Server, start_server
from .spellings import ANSWERED, N_GENERATED, REFUSED, Case, Targets, corpus

pytestmark = [pytest.mark.slow]

QUERY_TIMEOUT = 3  # the server's --timeout: a hanging SERVICE costs at most this
CLIENT_TIMEOUT = QUERY_TIMEOUT + 12  # per request, client side
CONCURRENCY = 4  # requests in flight (the server has 2 query workers)
BUDGET = 100.0  # seconds for all requests to one server; past it the rest are not sent and the test fails
SETTLE = 2.0  # seconds to keep polling the canaries after the final known-good request
ALLOWED_5XX = {502, 503, 504}
MODES = {"default": [], "none": ["--allow-service", "none"]}
TAG = re.compile(r"/([kg]\d{3,})/")


@dataclass
class Outcome:
    case: Case
    method: str
    status: int | None = None
    text: str = ""
    headers: str = ""
    error: str = ""  # a transport error, or "not sent" past the budget
    elapsed: float = 0.0


def send(client: httpx.Client, server: Server, case: Case, method: str) -> Outcome:
    params = dict(case.params)
    t0 = time.monotonic()
    try:
        if method == "get":
            r = client.get(server.sparql, params={"query": case.query, **params})
        elif method == "form":
            r = client.post(server.sparql, data={"query": case.query, **params})
        elif method == "body":
            r = client.post(server.sparql, params=params, content=case.query.encode(),
                            headers={"Content-Type": "application/sparql-query"})
        elif method == "update-form":
            r = client.post(server.sparql, data={"update": case.query})
        elif method == "update-body":
            r = client.post(server.sparql, content=case.query.encode(),
                            headers={"Content-Type": "application/sparql-update"})
        else:
            raise ValueError(method)
    except httpx.HTTPError as exc:
        return Outcome(case, method, error=f"{type(exc).__name__}: {exc}", elapsed=time.monotonic() - t0)
    headers = "\n".join(f"{k}: {v}" for k, v in r.headers.items())
    return Outcome(case, method, r.status_code, r.text, headers, elapsed=time.monotonic() - t0)


def problems(outcome: Outcome, secret: str) -> list[str]:
    """What is wrong with one answer (empty when it is acceptable)."""
    if outcome.error:
        return [f"no answer: {outcome.error}"]
    found = []
    status = outcome.status
    if secret in outcome.text or secret in outcome.headers:
        found.append("the canary's secret is in the response")
    expect = outcome.case.expect
    if expect == ANSWERED:
        if status != 200:
            found.append(f"expected 200 (answered from the store), got {status}")
    elif expect == REFUSED:
        if not 400 <= status < 500:
            found.append(f"expected a 4xx refusal, got {status}")
    elif not (200 <= status < 300 or 400 <= status < 500 or status in ALLOWED_5XX):
        found.append(f"status {status} (a refused or failed SERVICE must be 4xx or 502/503/504)")
    if status >= 400 and not outcome.text.strip():
        found.append(f"{status} without a message")
    return found


def run_corpus(server: Server, cases: list[Case], canaries: Canaries) -> tuple[list[Outcome], float]:
    jobs = [(case, method) for case in cases for method in case.methods]
    deadline = time.monotonic() + BUDGET
    t0 = time.monotonic()
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT, follow_redirects=False) as client:
        def job(item: tuple[Case, str]) -> Outcome:
            case, method = item
            if time.monotonic() > deadline:
                return Outcome(case, method, error=f"not sent: the {BUDGET:.0f} s budget was spent")
            return send(client, server, case, method)

        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            outcomes = list(pool.map(job, jobs))
    return outcomes, time.monotonic() - t0


def final_check(server: Server, canaries: Canaries) -> list[str]:
    """A known-good request, then poll the canaries up to a deadline: late connections count too."""
    found = []
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT) as client:
        try:
            r = client.get(server.sparql, params={"query": "ASK { }"})
            if r.status_code != 200 or r.json().get("boolean") is not True:
                found.append(f"final known-good ASK answered {r.status_code}: {r.text[:200]}")
        except (httpx.HTTPError, ValueError) as exc:
            found.append(f"final known-good ASK failed: {exc}")
    if canaries.wait_for(lambda connections, requests: connections + requests > 0, timeout=SETTLE):
        found.append("the canary was reached")
    if not server.alive():
        found.append(f"the server exited with {server.process.returncode}")
    return found


def report(mode: str, outcomes: list[Outcome], elapsed: float, canaries: Canaries, extra: list[str],
           server_log: str) -> str:
    by_id = {o.case.id: o.case for o in outcomes}
    lines = [f"mode {mode}: {len(outcomes)} requests in {elapsed:.1f} s"]
    lines += extra
    requests = list(canaries.recorder.requests)
    if canaries.counts() != (0, 0):
        lines.append(f"CANARY REACHED: {len(canaries.recorder.connections)} connection(s), {len(requests)} request(s)")
        tags: dict[str, list[str]] = {}
        for hit in requests:
            m = TAG.search(hit.request)
            tags.setdefault(m.group(1) if m else "?", []).append(hit.request)
        kinds = Counter(by_id[t].kind for t in tags if t in by_id)
        lines.append(f"  distinct queries that reached it: {len(tags)}, by kind: {dict(kinds)}")
        for tag, seen in list(tags.items())[:20]:
            case = by_id.get(tag)
            ua = next((v for h in requests if TAG.search(h.request) and TAG.search(h.request).group(1) == tag
                       for k, v in h.headers.items() if k.lower() == "user-agent"), "")
            lines.append(f"  {len(seen)} x {seen[0]!r} (user-agent {ua!r})"
                         + (f" <- {case.id} [{case.kind}]: {case.query[:300]!r}" if case else ""))
    bad = [(o, p) for o in outcomes if (p := problems(o, canaries.secret))]
    if bad:
        lines.append(f"{len(bad)} bad answer(s) to {len({o.case.id for o, _ in bad})} queries, by kind: "
                     f"{dict(Counter(o.case.kind for o, _ in bad))}")
        shown = set()
        for o, p in bad:
            if o.case.id in shown or len(shown) >= 25:
                continue
            shown.add(o.case.id)
            lines.append(f"  {o.case.id} [{o.case.kind}] {o.method} -> {o.status}: {'; '.join(p)}"
                         f"\n      query: {o.case.query[:300]!r}\n      answer: {(o.text or o.error)[:300]!r}")
    if len(lines) > 1:
        lines.append("server log (tail):\n" + server_log[-3000:])
    return "\n".join(lines)


def targets_of(canaries: Canaries) -> Targets:
    return Targets(canaries.http.port, canaries.raw.port, canaries.http6.port if canaries.http6 else None)


@pytest.mark.parametrize("mode", list(MODES))
def test_no_spelling_reaches_the_canary(canaries: Canaries, mode: str):
    cases = corpus(targets_of(canaries), N_GENERATED)
    server = start_server([*MODES[mode], "--timeout", str(QUERY_TIMEOUT)])
    try:
        outcomes, elapsed = run_corpus(server, cases, canaries)
        after_run = canaries.counts()
        extra = final_check(server, canaries)
        if after_run != (0, 0):
            extra.insert(0, f"canary counters right after the last answer: {after_run}")
        log = server.log()
    finally:
        server.stop()
    statuses = Counter(o.status or o.error.split(":")[0] for o in outcomes)
    print(f"\nmode {mode}: {len(cases)} queries, {len(outcomes)} requests in {elapsed:.1f} s; "
          f"statuses {dict(statuses)}")
    bad = [o for o in outcomes if problems(o, canaries.secret)]
    assert not bad and not extra and canaries.counts() == (0, 0), report(mode, outcomes, elapsed, canaries, extra,
                                                                         log)


def neighbours(canaries: Canaries) -> list[Case]:
    """With the HTTP canary allowlisted: spellings that look like it but mean another port (or its IPv6 twin)."""
    p, raw = canaries.http.port, canaries.raw.port
    iris = [f"http://127.0.0.1:{raw}/sparql", f"http://localhost:{raw}/sparql", f"http://127.1:{raw}/sparql",
            f"http://127.0.0.1:{p}@127.0.0.1:{raw}/sparql", f"http://127.0.0.1:{p}\\u0040127.0.0.1:{raw}/sparql",
            f"http://127.0.0.1:{raw}\\u0023@127.0.0.1:{p}/sparql", f"http://127.0.0.1:{raw}#@127.0.0.1:{p}/sparql",
            f"http://127.0.0.1:{raw}?@127.0.0.1:{p}/sparql", f"http://127.0.0.1:{raw}/sparql?127.0.0.1:{p}/sparql"]
    if canaries.http6 is not None:
        iris += [f"http://[::1]:{canaries.http6.port}/sparql"]
    queries = [f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}" for iri in iris]
    queries += [f"PREFIX c: <http://127.0.0.1:{raw}/> SELECT * WHERE {{ SERVICEc:sparql {{ ?s ?p ?o }} }}",
                f"BASE <http://127.0.0.1:{raw}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
                f"PREFIX x: <http://e/> PREFIX c: <http://127.0.0.1:{raw}/> SELECT * WHERE "
                f"{{ {{ ?s x:a\\#b ?o }} UNION {{ SERVICE c:sparql {{ ?x ?b ?c }} }} }}"]
    return [Case(f"n{i:02d}", "neighbour", q) for i, q in enumerate(queries)]


@dataclass
class Control:
    canaries: Canaries
    server: Server
    endpoint: str
    listener: str  # the allowlisted canary's label in the recorder


@pytest.fixture(scope="module")
def control() -> Iterator[Control]:
    """A server whose allowlist is the HTTP canary's own endpoint (and nothing else)."""
    canaries = Canaries()
    endpoint = f"http://127.0.0.1:{canaries.http.port}/sparql"
    try:
        server = start_server(["--allow-service", endpoint, "--timeout", str(QUERY_TIMEOUT)])
        try:
            yield Control(canaries, server, endpoint, f"http 127.0.0.1:{canaries.http.port}")
        finally:
            server.stop()
    finally:
        canaries.close()


def test_positive_control_an_allowlisted_canary_is_reached(control: Control):
    """The relay path works and the detector works: the canary, allowlisted, is called and its answer flagged."""
    canaries = control.canaries
    case = Case("control", "control", f"SELECT * WHERE {{ SERVICE <{control.endpoint}> {{ ?s ?p ?o }} }}")
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT) as client:
        outcome = send(client, control.server, case, "get")

    def called(connections: int, requests: int) -> bool:
        return any(h.listener == control.listener and h.request.split(" ")[-1].startswith("/sparql")
                   for h in list(canaries.recorder.requests))

    reached = canaries.wait_for(lambda connections, requests: called(connections, requests), timeout=10)
    assert outcome.status == 200, (outcome.status, outcome.error, outcome.text[:500], control.server.log()[-3000:])
    assert reached, f"the allowlisted canary was never called: {canaries.hits()}"
    assert canaries.secret in outcome.text, outcome.text[:500]
    assert problems(outcome, canaries.secret) == ["the canary's secret is in the response"]
    assert control.server.alive()


def test_allowlisting_the_canary_opens_no_other_port(control: Control):
    """With only the canary's endpoint allowlisted, look-alikes that mean another port or its IPv6 twin fail."""
    canaries = control.canaries
    with httpx.Client(trust_env=False, timeout=CLIENT_TIMEOUT) as client:
        outcomes = [send(client, control.server, case, m) for case in neighbours(canaries) for m in case.methods]
        r = client.get(control.server.sparql, params={"query": "ASK { }"})
    assert r.status_code == 200, r.text
    canaries.wait_for(lambda connections, requests: any(h.listener != control.listener
                                                        for h in list(canaries.recorder.connections)),
                      timeout=SETTLE)
    strays = [h for h in canaries.recorder.connections if h.listener != control.listener]
    assert not strays, f"with only {control.endpoint} allowlisted, other listeners were reached: {strays}"
    bad = [(o.case.id, o.method, o.status, problems(o, canaries.secret), o.case.query, o.text[:300])
           for o in outcomes if problems(o, canaries.secret)]
    assert not bad, "\n".join(map(repr, bad))
    assert control.server.alive()
