"""What the interactive pictures tell of a claim: its label, status, date and precision, sources and an excerpt.

Shared by :mod:`allegiance.plots.graph` (the network), :mod:`allegiance.plots.marks` (the timeline) and
:mod:`allegiance.plots.geo` (the map). Every value comes from the store (SPARQL over its default graph); links
are local server paths (``/id/<name>.html``), never the public ``https://w3id.org/`` base.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import Any

from allegiance.namespaces import BASE
from allegiance.plots.data import _labels, _query, local_name

KINDS = ("id", "source", "concept")  # the dereferenceable kinds of project IRIs (see web.linked_data.KINDS)

_CLAIMS = """
SELECT ?c (MIN(?l) AS ?label) (MIN(STR(?st)) AS ?status) (MIN(?ex) AS ?excerpt) WHERE {
  VALUES ?c { %s }
  OPTIONAL { ?c rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
  OPTIONAL { ?c alg:status ?st }
  OPTIONAL { ?c prov:qualifiedDerivation ?d .
             OPTIONAL { ?d alg:joinedExcerpt ?j } OPTIONAL { ?d alg:excerpt ?e } BIND(COALESCE(?j, ?e) AS ?ex) }
} GROUP BY ?c
"""

_SOURCES = """
SELECT ?c ?src (MIN(?t) AS ?title) WHERE {
  VALUES ?c { %s }
  ?c prov:wasDerivedFrom ?src .
  OPTIONAL { ?src dcterms:title ?t }
} GROUP BY ?c ?src
"""


def href(iri: str | None) -> str | None:
    """The local HTML page of a project IRI (``https://w3id.org/allegiance/id/x`` -> ``/id/x.html``), else None."""
    if not iri or not iri.startswith(BASE):
        return None
    rest = iri[len(BASE):]
    kind, _, name = rest.partition("/")
    if kind not in KINDS or not name or "/" in name:
        return None
    return f"/{rest}.html"


def precision(lexical: str | None) -> str | None:
    """``day``, ``month`` or ``year``: how precise an xsd:date / gYearMonth / gYear lexical form is."""
    if not lexical or len(lexical) < 4 or not lexical[:4].isdigit():
        return None
    if len(lexical) >= 10 and lexical[7] == "-":
        return "day"
    if len(lexical) >= 7 and lexical[4] == "-":
        return "month"
    return "year"


def span(lexical: str | None) -> tuple[str, str] | None:
    """The first and last day a stated date can stand for: a year spans the year, a month the month."""
    p = precision(lexical)
    if p is None or lexical is None:
        return None
    year = int(lexical[:4])
    if p == "day":
        return lexical[:10], lexical[:10]
    if p == "month":
        month = int(lexical[5:7])
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def claim_details(store: Any, iris: Iterable[str], chunk: int = 200) -> dict[str, dict[str, Any]]:
    """Per claim IRI: ``label``, ``status`` (local name), ``excerpt``, ``href`` and ``sources`` (IRI, title,
    href), in a stable order."""
    ordered = sorted(set(iris))
    details: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ordered), chunk):
        part = ordered[i:i + chunk]
        for r in _query(store, _CLAIMS % _values(part)):
            details[r["c"]] = {"iri": r["c"], "label": r.get("label") or local_name(r["c"]),
                               "status": local_name(r.get("status")), "excerpt": r.get("excerpt"),
                               "href": href(r["c"]), "sources": []}
        for r in sorted(_query(store, _SOURCES % _values(part)), key=lambda r: r["src"]):
            details[r["c"]]["sources"].append({"iri": r["src"], "title": r.get("title") or local_name(r["src"]),
                                               "href": href(r["src"])})
    return details


def labels(store: Any, iris: Iterable[str]) -> dict[str, str]:
    """English labels (else any label, else the local name) of IRIs."""
    return _labels(store, iris)
