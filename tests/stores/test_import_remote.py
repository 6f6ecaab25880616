"""``allegiance import --store URL``: against Oxigraph server and Virtuoso, a parse error (exit 2) and a violation
(exit 1) leave the store exactly as it was; a valid file goes in, with the merge and the inferences, and is
answered by the next query. The store is put back as it was at the end (the graph removed), for the other tests.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from allegiance.store.remote import RemoteStore
from tests.stores.conftest import store_args
from tests.test_import import GOOD, PREFIXES

pytestmark = pytest.mark.slow

GRAPH = "https://w3id.org/allegiance/graph/import/remote-test"
# a claim whose source is not in the store, with no --source: refused by provenance
VIOLATING = PREFIXES + """
id:test-group-iota a alg:ArmedGroup ; rdfs:label "Test Group Iota"@en ;
    prov:wasDerivedFrom src:901_0123456789abcdef ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity src:901_0123456789abcdef ; alg:excerpt "x" ] .
"""


def digest(store: RemoteStore) -> tuple[int, str]:
    """Count and SHA-256 of every quad of the project's graphs and the served merge, blank nodes canonicalized."""
    dataset = ox.Dataset(store.quads())
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    lines = sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in dataset)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def run_import(server, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allegiance", "import", *args, *store_args(server), "--quiet"],
                          capture_output=True, text=True, timeout=900, check=False)


def test_import_remote(remote_store, tmp_path: Path):
    store = RemoteStore(remote_store.query_url, remote_store.update_url, remote_store.data_url,
                        default_graph=remote_store.default_graph, timeout=600)
    before = digest(store)
    try:
        broken = tmp_path / "broken.ttl"
        broken.write_text(GOOD.replace("rdfs:label", "rdfs:label rdfs:label", 1), encoding="utf-8")
        proc = run_import(remote_store, str(broken))
        assert proc.returncode == 2 and "broken.ttl:" in proc.stderr, proc.stderr[-2000:]
        assert digest(store) == before

        violating = tmp_path / "violating.ttl"
        violating.write_text(VIOLATING, encoding="utf-8")
        proc = run_import(remote_store, str(violating))
        assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert digest(store) == before

        good = tmp_path / "good.ttl"
        good.write_text(GOOD, encoding="utf-8")
        proc = run_import(remote_store, str(good), "--graph", GRAPH)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        ask = (f"ASK {{ GRAPH <{remote_store.default_graph}> {{ ?g a <https://w3id.org/allegiance/ontology#Organization> "
               f"; <http://www.w3.org/2000/01/rdf-schema#label> \"Test Group Zeta\"@en }} }}"
               if remote_store.default_graph else
               "ASK { ?g a <https://w3id.org/allegiance/ontology#Organization> ; "
               "<http://www.w3.org/2000/01/rdf-schema#label> \"Test Group Zeta\"@en }")
        # the merge holds the new group, and the inferences its superclass (alg:ArmedGroup ⊑ alg:Organization)
        assert bool(store.query(ask))
        assert GRAPH in store.named_graphs()
    finally:
        if GRAPH in store.named_graphs():
            store.clear_graph(GRAPH)
        store.close()
