"""Canned queries as a REST API: ``/api/<name>``, the listing at ``/api``, and ``/openapi.json``.

Each ``queries/<name>.rq`` is served at ``/api/<name>`` (GET, and POST form when its header says ``method: POST``).
Its parameters come from the query string (or form) by their exposed names and are bound as RDF terms by
:meth:`allegiance.canned.CannedQuery.bind` (never spliced into the text); ``format`` overrides the Accept header
exactly as at ``/sparql``; ``page`` (from 1) selects a page of a paginated query, with ``Link`` headers
(``first``, ``prev``, ``next``). Errors: 400 naming the parameter (a problem+json body), 404 for an unknown query,
405, 406, and the engine's own status (400, 403, 422, 500, 503) on an engine error, never 200.

Wiring (the app factory takes extra routes; the executor and settings are read from ``request.app.state``)::

    create_app(settings, routes=api.routes())

SERVICE: a canned query passes the endpoint's SERVICE guard (:func:`allegiance.query_guard.check`) against
``settings.service_allowlist``. ``service_endpoints`` maps an allowlisted SERVICE IRI to the URL actually called (the
shipped ``wikidata-federated.rq`` keeps ``SERVICE <https://query.wikidata.org/sparql>``; a test maps that IRI to a
local stand-in). The mapping is operator configuration, applied after the guard, to allowlisted IRIs only.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from . import negotiation, openapi, serialization
from .canned import CannedQuery, ParameterError, load_queries
from .config import Settings
from .executor import SERVER_DEFAULT, Executor
from .negotiation import Kind
from .query_guard import QueryRefused, check, tokens

RESERVED = ("format", "page")
PROBLEM_JSON = "application/problem+json"


def problem(status: int, detail: str, parameter: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem body; ``parameter`` names the offending request parameter."""
    titles = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable"}
    body: dict = {"type": "about:blank", "title": titles.get(status, "Error"), "status": status, "detail": detail}
    if parameter is not None:
        body["parameter"] = parameter
    return Response(json.dumps(body, ensure_ascii=False).encode("utf-8"), status, headers=headers,
                    media_type=PROBLEM_JSON)


def redirect_services(query: str, endpoints: Mapping[str, str]) -> str:
    """``query`` with every ``SERVICE <iri>`` whose IRI is a key of ``endpoints`` calling the mapped URL instead.

    Only IRIs written in full after SERVICE (as in the shipped files) are rewritten; run after the guard.
    """
    if not endpoints:
        return query
    toks = tokens(query)
    out, last = [], 0
    for i, tok in enumerate(toks[:-1]):
        if tok.kind == "word" and tok.text.upper() == "SERVICE":
            j = i + 1
            if toks[j].kind == "word" and toks[j].text.upper() == "SILENT" and j + 1 < len(toks):
                j += 1
            target = toks[j]
            if target.kind == "iri" and target.text[1:-1] in endpoints:
                out.append(query[last:target.start])
                out.append(f"<{endpoints[target.text[1:-1]]}>")
                last = target.start + len(target.text)
    out.append(query[last:])
    return "".join(out)


