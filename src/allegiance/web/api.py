"""Canned queries as a REST API: ``/api/<name>``, the listing at ``/api``, and ``/openapi.json``.

Each ``queries/<name>.rq`` is served at ``/api/<name>`` (GET, and POST form when its header says ``method: POST``).
Its parameters come from the query string (or form) by their exposed names and are bound by the engine
(:meth:`allegiance.sparql.canned.CannedQuery.job`, SEP-0007 substitutions; the text is never changed); ``format``
overrides the Accept header exactly as at ``/sparql``; ``page`` (from 1) selects a page of a paginated query, with
``Link`` headers (``first``, ``prev``, ``next``) built from the server's public URL. Every error is problem+json:
400 naming the parameter, 404 for an unknown query, 405, 406, and the engine's own status.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, Router

from allegiance.config import Settings
from allegiance.sparql.canned import CannedQuery, ParameterError
from allegiance.sparql.executor import Executor
from allegiance.sparql.formats import HTML, SPARQL_JSON, choose
from allegiance.sparql.jobs import Answer
from allegiance.web import openapi
from allegiance.web.protocol import RequestBodyTooLarge, media_type_of, read_body
from allegiance.web.responses import error, query_response
from allegiance.web.templates import TEMPLATES

RESERVED = ("format", "page")


class CannedApi:
    """The routes of the canned-query API over a set of :class:`CannedQuery` objects."""

    def __init__(self, queries: Mapping[str, CannedQuery], executor: Executor, settings: Settings,
                 prefix: str = "/api"):
        self.queries = dict(queries)
        self.executor = executor
        self.settings = settings
        self.prefix = prefix.rstrip("/")

    def routes(self) -> list[Route]:
        return [
            Route(self.prefix, self.listing, methods=["GET"], name="api-listing"),
            Route(self.prefix + "/", self.listing, methods=["GET"]),
            Route(self.prefix + "/{name}", self.run, methods=["GET", "POST"], name="api-query"),
            Route("/openapi.json", self.openapi_document, methods=["GET"], name="openapi"),
        ]

    def router(self) -> Router:
        return Router(routes=self.routes())

    async def openapi_document(self, request: Request) -> Response:
        return JSONResponse(openapi.document(self.queries, server_url=self.settings.url.rstrip("/"),
                                             prefix=self.prefix))

    async def listing(self, request: Request) -> Response:
        fmt = choose((HTML, SPARQL_JSON), request.headers.get("accept"), request.query_params.get("format"))
        entries = [openapi.describe(q, self.prefix) for q in self.queries.values()]
        if fmt is None:
            return error(request, 406, "no acceptable format; available: text/html, application/json", problem=True)
        if fmt is SPARQL_JSON:
            return JSONResponse({"queries": entries}, headers={"Vary": "Accept"})
        page = TEMPLATES.get_template("api.html").render(
            entries=entries, texts={q.name: q.text for q in self.queries.values()}, root="", path="/api",
            static="/static/ui")
        return HTMLResponse(page, headers={"Vary": "Accept"})

    async def _values(self, request: Request, query: CannedQuery) -> dict[str, str] | Response:
        params: list[tuple[str, str]] = list(request.query_params.multi_items())
        if request.method == "POST":
            if query.method != "POST":
                return error(request, 405, f"{query.name} is served by GET", headers={"Allow": "GET"}, problem=True)
            media_type, _ = media_type_of(request)
            if media_type != "application/x-www-form-urlencoded":
                return error(request, 415, "a POST to a canned query is a form: application/x-www-form-urlencoded",
                             problem=True)
            try:
                body = await read_body(request, self.settings.max_body)
                params += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except RequestBodyTooLarge:
                return error(request, 413, f"the form is larger than {self.settings.max_body} bytes", problem=True)
            except UnicodeDecodeError as exc:
                return error(request, 400, f"the form is not UTF-8: {exc}", problem=True)
        values: dict[str, str] = {}
        for key, value in params:
            if key in values:
                return error(request, 400, f"parameter {key!r}: given more than once", parameter=key, problem=True)
            values[key] = value
        return values

    async def run(self, request: Request) -> Response:
        name = request.path_params["name"]
        query = self.queries.get(name)
        if query is None:
            return error(request, 404, f"no canned query named {name!r}; see {self.prefix}", problem=True)
        values = await self._values(request, query)
        if isinstance(values, Response):
            return values
        override = values.pop("format", None)
        page_raw = values.pop("page", None)
        try:
            job = query.job(values, page=page_raw, accept=request.headers.get("accept"), format=override)
        except ParameterError as exc:
            return error(request, 400, str(exc), parameter=exc.name, problem=True)
        page = job.page

        def links(result: Answer) -> dict[str, str]:
            if page is None:
                return {}
            return {"Link": self._links(request, page.offset // page.size + 1, bool(result.has_next))}

        return await query_response(request, self.executor, job, problem=True, headers=links)

    def _links(self, request: Request, page: int, has_next: bool) -> str:
        items = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        base = self.settings.url.rstrip("/") + request.url.path

        def url(n: int) -> str:
            return base + "?" + urlencode([*items, ("page", str(n))])

        links = [f'<{url(1)}>; rel="first"']
        if page > 1:
            links.append(f'<{url(page - 1)}>; rel="prev"')
        if has_next:
            links.append(f'<{url(page + 1)}>; rel="next"')
        return ", ".join(links)
