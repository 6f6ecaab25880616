"""``allegiance check --store PATH``: what a store holds, checked as ``allegiance check`` checks the files.

A store loaded with the knowledge base gives the same report as the files (counts, citations, shapes); a store
with a claim whose excerpt is not in its source fails with exit 1; a store without the knowledge base exits 2.
The remote stores (Oxigraph server, Virtuoso) are checked in tests/stores/test_check_remote.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

pytestmark = pytest.mark.slow

BAD_EXCERPT = """
<https://w3id.org/allegiance/id/test-group-theta> a <https://w3id.org/allegiance/ontology#ArmedGroup> ;
  <http://www.w3.org/2000/01/rdf-schema#label> "Test Group Theta"@en ;
  <http://www.w3.org/ns/prov#wasDerivedFrom> <https://w3id.org/allegiance/source/000_fac6d62cb4587eed> ;
  <http://www.w3.org/ns/prov#qualifiedDerivation> [ a <http://www.w3.org/ns/prov#Derivation> ;
    <http://www.w3.org/ns/prov#entity> <https://w3id.org/allegiance/source/000_fac6d62cb4587eed> ;
    <https://w3id.org/allegiance/ontology#excerpt> "words that are in no source at all" ] .
"""


def allegiance(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allegiance", *args], capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("check-store") / "store"
    proc = allegiance("load", "--store", str(path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return path


def test_a_loaded_store_reports_as_the_files(loaded):
    stored = allegiance("check", "--store", str(loaded), "--no-reasoner")
    files = allegiance("check", "--no-reasoner")
    assert stored.returncode == files.returncode == 0, stored.stdout[-2000:] + stored.stderr[-2000:]
    assert stored.stdout.splitlines()[0].startswith(f"allegiance check: the store {loaded}:")
    # every line after the first (triples, classes, instances by class, claims by kind, citations, shapes) is equal
    assert stored.stdout.splitlines()[0].split(", ")[-1] == files.stdout.splitlines()[0].split(", ")[-1]
    assert stored.stdout.splitlines()[1:] == files.stdout.splitlines()[1:]


def test_an_excerpt_not_in_its_source_fails(loaded, tmp_path):
    copy = tmp_path / "copy"
    ox.Store.read_only(str(loaded)).backup(str(copy))
    store = ox.Store(str(copy))
    store.load(BAD_EXCERPT.encode(), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode("https://w3id.org/allegiance/graph/import/bad"))
    store.flush()
    del store
    proc = allegiance("check", "--store", str(copy), "--no-reasoner")
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "words that are in no source at all" in proc.stdout and "FAIL" in proc.stdout


def test_a_store_without_the_knowledge_base_exits_2(tmp_path):
    empty = tmp_path / "empty"
    ox.Store(str(empty)).flush()
    proc = allegiance("check", "--store", str(empty), "--no-reasoner")
    assert proc.returncode == 2 and "no ontology graph" in proc.stderr, proc.stderr