class CannedApi:
    """The routes of the canned-query API over a set of :class:`CannedQuery` objects."""

    def __init__(self, queries: Mapping[str, CannedQuery] | None = None, *, executor: Executor | None = None,
                 settings: Settings | None = None, service_endpoints: Mapping[str, str] | None = None,
                 prefix: str = "/api"):
        self.queries = dict(load_queries() if queries is None else queries)
        self._executor = executor
        self._settings = settings
        self.service_endpoints = dict(service_endpoints or {})
        self.prefix = prefix.rstrip("/")

    def routes(self) -> list[Route]:
        return [
            Route(self.prefix, self.listing, methods=["GET"], name="api-listing"),
            Route(self.prefix + "/", self.listing, methods=["GET"]),
            Route(self.prefix + "/{name}", self.run, methods=["GET", "POST"], name="api-query"),
            Route("/openapi.json", self.openapi_document, methods=["GET"], name="openapi"),
        ]

    def executor(self, request: Request) -> Executor:
        return self._executor or request.app.state.executor

    def settings(self, request: Request) -> Settings:
        return self._settings or getattr(request.app.state, "settings", None) or Settings()

    # -- /openapi.json and /api
    async def openapi_document(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(openapi.document(self.queries, server_url=base, prefix=self.prefix))

    async def listing(self, request: Request) -> Response:
        override = request.query_params.get("format")
        offers = (negotiation.HTML, negotiation.Format("application/json", "json", (), ("json",)))
        fmt = negotiation.choose(offers, request.headers.get("accept"), override)
        if fmt is None:
            return problem(406, "no acceptable format; available: text/html, application/json")
        entries = [openapi.describe(q, self.prefix) for q in self.queries.values()]
        if fmt.name == "json":
            return JSONResponse({"queries": entries}, headers={"Vary": "Accept"})
        return HTMLResponse(_listing_html(entries, self.queries), headers={"Vary": "Accept"})

    # -- /api/<name>
    async def run(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self.queries.get(name)
        if query is None:
            return problem(404, f"no canned query named {name!r}; see {self.prefix}")
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        if request.method == "POST":
            if query.method != "POST":
                return problem(405, f"{name} is served by GET", headers={"Allow": "GET"})
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/x-www-form-urlencoded":
                return problem(415 if content_type else 400,
                               "a POST to a canned query is a form: application/x-www-form-urlencoded")
            body = await request.body()
            try:
                params += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError as exc:
                return problem(400, f"the form is not UTF-8: {exc}")
        values: dict[str, str] = {}
        for key, value in params:
            if key in values:
                return problem(400, f"parameter {key!r}: given more than once", key)
            values[key] = value
        override = values.pop("format", None)
        page_raw = values.pop("page", None)
        try:
            if query.pagination or page_raw is not None:
                page_arg = page_raw if page_raw is not None else 1
                text = query.bind_page(values, page_arg, lookahead=1)
                page = int(page_arg)
            else:
                text = query.bind(values)
        except ParameterError as exc:
            return problem(400, str(exc), exc.name)
        settings = self.settings(request)
        try:
            guarded = check(text, settings.service_allowlist)
        except QueryRefused as refused:
            return Response((refused.message + "\n").encode(), refused.status, media_type="text/plain; charset=utf-8")
        text = redirect_services(guarded.text, self.service_endpoints)
        accept = request.headers.get("accept")
        kind = guarded.kind or Kind.SOLUTIONS
        offers = negotiation.OFFERS[kind]
        fmt = negotiation.choose(offers, accept, override)
        if fmt is None:
            return problem(406, f"no acceptable format for this answer; available: {negotiation.describe(offers)}",
                           "format" if override else None)
        executor = self.executor(request)
        headers = {"Vary": "Accept"}
        if not query.pagination or kind is not Kind.SOLUTIONS:
            result = await executor.run(text, SERVER_DEFAULT, accept, format=override)
            return Response(result.body, result.status, headers=headers, media_type=result.media_type)
        # paginated: fetch one row more than a page (as SPARQL JSON) to know whether a next page exists, then
        # write the page in the negotiated format with the endpoint's serializer
        result = await executor.run(text, SERVER_DEFAULT, None, format="json")
        if not result.ok:
            return Response(result.body, result.status, headers=headers, media_type=result.media_type)
        solutions = ox.parse_query_results(result.body, format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in solutions.variables]
        rows = list(solutions)
        has_next = len(rows) > query.pagination
        body = serialization.solutions(names, rows[:query.pagination], fmt)
        headers["Link"] = _links(request, page, has_next)
        media_type = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
        return Response(body, 200, headers=headers, media_type=media_type)


def _links(request: Request, page: int, has_next: bool) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def url(n: int) -> str:
        return str(request.url.replace(query=urlencode([*items, ("page", str(n))])))

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(page - 1)}>; rel="prev"')
    if has_next:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return ", ".join(links)


def _listing_html(entries: list[dict], queries: Mapping[str, CannedQuery]) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>Canned queries</title>',
             "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}"
             "pre{background:#f4f4f4;padding:.5rem;overflow:auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}</style></head><body>",
             "<h1>Canned queries</h1>",
             '<p>Each query is served at <code>/api/&lt;name&gt;</code> in the formats of <a href="/sparql">/sparql</a> '
             '(<code>format=json|xml|csv|tsv</code> or Accept). The API is described by '
             '<a href="/openapi.json">/openapi.json</a>.</p>', "<ul>"]
    for entry in entries:
        parts.append(f'<li><a href="#{e(entry["name"])}">{e(entry["name"])}</a>: {e(entry["summary"])}</li>')
    parts.append("</ul>")
    for entry in entries:
        q = queries[entry["name"]]
        parts.append(f'<section id="{e(entry["name"])}"><h2>{e(entry["name"])}</h2>')
        parts.append(f"<p><strong>{e(entry['summary'])}</strong></p><p>{e(entry['description'])}</p>")
        if entry["tags"]:
            parts.append(f"<p>Tags: {e(', '.join(entry['tags']))}</p>")
        parts.append(f"<p>Method: {e(entry['method'])}"
                     + (f"; pagination: {entry['pagination']} rows a page (<code>page=</code>)"
                        if entry["pagination"] else "") + "</p>")
        if entry["parameters"]:
            parts.append("<table><tr><th>parameter</th><th>type</th><th>required</th><th>default</th>"
                         "<th>values</th></tr>")
            for p in entry["parameters"]:
                parts.append(f"<tr><td><code>{e(p['name'])}</code></td><td>{e(p['type'])}</td>"
                             f"<td>{'yes' if p['required'] else 'no'}</td><td>{e(p.get('default') or '')}</td>"
                             f"<td>{e(', '.join(p.get('enum') or []))}</td></tr>")
            parts.append("</table>")
        else:
            parts.append("<p>No parameters.</p>")
        parts.append(f'<p>Example: <a href="{e(entry["example"])}">{e(entry["example"])}</a></p>')
        parts.append(f"<details><summary>Query text</summary><pre>{e(q.text)}</pre></details></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def routes(queries: Mapping[str, CannedQuery] | None = None, *, executor: Executor | None = None,
           settings: Settings | None = None, service_endpoints: Mapping[str, str] | None = None,
           prefix: str = "/api") -> list[Route]:
    """The API's routes, to pass to ``create_app(settings, routes=...)``.

    ``queries`` defaults to ``queries/*.rq``; ``executor`` and ``settings`` default to ``request.app.state``'s.
    """
    return CannedApi(queries, executor=executor, settings=settings, service_endpoints=service_endpoints,
                     prefix=prefix).routes()
