"""Shared fixtures: the knowledge base parsed once per test session."""

from __future__ import annotations

import pytest
from rdflib import Graph

from allegiance.kb.load import KnowledgeBase, load
from allegiance.namespaces import sparql_prologue


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(scope="session")
def kb_graph(kb: KnowledgeBase) -> Graph:
    """Ontology plus every instances file, as one rdflib graph."""
    return kb.data()


def ask(graph: Graph, where: str) -> bool:
    """ASK over ``graph`` with the project's prefixes declared; ``where`` is the group pattern's body."""
    return bool(graph.query(sparql_prologue() + "ASK {\n" + where + "\n}").askAnswer)


def select(graph: Graph, query: str) -> list[tuple]:
    """SELECT with the project's prefixes declared; rows as tuples of Python values (str for IRIs)."""
    rows = graph.query(sparql_prologue() + query)
    return [tuple(None if v is None else (v.toPython() if hasattr(v, "toPython") else v) for v in row) for row in rows]
