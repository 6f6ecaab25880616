"""SHACL validation of the knowledge base against the shapes in ``shapes/``.

:func:`validate` runs pyshacl without inference (the data graph already holds the ontology, so targets by class
follow its ``rdfs:subClassOf`` links) and with SHACL-SPARQL and SHACL-AF enabled, and returns a
:class:`ValidationResult` whose :class:`Violation` s are plain, comparable values sorted in a stable order.
:func:`format_violation` renders one on a line with the project's prefixes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import processor as _sparql_processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.term import Node

from allegiance.namespaces import PREFIXES, RDF, SH, XSD


@dataclass(frozen=True)
class Violation:
    """One validation result (sh:ValidationResult) of the report."""

    focus_node: Node
    result_path: Node | None
    value: Node | None
    source_shape: Node
    constraint_component: URIRef
    severity: URIRef
    message: str

    def sort_key(self) -> tuple:
        return (
            _stable(self.focus_node),
            _stable(self.result_path),
            _stable(self.constraint_component),
            _stable(self.source_shape),
            _stable(self.value),
            self.message,
        )


@dataclass
class ValidationResult:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    report_graph: Graph | None = field(default=None, repr=False, compare=False)


def _stable(node: Node | None) -> str:
    """A sort key that does not depend on blank node labels (which change from one parse to the next)."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "~_:"  # blank nodes sort after IRIs and literals, among themselves by the other fields
    return node.n3()


def _message(report: Graph, result: Node) -> str:
    messages = sorted(report.objects(result, SH.resultMessage),
                      key=lambda m: (getattr(m, "language", None) != "en", str(m)))
    return str(messages[0]) if messages else ""


# pyshacl hands rdflib the text of a SHACL-SPARQL constraint once per focus node, and rdflib parses it anew each
# time (about 0.1 s a parse): a few thousand focus nodes would take minutes. The text is the same for every focus
# node ($this is passed as an initial binding), so while validating, parsed and translated queries are kept by text.
_QUERY_CACHE: dict[tuple, Any] = {}
_PATCH_LOCK = threading.RLock()


@contextmanager
def _cached_sparql_parsing() -> Iterator[None]:
    original = _sparql_processor.SPARQLProcessor.query

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, frozenset((initNs or {}).items()) if isinstance(initNs, Mapping) else None)
            prepared = _QUERY_CACHE.get(key)
            if prepared is None:
                prepared = translateQuery(parseQuery(strOrQuery), base, initNs)
                if len(_QUERY_CACHE) > 512:
                    _QUERY_CACHE.clear()
                _QUERY_CACHE[key] = prepared
            strOrQuery = prepared
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with _PATCH_LOCK:
        # a deliberate monkeypatch of rdflib's method while validating (see above), which mypy forbids by default
        _sparql_processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            _sparql_processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def validate(data: Graph, shapes: Graph) -> ValidationResult:
    """Validate ``data`` (ontology plus instances) against ``shapes``; return every result, sorted."""
    with _cached_sparql_parsing():
        conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    violations = []
    # Only the report's own results: pyshacl also types the nested results it attaches with sh:detail (for
    # sh:node, sh:or, ...) as sh:ValidationResult, and those are explanations of a result, not results.
    results = {r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)}
    for result in results:
        violations.append(
            Violation(
                focus_node=report.value(result, SH.focusNode),
                result_path=report.value(result, SH.resultPath),
                value=report.value(result, SH.value),
                source_shape=report.value(result, SH.sourceShape),
                constraint_component=report.value(result, SH.sourceConstraintComponent),
                severity=report.value(result, SH.resultSeverity),
                message=_message(report, result),
            )
        )
    violations.sort(key=Violation.sort_key)
    return ValidationResult(conforms=bool(conforms), violations=violations, report_graph=report)


SHAPES_NS = "https://w3id.org/allegiance/shapes#"
_BARE = {XSD.integer, XSD.decimal, XSD.double, XSD.boolean}
_BY_LENGTH = sorted({**PREFIXES, "algsh": SHAPES_NS}.items(), key=lambda kv: -len(kv[1]))


def qname(node: Node | None) -> str:
    """A prefixed name for an IRI of a known namespace (the project's prefixes, and ``algsh:`` for the shapes),
    ``<iri>`` otherwise; literals in N3 (long ones cut), blank nodes as ``[]``."""
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        iri = str(node)
        for prefix, ns in _BY_LENGTH:
            if iri.startswith(ns):
                local = iri[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
                    return f"{prefix}:{local}"
        return f"<{iri}>"
    if isinstance(node, Literal):
        text = str(node)
        if node.datatype in _BARE and node.language is None:
            return text
        if len(text) > 60:
            text = text[:57] + "..."
        lit = Literal(text, lang=node.language, datatype=node.datatype)
        if node.datatype is not None:
            return f'"{_escape(text)}"^^{qname(node.datatype)}'
        return lit.n3()
    if isinstance(node, BNode):
        return "[]"
    return node.n3()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def format_violation(v: Violation) -> str:
    """One line: ``Severity focus path [value]: message (component, shape)``."""
    severity = qname(v.severity).removeprefix("sh:")
    component = qname(v.constraint_component).removeprefix("sh:").removesuffix("ConstraintComponent")
    parts = [f"{severity}: {qname(v.focus_node)}"]
    if v.result_path is not None:
        parts.append(qname(v.result_path))
    if v.value is not None and v.value != v.focus_node:
        parts.append(f"= {qname(v.value)}")
    head = " ".join(parts)
    where = component if isinstance(v.source_shape, BNode) else f"{component} in {qname(v.source_shape)}"
    message = " ".join(v.message.split())
    return f"{head}: {message} [{where}]"


__all__ = ["Violation", "ValidationResult", "validate", "format_violation", "qname", "SHAPES_NS"]
