"""Writes over HTTP: the Graph Store Protocol at ``/store`` and SPARQL 1.1 Update at ``/update``.

Only with ``Authorization: Bearer <token>``, the token being the environment variable ``ALLEGIANCE_WRITE_TOKEN``
when the server starts: with no token set every write is refused (403); a missing or wrong one gets 401. A bearer
header is never sent by a browser on its own, so no other site can make a visitor's browser write (no CSRF), and
write routes never answer CORS (the middleware allows only GET and POST without credentials or Authorization).

A change is computed in a sandboxed worker (:mod:`allegiance.sparql.changes`): parsed, applied to a copy,
validated against the shapes (422 with the SHACL report when it breaks them), the default graph and the
inferences derived again; then committed at once (:meth:`allegiance.store.ServedStore.apply`) and visible to the
next query. Writes are serialized: each is computed against the latest committed state.

GSP: ``?default`` or ``?graph=IRI`` (indirect identification); GET and HEAD read, PUT replaces, POST adds (to the
store itself: a new graph, 201 with its IRI in ``Location``), DELETE drops (404 when absent). Reads are open.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import uuid
from collections.abc import Mapping
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from allegiance.config import Settings
from allegiance.sparql import errors
from allegiance.sparql.executor import Executor
from allegiance.sparql.jobs import Dataset, Job
from allegiance.store import ServedStore
from allegiance.web.protocol import (
    BadParameter,
    RequestBodyTooLarge,
    absolute_iri,
    graph_iris,
    media_type_of,
    read_body,
)
from allegiance.web.responses import error, failure, query_response

TOKEN_VARIABLE = "ALLEGIANCE_WRITE_TOKEN"
_BY_SUFFIX = {"ttl": "text/turtle", "nt": "application/n-triples", "rdf": "application/rdf+xml",
              "jsonld": "application/ld+json"}


class Writes:
    def __init__(self, executor: Executor, served: ServedStore, settings: Settings, *, derived_default: bool,
                 token: str | None = None, environ: Mapping[str, str] = os.environ):
        self.executor = executor
        self.served = served
        self.settings = settings
        self.derived_default = derived_default
        self.token = token if token is not None else environ.get(TOKEN_VARIABLE) or None
        self._lock = asyncio.Lock()

    def routes(self) -> list[Route]:
        return [Route("/store", self.graph_store, methods=["GET", "HEAD", "PUT", "POST", "DELETE"], name="store"),
                Route("/store/graph/{name}", self.direct, methods=["GET", "HEAD"], name="store-graph"),
                Route("/update", self.update, methods=["POST"], name="update")]

    # -- who may write
    def _refused(self, request: Request) -> Response | None:
        if not self.token:
            return error(request, 403, f"writes are off: the server was started without {TOKEN_VARIABLE}")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            return error(request, 401, "a write needs the header Authorization: Bearer <token>",
                         headers={"WWW-Authenticate": 'Bearer realm="allegiance"'})
        return None

    # -- reading a graph
    def _target(self, request: Request) -> str | None | Response:
        params = list(request.query_params.multi_items())
        names = [k for k, _ in params]
        graphs = [v for k, v in params if k == "graph"]
        if ("default" in names) == bool(graphs) or len(graphs) > 1:
            return error(request, 400, "name exactly one graph: ?default or ?graph=IRI", parameter="graph")
        if not graphs:
            return None
        try:
            return absolute_iri("graph", graphs[0])
        except BadParameter as exc:
            return error(request, 400, str(exc), parameter=exc.name)

    async def _read(self, request: Request, iri: str | None) -> Response:
        if iri is not None and not self.served.store.contains_named_graph(ox.NamedNode(iri)):
            return error(request, 404, f"no graph {iri}")
        dataset = Dataset(default_graphs=(iri,), named_graphs=()) if iri is not None else Dataset()
        accept = request.headers.get("accept") or "text/turtle"
        job = Job("CONSTRUCT WHERE { ?s ?p ?o }", dataset, accept)
        response = await query_response(request, self.executor, job)
        if request.method == "HEAD":
            return Response(status_code=response.status_code, headers=dict(response.headers))
        return response

    async def direct(self, request: Request) -> Response:
        """A graph made by a POST to /store, at its own IRI; a name no such IRI can have is simply not there."""
        try:
            iri = absolute_iri("graph", self.settings.url + f"store/graph/{request.path_params['name']}")
        except BadParameter:
            return error(request, 404, f"no graph {request.url.path}")
        return await self._read(request, iri)

    # -- the Graph Store Protocol
    async def graph_store(self, request: Request) -> Response:
        if request.method in ("GET", "HEAD"):
            target = self._target(request)
            return target if isinstance(target, Response) else await self._read(request, target)
        refused = self._refused(request)
        if refused is not None:
            return refused
        new_graph = request.method == "POST" and not request.query_params
        target = (self.settings.url + f"store/graph/{uuid.uuid4()}") if new_graph else self._target(request)
        if isinstance(target, Response):
            return target
        job: dict[str, object] = {"op": request.method.lower(), "graph": target,
                                  "derived_default": self.derived_default, "base_iri": target or self.settings.url}
        if request.method in ("PUT", "POST"):
            media_type, charset = media_type_of(request)
            if charset and charset not in ("utf-8", "utf8"):
                return error(request, 415, f"only UTF-8 is accepted, not charset={charset}")
            if media_type == "multipart/form-data" and request.method == "POST":
                parts = await self._parts(request)
                if isinstance(parts, Response):
                    return parts
                job.update(parts=parts)
            else:
                body = await self._body(request)
                if isinstance(body, Response):
                    return body
                job.update(body=body, media_type=media_type)
        head = await self._commit(request, job)
        if isinstance(head, Response):
            return head
        if new_graph:
            return Response(status_code=201, headers={"Location": str(target)})
        return Response(status_code=201 if head.get("created") else 204)

    # -- SPARQL 1.1 Update
    async def update(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        media_type, charset = media_type_of(request)
        if charset and charset not in ("utf-8", "utf8"):
            return error(request, 415, f"only UTF-8 is accepted, not charset={charset}")
        body = await self._body(request)
        if isinstance(body, Response):
            return body
        params = list(request.query_params.multi_items())
        if media_type == "application/x-www-form-urlencoded":
            params += parse_qsl(body, keep_blank_values=True)
        try:  # the protocol's dataset for the operations' WHERE (SPARQL 1.1 Protocol 2.2.3)
            using = graph_iris(params, "using-graph-uri")
            using_named = graph_iris(params, "using-named-graph-uri")
        except BadParameter as exc:
            return error(request, 400, str(exc), parameter=exc.name)
        if media_type == "application/sparql-update":
            text = body
        elif media_type == "application/x-www-form-urlencoded":
            updates = [v for k, v in parse_qsl(body, keep_blank_values=True) if k == "update"]
            if len(updates) != 1:
                return error(request, 400, "send exactly one 'update' parameter", parameter="update")
            text = updates[0]
        else:
            return error(request, 415, "an update is application/sparql-update, or a form with 'update'")
        if not text.strip():
            return error(request, 400, "the update is empty", parameter="update")
        head = await self._commit(request, {"op": "update", "update": text, "derived_default": self.derived_default,
                                            "base_iri": self.settings.url + "update", "using": list(using),
                                            "using_named": list(using_named)})
        return head if isinstance(head, Response) else Response(status_code=204)

    # -- shared
    async def _parts(self, request: Request) -> list[tuple[str, str]] | Response:
        """The RDF files of a multipart/form-data POST (GSP 5.5), each with its own media type."""
        declared = request.headers.get("content-length")
        if not declared or not declared.isdigit() or int(declared) > self.settings.max_body:
            return error(request, 413, f"a multipart body needs a Content-Length of at most {self.settings.max_body}")
        parts = []
        try:
            async with request.form(max_files=100, max_fields=100) as form:
                for _, value in form.multi_items():
                    if isinstance(value, str):
                        continue
                    data = (await value.read()).decode("utf-8")
                    media_type = (value.content_type or "").split(";")[0].strip().lower()
                    if media_type in ("", "application/octet-stream") and value.filename:
                        media_type = _BY_SUFFIX.get(value.filename.rsplit(".", 1)[-1].lower(), media_type)
                    parts.append((media_type, data))
        except (UnicodeDecodeError, ValueError, AssertionError) as exc:
            return error(request, 400, f"the multipart body cannot be read: {exc}")
        if not parts:
            return error(request, 400, "the multipart body holds no file")
        return parts

    async def _body(self, request: Request) -> str | Response:
        try:
            return (await read_body(request, self.settings.max_body)).decode("utf-8")
        except RequestBodyTooLarge:
            return error(request, 413, f"the request body is larger than the limit of {self.settings.max_body} bytes")
        except UnicodeDecodeError as exc:
            return error(request, 400, f"the request body is not UTF-8: {exc}")

    async def _commit(self, request: Request, job: dict[str, object]) -> dict[str, object] | Response:
        async with self._lock:
            try:
                head, body = await self.executor.change(job)
            except errors.QueryFailure as exc:
                if exc.report is not None:
                    return Response(exc.report.encode("utf-8"), exc.status, media_type="text/turtle; charset=utf-8",
                                    headers={"X-Problem": exc.message.splitlines()[0][:200]})
                return failure(request, exc)
            added_bytes = int(head["added_bytes"])
            await asyncio.to_thread(self.served.apply, body[:added_bytes], body[added_bytes:],
                                    head["graphs_added"], head["graphs_removed"])
        return head
