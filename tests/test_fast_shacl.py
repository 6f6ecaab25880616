"""The fast validator (kb/shacl.py: shapes compiled to SPARQL, run by pyoxigraph) against pyshacl (kb/validation.py).

Both must return exactly the same results, field for field (focus node, path, value, source shape, constraint
component, severity, message), on every fixture of ``fixtures/shapes/``, on a few literals whose lexical forms are
ill-formed, and on the shipped data; and the fast one must be at least 10x faster on the shipped data.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rdflib import Graph

from allegiance.kb import shacl
from allegiance.kb.load import parse_file
from allegiance.kb.validation import Violation, format_violation, validate
from allegiance.namespaces import SH

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
CASES = sorted(p.stem for p in FIXTURES.glob("*.ttl") if not p.name.startswith("_"))

PREFIXES = """
@prefix alg: <https://w3id.org/allegiance/ontology#> . @prefix id: <https://w3id.org/allegiance/id/> .
@prefix time: <http://www.w3.org/2006/time#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
# Edge cases beyond the fixtures: ill-formed lexical forms (pyshacl checks them for sh:datatype), language tags in
# other cases and with subtags (sh:uniqueLang, sh:languageIn), several violations on one node.
EXTRA = {
    "ill-formed-integer": 'id:s000-revocation-c alg:numberOfPersons "many"^^xsd:integer .',
    "ill-formed-date": 'id:s000-figure-c alg:earliest "2014-02-30"^^xsd:date .',
    "labels-in-other-cases": 'id:group-a rdfs:label "Gruppe A"@DE , "Gruppe A."@de ; skos:altLabel "A"@en-GB .',
    "english-label-with-subtag": 'id:group-b rdfs:label "Group B."@en-GB .',
    "several-at-once": 'id:s000-pledge-c alg:pledgeKind 12 ; alg:scope "whole" ; alg:status <http://example.org/x> .',
}


def _key(v: Violation) -> tuple:
    return (v.focus_node, v.result_path, v.value, v.source_shape, v.constraint_component, v.severity, v.message)


def _same(slow: list[Violation], fast: list[Violation]) -> None:
    """Equal as multisets, with the differences named when they are not."""
    a, b = sorted(map(_key, slow), key=str), sorted(map(_key, fast), key=str)
    if a != b:
        only_slow = [format_violation(v) for v in slow if _key(v) not in b]
        only_fast = [format_violation(v) for v in fast if _key(v) not in a]
        pytest.fail("pyshacl only:\n  " + "\n  ".join(only_slow) + "\nfast only:\n  " + "\n  ".join(only_fast)
                    + f"\n({len(a)} against {len(b)} results)")


@pytest.fixture(scope="module")
def base(kb) -> Graph:
    g = Graph()
    g += kb.ontology
    parse_file(FIXTURES / "_base.ttl", g)
    return g


def test_base_conforms_in_both(base, kb):
    _same(validate(base, kb.shapes).violations, shacl.validate(base, kb.shapes).violations)
    assert shacl.validate(base, kb.shapes).conforms


@pytest.mark.parametrize("case", CASES)
def test_same_results_as_pyshacl(case, base, kb):
    data = Graph()
    data += base
    parse_file(FIXTURES / f"{case}.ttl", data)
    slow = validate(data, kb.shapes)
    fast = shacl.validate(data, kb.shapes)
    _same(slow.violations, fast.violations)
    assert fast.conforms == slow.conforms
    assert fast.violations == slow.violations  # the same order too (both sorted by Violation.sort_key)


@pytest.mark.parametrize("case", sorted(EXTRA))
def test_same_results_on_edge_cases(case, base, kb):
    data = Graph()
    data += base
    data.parse(data=PREFIXES + EXTRA[case], format="turtle")
    _same(validate(data, kb.shapes).violations, shacl.validate(data, kb.shapes).violations)


def test_report_is_a_standard_shacl_report(base, kb, tmp_path):
    data = Graph()
    data += base
    parse_file(FIXTURES / "pledge-no-kind.ttl", data)
    result = shacl.validate(data, kb.shapes)
    out = tmp_path / "report.ttl"
    shacl.write_report(result, out)
    report = Graph().parse(out, format="turtle")
    (rep,) = report.subjects(predicate=None, object=SH.ValidationReport)
    assert report.value(rep, SH.conforms).toPython() is False
    (res,) = report.objects(rep, SH.result)
    assert report.value(res, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent
    assert report.value(res, SH.resultMessage) is not None


def test_unsupported_features_are_refused():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .""", format="turtle")
    with pytest.raises(shacl.UnsupportedShape):
        shacl.Validator(shapes)


def test_shipped_data_same_and_ten_times_faster(kb, kb_graph):
    started = time.perf_counter()
    slow = validate(kb_graph, kb.shapes)
    slow_seconds = time.perf_counter() - started
    shacl.validator_for(kb.shapes)  # compiled once per shapes graph, as an import would
    started = time.perf_counter()
    fast = shacl.validate(kb_graph, kb.shapes)
    fast_seconds = time.perf_counter() - started
    _same(slow.violations, fast.violations)
    assert fast.conforms and slow.conforms
    print(f"\nshipped data ({len(kb_graph)} triples): pyshacl {slow_seconds:.2f} s, fast {fast_seconds:.3f} s, "
          f"{slow_seconds / fast_seconds:.0f}x")
    assert slow_seconds / fast_seconds >= 10, f"pyshacl {slow_seconds:.2f} s, fast {fast_seconds:.2f} s"
