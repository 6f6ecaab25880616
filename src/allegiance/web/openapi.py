"""The OpenAPI 3.1 document of the canned-query API, generated from the ``#+`` headers of ``queries/*.rq``.

One path per query (``/api/<name>``), its parameters with JSON Schemas from their type suffixes (and the header's
defaults and enumerations, which also give the examples), ``format`` and ``page``, and the response media types
of ``/sparql``'s content negotiation.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from allegiance import __version__
from allegiance.sparql import formats as negotiation
from allegiance.sparql.canned import CannedQuery, Parameter
from allegiance.sparql.formats import Kind

XSD = "http://www.w3.org/2001/XMLSchema#"

_XSD_SCHEMAS: dict[str, dict] = {
    XSD + "integer": {"type": "integer"},
    XSD + "decimal": {"type": "number"},
    XSD + "double": {"type": "number"},
    XSD + "boolean": {"type": "boolean"},
    XSD + "date": {"type": "string", "format": "date"},
    XSD + "dateTime": {"type": "string", "format": "date-time"},
    XSD + "gYear": {"type": "string", "pattern": r"^-?[0-9]{4,}$"},
    XSD + "gYearMonth": {"type": "string", "pattern": r"^-?[0-9]{4,}-[0-9]{2}$"},
}


def parameter_type(p: Parameter) -> str:
    if p.kind == "iri":
        return "IRI"
    if p.kind == "typed":
        return "xsd:" + (p.datatype or "").rpartition("#")[2]
    if p.kind == "language":
        return f"literal@{p.language}"
    return "literal"


def parameter_schema(p: Parameter) -> dict:
    if p.kind == "iri":
        schema: dict = {"type": "string", "format": "iri"}
    elif p.kind == "typed":
        schema = dict(_XSD_SCHEMAS.get(p.datatype or "", {"type": "string"}))
    else:
        schema = {"type": "string"}
    if p.enum:
        schema["enum"] = [_typed(p, v) for v in p.enum]
    if p.default is not None:
        schema["default"] = _typed(p, p.default)
    return schema


def _typed(p: Parameter, value: str):
    kind = parameter_schema_type(p)
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return value.lower() in ("true", "1")
    except ValueError:
        pass
    return value


def parameter_schema_type(p: Parameter) -> str:
    if p.kind == "typed":
        return _XSD_SCHEMAS.get(p.datatype or "", {"type": "string"})["type"]
    return "string"


def example_url(q: CannedQuery, prefix: str = "/api") -> str:
    values = [(p.name, p.default) for p in q.parameters if p.default is not None]
    values += [(p.name, p.enum[0]) for p in q.parameters if p.default is None and p.required and p.enum]
    return f"{prefix}/{q.name}" + (("?" + urlencode(values)) if values else "")


def describe(q: CannedQuery, prefix: str = "/api") -> dict:
    """A query's entry in the ``/api`` listing (JSON)."""
    return {
        "name": q.name, "path": f"{prefix}/{q.name}", "summary": q.summary, "description": q.description,
        "tags": list(q.tags), "method": q.method, "pagination": q.pagination, "form": q.form,
        "parameters": [{"name": p.name, "type": parameter_type(p), "required": p.required, "default": p.default,
                        "enum": list(p.enum), "variable": "?" + p.variable} for p in q.parameters],
        "example": example_url(q, prefix),
    }


def _kind(q: CannedQuery) -> Kind:
    return {"SELECT": Kind.SOLUTIONS, "ASK": Kind.BOOLEAN}.get(q.form, Kind.GRAPH)


def _operation(q: CannedQuery) -> dict:
    params: list[dict] = []
    for p in q.parameters:
        entry = {"name": p.name, "in": "query", "required": p.required and p.default is None,
                 "description": f"{parameter_type(p)} ({p.description}), bound to ?{p.variable}",
                 "schema": parameter_schema(p)}
        if p.default is not None:
            entry["example"] = _typed(p, p.default)
        params.append(entry)
    offers = negotiation.OFFERS[_kind(q)]
    params.append({"name": "format", "in": "query", "required": False,
                   "description": "the answer's format; overrides the Accept header",
                   "schema": {"type": "string", "enum": sorted({s for f in offers for s in f.short})}})
    if q.pagination:
        params.append({"name": "page", "in": "query", "required": False,
                       "description": f"the page, {q.pagination} rows a page; Link headers give first, prev, next",
                       "schema": {"type": "integer", "minimum": 1, "default": 1}})
    ok: dict = {"description": "the answer", "content": {f.media_type: {"schema": {}} for f in offers}}
    if q.pagination:
        ok["headers"] = {"Link": {"description": 'RFC 8288 links: rel="first", "prev", "next"',
                                  "schema": {"type": "string"}}}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "operationId": q.name,
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "parameters": params,
        "responses": {
            "200": ok,
            "304": {"description": "not modified since the ETag given in If-None-Match"},
            "400": {"description": "a missing, unknown or ill-typed parameter (named in the body), or a query the "
                                   "engine refused", "content": problem},
            "403": {"description": "a SERVICE endpoint the server does not allow", "content": problem},
            "405": {"description": "the query is served by another method", "content": problem},
            "406": {"description": "no acceptable format", "content": problem},
            "413": {"description": "the form is over the body limit", "content": problem},
            "415": {"description": "a POST that is not a form", "content": problem},
            "422": {"description": "the answer is over the server's byte cap", "content": problem},
            "500": {"description": "the engine failed", "content": problem},
            "502": {"description": "an allowlisted SERVICE endpoint failed", "content": problem},
            "503": {"description": "the query ran over the time limit, or the server is busy", "content": problem},
            "504": {"description": "an allowlisted SERVICE endpoint timed out", "content": problem},
        },
    }


def document(queries: Mapping[str, CannedQuery], server_url: str | None = None, prefix: str = "/api") -> dict:
    paths: dict = {}
    for name in sorted(queries):
        q = queries[name]
        paths[f"{prefix}/{name}"] = {q.method.lower(): _operation(q)}
    tags = sorted({t for q in queries.values() for t in q.tags})
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "allegiance canned queries", "version": __version__,
                 "description": "Canned SPARQL queries over the allegiance knowledge graph (pledges of allegiance "
                                "to the Islamic State and accusations of collaboration with it, as sourced "
                                "claims), generated from the #+ headers of queries/*.rq.",
                 "license": {"name": "Code: MIT; data and ontology: CC-BY-4.0"}},
        "tags": [{"name": t} for t in tags],
        "paths": paths,
        "components": {"schemas": {"Problem": {
            "type": "object", "required": ["title", "status", "detail"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                           "detail": {"type": "string"},
                           "parameter": {"type": "string", "description": "the request parameter at fault"}}}}},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
