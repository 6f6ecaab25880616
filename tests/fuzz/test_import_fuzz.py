"""Property-based tests of ``allegiance import`` (:func:`allegiance.store.imports.import_files`): random, truncated
and mutated files of every RDF syntax (plain and gzipped, some gzip streams cut short) either import or are refused
with an :class:`ImportFailure` (a parse failure naming the file, or a refusal), never another exception, and a
refused import leaves the store exactly as it was (the SHA-256 of its sorted N-Quads).

The store is a small one on disk (a few quads of the knowledge base's sources registry), so each example is quick;
the shapes are the knowledge base's.
"""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allegiance.store.embedded import EmbeddedStore
from allegiance.store.imports import ImportFailure, ParseFailure, import_files, import_graph_iri, load_shapes

from . import strategies as S
from .conftest import FUZZ

pytestmark = pytest.mark.slow

SUFFIX = {"text/turtle": ".ttl", "application/n-triples": ".nt", "application/ld+json": ".jsonld",
          "application/rdf+xml": ".rdf", "application/n-quads": ".nq", "application/trig": ".trig"}
SEED = ('<https://w3id.org/allegiance/source/000_fac6d62cb4587eed> '
        '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/allegiance/ontology#SourceDocument> '
        '<https://w3id.org/allegiance/graph/instances/sources> .\n')


def digest(store: ox.Store) -> tuple[int, str]:
    lines = sorted(str(q) for q in store.quads_for_pattern(None, None, None, None))
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture(scope="module")
def target(tmp_path_factory) -> EmbeddedStore:
    path = tmp_path_factory.mktemp("import-fuzz") / "store"
    store = ox.Store(str(path))
    store.load(SEED.encode(), format=ox.RdfFormat.N_QUADS)
    store.flush()
    return EmbeddedStore(store=store)


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


@pytest.fixture(scope="module")
def outcomes() -> dict[str, int]:
    return {}


@settings(FUZZ, max_examples=200)
@given(doc=S.rdf_bodies(), gz=st.sampled_from(("", "", ".gz", ".gz-cut")),
       name=st.sampled_from(("f", "a-b", "é", "x.y", "a b", "50%", "#")))
def test_random_files_import_or_are_refused_and_a_refusal_changes_nothing(target, shapes, outcomes, tmp_path_factory,
                                                                          doc, gz, name):
    ctype, body = doc
    media_type = ctype.split(";")[0].strip()
    suffix = SUFFIX.get(media_type, ".ttl")
    if gz:
        packed = gzip.compress(body)
        body = packed[: len(packed) // 2] if gz == ".gz-cut" else packed
        suffix += ".gz"
    path = tmp_path_factory.mktemp("f") / (name + suffix)
    path.write_bytes(body)
    before = digest(target.store)
    try:
        result = import_files(target, [path], shapes=shapes)
    except ParseFailure as exc:
        assert str(path) in str(exc), str(exc)
        outcomes["parse"] = outcomes.get("parse", 0) + 1
    except ImportFailure:
        outcomes["refused"] = outcomes.get("refused", 0) + 1
    else:
        after = digest(target.store)
        assert after[0] == before[0] + result.added, (result, before, after)
        outcomes["imported"] = outcomes.get("imported", 0) + 1
        return
    assert digest(target.store) == before, f"a refused import changed the store: {path.name} {body[:200]!r}"


def test_the_fuzz_reached_every_outcome(outcomes):
    """A fuzz that only ever met parse errors would prove little: refusals and imports happened too."""
    assert outcomes.get("parse", 0) > 0 and outcomes.get("imported", 0) + outcomes.get("refused", 0) > 0, outcomes


def test_a_file_name_with_a_space_imports_or_is_refused_cleanly(target, shapes, tmp_path):
    """Found by the fuzz above with the file name 'a b.ttl': its graph IRI is the stem, percent-encoded."""
    path = tmp_path / "a b.nt"
    path.write_text('<urn:fuzz:s> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n', encoding="utf-8")
    assert import_graph_iri(path) == "https://w3id.org/allegiance/graph/import/a%20b"  # the stem, percent-encoded
    before = digest(target.store)
    try:
        import_files(target, [path], shapes=shapes)
    except ImportFailure as exc:  # the seed store is not valid on its own: refused by the shapes, not the name
        assert "IRI" not in str(exc) and "SHACL" in str(exc), exc
        assert digest(target.store) == before
