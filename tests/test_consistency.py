"""HermiT, through owlready2, finds the ontology and instances consistent, and catches an inconsistent fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from allegiance.kb.consistency import check_consistency
from allegiance.kb.load import parse_file

FIXTURES = Path(__file__).parent / "fixtures" / "owl"

pytestmark = pytest.mark.slow


def test_shipped_knowledge_base_is_consistent(kb_graph):
    result = check_consistency(kb_graph)
    assert result.consistent
    assert result.unsatisfiable_classes == []


@pytest.mark.parametrize("fixture, culprit", [
    ("inconsistent.ttl", "https://w3id.org/allegiance/id/test-person-and-group is both"),
    ("range-clash.ttl", "https://w3id.org/allegiance/id/test-accusation is both"),
])
def test_inconsistent_fixture_is_caught_and_named(kb_graph, fixture, culprit):
    data = parse_file(FIXTURES / fixture, kb_graph + kb_graph.__class__())
    result = check_consistency(data)
    assert not result.consistent
    assert any(c.startswith(culprit) for c in result.culprits), result.culprits


def test_unsatisfiable_class_is_reported(kb_graph):
    data = parse_file(FIXTURES / "unsatisfiable.ttl", kb_graph + kb_graph.__class__())
    result = check_consistency(data)
    assert result.consistent
    assert result.unsatisfiable_classes == ["https://w3id.org/allegiance/test#MediaMilitia"]
