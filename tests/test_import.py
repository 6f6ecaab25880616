"""``allegiance import``: parse errors, violations, provenance and SIGKILL all leave the store exactly as it was.

The store is built once per module (``store.build``, the knowledge base on disk) and each test works on a
checkpoint of it (``Store.backup``). "Unchanged" is checked by the SHA-256 of the store's sorted N-Quads dump.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from allegiance.namespaces import RDF, SH

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """@prefix alg: <https://w3id.org/allegiance/ontology#> . @prefix id: <https://w3id.org/allegiance/id/> .
@prefix src: <https://w3id.org/allegiance/source/> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
GOOD = PREFIXES + """
id:test-group-zeta a alg:ArmedGroup ; rdfs:label "Test Group Zeta"@en ;
    prov:wasDerivedFrom src:000_fac6d62cb4587eed ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity src:000_fac6d62cb4587eed ;
        alg:excerpt "Islamic Youth Shura Council" ] .
"""
NEW_SOURCE = "900_0123456789abcdef"
CITING_NEW = PREFIXES + f"""
id:test-group-eta a alg:ArmedGroup ; rdfs:label "Test Group Eta"@en ;
    prov:wasDerivedFrom src:{NEW_SOURCE} ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity src:{NEW_SOURCE} ;
        alg:excerpt "EXCERPT" ] .
"""


def dump_hash(path: Path) -> tuple[int, str]:
    """The quad count and the SHA-256 of the sorted N-Quads lines of the store at ``path``, its blank nodes
    canonicalized: two imports of one file parse its blank nodes under fresh labels, so equal contents must
    hash alike whatever the labels."""
    store = ox.Store.read_only(str(path))
    dataset = ox.Dataset(store)
    del store
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    lines = sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in dataset)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from allegiance.store.build import build

    path = tmp_path_factory.mktemp("built") / "store"
    served = build(path)
    served.store.flush()
    checkpoint = path.with_name("checkpoint")
    served.store.backup(str(checkpoint))
    del served
    return checkpoint


@pytest.fixture
def store(built, tmp_path) -> Path:
    path = tmp_path / "store"
    shutil.copytree(built, path)
    return path


@pytest.fixture(scope="module")
def original(built) -> tuple[int, str]:
    return dump_hash(built)


