"""The SSRF corpus itself: deterministic, covering every family the issue names, and hostile to the bare engine.

No server here. The last test runs the corpus in a bare pyoxigraph ``Store`` (no guard, no relay) against the
loopback canaries: the known bypasses and a good share of the generated queries must reach the canary there. So when
``test_ssrf.py`` passes against the server, the server stopped calls that the engine would have made -- the queries
are not duds that the engine rejects or never evaluates.
"""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph
import pytest

from .conftest import Canaries
from .spellings import (ANSWERED, METHODS, N_GENERATED, PN_LOCAL_ESCAPES, REFUSED, UPDATE_METHODS, Case, Targets,
                        corpus, generated_cases, known_cases)

TAG = re.compile(r"/([kg]\d{3,})/")
FAKE = Targets(http_port=41234, raw_port=41235, http6_port=41236)


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return corpus(FAKE, N_GENERATED)


def test_the_corpus_is_the_same_on_every_run(cases):
    again = corpus(FAKE, N_GENERATED)
    assert [c.query for c in again] == [c.query for c in cases]
    assert len({c.id for c in cases}) == len(cases)


def test_generated_queries_are_many_distinct_and_spread_over_the_three_methods(cases):
    generated = [c for c in cases if c.kind == "generated"]
    assert len(generated) >= 0.7 * N_GENERATED
    assert len({c.query for c in generated}) == len(generated)
    methods = Counter(m for c in generated for m in c.methods)
    assert set(methods) == set(METHODS) and min(methods.values()) >= len(generated) // 3 - 1


def test_known_cases_are_sent_by_every_method(cases):
    for c in cases:
        if c.kind == "generated":
            continue
        assert set(METHODS) <= set(c.methods), c
        if c.kind == "update":
            assert c.expect == REFUSED and set(UPDATE_METHODS) <= set(c.methods), c


def test_every_canary_query_names_its_case_in_the_path(cases):
    """A request that reaches the HTTP canary can be traced back to the query that sent it."""
    for c in cases:
        if f":{FAKE.http_port}" in c.query and "\\u" not in c.query and "\\U" not in c.query:
            assert f"/{c.id}/" in c.query, c


@pytest.mark.parametrize("needle", [
    # keyword glued to a prefixed name, SILENT, case
    "SERVICEc:", "SERVICE:", "servicec:", "SERVICE SILENTc:", "SERVICE SILENT <", "SERVICE SILENT $e",
    # \u / \U escapes in keywords and IRIs
    "\\u0053ERVICE", "\\U00000053ERVICE", "<\\u0068ttp://", "<\\U00000068ttp://",
    # BASE and relative IRIs
    "SERVICE <sparql>", "SERVICE <>", "BASE <//127.0.0.1:", "SERVICE <//127.0.0.1:",
    # SERVICE ?var with BIND and VALUES
    "SERVICE ?e", "BIND(<http://127.0.0.1:", "VALUES ?e {",
    # where the SERVICE sits
    "FILTER EXISTS { SERVICE", "FILTER NOT EXISTS { SERVICE", "MINUS { SERVICE", "OPTIONAL { SERVICE",
    "{ SELECT * WHERE { SERVICE", "LATERAL { SERVICE", "GRAPH ?g { SERVICE", "BIND(EXISTS { SERVICE",
    # comments and strings
    "SERVICE # c\n", "SERVICE#c\r", "'''", '"""', "'\\''", '"a#b"',
    # hosts
    f"https://query.wikidata.org@127.0.0.1:{FAKE.http_port}/", f"HTTP://LOCALHOST:{FAKE.http_port}/",
    f"127.0.0.1.:{FAKE.http_port}", f"localhost:{FAKE.http_port}", f"[::1]:{FAKE.http6_port}",
    f"0.0.0.0:{FAKE.http_port}", f"127.1:{FAKE.http_port}", f"2130706433:{FAKE.http_port}",
    f"0x7f000001:{FAKE.http_port}", f"127.0.0.1:{FAKE.raw_port}",
    # percent-encoded local names
    "c:%73parql", "c:a%23b",
    # updates and dataset clauses
    "LOAD <", "LOAD SILENT", "INSERT {", "INSERT DATA", "FROM <", "FROM NAMED <", "GRAPH <http://127.0.0.1:",
])
def test_the_corpus_has(cases, needle):
    assert any(needle in c.query for c in cases), needle


@pytest.mark.parametrize("escape", PN_LOCAL_ESCAPES)
def test_every_pn_local_escape_is_a_decoy_and_a_target(escape):
    known = known_cases(FAKE)
    assert any(c.kind == "escape-decoy" and f"x:a{escape}b" in c.query for c in known)
    assert any(c.kind == "escape-target" and f"c:a{escape}b" in c.query for c in known)


def test_dataset_clauses_and_updates_carry_their_expectations(cases):
    assert Counter(c.expect for c in cases if c.kind == "dataset") == {ANSWERED: 8}
    assert {c.expect for c in cases if c.kind == "update"} == {REFUSED}


def _run_bare(store: pyoxigraph.Store, query: str, update: bool) -> None:
    try:
        if update:
            store.update(query)
        else:
            result = store.query(query)
            if not isinstance(result, pyoxigraph.QueryBoolean):
                list(result)
    except Exception:  # noqa: BLE001 - syntax errors and failed SERVICE calls are expected here
        pass


def test_the_bare_engine_calls_the_canary_for_the_known_bypasses_and_many_generated_queries():
    canaries = Canaries()
    try:
        targets = Targets(canaries.http.port, canaries.raw.port, canaries.http6.port if canaries.http6 else None)
        store = pyoxigraph.Store()
        cases = known_cases(targets) + generated_cases(targets, N_GENERATED)
        reached_ids = set()
        for case in cases:
            before = canaries.counts()[0]
            _run_bare(store, case.query, case.kind == "update")
            if canaries.counts()[0] > before:  # TLS and raw TCP attempts carry no path: count them here
                reached_ids.add(case.id)
        canaries.wait_for(lambda connections, requests: False, timeout=0.5)  # let the last requests be recorded
        reached_ids |= {m.group(1) for h in canaries.recorder.requests if (m := TAG.search(h.request))}
    finally:
        canaries.close()
    total = Counter(c.kind for c in cases)
    reached = Counter(c.kind for c in cases if c.id in reached_ids)
    summary = {k: f"{reached[k]}/{total[k]}" for k in total}
    print("bare engine reached the canary:", summary)
    for kind in ("review", "glued", "comment", "string", "error-page"):
        assert reached[kind] == total[kind], summary
    for kind in ("escape-decoy", "escape-target", "host", "base", "structure", "update"):
        assert reached[kind] >= 0.6 * total[kind], summary
    assert reached["generated"] >= 0.4 * total["generated"], summary
    assert reached["dataset"] == 0, summary  # FROM / GRAPH / default-graph-uri never fetch, even in the bare engine
