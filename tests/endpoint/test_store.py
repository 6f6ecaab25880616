"""``--store PATH``: the store persists on disk, is reused while its inputs are unchanged, rebuilt otherwise."""

from __future__ import annotations

import shutil

import httpx
import pytest

from allegiance.paths import default_layout

from .conftest import start_server

pytestmark = pytest.mark.slow


def test_store_persists_and_is_rebuilt_on_change(tmp_path):
    home = tmp_path / "kb"
    layout = default_layout()
    for part in ("ontology", "instances", "shapes"):
        if (layout.home / part).is_dir():
            shutil.copytree(layout.home / part, home / part)
    store = tmp_path / "store"
    env = {"ALLEGIANCE_HOME": str(home)}
    probe = "ASK { <urn:test:added> ?p ?o }"

    def start():
        return start_server(["--store", str(store)], env=env)

    s = start()
    try:
        assert "store built" in s.log()
    finally:
        s.stop()
    assert store.is_dir()

    s = start()
    try:
        assert "store reused from disk" in s.log()
        with httpx.Client(trust_env=False, timeout=30) as c:
            r = c.get(s.sparql, params={"query": "ASK { <https://w3id.org/allegiance/id/islamic-state> ?p ?o }"})
            assert r.json()["boolean"] is True
            assert c.get(s.sparql, params={"query": probe}).json()["boolean"] is False
    finally:
        s.stop()

    with (home / "instances" / "entities.ttl").open("a", encoding="utf-8") as f:
        f.write('\n<urn:test:added> <http://www.w3.org/2000/01/rdf-schema#label> "added" .\n')
    s = start()
    try:
        assert "store built" in s.log()
        with httpx.Client(trust_env=False, timeout=30) as c:
            assert c.get(s.sparql, params={"query": probe}).json()["boolean"] is True
    finally:
        s.stop()


def test_default_graph_is_a_set_even_when_files_repeat_a_triple():
    """A triple asserted in two files (a registry label restated by a source's file) is one triple of the
    default graph: the RDF merge, not a multiset union of the parts."""
    from allegiance import store

    served = store.build()
    repeated = list(served.store.query(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } "
        "FILTER(STRSTARTS(STR(?g1), 'https://w3id.org/allegiance/graph/instances/') "
        "&& STRSTARTS(STR(?g2), 'https://w3id.org/allegiance/graph/instances/') && STR(?g1) < STR(?g2)) } LIMIT 1"))
    assert repeated, "the shipped data no longer repeats a triple across files; pick another fixture"
    s, p, o = (repeated[0][v] for v in ("s", "p", "o"))
    (row,) = served.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {s} {p} {o} }}")  # the default graph
    assert int(row["n"].value) == 1
    (total,) = served.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    (distinct,) = served.store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    # GRAPH ?g sees each part once: no named graph holds a copy of the default graph
    (copies,) = served.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g = <"
                                   "https://w3id.org/allegiance/graph/default>) }")
    assert int(copies["n"].value) == 0
    served.close()
    assert total["n"].value == distinct["n"].value


def test_a_journalled_change_is_all_or_nothing(tmp_path):
    """The journal's rename is the commit point: before it the store is unchanged, after it the next start
    finishes the change (each step idempotent)."""
    import pyoxigraph as ox

    from allegiance import store

    path = tmp_path / "store"
    served = store.build(path, empty=True)
    a = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("1"), ox.NamedNode("urn:g"))
    b = ox.Quad(ox.NamedNode("urn:x:b"), ox.NamedNode("urn:x:p"), ox.Literal("2"), ox.NamedNode("urn:g"))
    served.apply(ox.serialize([a], format=ox.RdfFormat.N_QUADS) or b"", b"", ["urn:g"], [])
    assert set(served.store.quads_for_pattern(None, None, None, None)) == {a}
    added = ox.serialize([b], format=ox.RdfFormat.N_QUADS) or b""
    removed = ox.serialize([a], format=ox.RdfFormat.N_QUADS) or b""
    record = b'{"added": %d, "graphs_added": [], "graphs_removed": []}\n' % len(added)
    # killed while writing the journal: only the temporary file exists
    served.journal.with_name(served.journal.name + ".tmp").write_bytes(record + added[:5])
    del served
    served = store.build(path, empty=True)
    assert set(served.store.quads_for_pattern(None, None, None, None)) == {a}
    # killed after the rename, before (or while) applying: the next start finishes the change
    served.journal.write_bytes(record + added + removed)
    served.store.remove(a)  # even half applied
    del served
    served = store.build(path, empty=True)
    assert set(served.store.quads_for_pattern(None, None, None, None)) == {b}
    assert not served.journal.exists()