def allegiance(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "allegiance", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_error_exits_2_with_file_line_column(store, tmp_path, original):
    bad = write(tmp_path, "broken.ttl", GOOD + "id:x rdfs:label oops .\n")
    proc = allegiance("import", str(bad), "--store", str(store))
    assert proc.returncode == 2, proc.stderr
    line = GOOD.count("\n") + 1
    assert f"{bad}:{line}:17" in proc.stderr
    assert dump_hash(store) == original


def test_parse_error_in_gzipped_ntriples(store, tmp_path, original):
    import gzip

    bad = tmp_path / "broken.nt.gz"
    bad.write_bytes(gzip.compress(b'<http://a> <http://b> "c" .\n<http://a> <http://b> .\n'))
    proc = allegiance("import", str(bad), "--store", str(store))
    assert proc.returncode == 2 and f"{bad}:2:" in proc.stderr, proc.stderr
    assert dump_hash(store) == original


def test_violation_exits_1_with_focus_path_constraint_and_report(store, tmp_path, original):
    bad = write(tmp_path, "nolabel.ttl", GOOD.replace('rdfs:label "Test Group Zeta"@en ;', ""))
    report = tmp_path / "report.ttl"
    proc = allegiance("import", str(bad), "--store", str(store), "--report", str(report))
    assert proc.returncode == 1, proc.stderr
    assert "id:test-group-zeta rdfs:label" in proc.stderr and "[QualifiedMinCount" in proc.stderr
    g = Graph().parse(report, format="turtle")
    (rep,) = g.subjects(predicate=None, object=SH.ValidationReport)
    assert g.value(rep, SH.conforms).toPython() is False
    assert len(list(g.objects(rep, SH.result))) == 1
    assert dump_hash(store) == original


def test_success_in_a_graph_named_after_the_file_or_given(built, store, tmp_path, original):
    inferences = ox.NamedNode("https://w3id.org/allegiance/graph/inferences")
    good = write(tmp_path, "zeta.ttl", GOOD)
    proc = allegiance("import", str(good), "--store", str(store))
    assert proc.returncode == 0, proc.stderr
    s = ox.Store.read_only(str(store))
    zeta = ox.NamedNode("https://w3id.org/allegiance/id/test-group-zeta")
    graph = ox.NamedNode("https://w3id.org/allegiance/graph/import/zeta")
    assert len(list(s.quads_for_pattern(zeta, None, None, graph))) == 4
    # the inferences graph gains the import's entailments (alg:ArmedGroup is an alg:Organization), in the merge too
    inferred = {q.object for q in s.quads_for_pattern(zeta, ox.NamedNode(str(RDF.type)), None, inferences)}
    assert ox.NamedNode("https://w3id.org/allegiance/ontology#Organization") in inferred
    about_zeta = len(list(s.quads_for_pattern(zeta, None, None, inferences)))
    assert len(list(s.quads_for_pattern(zeta, None, None, ox.DefaultGraph()))) == 4 + about_zeta  # the merge
    added_inferences = len(list(s.quads_for_pattern(None, None, None, inferences))) - len(
        list(ox.Store.read_only(str(built)).quads_for_pattern(None, None, None, inferences)))
    assert added_inferences >= about_zeta > 0
    del s
    other = write(tmp_path, "zeta2.ttl", GOOD.replace("zeta", "theta").replace("Zeta", "Theta"))
    proc = allegiance("import", str(other), "--store", str(store), "--graph", "https://example.org/g",
                      "--no-infer")
    assert proc.returncode == 0, proc.stderr
    s = ox.Store.read_only(str(store))
    assert len(list(s.quads_for_pattern(None, None, None, ox.NamedNode("https://example.org/g")))) == 7
    theta = ox.NamedNode("https://w3id.org/allegiance/id/test-group-theta")
    assert not list(s.quads_for_pattern(theta, None, None, inferences))  # --no-infer
    del s
    count, _ = dump_hash(store)
    # each import's 7 quads (4 of the group, 3 of its blank derivation) twice (its graph and the merge), and the
    # first import's entailments twice (the inferences graph and the merge)
    assert count == original[0] + 2 * 7 + 2 * 7 + 2 * added_inferences


def test_claim_citing_an_unknown_document_is_refused(store, tmp_path, original):
    claim = write(tmp_path, "eta.ttl", CITING_NEW.replace("EXCERPT", "the quick brown fox"))
    proc = allegiance("import", str(claim), "--store", str(store))
    assert proc.returncode == 1
    assert f"cites src:{NEW_SOURCE}, a source document the store does not hold" in proc.stderr
    assert dump_hash(store) == original


def test_source_given_with_the_import_is_registered_and_its_excerpts_checked(store, tmp_path, original):
    text = write(tmp_path, f"{NEW_SOURCE}.txt", "It said that the quick\nbrown   fox jumps.\n")
    wrong = write(tmp_path, "eta-wrong.ttl", CITING_NEW.replace("EXCERPT", "the lazy dog"))
    proc = allegiance("import", str(wrong), "--store", str(store), "--source", str(text))
    assert proc.returncode == 1 and "excerpt not found" in proc.stderr, proc.stderr
    assert dump_hash(store) == original
    right = write(tmp_path, "eta.ttl", CITING_NEW.replace("EXCERPT", "the quick brown fox"))
    proc = allegiance("import", str(right), "--store", str(store), "--source", str(text))
    assert proc.returncode == 0, proc.stderr
    s = ox.Store.read_only(str(store))
    doc = ox.NamedNode(f"https://w3id.org/allegiance/source/{NEW_SOURCE}")
    sha = [q.object.value for q in s.quads_for_pattern(
        doc, ox.NamedNode("https://w3id.org/allegiance/ontology#sha256"), None, ox.DefaultGraph())]
    assert sha == [hashlib.sha256(text.read_bytes()).hexdigest()]


@pytest.fixture(scope="module")
def large_file(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import scale  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    path = tmp_path_factory.mktemp("large") / "large.nt"
    scale.generate(200_000, path)
    return path


def test_sigkill_mid_import_leaves_the_store_as_it_was(store, large_file, original, tmp_path):
    """Kill the import with SIGKILL at random moments (parse, validation, commit); the store is then the original,
    or, killed after the commit, the original plus the whole file, never anything in between; and every kill
    before the commit began leaves it exactly unchanged."""
    rng = random.Random(8)
    pristine = tmp_path / "pristine"
    shutil.copytree(store, pristine)
    # one complete run on a copy: how long the import takes, when its commit begins, and the complete store
    complete_copy = tmp_path / "complete"
    shutil.copytree(store, complete_copy)
    started = time.monotonic()
    proc = allegiance("import", str(large_file), "--store", str(complete_copy))
    duration = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    complete = dump_hash(complete_copy)
    assert complete[0] > original[0]
    kills_before_commit = 0
    for attempt in range(6):
        events: list[str] = []
        child = subprocess.Popen([sys.executable, "-m", "allegiance", "import", str(large_file), "--store",
                                  str(store)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)

        def read(child: subprocess.Popen = child, events: list[str] = events) -> None:
            assert child.stderr is not None
            events.extend(child.stderr)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # bounded random delays over the whole run, the last attempts late (in or after the commit)
        delay = rng.uniform(0.2, duration * (0.6 if attempt < 4 else 1.0))
        time.sleep(delay)
        child.kill()
        child.wait()
        reader.join(5)
        committing = any("committing" in line for line in events)
        state = dump_hash(store)
        assert state in (original, complete), f"a partial store after SIGKILL at {delay:.2f} s"
        if not committing:
            kills_before_commit += 1
            assert state == original, f"killed at {delay:.2f} s, before the commit began, yet the store changed"
        if state != original:  # killed after the commit was done: start again from the original
            shutil.rmtree(store)
            shutil.copytree(pristine, store)
    assert kills_before_commit >= 1
