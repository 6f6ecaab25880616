"""The OpenAPI 3.1 document of the server: the canned-query API, generated from the ``#+`` headers of
``queries/*.rq``, and every other route the app serves (:func:`service_paths`), but those in :data:`LEFT_OUT`.

One path per query (``/api/<name>``), its parameters with JSON Schemas from their type suffixes (and the header's
defaults and enumerations, which also give the examples), ``format`` and ``page``, and the response media types
of ``/sparql``'s content negotiation. Errors are RFC 9457 problem+json, or plain text for clients that do not take
JSON (:func:`allegiance.web.responses.error`).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from allegiance import __version__
from allegiance.sparql import formats as negotiation
from allegiance.sparql.canned import CannedQuery, Parameter
from allegiance.sparql.formats import GRAPH_FORMATS, HTML, RDF_DOCUMENT_FORMATS, RESULT_FORMATS, Kind
from allegiance.web.views import KINDS

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


# Routes the app serves that the document leaves out, by path template (as Starlette writes it), and why; a key
# ending in "/..." covers every route under it.
LEFT_OUT: dict[str, str] = {
    "/static/...": "static files of the pages (CSS, JavaScript, the editor and the vendored libraries), not an API",
    "/favicon.ico": "the site's icon",
    "/api/": "the same listing as /api",
    "/allegiance/": "the same home page as /",
    "/allegiance/...": "every route under /allegiance/ is the same as the route without it (the path of the public "
                       "base https://w3id.org/allegiance/), documented once",
}


def left_out(template: str) -> str | None:
    """Why the route ``template`` is not in the document, or None when it should be."""
    if template in LEFT_OUT:
        return LEFT_OUT[template]
    return next((why for key, why in LEFT_OUT.items()
                 if key.endswith("/...") and (template + "/").startswith(key[:-3])), None)


ALIAS_PREFIX = "/allegiance"

_RDF = [f.media_type for f in RDF_DOCUMENT_FORMATS]
_ANSWERS = sorted({f.media_type for f in (*RESULT_FORMATS, *GRAPH_FORMATS)})
_SEE_OTHER = {"description": "see the document in the negotiated format (HTML or RDF), named in Location",
              "headers": {"Location": {"schema": {"type": "string"}}}}


def _errors(*statuses: int) -> dict:
    """Error responses: problem+json for clients that take JSON, else plain text."""
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
               "text/plain": {"schema": {"type": "string"}}}
    return {str(s): {"description": _ERRORS[s], "content": content} for s in statuses}


_ERRORS = {400: "a bad parameter or body, named in the message", 401: "a write without the right bearer token",
           403: "writes are off (no token set), an update at /sparql, or a SERVICE the server does not allow",
           404: "nothing here", 405: "the method is not allowed here", 406: "no acceptable format",
           408: "the request body did not arrive in time", 413: "the body is over the limit",
           415: "an unsupported Content-Type or charset", 422: "the answer is over the byte cap, or the write breaks "
           "the shapes (then the body is the SHACL report in Turtle)", 500: "the engine failed",
           502: "an allowlisted SERVICE endpoint failed", 503: "the query ran over the time limit, or the server is "
           "busy (Retry-After)", 504: "an allowlisted SERVICE endpoint timed out"}


def _ok(description: str, media_types: list[str], **extra: object) -> dict:
    return {"description": description, "content": {m: {"schema": {}} for m in media_types}, **extra}


def _op(summary: str, responses: dict, parameters: list | None = None, **extra: object) -> dict:
    return {"summary": summary, "tags": ["service"], "parameters": parameters or [], "responses": responses,
            **extra}


def _param(name: str, description: str, *, where: str = "query", required: bool = False,
           schema: dict | None = None) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "description": description,
            "schema": schema or {"type": "string"}}


def service_paths() -> dict:
    """Every route of the app but the canned queries and :data:`LEFT_OUT`, as OpenAPI path items."""
    fmt = _param("format", "the answer's format (a short name or a media type); overrides Accept")
    dataset = [_param("default-graph-uri", "an IRI: a graph of the default graph (repeatable)"),
               _param("named-graph-uri", "an IRI: a named graph of the dataset (repeatable)")]
    query = _param("query", "the SPARQL query; without it, a GET answers with the Service Description")
    answered = _ok("the answer (or the Service Description), in the negotiated format", _ANSWERS)
    sparql_errors = _errors(400, 403, 406, 413, 415, 422, 500, 502, 503, 504)
    body = {"required": True, "content": {
        "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "query": {"type": "string"}, "default-graph-uri": {"type": "string"},
            "named-graph-uri": {"type": "string"}}, "required": ["query"]}},
        "application/sparql-query": {"schema": {"type": "string"}}}}
    bearer: list[dict[str, list[str]]] = [{"bearer": []}]
    graph = [_param("graph", "the graph's IRI (indirect identification)"),
             _param("default", "the default graph (give it or graph, not both)", schema={"type": "string"})]
    rdf_body = {"required": True, "content": {m: {"schema": {"type": "string"}} for m in _RDF}}
    graph_read = {"200": _ok("the graph", _ANSWERS), "304": {"description": "not modified"},
                  **_errors(400, 404, 406, 503)}
    write_errors = _errors(400, 401, 403, 404, 408, 413, 415, 422, 503)
    write_errors["422"]["content"]["text/turtle"] = {"schema": {"type": "string"}}
    html = {"200": _ok("the page", ["text/html"]), **_errors(400)}
    data = {"200": _ok("the data", ["application/json"]), **_errors(400, 404, 503)}
    picture = {"200": _ok("the picture", ["image/svg+xml", "image/png", "application/json"]), **_errors(400, 404, 503)}
    paths: dict = {
        "/sparql": {
            "get": _op("SPARQL 1.1 Protocol query by GET", {"200": answered, "304": {"description": "not modified"},
                                                              **sparql_errors}, [query, *dataset, fmt]),
            "post": _op("SPARQL 1.1 Protocol query by POST (form or direct)",
                        {"200": answered, **sparql_errors}, [*dataset, fmt], requestBody=body)},
        "/api": {"get": _op("the canned queries, with their parameters and examples",
                            {"200": _ok("the listing", ["application/json", "text/html"]), **_errors(406)}, [fmt])},
        "/openapi.json": {"get": _op("this document", {"200": _ok("the OpenAPI document", ["application/json"])})},
        "/.well-known/void": {"get": _op("the VoID description of the dataset",
                                         {"200": _ok("the description", ["text/html", *_RDF]), **_errors(406)},
                                         [fmt])},
        "/dump.nq.gz": {"get": _op("every quad of the store, gzip N-Quads",
                                   {"200": _ok("the dump (N-Quads, gzipped)", ["application/gzip"])}),
                        "head": _op("the dump's headers", {"200": {"description": "the dump's headers"}})},
        "/context.jsonld": {"get": _op("the JSON-LD context of the vocabulary",
                                       {"200": _ok("the context", ["application/ld+json"])})},
        "/store": {
            "get": _op("Graph Store Protocol: read a graph", graph_read, graph),
            "head": _op("Graph Store Protocol: a graph's headers", {"200": {"description": "the headers"},
                                                                     **_errors(400, 404, 406)}, graph),
            "put": _op("Graph Store Protocol: replace a graph", {"201": {"description": "created"},
                                                                  "204": {"description": "replaced"}, **write_errors},
                       graph, requestBody=rdf_body, security=bearer),
            "post": _op("Graph Store Protocol: add to a graph, or (no parameter) make a new one",
                        {"201": {"description": "created; a new graph's IRI in Location"},
                         "204": {"description": "added"}, **write_errors}, graph, requestBody=rdf_body,
                        security=bearer),
            "delete": _op("Graph Store Protocol: drop a graph", {"204": {"description": "dropped"}, **write_errors},
                          graph, security=bearer)},
        "/store/graph/{name}": {
            "get": _op("a graph made by POST /store (direct identification)", graph_read,
                       [_param("name", "the graph's name", where="path")]),
            "head": _op("a graph's headers", {"200": {"description": "the headers"}, **_errors(404, 406)},
                        [_param("name", "the graph's name", where="path")])},
        "/update": {"post": _op("SPARQL 1.1 Update", {"204": {"description": "done"}, **write_errors},
                                requestBody={"required": True, "content": {
                                    "application/sparql-update": {"schema": {"type": "string"}},
                                    "application/x-www-form-urlencoded": {"schema": {
                                        "type": "object", "properties": {"update": {"type": "string"}},
                                        "required": ["update"]}}}},
                                security=bearer)},
        "/": {"get": _op("the query page", html)},
        "/query": {"get": _op("the query page", html)},
        "/ontology": {"get": _op("the ontology: 303 to its document", {"303": _SEE_OTHER, **_errors(406)})},
        "/ontology.{ext}": {"get": _op("the ontology as a document (html, ttl, nt, jsonld, rdf)",
                                       {"200": _ok("the ontology", ["text/html", *_RDF]), **_errors(404)},
                                       [_param("ext", "the document's extension", where="path")])},
        "/ontology/{version}": {"get": _op("a version IRI of the ontology: 303 to the current one",
                                           {"303": _SEE_OTHER, **_errors(404, 406)},
                                           [_param("version", "the version", where="path")])},
        "/dataset": {"get": _op("the dataset IRI: 303 to its VoID description", {"303": _SEE_OTHER, **_errors(404)})},
        "/dataset/{name}": {"get": _op("a part of the dataset (a linkset): 303 to its description",
                                       {"303": _SEE_OTHER, **_errors(404)},
                                       [_param("name", "the part", where="path")])},
        "/graph/{rest}": {"get": _op("a named graph's IRI: 303 to the graph in the Graph Store",
                                     {"303": _SEE_OTHER, **_errors(404)},
                                     [_param("rest", "the graph's path", where="path")])},
        "/network": {"get": _op("the allegiance network (HTML)", {**html, **_errors(400, 503)},
                                [_param("year", "only the ties of this year", schema={"type": "integer"}),
                                 _param("affiliations", "also draw affiliations (1, true)")])},
        "/timeline": {"get": _op("the timeline of pledges and accusations (HTML)", {**html, **_errors(503)})},
        "/map": {"get": _op("the map of claims by country (HTML)", {**html, **_errors(503)})},
        "/network.json": {"get": _op("the network's nodes and ties (the data of /network)", data,
                                     [_param("year", "only the ties of this year", schema={"type": "integer"}),
                                      _param("affiliations", "also the affiliations (1, true)")])},
        "/network/neighbours.json": {"get": _op("an entity's neighbours in the network", data,
                                                [_param("entity", "the entity's IRI", required=True)])},
        "/timeline.json": {"get": _op("the timeline's events (the data of /timeline)", data)},
        "/map.json": {"get": _op("claims by country (the data of /map)", data)},
        "/plots/network.{fmt}": {"get": _op("the network as a picture or its data", picture,
                                            [_param("fmt", "svg, png or json", where="path"),
                                             _param("year", "only the ties of this year", schema={"type": "integer"}),
                                             _param("affiliations", "also draw affiliations (1, true)")])},
        "/plots/timeline.{fmt}": {"get": _op("the timeline as a picture or its data", picture,
                                             [_param("fmt", "svg, png or json", where="path")])},
    }
    for kind in KINDS:
        paths[f"/{kind}/{{name}}"] = {"get": _op(
            f"a /{kind}/ IRI: 303 to its document; NAME.EXT (html, ttl, nt, jsonld, rdf) is the document",
            {"303": _SEE_OTHER, "200": _ok("the document", [HTML.media_type, *_RDF]), **_errors(404, 406, 503)},
            [_param("name", "the local name, or NAME.EXT", where="path")])}
    return paths


def document(queries: Mapping[str, CannedQuery], server_url: str | None = None, prefix: str = "/api") -> dict:
    paths: dict = service_paths()
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
        "tags": [{"name": t} for t in tags] + [{"name": "service", "description": "the protocol, the writes, "
                                                                                 "the dataset and the pages"}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "the server's ALLEGIANCE_WRITE_TOKEN"}},
                       "schemas": {"Problem": {
            "type": "object", "required": ["title", "status", "detail"],
            "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                           "detail": {"type": "string"},
                           "parameter": {"type": "string", "description": "the request parameter at fault"}}}}},
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
